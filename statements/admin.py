"""The editors' admin: statements with their quotes, quote spans checked against the
text, speakers with their roles, events with sub-events and themes as a tree."""

import json
from collections import defaultdict
from collections.abc import Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from statements import history
from statements.choices import QuoteStatus
from statements.models import (
    Event,
    EventHost,
    Organization,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
    quote_spans_problems,
)
from statements.services import set_quote_spans

TREE_INDENT_EM = 1.5


def count_of(model, field: str):
    """The number of `model` rows pointing at the outer row through `field`."""
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def highlight_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> SafeString:
    """`text`, escaped, with every (start, end, title) span wrapped in <mark>."""
    html = SafeString()
    cursor = 0
    for start, end, title in sorted(spans):
        start, end = max(start, cursor), min(end, len(text))
        if start >= end:
            continue
        html += escape(text[cursor:start])
        html += format_html('<mark title="{}">{}</mark>', title, text[start:end])
        cursor = end
    html += escape(text[cursor:])
    return format_html(
        '<div class="statement-preview" style="white-space: pre-wrap; '
        'max-width: 60em; line-height: 1.6">{}</div>',
        html,
    )


def theme_tree(
    rows: Iterable[tuple[int, int | None, str]],
) -> dict[int, tuple[int, int]]:
    """Each theme's (position, depth) in a depth-first walk, siblings by name.

    `rows` are (id, parent_id, name), read in one query. A theme that no root
    reaches (only possible in a corrupt tree with a cycle) comes last, at depth 0.
    """
    rows = list(rows)
    known = {pk for pk, _, _ in rows}
    children = defaultdict(list)
    for pk, parent_id, name in rows:
        children[parent_id if parent_id in known else None].append(
            (name.casefold(), pk)
        )
    tree: dict[int, tuple[int, int]] = {}
    stack = [(pk, 0) for _, pk in sorted(children[None], reverse=True)]
    stranded = sorted((name.casefold(), pk) for pk, _, name in rows)
    while stack or stranded:
        if not stack:
            _, pk = stranded.pop(0)
            if pk not in tree:
                stack.append((pk, 0))
            continue
        pk, depth = stack.pop()
        if pk in tree:
            continue
        tree[pk] = (len(tree), depth)
        stack.extend(
            (child, depth + 1) for _, child in sorted(children[pk], reverse=True)
        )
    return tree


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str, ensure_ascii=False, indent=1)


class HistoryAdminMixin:
    """The change page's History shows the record's changes, field by field
    (statements.history, the same entries as the API's /history/), above
    the admin's own log; the form takes an optional reason for the change."""

    object_history_template = "admin/statements/object_history.html"
    reason_field = "history_reason"

    def get_form(self, request, obj=None, **kwargs):
        base = kwargs.get("form", self.form)
        kwargs["form"] = type(
            base.__name__,
            (base,),
            {
                self.reason_field: forms.CharField(
                    label="Reason for the change",
                    required=False,
                    max_length=500,
                    help_text="Optional; shown in the record's history.",
                )
            },
        )
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": list(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]
        for _, options in fieldsets:
            if self.reason_field in options["fields"]:
                options["fields"].remove(self.reason_field)
        return [*fieldsets, ("History", {"fields": [self.reason_field]})]

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get(self.reason_field)
        if reason:
            history.note(reason=reason)
        super().save_model(request, obj, form, change)

    def history_view(self, request, object_id, extra_context=None):
        entries = []
        if object_id.isdigit():
            entries = [
                {
                    "at": entry.at,
                    "action": entry.action,
                    "source": entry.source,
                    "actor": entry.actor,
                    "reason": entry.reason,
                    "rows": [
                        (field, _shown(change["from"]), _shown(change["to"]))
                        for field, change in entry.changes.items()
                    ],
                }
                for entry in history.history(self.model, int(object_id))
            ]
        return super().history_view(
            request,
            object_id,
            extra_context={**(extra_context or {}), "history_entries": entries},
        )


class HttpsURLFieldsMixin:
    """URL form fields assume https for a bare domain, as Django 6 will; lists too."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        elif isinstance(db_field, ArrayField) and isinstance(
            db_field.base_field, models.URLField
        ):
            return SimpleArrayField(
                db_field.base_field.formfield(assume_scheme="https"),
                max_length=db_field.size,
                required=not db_field.blank,
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ThemeTreeChangeList(ChangeList):
    """The theme changelist in tree order (unless a column is sorted), with depths."""

    def __init__(self, request, *args, **kwargs):
        self.tree = theme_tree(Theme.objects.values_list("id", "parent_id", "name"))
        super().__init__(request, *args, **kwargs)

    def _tree_value(self, index: int):
        return Case(
            *(When(pk=pk, then=Value(item[index])) for pk, item in self.tree.items()),
            default=Value(len(self.tree) if index == 0 else 0),
            output_field=IntegerField(),
        )

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.annotate(tree_depth=self._tree_value(1))

    def get_ordering(self, request, queryset):
        if self.params.get(ORDER_VAR):
            return super().get_ordering(request, queryset)
        return [self._tree_value(0).asc(), "pk"]

    def get_ordering_field_columns(self):
        if ORDER_VAR not in self.params:
            return {}
        return super().get_ordering_field_columns()


class VerbatimTextForm(forms.ModelForm):
    """Keeps a verbatim text as it is: unstripped, and with the stored line breaks.

    Browsers post a textarea's line breaks as CRLF; saved as such they would shift
    every offset after the first line break, so they go back to LF unless the stored
    text itself uses CRLF.
    """

    verbatim_fields = ("text",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.verbatim_fields:
            if name in self.fields:
                self.fields[name].strip = False

    def clean(self):
        cleaned_data = super().clean()
        for name in self.verbatim_fields:
            value = cleaned_data.get(name)
            stored = getattr(self.instance, name, None) or ""
            if isinstance(value, str) and "\r\n" not in stored:
                cleaned_data[name] = value.replace("\r\n", "\n")
        return cleaned_data


class QuoteSpanForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("start"), cleaned_data.get("end")
        if start is not None and end is not None and end <= start:
            # On the field, so the database constraint's terser message is skipped.
            self.add_error(
                "end", f"A span ends after it starts: {end} is not after {start}."
            )
        return cleaned_data


class QuoteSpanFormSet(BaseInlineFormSet):
    """Checks the spans, together, against the statement text and the quote text."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The quote itself, not only its id: span_text reads quote.statement once.
        form.instance.quote = self.instance
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        quote = self.instance
        if quote.statement_id is None:
            return
        rows = sorted(
            (
                form.cleaned_data["position"],
                form.cleaned_data["start"],
                form.cleaned_data["end"],
            )
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        )
        problems = quote_spans_problems(
            quote.statement.text,
            [(start, end) for _, start, end in rows],
            quote.fidelity,
            quote.text,
        )
        if problems:
            name = f"quote {quote.slug!r}" if quote.slug else "this quote"
            raise ValidationError(
                [
                    f"The spans of {name} do not match: {problem}."
                    for problem in problems
                ]
            )


class QuoteSpanInline(admin.TabularInline):
    model = QuoteSpan
    form = QuoteSpanForm
    formset = QuoteSpanFormSet
    fields = ("position", "start", "end", "span_text")
    readonly_fields = ("span_text",)
    extra = 0
    min_num = 1

    @admin.display(description="text of the span (as saved)")
    def span_text(self, span):
        if span.pk is None:
            return "-"
        return span.quote.statement.text[span.start : span.end]


class QuoteStakeholderInline(admin.TabularInline):
    model = QuoteStakeholder
    fields = ("group", "role")
    autocomplete_fields = ("group",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group")


class QuoteInline(admin.TabularInline):
    """The statement's quotes, read-only: spans are edited, and checked, per quote."""

    model = Quote
    fields = ("slug", "status", "speaker", "fidelity", "spans_display", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("speaker")
            .prefetch_related("spans")
        )

    @admin.display(description="spans")
    def spans_display(self, quote):
        return spans_label(quote)


def review(request, quotes, status: str) -> None:
    """Sets the status of `quotes`, each validated as the change form would (a
    confirmed quote needs a speaker); tells the editor what was done."""
    done, refused = 0, []
    for quote in quotes:
        quote.status = status
        try:
            quote.full_clean()
        except ValidationError as error:
            refused.append(f"{quote.slug}: {' '.join(error.messages)}")
            continue
        quote.save(update_fields=["status", "updated_at"])
        done += 1
    label = QuoteStatus(status).label.lower()
    if done:
        messages.success(request, f"{done} quote(s) {label}.")
    for problem in refused:
        messages.error(request, f"Not {label}: {problem}")


def spans_label(quote: Quote) -> str:
    return ", ".join(f"[{span.start}, {span.end})" for span in quote.spans.all())


@admin.register(Quote)
class QuoteAdmin(HistoryAdminMixin, HttpsURLFieldsMixin, admin.ModelAdmin):
    form = VerbatimTextForm
    list_display = (
        "slug",
        "status",
        "statement",
        "speaker",
        "fidelity",
        "event",
        "said_on",
        "spans_display",
        "updated_at",
    )
    list_select_related = ("statement", "speaker", "event")
    list_filter = (
        "status",
        "fidelity",
        "event_certainty",
        ("speaker", admin.RelatedOnlyFieldListFilter),
        ("statement", admin.RelatedOnlyFieldListFilter),
        ("event", admin.RelatedOnlyFieldListFilter),
        ("themes", admin.RelatedOnlyFieldListFilter),
        ("said_on", admin.EmptyFieldListFilter),
    )
    search_fields = (
        "slug",
        "text",
        "provenance_note",
        "speaker__name",
        "statement__title",
    )
    autocomplete_fields = ("statement", "speaker", "event", "themes")
    readonly_fields = ("statement_preview", "created_at", "updated_at")
    fieldsets = (
        (
            None,
            {"fields": ("slug", "status", "statement", "speaker", "fidelity", "text")},
        ),
        (
            "Where and when",
            {
                "fields": (
                    "event",
                    "event_certainty",
                    "event_note",
                    "said_on",
                    "said_on_certainty",
                )
            },
        ),
        (
            "As printed",
            {
                "fields": (
                    "position",
                    "attribution_text",
                    "attribution_start",
                    "attribution_end",
                    "alterations",
                )
            },
        ),
        ("As delivered", {"fields": ("as_delivered", "as_delivered_source_url")}),
        ("Provenance and topics", {"fields": ("provenance_note", "themes")}),
        ("The quote in its statement", {"fields": ("statement_preview",)}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (QuoteSpanInline, QuoteStakeholderInline)
    actions = ("confirm_quotes", "reject_quotes")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("spans")

    @admin.action(description="Confirm the selected quotes (make them public)")
    def confirm_quotes(self, request, queryset):
        review(request, queryset, QuoteStatus.CONFIRMED)

    @admin.action(description="Reject the selected quotes")
    def reject_quotes(self, request, queryset):
        review(request, queryset, QuoteStatus.REJECTED)

    @admin.display(description="spans")
    def spans_display(self, quote):
        return spans_label(quote)

    @admin.display(description="statement text, the saved spans marked")
    def statement_preview(self, quote):
        if quote.pk is None or quote.statement_id is None:
            return "Save the quote to see its spans in the statement."
        return highlight_spans(
            quote.statement.text,
            (
                (span.start, span.end, f"span {span.position}")
                for span in quote.spans.all()
            ),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not QuoteSpan:
            super().save_formset(request, form, formset, change)
            return
        # Spans are a value list, renumbered from 0; replacing them in one go also
        # avoids a transient (quote, position) clash when two spans swap places.
        formset.save(commit=False)
        rows = sorted(
            (f.cleaned_data["position"], f.cleaned_data["start"], f.cleaned_data["end"])
            for f in formset.forms
            if f.cleaned_data and not formset._should_delete_form(f)
        )
        set_quote_spans(
            quote=form.instance, spans=[(start, end) for _, start, end in rows]
        )


@admin.register(Statement)
class StatementAdmin(HistoryAdminMixin, HttpsURLFieldsMixin, admin.ModelAdmin):
    form = VerbatimTextForm
    list_display = (
        "title",
        "slug",
        "kind",
        "publisher",
        "published_on",
        "language",
        "author",
        "event",
        "quote_count",
        "review_link",
        "updated_at",
    )
    list_select_related = (
        "publisher",
        "author_speaker",
        "author_organization",
        "event",
    )
    list_filter = (
        "kind",
        "language",
        ("publisher", admin.RelatedOnlyFieldListFilter),
        ("published_on", admin.EmptyFieldListFilter),
        ("author_organization", admin.RelatedOnlyFieldListFilter),
        ("author_speaker", admin.RelatedOnlyFieldListFilter),
        ("event", admin.RelatedOnlyFieldListFilter),
        ("themes", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "slug",
        "title",
        "publisher__name",
        "text",
        "author_speaker__name",
        "author_organization__name",
    )
    autocomplete_fields = (
        "publisher",
        "author_speaker",
        "author_organization",
        "event",
        "themes",
        "stakeholder_groups",
    )
    readonly_fields = (
        "text_sha256",
        "review_link",
        "quotes_preview",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "slug",
                    "title",
                    "title_certainty",
                    "title_note",
                    "kind",
                    "author_speaker",
                    "author_organization",
                    "event",
                )
            },
        ),
        (
            "Source",
            {
                "fields": (
                    "publisher",
                    "source_url",
                    "published_on",
                    "language",
                    "license",
                    "license_url",
                    "provenance_note",
                )
            },
        ),
        (
            "Text",
            {"fields": ("text", "text_sha256", "review_link", "quotes_preview")},
        ),
        ("Topics", {"fields": ("themes", "stakeholder_groups")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (QuoteInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(quote_count=count_of(Quote, "statement"))
        )

    @admin.display(description="quotes", ordering="quote_count")
    def quote_count(self, statement):
        return statement.quote_count

    def get_urls(self):
        return [
            path(
                "<int:statement_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="statements_statement_review",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, statement_id: int):
        """The imported article with each proposed quote marked in place, and a
        button to confirm or reject each (or all); spans and speaker are fixed on
        the quote's own page, a click away."""
        statement = get_object_or_404(Statement, pk=statement_id)
        if not self.has_view_permission(request, statement):
            raise PermissionDenied
        quotes = list(
            Quote.all_objects.filter(statement=statement)
            .select_related("speaker")
            .prefetch_related("spans")
            .order_by("id")
        )
        if request.method == "POST":
            if not request.user.has_perm("statements.change_quote"):
                raise PermissionDenied
            status = request.POST.get("status")
            chosen = request.POST.getlist("quote")
            if status in (QuoteStatus.CONFIRMED, QuoteStatus.REJECTED):
                review(request, [q for q in quotes if str(q.pk) in chosen], status)
            return HttpResponseRedirect(request.path)
        number = {quote.pk: index for index, quote in enumerate(quotes, start=1)}
        marks = [
            (span.start, span.end, f"{number[quote.pk]} ({quote.status})")
            for quote in quotes
            for span in quote.spans.all()
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Review the quotes of {statement}",
            "statement": statement,
            "article": highlight_spans(statement.text, marks),
            "rows": [
                {
                    "number": number[quote.pk],
                    "quote": quote,
                    "spans": spans_label(quote),
                    "change_url": reverse(
                        "admin:statements_quote_change", args=[quote.pk]
                    ),
                }
                for quote in quotes
            ],
            "proposed": sum(q.status == QuoteStatus.PROPOSED for q in quotes),
            "statuses": QuoteStatus,
        }
        return TemplateResponse(
            request, "admin/statements/statement/review.html", context
        )

    @admin.display(description="review")
    def review_link(self, statement):
        if statement.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Review quotes</a>',
            reverse("admin:statements_statement_review", args=[statement.pk]),
        )

    @admin.display(description="text, the quotes' spans marked")
    def quotes_preview(self, statement):
        if statement.pk is None:
            return "-"
        spans = QuoteSpan.objects.filter(quote__statement=statement).values_list(
            "start", "end", "quote__slug"
        )
        return highlight_spans(statement.text, spans)


class SpeakerRoleInline(HttpsURLFieldsMixin, admin.TabularInline):
    model = SpeakerRole
    fields = (
        "title",
        "organization",
        "start_date",
        "end_date",
        "end_date_certainty",
        "source_url",
        "note",
    )
    autocomplete_fields = ("organization",)
    extra = 0


@admin.register(Speaker)
class SpeakerAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "sort_name",
        "roles_display",
        "wikidata_id",
        "quote_count",
    )
    list_filter = (
        ("wikidata_id", admin.EmptyFieldListFilter),
        ("roles__organization", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("slug", "name", "sort_name", "other_names", "roles__title")
    readonly_fields = ("created_at", "updated_at")
    inlines = (SpeakerRoleInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("roles__organization")
            .annotate(quote_count=count_of(Quote, "speaker"))
        )

    @admin.display(description="roles")
    def roles_display(self, speaker):
        return "; ".join(
            f"{role} ({role.start_date} to {role.end_date or 'now'})"
            for role in speaker.roles.all()
        )

    @admin.display(description="quotes", ordering="quote_count")
    def quote_count(self, speaker):
        return speaker.quote_count


class SubEventInline(admin.TabularInline):
    model = Event
    fk_name = "parent"
    fields = (
        "name",
        "slug",
        "kind",
        "start_date",
        "end_date",
        "venue",
        "city",
        "country",
    )
    extra = 0
    show_change_link = True
    verbose_name = "sub-event"
    verbose_name_plural = "sub-events"


class EventHostInline(admin.TabularInline):
    model = EventHost
    fields = ("organization", "role")
    autocomplete_fields = ("organization",)
    extra = 0
    verbose_name = "host"


@admin.register(Event)
class EventAdmin(HistoryAdminMixin, HttpsURLFieldsMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "kind",
        "start_date",
        "end_date",
        "city",
        "country",
        "parent",
        "sub_event_count",
    )
    list_select_related = ("parent",)
    list_filter = (
        "kind",
        "country",
        ("parent", admin.EmptyFieldListFilter),
        ("parent", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("slug", "name", "description", "venue", "city", "hosts__name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("created_at", "updated_at")
    # Hosts have a role: edited in their inline.
    exclude = ("hosts",)
    inlines = (EventHostInline, SubEventInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(sub_event_count=count_of(Event, "parent"))
        )

    @admin.display(description="sub-events", ordering="sub_event_count")
    def sub_event_count(self, event):
        return event.sub_event_count


@admin.register(Theme)
class ThemeAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ("tree_name", "slug", "parent", "updated_at")
    list_select_related = ("parent",)
    list_filter = (
        ("parent", admin.EmptyFieldListFilter),
        ("parent", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("slug", "name", "description")
    autocomplete_fields = ("parent",)
    readonly_fields = ("created_at", "updated_at")

    def get_changelist(self, request, **kwargs):
        return ThemeTreeChangeList

    @admin.display(description="name", ordering="name")
    def tree_name(self, theme):
        depth = getattr(theme, "tree_depth", 0)
        return format_html(
            '<span class="theme-depth-{}" style="padding-left: {}em">{}</span>',
            depth,
            depth * TREE_INDENT_EM,
            theme.name,
        )


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "category", "updated_at")
    list_filter = ("category",)
    search_fields = ("slug", "name", "description")
    readonly_fields = ("created_at", "updated_at")


@admin.register(Organization)
class OrganizationAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "classification",
        "parent",
        "wikidata_id",
        "wikidata_certainty",
        "updated_at",
    )
    list_select_related = ("parent",)
    list_filter = (
        "classification",
        "wikidata_certainty",
        ("parent", admin.EmptyFieldListFilter),
        ("parent", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("slug", "name", "description", "wikidata_id")
    autocomplete_fields = ("parent",)
    readonly_fields = ("created_at", "updated_at")
