"""The admin: every page loads, spans are checked as a form error, no N+1 queries."""

import pytest
from django.contrib import admin
from django.core import checks
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from statements.models import (
    Event,
    Organization,
    PartnerKey,
    Quote,
    Speaker,
    StakeholderGroup,
    Statement,
    Theme,
    split_paragraphs,
)
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    QuoteFactory,
    QuoteStakeholderFactory,
    SpeakerRoleFactory,
    StakeholderGroupFactory,
    StatementFactory,
    ThemeFactory,
)

REGISTERED = [
    Speaker,
    Event,
    Theme,
    StakeholderGroup,
    Statement,
    Quote,
    Organization,
]
STRONG_INTEREST = "blinken-strong-interest-in-border-security"
IN_PARTICULAR = "blinken-stabilize-and-strengthen-host-communities"
STATEMENT_SLUG = "voa-blinken-on-meeting-the-migration-challenge"


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:statements_{model._meta.model_name}_{view}", args=args)


def posted_values(response) -> dict:
    """What the browser would post back for the change form on `response`."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(item) for item in value]
            data[form.add_prefix(name)] = value
    return data


def quote_state(slug: str) -> tuple:
    quote = Quote.objects.get(slug=slug)
    return (
        quote.text,
        quote.updated_at,
        list(quote.spans.values_list("pk", "position", "start", "end")),
    )


def test_the_admin_passes_the_system_checks():
    assert checks.run_checks(tags=[checks.Tags.admin]) == []


def test_every_model_with_a_public_record_is_registered():
    registered = {
        model for model in admin.site._registry if model._meta.app_label == "statements"
    }

    # PartnerKey (API keys) is registered by statements.admin_access.
    assert registered - {PartnerKey} == set(REGISTERED)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model.__name__)
def test_changelist_add_and_change_pages_load(seeded, admin_client, model):
    instance = model.objects.order_by("pk").first()

    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", instance.pk),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model.__name__)
def test_changelist_search_and_filters_answer(seeded, admin_client, model):
    response = admin_client.get(admin_url(model, "changelist"), {"q": "migration"})

    assert response.status_code == 200
    assert response.context["cl"].has_filters


@pytest.mark.parametrize(
    ("model", "field", "term", "expected"),
    [
        (Quote, "speaker", "blinken", "Antony Blinken"),
        (Quote, "statement", "migration challenge", "Blinken On Meeting"),
        (Quote, "event", "reception", "Reception"),
        (Quote, "themes", "poverty", "Poverty"),
        (Statement, "stakeholder_groups", "ngo", "NGOs"),
        (Event, "parent", "ministerial", "Ministerial Conference"),
        (Theme, "parent", "root causes", "Root causes of migration"),
    ],
)
def test_relations_autocomplete(seeded, admin_client, model, field, term, expected):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "statements",
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": term,
        },
    )

    assert response.status_code == 200
    texts = [result["text"] for result in response.json()["results"]]
    assert any(expected in text for text in texts), texts


# --- the quote page -------------------------------------------------------------------


def test_the_quote_page_marks_every_span_in_the_statement(seeded, admin_client):
    quote = Quote.objects.get(slug=IN_PARTICULAR)

    response = admin_client.get(admin_url(Quote, "change", quote.pk))

    html = response.content.decode()
    assert html.count("<mark ") == 2
    assert '<mark title="span 0">In particular,</mark>' in html
    assert (
        '<mark title="span 1">we have to work together to help stabilize and '
        "strengthen communities"
    ) in html
    assert "opportunity for everyone.</mark>”\nThis is a job for governments" in html


def test_the_preview_escapes_the_statement_text(db, admin_client):
    statement = StatementFactory(
        text='<script>alert("x")</script> is quoted. <b>Bold</b> follows.'
    )
    quote = QuoteFactory(statement=statement)

    response = admin_client.get(admin_url(Quote, "change", quote.pk))

    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<b>Bold</b>" not in html
    assert (
        '<mark title="span 0">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; is '
        "quoted.</mark> &lt;b&gt;Bold&lt;/b&gt; follows."
    ) in html


def test_the_statement_page_marks_its_quotes(seeded, admin_client):
    statement = Statement.objects.get(slug=STATEMENT_SLUG)

    response = admin_client.get(admin_url(Statement, "change", statement.pk))

    html = response.content.decode()
    assert html.count('<mark title="blinken-') == 7
    assert statement.text_sha256 in html
    assert 'name="text_sha256"' not in html
    for quote in Quote.objects.all():
        assert quote.slug in html


def change_quote(admin_client, slug, edit):
    quote = Quote.objects.get(slug=slug)
    url = admin_url(Quote, "change", quote.pk)
    data = posted_values(admin_client.get(url))
    edit(data)
    return admin_client.post(url, data)


def end_past_the_quotation_mark(data):
    data["spans-0-end"] = "328"


def end_past_the_text(data):
    data["spans-0-end"] = "5000"


def add_an_overlapping_span(data):
    data.update(
        {
            "spans-TOTAL_FORMS": "2",
            "spans-1-position": "1",
            "spans-1-start": "300",
            "spans-1-end": "310",
        }
    )


def delete_the_only_span(data):
    data["spans-0-DELETE"] = "on"


def change_the_quote_text(data):
    data["text"] = data["text"].replace("strong", "keen")


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        pytest.param(
            end_past_the_quotation_mark,
            "the spans read 'We have a strong interest in protecting the security "
            "of our borders in a safe, o'... but the quote text is",
            id="text-mismatch",
        ),
        pytest.param(
            end_past_the_text,
            "span 0 [224, 5000) is outside 0 <= start < end <= 2382",
            id="out-of-range",
        ),
        pytest.param(
            add_an_overlapping_span,
            "span 1 starts at 300, before the previous span ends at 327",
            id="overlapping",
        ),
        pytest.param(
            delete_the_only_span, "a quote needs at least one span", id="no-span"
        ),
        pytest.param(
            change_the_quote_text,
            "but the quote text is 'We have a keen interest",
            id="quote-text-changed",
        ),
    ],
)
def test_bad_spans_are_a_form_error_and_nothing_is_saved(
    seeded, admin_client, edit, problem
):
    before = quote_state(STRONG_INTEREST)

    response = change_quote(admin_client, STRONG_INTEREST, edit)

    assert response.status_code == 200
    (spans_formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "spans"
    ]
    errors = spans_formset.non_form_errors()
    assert len(errors) == 1
    assert errors[0].startswith(
        f"The spans of quote '{STRONG_INTEREST}' do not match: "
    )
    assert problem in errors[0]
    html = response.content.decode()
    assert "errornote" in html
    assert f"The spans of quote &#x27;{STRONG_INTEREST}&#x27; do not match" in html
    assert quote_state(STRONG_INTEREST) == before


def test_an_unchanged_quote_saves_without_touching_its_spans(seeded, admin_client):
    _, _, spans_before = quote_state(IN_PARTICULAR)

    def edit(data):
        data["provenance_note"] += " Checked again."

    response = change_quote(admin_client, IN_PARTICULAR, edit)

    assert response.status_code == 302
    quote = Quote.objects.get(slug=IN_PARTICULAR)
    assert quote.provenance_note.endswith(" Checked again.")
    assert quote_state(IN_PARTICULAR)[2] == spans_before


def test_matching_spans_and_text_are_saved_together(seeded, admin_client):
    text = Statement.objects.get(slug=STATEMENT_SLUG).text
    first = (224, 224 + len("We have a strong interest"))
    second_start = text.index("in a safe, orderly")
    second = (second_start, second_start + len("in a safe, orderly, and humane way"))

    def edit(data):
        data.update(
            {
                "text": "We have a strong interest in a safe, orderly, and humane way",
                "spans-TOTAL_FORMS": "2",
                "spans-0-end": str(first[1]),
                "spans-1-position": "1",
                "spans-1-start": str(second[0]),
                "spans-1-end": str(second[1]),
            }
        )

    response = change_quote(admin_client, STRONG_INTEREST, edit)

    assert response.status_code == 302
    quote = Quote.objects.get(slug=STRONG_INTEREST)
    assert quote.text == "We have a strong interest in a safe, orderly, and humane way"
    assert list(quote.spans.values_list("position", "start", "end")) == [
        (0, *first),
        (1, *second),
    ]


def test_a_span_ending_before_it_starts_is_a_field_error(seeded, admin_client):
    before = quote_state(STRONG_INTEREST)

    def edit(data):
        data["spans-0-start"], data["spans-0-end"] = "327", "224"

    response = change_quote(admin_client, STRONG_INTEREST, edit)

    assert response.status_code == 200
    (spans_formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "spans"
    ]
    assert spans_formset.errors == [
        {"end": ["A span ends after it starts: 224 is not after 327."]}
    ]
    assert "224 is not after 327" in response.content.decode()
    assert quote_state(STRONG_INTEREST) == before


def test_spans_out_of_order_are_a_form_error(seeded, admin_client):
    before = quote_state(IN_PARTICULAR)

    def edit(data):
        data["spans-1-start"], data["spans-1-end"] = "100", "110"

    response = change_quote(admin_client, IN_PARTICULAR, edit)

    assert response.status_code == 200
    assert (
        "span 1 starts at 100, before the previous span ends at 1307; spans must be "
        "ordered and disjoint"
    ) in response.content.decode()
    assert quote_state(IN_PARTICULAR) == before


def test_two_spans_can_swap_rows(seeded, admin_client):
    quote = Quote.objects.get(slug=IN_PARTICULAR)

    def edit(data):
        # The first row takes the second span and the other way round.
        data.update(
            {
                "spans-0-position": "1",
                "spans-0-start": "1334",
                "spans-0-end": "1773",
                "spans-1-position": "0",
                "spans-1-start": "1293",
                "spans-1-end": "1307",
            }
        )

    response = change_quote(admin_client, IN_PARTICULAR, edit)

    assert response.status_code == 302
    assert list(quote.spans.values_list("position", "start", "end")) == [
        (0, 1293, 1307),
        (1, 1334, 1773),
    ]


def add_quote_data(admin_client, **spans):
    statement = Statement.objects.get(slug=STATEMENT_SLUG)
    data = posted_values(admin_client.get(admin_url(Quote, "add")))
    data.update(
        {
            "slug": "blinken-on-the-move",
            "statement": str(statement.pk),
            "speaker": str(Speaker.objects.get().pk),
            "fidelity": "direct",
            "text": "This is a challenge",
            **spans,
        }
    )
    return data


def test_a_quote_is_added_with_its_spans(seeded, admin_client):
    data = add_quote_data(
        admin_client,
        **{"spans-0-position": "0", "spans-0-start": "2270", "spans-0-end": "2289"},
    )

    response = admin_client.post(admin_url(Quote, "add"), data)

    assert response.status_code == 302
    quote = Quote.objects.get(slug="blinken-on-the-move")
    assert list(quote.spans.values_list("position", "start", "end")) == [
        (0, 2270, 2289)
    ]


def test_a_quote_is_not_added_without_matching_spans(seeded, admin_client):
    count = Quote.objects.count()
    data = add_quote_data(
        admin_client,
        **{"spans-0-position": "0", "spans-0-start": "2270", "spans-0-end": "2290"},
    )

    response = admin_client.post(admin_url(Quote, "add"), data)

    assert response.status_code == 200
    assert (
        "The spans of quote &#x27;blinken-on-the-move&#x27; do not match: the spans "
        "read &#x27;This is a challenge "
    ) in response.content.decode()
    assert Quote.objects.count() == count


# --- the statement page ---------------------------------------------------------------


def change_statement(admin_client, edit):
    statement = Statement.objects.get(slug=STATEMENT_SLUG)
    url = admin_url(Statement, "change", statement.pk)
    data = posted_values(admin_client.get(url))
    edit(data)
    return admin_client.post(url, data)


def test_a_statement_text_that_moves_its_quotes_is_a_form_error(seeded, admin_client):
    before = Statement.objects.values_list("text", "text_sha256", "updated_at").get()

    def edit(data):
        data["text"] = "Editor's note. " + data["text"]

    response = change_statement(admin_client, edit)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["text"]
    assert errors[0] == "The new text no longer matches its quotes."
    assert any(f"quote '{STRONG_INTEREST}'" in error for error in errors)
    assert "The new text no longer matches its quotes." in response.content.decode()
    assert Statement.objects.values_list("text", "text_sha256", "updated_at").get() == (
        before
    )


def test_a_statement_posted_with_browser_line_breaks_keeps_its_text(
    seeded, admin_client
):
    before = Statement.objects.values_list("text", "text_sha256").get()

    def edit(data):
        data["text"] = data["text"].replace("\n", "\r\n")
        data["title"] += " (checked)"

    response = change_statement(admin_client, edit)

    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.title.endswith(" (checked)")
    assert (statement.text, statement.text_sha256) == before


def test_a_statement_text_that_keeps_its_quotes_is_saved(seeded, admin_client):
    def edit(data):
        data["text"] += "\nA correction was appended."

    response = change_statement(admin_client, edit)

    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.text.endswith("\nA correction was appended.")
    assert len(split_paragraphs(statement.text)) == 8


# --- speakers, events, themes ---------------------------------------------------------


def test_the_speaker_page_lists_the_roles(seeded, admin_client):
    speaker = Speaker.objects.get(slug="antony-blinken")

    response = admin_client.get(admin_url(Speaker, "change", speaker.pk))

    (roles,) = response.context["inline_admin_formsets"]
    assert [form.instance.title for form in roles.formset.forms] == [
        "Secretary of State"
    ]


def test_the_event_page_lists_the_sub_events(seeded, admin_client):
    conference = Event.objects.get(
        slug="ministerial-conference-on-migration-and-protection-2022"
    )

    response = admin_client.get(admin_url(Event, "change", conference.pk))

    hosts, children = response.context["inline_admin_formsets"]
    assert sorted(
        (form.instance.organization.slug, form.instance.role)
        for form in hosts.formset.forms
        if form.instance.pk
    ) == [
        ("government-of-panama", "host"),
        ("government-of-the-united-states", "co_host"),
    ]
    assert sorted(form.instance.kind for form in children.formset.forms) == [
        "reception",
        "session",
    ]
    assert "Sub-events" in response.content.decode()


def test_top_level_events_can_be_filtered(seeded, admin_client):
    response = admin_client.get(
        admin_url(Event, "changelist"), {"parent__isempty": "1"}
    )

    assert [event.slug for event in response.context["cl"].result_list] == [
        "ministerial-conference-on-migration-and-protection-2022"
    ]


def test_the_theme_changelist_is_a_tree(db, admin_client):
    beta = ThemeFactory(name="Beta")
    alpha = ThemeFactory(name="alpha")
    zulu = ThemeFactory(name="Zulu", parent=alpha)
    charlie = ThemeFactory(name="Charlie", parent=alpha)
    delta = ThemeFactory(name="Delta", parent=charlie)

    response = admin_client.get(admin_url(Theme, "changelist"))

    results = response.context["cl"].result_list
    assert [(theme.name, theme.tree_depth) for theme in results] == [
        ("alpha", 0),
        ("Charlie", 1),
        ("Delta", 2),
        ("Zulu", 1),
        ("Beta", 0),
    ]
    html = response.content.decode()
    assert (
        '<span class="theme-depth-2" style="padding-left: 3.0em">Delta</span>' in html
    )
    assert html.index(">Delta<") < html.index(">Zulu<") < html.index(">Beta<")
    assert {beta, alpha, zulu, charlie, delta} == set(results)


def test_the_seeded_themes_are_listed_depth_first(seeded, admin_client):
    response = admin_client.get(admin_url(Theme, "changelist"))

    names = [
        (theme.tree_depth, theme.name) for theme in response.context["cl"].result_list
    ]
    assert len(names) == Theme.objects.count() == 22
    assert names[0] == (0, "Migration")
    root_causes = names.index((1, "Root causes of migration"))
    assert names[root_causes + 1 : root_causes + 8] == [
        (2, "Climate crisis"),
        (2, "Corruption"),
        (2, "COVID-19"),
        (2, "Insecurity"),
        (2, "Lack of economic opportunity"),
        (2, "Political upheaval"),
        (2, "Poverty"),
    ]


def test_sorting_the_themes_by_a_column_still_works(seeded, admin_client):
    response = admin_client.get(admin_url(Theme, "changelist"), {"o": "2"})

    slugs = [theme.slug for theme in response.context["cl"].result_list]
    assert slugs == sorted(slugs)


# --- query counts ---------------------------------------------------------------------


def make_quote():
    statement = StatementFactory(event=EventFactory(), themes=[ThemeFactory()])
    quote = QuoteFactory(statement=statement, themes=[ThemeFactory()])
    QuoteStakeholderFactory(quote=quote)
    return quote


def make_speaker():
    return SpeakerRoleFactory().speaker


def make_event():
    return EventFactory(parent=EventFactory())


def make_theme():
    return ThemeFactory(parent=ThemeFactory(parent=ThemeFactory()))


MAKERS = {
    Quote: make_quote,
    Statement: lambda: make_quote().statement,
    Speaker: make_speaker,
    Event: make_event,
    Theme: make_theme,
    StakeholderGroup: StakeholderGroupFactory,
    Organization: lambda: OrganizationFactory(parent=OrganizationFactory()),
}


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model.__name__)
def test_changelist_queries_do_not_grow_with_the_rows(
    db, admin_client, django_assert_num_queries, model
):
    url = admin_url(model, "changelist")
    MAKERS[model]()
    admin_client.get(url)  # The session and the content types, once.
    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(url).status_code == 200

    for _ in range(12):
        MAKERS[model]()

    with django_assert_num_queries(len(one_row)):
        response = admin_client.get(url)
    assert response.context["cl"].result_count == model.objects.count() > 12


def test_the_quote_change_page_queries_do_not_grow_with_its_spans(
    db, admin_client, django_assert_num_queries
):
    statement = StatementFactory(text=" ".join(f"Word{n}." for n in range(40)))
    short = QuoteFactory(statement=statement, spans=[(0, 6)])
    long = QuoteFactory(
        statement=statement, spans=[(start, start + 6) for start in range(0, 280, 7)]
    )
    for quote in (short, long):
        QuoteStakeholderFactory(quote=quote)
    admin_client.get(admin_url(Quote, "change", short.pk))
    with CaptureQueriesContext(connection) as one_span:
        admin_client.get(admin_url(Quote, "change", short.pk))

    with django_assert_num_queries(len(one_span)):
        response = admin_client.get(admin_url(Quote, "change", long.pk))
    assert response.content.decode().count("<mark ") == 40


# --- Login lockout (django-axes) behind a proxy ---------------------------------


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        "editor", "editor@example.org", "the-right-password"
    )


def log_in(client, password: str, forwarded_for: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_a_proxy_a_lockout_holds_only_the_client_that_failed(
    client, editor, settings
):
    settings.NUM_PROXIES = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", "203.0.113.7")

    assert log_in(client, "the-right-password", "203.0.113.7").status_code == 429
    other_client = log_in(client, "the-right-password", "203.0.113.8:5555")
    assert other_client.status_code == 302
    assert other_client["Location"] == "/admin/"


def test_an_ipv6_client_is_locked_out_by_its_64_network(client, editor, settings):
    settings.NUM_PROXIES = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", "[2001:db8:1:2::1]:443")

    assert log_in(client, "the-right-password", "2001:db8:1:2::2").status_code == 429
    assert log_in(client, "the-right-password", "2001:db8:1:3::1").status_code == 302
