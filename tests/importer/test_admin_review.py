"""The admin review of imported quotes: the article with each proposal marked,
confirm or reject in a click, fix the speaker on the quote's page."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from statements.choices import QuoteStatus
from statements.models import Quote, Speaker, Statement
from tests.test_admin import posted_values

ARTICLES = Path(__file__).resolve().parent / "articles"


@pytest.fixture
def imported(db):
    """The BBC article imported: 8 proposed quotes, three without a speaker."""
    call_command(
        "import_article", str(ARTICLES / "bbc-water-firms.html"), stderr=io.StringIO()
    )
    return Statement.objects.get()


def review_url(statement) -> str:
    return reverse("admin:statements_statement_review", args=[statement.pk])


def test_the_review_page_marks_each_proposal_in_the_article(admin_client, imported):
    response = admin_client.get(review_url(imported))
    assert response.status_code == 200
    html = response.content.decode()
    quotes = list(Quote.all_objects.filter(statement=imported).order_by("id"))
    assert "8 quote(s) proposed and awaiting review" in html
    for number, quote in enumerate(quotes, start=1):
        start, end = quote.spans.values_list("start", "end")[0]
        assert (
            f'<mark title="{number} (proposed)">{imported.text[start:end]}</mark>'
            in html.replace("&#x27;", "'")
        )
    assert reverse("admin:statements_quote_change", args=[quotes[0].pk]) in html
    change = admin_client.get(
        reverse("admin:statements_statement_change", args=[imported.pk])
    )
    assert review_url(imported) in change.content.decode()


def test_confirming_makes_quotes_public_but_not_one_without_a_speaker(
    admin_client, imported, client
):
    quotes = Quote.all_objects.filter(statement=imported)
    response = admin_client.post(
        review_url(imported),
        {"status": "confirmed", "quote": [q.pk for q in quotes]},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert "5 quote(s) confirmed." in messages
    assert sum(m.startswith("Not confirmed:") for m in messages) == 3
    assert quotes.filter(status=QuoteStatus.CONFIRMED).count() == 5
    assert set(
        quotes.filter(speaker__isnull=True).values_list("status", flat=True)
    ) == {QuoteStatus.PROPOSED}
    body = client.get("/api/v1/quotes/", {"statement": imported.slug}).json()
    assert body["count"] == 5


def test_rejecting_from_the_quote_list_action(admin_client, imported):
    quote = Quote.all_objects.filter(statement=imported).first()
    response = admin_client.post(
        reverse("admin:statements_quote_changelist"),
        {"action": "reject_quotes", "_selected_action": [quote.pk]},
        follow=True,
    )
    assert response.status_code == 200
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.REJECTED


def test_fix_the_speaker_then_confirm(admin_client, imported):
    quote = Quote.all_objects.get(statement=imported, text__startswith="Companies")
    speaker = Speaker.objects.create(
        slug="water-uk-spokesperson", name="A spokesperson"
    )
    url = reverse("admin:statements_quote_change", args=[quote.pk])
    data = posted_values(admin_client.get(url))
    data["speaker"] = str(speaker.pk)
    data["status"] = QuoteStatus.CONFIRMED
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    quote.refresh_from_db()
    assert (quote.speaker, quote.status) == (speaker, QuoteStatus.CONFIRMED)


def test_a_confirmed_quote_without_speaker_is_a_form_error(admin_client, imported):
    quote = Quote.all_objects.get(statement=imported, text__startswith="Companies")
    url = reverse("admin:statements_quote_change", args=[quote.pk])
    data = posted_values(admin_client.get(url))
    data["status"] = QuoteStatus.CONFIRMED
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "A confirmed quote needs a speaker" in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PROPOSED
