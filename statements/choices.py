"""Enumerations shared by the models, the filters and the OpenAPI schema."""

from django.db import models


class EventKind(models.TextChoices):
    CONFERENCE = "conference", "Conference"
    SESSION = "session", "Session"
    RECEPTION = "reception", "Reception"
    PRESS_CONFERENCE = "press_conference", "Press conference"
    MEETING = "meeting", "Meeting"
    SUMMIT = "summit", "Summit"
    SPEECH = "speech", "Speech"
    INTERVIEW = "interview", "Interview"
    OTHER = "other", "Other"


class StatementKind(models.TextChoices):
    EDITORIAL = "editorial", "Editorial"
    ARTICLE = "article", "Article"
    TRANSCRIPT = "transcript", "Transcript"
    PRESS_RELEASE = "press_release", "Press release"
    INTERVIEW = "interview", "Interview"
    SPEECH = "speech", "Speech"
    SOCIAL_MEDIA = "social_media", "Social media post"
    OTHER = "other", "Other"


class Fidelity(models.TextChoices):
    DIRECT = "direct", "Direct quotation"
    REPORTED = "reported", "Reported speech"
    PARAPHRASE = "paraphrase", "Paraphrase"


class QuoteStatus(models.TextChoices):
    """An editor's decision on a quote: only confirmed quotes are public."""

    PROPOSED = "proposed", "Proposed (awaiting review)"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class StakeholderCategory(models.TextChoices):
    GOVERNMENT = "government", "Government"
    CIVIL_SOCIETY = "civil_society", "Civil society"
    PRIVATE_SECTOR = "private_sector", "Private sector"
    MULTILATERAL_INSTITUTION = "multilateral_institution", "Multilateral institution"
    PUBLIC_AGENCY = "public_agency", "Public agency"
    AFFECTED_POPULATION = "affected_population", "Affected population"
    OTHER = "other", "Other"


class StakeholderRole(models.TextChoices):
    CALLED_TO_ACT = "called_to_act", "Called on to act"
    AFFECTED = "affected", "Affected"
    BENEFICIARY = "beneficiary", "Beneficiary"
    PARTNER = "partner", "Partner"
    MENTIONED = "mentioned", "Mentioned"


class ResourceType(models.TextChoices):
    SPEAKER = "speaker", "Speaker"
    EVENT = "event", "Event"
    STATEMENT = "statement", "Statement"
    QUOTE = "quote", "Quote"
    THEME = "theme", "Theme"
    STAKEHOLDER_GROUP = "stakeholder_group", "Stakeholder group"


class ChangeAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"
    # The change feed only: the record's slug changed (its history says updated).
    RENAMED = "renamed", "Renamed"


class KeyScope(models.TextChoices):
    """What a partner API key may do: read the public data, or also edit it."""

    READ = "read", "Read"
    EDITOR = "editor", "Editor (read and write)"


class HistorySource(models.TextChoices):
    """Where a change recorded in the history came from (statements.history)."""

    API = "api", "The API"
    ADMIN = "admin", "The admin"
    SEED = "seed", "The seed fixtures"
    IMPORT = "import", "An import"
    SHELL = "shell", "manage.py shell"
    SYSTEM = "system", "Anything else: a migration, raw SQL"
