"""Fixtures of the API tests: linked rows made with the factories."""

import pytest
from rest_framework.test import APIClient

from statements.choices import KeyScope
from statements.models import PartnerKey
from tests.factories import (
    EventFactory,
    EventHostFactory,
    QuoteFactory,
    QuoteStakeholderFactory,
    SpeakerFactory,
    SpeakerRoleFactory,
    StakeholderGroupFactory,
    StatementFactory,
    ThemeFactory,
)

SEARCH_WORD = "harbour"


@pytest.fixture
def editor(db):
    """A client with an editor's key: it may write."""
    _, raw = PartnerKey.objects.create_key(name="Newsroom", scope=KeyScope.EDITOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def make_linked_rows(db):
    """Make `n` sets of rows that use every relation the API serializes.

    Each set is a speaker with a role (at an organization), an event with a
    parent (hosted by an organization), a theme with a parent, a stakeholder
    group, a statement written by the speaker, published by the host and linked
    to all of them, and a quote of it by the speaker linked to the child theme
    and the group. Every text carries SEARCH_WORD, so
    that a search finds every resource.
    """

    def make(n: int) -> None:
        for _ in range(n):
            parent_theme = ThemeFactory(description=f"A {SEARCH_WORD} theme.")
            theme = ThemeFactory(parent=parent_theme)
            group = StakeholderGroupFactory(description=f"A {SEARCH_WORD} group.")
            parent_event = EventFactory(description=f"A {SEARCH_WORD} event.")
            event = EventFactory(parent=parent_event)
            speaker = SpeakerFactory(biography=f"Works at the {SEARCH_WORD}.")
            SpeakerRoleFactory(speaker=speaker)
            statement = StatementFactory(
                text=f"The {SEARCH_WORD} is open today. It was shut last year.",
                author_speaker=speaker,
                author_organization=None,
                event=event,
                themes=[parent_theme, theme],
                stakeholder_groups=[group],
            )
            EventHostFactory(event=parent_event, organization=statement.publisher)
            quote = QuoteFactory(statement=statement, speaker=speaker, themes=[theme])
            QuoteStakeholderFactory(quote=quote, group=group)

    return make
