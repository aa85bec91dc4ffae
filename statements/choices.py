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


class Certainty(models.TextChoices):
    """How sure the sources make an assertion: certain, probable (the sources
    point to it without settling it), or unknown."""

    CERTAIN = "certain", "Certain"
    PROBABLE = "probable", "Probable"
    UNKNOWN = "unknown", "Unknown"


class AlterationKind(models.TextChoices):
    """An editor's change inside quoted words, as printed."""

    ELLIPSIS = "ellipsis", "Ellipsis (words left out)"
    INSERTION = "insertion", "Bracketed insertion"
    SIC = "sic", "[sic] (an error kept as said)"
    EMPHASIS = "emphasis", "Emphasis added"


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


class OrganizationClassification(models.TextChoices):
    """What kind of organization it is (Popolo Organization `classification`)."""

    GOVERNMENT = "government", "Government"
    GOVERNMENT_DEPARTMENT = "government_department", "Government department"
    GOVERNMENT_AGENCY = "government_agency", "Government agency"
    NEWS_MEDIA = "news_media", "News media"
    INTERNATIONAL_ORGANIZATION = (
        "international_organization",
        "International organization",
    )
    NGO = "ngo", "Non-governmental organization"
    COMPANY = "company", "Company"
    OTHER = "other", "Other"


class HostRole(models.TextChoices):
    """An organization's part in hosting an event."""

    HOST = "host", "Host"
    CO_HOST = "co_host", "Co-host"


class AuthorType(models.TextChoices):
    """Who a statement's author is: a person (a speaker) or an organization."""

    SPEAKER = "speaker", "Speaker (a person)"
    ORGANIZATION = "organization", "Organization"


class ResourceType(models.TextChoices):
    SPEAKER = "speaker", "Speaker"
    EVENT = "event", "Event"
    STATEMENT = "statement", "Statement"
    QUOTE = "quote", "Quote"
    THEME = "theme", "Theme"
    STAKEHOLDER_GROUP = "stakeholder_group", "Stakeholder group"
    ORGANIZATION = "organization", "Organization"


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
