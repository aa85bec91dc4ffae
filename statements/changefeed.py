"""The change feed's triggers: which records a change of a row is also an update of.

The feed (`statements.models.Change`, docs/partners.md "Following changes") must let
a replica end with exactly the server's data, so a change of a row is also recorded
as an update of every record whose JSON shows that row or counts it: a new quote
updates its statement (which lists its quotes) and the counts of its speaker, event,
themes and groups; renaming a theme updates every quote and statement that lists it.

`GRAPH` declares that once, as data, in terms of the models; the trigger functions,
the triggers (`TRIGGERS`, `CREATE_SQL`) and the feed of records older than the feed
(`BACKFILL`) are generated from it. Migrations 0003 and 0008 installed what
`CREATE_SQL` creates and keep their own copy of the SQL, since migrations are
history; tests/sync/test_changefeed_graph.py proves that the migrated database holds
exactly what this module declares (migration 0015 re-created the triggers of the
tables with search documents, which fire on updates of every column but those,
`UNSHOWN_COLUMNS`). To change the graph: change `GRAPH`, then add a migration that
runs a literal copy of the new `CREATE_SQL` (and drops what went); a new column of
a table with search documents also needs its trigger re-created
(`create_trigger`).

Why not django-pgtrigger or django-pghistory (both on PyPI): django-pghistory writes
one event row per changed row into an event table per tracked model; it fans nothing
out to the records that embed the row, does not de-duplicate per transaction, and
orders events by insertion, not by commit, so the settled-transaction cursor of the
feed (`selectors.settled_changes`) and all of this graph would remain ours beside six
new tables. django-pgtrigger declares one trigger per model in `Meta.triggers` and
snapshots its SQL into migrations, the discipline kept here by hand; but this graph
is edges between tables that share two helper functions (which it would leave to
RunSQL), adopting it renames every installed trigger (`pgtrigger_<name>_<hash>`),
and its `pgtrigger.ignore` still runs each trigger per row to check a session
variable, where the bulk load wants them off (`ALTER TABLE … DISABLE TRIGGER`). A
dependency would add more than the ~200 lines it could replace, so there is none.
"""

import enum
from dataclasses import dataclass

from django.db import models

from statements import resources as registry
from statements.choices import QuoteStatus
from statements.models import (
    Event,
    EventHost,
    Organization,
    Quote,
    QuoteSpan,
    Speaker,
    SpeakerRole,
    Statement,
    Theme,
)

# The public records (the registry's resources) and their types in the feed.
RESOURCES: dict[type[models.Model], str] = {
    resource.model: resource.kind for resource in registry.RESOURCES
}


class When(enum.Enum):
    """Which changes of the changed row touch the records."""

    # Every insert, update and delete: the record shows the row's content.
    ALWAYS = "always"
    # Insert, delete, and an update that changes the column: the record counts rows.
    MOVED = "created, deleted or moved"
    # An update only: the record shows the row, which exists before and after.
    UPDATED = "updated"


@dataclass(frozen=True)
class Touch:
    """A change of a `changed` row is also an update of `touched` records.

    `query` finds the touched records' (id, slug) from the changed row's `column`
    (its `$3`); `embedded` is what the touched records' JSON shows or counts:
    the changed row's model, or for a link table the model at its other end.
    """

    changed: type[models.Model]
    column: str
    touched: type[models.Model]
    query: str
    when: When
    embedded: type[models.Model]


def _table(model: type[models.Model]) -> str:
    return model._meta.db_table


def _column(model: type[models.Model], field: str) -> str:
    return model._meta.get_field(field).column


# Rows of these models are public only while the condition holds (`{p}` is the
# row's alias and dot, or nothing): a change that makes a row public is its
# creation in the feed, one that hides it its deletion, and changes of hidden
# rows touch no record. Quotes are public once an editor confirms them.
VISIBLE: dict[type[models.Model], str] = {
    Quote: f"{{p}}status = '{QuoteStatus.CONFIRMED}'",
}


def visible_condition(model: type[models.Model], alias: str = "") -> str:
    """` AND <the condition>` for a model with hidden rows, else nothing."""
    if model not in VISIBLE:
        return ""
    return " AND " + VISIBLE[model].format(p=f"{alias}." if alias else "")


def _by_id(model: type[models.Model]) -> str:
    return (
        f"SELECT id, slug FROM {_table(model)} WHERE id = $3{visible_condition(model)}"
    )


def _alias(model: type[models.Model]) -> str:
    return model._meta.model_name[0]


def listed_by(model: type[models.Model], field: str, *, always: bool) -> Touch:
    """The record that `model.field` names lists (`always`) or counts its rows."""
    target = model._meta.get_field(field).related_model
    return Touch(
        changed=model,
        column=_column(model, field),
        touched=target,
        query=_by_id(target),
        when=When.ALWAYS if always else When.MOVED,
        embedded=model,
    )


def shows(model: type[models.Model], field: str, *, distinct: bool = False) -> Touch:
    """`model`'s records show the records their `field` names (a foreign key or a
    many-to-many): an update of one of those is an update of each of them.
    `distinct` when the link table can hold a pair more than once."""
    relation = model._meta.get_field(field)
    source = relation.related_model
    if relation.many_to_many:
        link, alias = relation.remote_field.through, _alias(model)
        query = (
            f"SELECT {'DISTINCT ' if distinct else ''}{alias}.id, {alias}.slug "
            f"FROM {_table(model)} {alias} JOIN {_table(link)} l "
            f"ON l.{relation.m2m_column_name()} = {alias}.id "
            f"WHERE l.{relation.m2m_reverse_name()} = $3"
            + visible_condition(model, alias)
        )
    else:
        query = (
            f"SELECT id, slug FROM {_table(model)} "
            f"WHERE {relation.column} = $3{visible_condition(model)}"
        )
    return Touch(
        changed=source,
        column="id",
        touched=model,
        query=query,
        when=When.UPDATED,
        embedded=source,
    )


def linked(model: type[models.Model], field: str) -> tuple[Touch, Touch]:
    """A row of the link table of the many-to-many `model.field` is part of the
    records at both ends: `model`'s shows the list, the other end counts it."""
    relation = model._meta.get_field(field)
    link, target = relation.remote_field.through, relation.related_model
    ends = (
        (relation.m2m_column_name(), model, target),
        (relation.m2m_reverse_name(), target, model),
    )
    first, second = (
        Touch(
            changed=link,
            column=column,
            touched=touched,
            query=_by_id(touched),
            when=When.ALWAYS,
            embedded=embedded,
        )
        for column, touched, embedded in ends
    )
    return first, second


def part_of(
    detail: type[models.Model],
    field: str,
    *,
    owner_field: str | None = None,
    shown_by: tuple[type[models.Model], str] | None = None,
) -> Touch:
    """A row of `detail` (a table without public ids) is part of the record that
    its `field` names; with `owner_field`, of the record that this one's
    `owner_field` names instead; with `shown_by` (model, field), of `model`'s
    records whose `field` names the same record."""
    owner = detail._meta.get_field(field).related_model
    if owner_field:
        target = owner._meta.get_field(owner_field).related_model
        inner, outer = _alias(owner), _alias(target)
        query = (
            f"SELECT {outer}.id, {outer}.slug FROM {_table(target)} {outer} "
            f"JOIN {_table(owner)} {inner} "
            f"ON {inner}.{_column(owner, owner_field)} = {outer}.id "
            f"WHERE {inner}.id = $3{visible_condition(owner, inner)}"
        )
    elif shown_by:
        target, target_field = shown_by
        query = shows(target, target_field).query
    else:
        target, query = owner, _by_id(owner)
    return Touch(
        changed=detail,
        column=_column(detail, field),
        touched=target,
        query=query,
        when=When.ALWAYS,
        embedded=detail,
    )


def counted_above(model: type[models.Model], field: str, tree: type[models.Model]):
    """A theme's or an event's counts include its descendants' rows (issue 11):
    a row of `model` whose `field` names a node of `tree` is also counted by
    every node above that one, which its change therefore updates. The node
    itself is touched by the Touch that counts or lists the row."""
    relation = model._meta.get_field(field)
    table = _table(tree)
    if relation.many_to_many:
        changed, column = relation.remote_field.through, relation.m2m_reverse_name()
        when, embedded = When.ALWAYS, model
    else:
        changed, column = model, relation.column
        when = When.MOVED
        embedded = model if model is not tree else tree
    query = (
        f"WITH RECURSIVE up(id) AS (SELECT parent_id FROM {table} WHERE id = $3 "
        f"UNION SELECT t.parent_id FROM {table} t JOIN up ON t.id = up.id) "
        f"SELECT n.id, n.slug FROM {table} n JOIN up ON n.id = up.id"
    )
    return Touch(
        changed=changed,
        column=column,
        touched=tree,
        query=query,
        when=when,
        embedded=embedded,
    )


# Grouped by changed table; within one, the order of the generated statements.
def shown_through(
    changed: type[models.Model], touched: type[models.Model], sql: str
) -> Touch:
    """`touched` records show `changed` rows through a join the graph's helpers
    do not spell: `sql` selects their (id, slug) for the changed row's id $3."""
    return Touch(
        changed=changed,
        column="id",
        touched=touched,
        query=sql + visible_condition(touched, _alias(touched)),
        when=When.UPDATED,
        embedded=changed,
    )


_ROLE = _table(SpeakerRole)
# The organizations of a speaker's roles: shown in the speaker's roles, and by
# name in the role of the day (and citation) of the speaker's quotes.
ORGANIZATION_OF_ROLES = (
    shown_through(
        Organization,
        Speaker,
        f"SELECT DISTINCT s.id, s.slug FROM {_table(Speaker)} s "
        f"JOIN {_ROLE} r ON r.speaker_id = s.id WHERE r.organization_id = $3",
    ),
    shown_through(
        Organization,
        Quote,
        f"SELECT DISTINCT q.id, q.slug FROM {_table(Quote)} q "
        f"JOIN {_ROLE} r ON r.speaker_id = q.speaker_id "
        "WHERE r.organization_id = $3",
    ),
    # A quote's source and citation name its statement's publisher.
    shown_through(
        Organization,
        Quote,
        f"SELECT q.id, q.slug FROM {_table(Quote)} q "
        f"JOIN {_table(Statement)} t ON t.id = q.statement_id "
        "WHERE t.publisher_id = $3",
    ),
)

GRAPH: tuple[Touch, ...] = (
    # Quotes show their speaker; statements their author.
    shows(Quote, "speaker"),
    shows(Statement, "author_speaker"),
    # An organization lists its children; statements show their publisher and
    # author, events their hosts, speakers and quotes the organizations of roles.
    listed_by(Organization, "parent", always=True),
    shows(Organization, "parent"),
    shows(Statement, "publisher"),
    shows(Statement, "author_organization"),
    shows(Event, "hosts"),
    *ORGANIZATION_OF_ROLES,
    # An event lists its sub-events; quotes, statements and sub-events show it.
    # Moving an event moves its counts out of the counts above it, and in.
    listed_by(Event, "parent", always=True),
    counted_above(Event, "parent", Event),
    shows(Quote, "event"),
    shows(Statement, "event"),
    shows(Event, "parent"),
    # A statement is counted by its event (and the events above).
    listed_by(Statement, "event", always=False),
    counted_above(Statement, "event", Event),
    shows(Quote, "statement"),
    # A quote is listed in full by its statement, counted by its speaker and event
    # (and the events above).
    listed_by(Quote, "statement", always=True),
    listed_by(Quote, "speaker", always=False),
    listed_by(Quote, "event", always=False),
    counted_above(Quote, "event", Event),
    # A theme lists its sub-themes; quotes, statements and sub-themes show it.
    listed_by(Theme, "parent", always=True),
    counted_above(Theme, "parent", Theme),
    shows(Quote, "themes"),
    shows(Statement, "themes"),
    shows(Theme, "parent"),
    # Quotes (a group can have several roles in one) and statements show groups.
    shows(Quote, "stakeholder_groups", distinct=True),
    shows(Statement, "stakeholder_groups"),
    # Link tables: the list at one end, the count at the other (and the counts
    # of the themes above it).
    *linked(Quote, "themes"),
    counted_above(Quote, "themes", Theme),
    *linked(Quote, "stakeholder_groups"),
    # A quote's spans are part of it, and so of its statement, which lists it.
    part_of(QuoteSpan, "quote"),
    part_of(QuoteSpan, "quote", owner_field="statement"),
    # A speaker lists its roles; its quotes show the role of the day.
    part_of(SpeakerRole, "speaker"),
    part_of(SpeakerRole, "speaker", shown_by=(Quote, "speaker")),
    *linked(Statement, "themes"),
    counted_above(Statement, "themes", Theme),
    *linked(Statement, "stakeholder_groups"),
    # An event's hosts are part of it (an organization does not list them).
    part_of(EventHost, "event"),
)


def changed_tables() -> list[type[models.Model]]:
    """Every model whose table has a change trigger: the resources, then the link
    and detail tables in the order `GRAPH` names them."""
    tables = list(RESOURCES)
    for touch in GRAPH:
        if touch.changed not in tables:
            tables.append(touch.changed)
    return tables


def trigger_name(model: type[models.Model]) -> str:
    return f"{_table(model)}_change"


def function_name(model: type[models.Model]) -> str:
    if model in RESOURCES:
        return f"statements_change_{RESOURCES[model]}"
    return f"{_table(model)}_change"


# (table, trigger) of every change trigger, e.g. to disable them for a bulk load.
TRIGGERS: tuple[tuple[str, str], ...] = tuple(
    (_table(model), trigger_name(model)) for model in changed_tables()
)

# Migration 0005's triggers on the feed's own tables, which move the data version
# when a transaction records a change. Not part of the graph and never disabled.
DATA_VERSION_TRIGGERS: tuple[tuple[str, str], ...] = (
    ("statements_change", "statements_change_queues_version_bump"),
    ("statements_version_bump", "statements_version_bump_at_commit"),
)


def embedded_relations() -> set[tuple[type[models.Model], type[models.Model]]]:
    """(embedding model, embedded model): every relation that the triggers keep
    current, i.e. whose change is recorded as an update of the embedding record.
    The embedding model is a resource; the embedded one a resource or a detail
    (QuoteSpan, SpeakerRole). A resource's JSON may show or count a related model
    only when its pair is here."""
    return {(touch.touched, touch.embedded) for touch in GRAPH}


# resource type, object id and transaction id in one text value: the triggers'
# look-up "already recorded in this transaction?" is one equality on the
# expression index change_record_idx (migration 0008).
_KEY = "{p}resource_type || ':' || {p}object_id::text || ':' || {p}transaction_id::text"
# The same, inside the string literal of statements_touch's dynamic query.
_QUOTED_KEY = _KEY.format(p="c.").replace("'", "''")

HELPERS = f"""
CREATE OR REPLACE FUNCTION statements_record_change(
    p_type text, p_id bigint, p_slug text, p_action text
) RETURNS void AS $$
DECLARE
    tx bigint := pg_current_xact_id()::text::bigint;
BEGIN
    -- One "updated" row per record and transaction is enough.
    IF p_action = 'updated' AND EXISTS (
        SELECT 1 FROM statements_change
        WHERE {_KEY.format(p="")} = p_type || ':' || p_id::text || ':' || tx::text
          AND action IN ('created', 'updated', 'renamed')
    ) THEN
        RETURN;
    END IF;
    INSERT INTO statements_change
        (transaction_id, resource_type, object_id, slug, action, changed_at)
    VALUES (tx, p_type, p_id, p_slug, p_action, clock_timestamp());
END $$ LANGUAGE plpgsql;

-- Record that a record's slug changed from `p_previous_slug` to `p_slug`.
CREATE OR REPLACE FUNCTION statements_record_rename(
    p_type text, p_id bigint, p_slug text, p_previous_slug text
) RETURNS void AS $$
BEGIN
    INSERT INTO statements_change
        (transaction_id, resource_type, object_id, slug, previous_slug, action,
         changed_at)
    VALUES (pg_current_xact_id()::text::bigint, p_type, p_id, p_slug,
            p_previous_slug, 'renamed', clock_timestamp());
END $$ LANGUAGE plpgsql;

-- Record an update of each row (id, slug) that `p_query` finds for id `p_id`.
CREATE OR REPLACE FUNCTION statements_touch(
    p_type text, p_query text, p_id bigint
) RETURNS void AS $$
DECLARE
    tx bigint := pg_current_xact_id()::text::bigint;
BEGIN
    IF p_id IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format(
        'INSERT INTO statements_change '
        '(transaction_id, resource_type, object_id, slug, action, changed_at) '
        'SELECT $1, $2, d.id, d.slug, ''updated'', clock_timestamp() FROM (%s) d '
        'WHERE NOT EXISTS (SELECT 1 FROM statements_change c WHERE '
        '{_QUOTED_KEY} = $2 || '':'' || d.id::text || '':'' || $1::text '
        'AND c.action IN (''created'', ''updated'', ''renamed''))',
        p_query
    ) USING tx, p_type, p_id;
END $$ LANGUAGE plpgsql;
"""


def _touch(touch: Touch, row: str) -> str:
    query = touch.query.replace("'", "''")
    kind = RESOURCES[touch.touched]
    return f"PERFORM statements_touch('{kind}', '{query}', {row}.{touch.column});"


def _rename(kind: str) -> str:
    """A new slug: one `renamed` change naming the old slug (the old one is
    retired, and answers 301 to the new one: statements.models.RetiredSlug)."""
    return f"PERFORM statements_record_rename('{kind}', NEW.id, NEW.slug, OLD.slug);"


def _own_change(kind: str) -> list[str]:
    """A resource row's own change, recorded as its type's created/updated/deleted."""

    def record(row: str, action: str) -> str:
        return (
            f"PERFORM statements_record_change('{kind}', {row}.id, {row}.slug, "
            f"'{action}');"
        )

    return [
        "    IF TG_OP = 'INSERT' THEN",
        f"        {record('NEW', 'created')}",
        "    ELSIF TG_OP = 'DELETE' THEN",
        f"        {record('OLD', 'deleted')}",
        "    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN",
        f"        {_rename(kind)}",
        "    ELSE",
        f"        {record('NEW', 'updated')}",
        "    END IF;",
    ]


@dataclass(frozen=True)
class Presence:
    """The SQL conditions under which a row is gone, has just appeared, or is
    there before and after: for most tables the trigger's operation; for a
    model with hidden rows (VISIBLE), its visibility before and after."""

    gone: str
    appeared: str
    stayed: str


ROW_OPERATIONS = Presence("TG_OP = 'DELETE'", "TG_OP = 'INSERT'", "TG_OP = 'UPDATE'")
ROW_VISIBILITY = Presence(
    "NOT new_visible", "NOT old_visible", "old_visible AND new_visible"
)


def _resource_touch(touch: Touch, presence: Presence = ROW_OPERATIONS) -> list[str]:
    if touch.when is When.UPDATED:
        return [
            f"    IF {presence.stayed} THEN",
            f"        {_touch(touch, 'NEW')}",
            "    END IF;",
        ]
    column = touch.column
    if touch.when is When.ALWAYS:
        moved = "TRUE"
    else:
        moved = f"OLD.{column} IS DISTINCT FROM NEW.{column}"
    return [
        f"    IF {presence.gone} THEN",
        f"        {_touch(touch, 'OLD')}",
        f"    ELSIF {presence.appeared} THEN",
        f"        {_touch(touch, 'NEW')}",
        f"    ELSIF {moved} THEN",
        f"        {_touch(touch, 'OLD')}",
        f"        {_touch(touch, 'NEW')}",
        "    END IF;",
    ]


def _link_touch(touch: Touch) -> list[str]:
    if touch.when is not When.ALWAYS:
        raise ValueError(f"A row without a public id is touched always: {touch}")
    return [
        "    IF TG_OP <> 'INSERT' THEN",
        f"        {_touch(touch, 'OLD')}",
        "    END IF;",
        "    IF TG_OP <> 'DELETE' THEN",
        f"        {_touch(touch, 'NEW')}",
        "    END IF;",
    ]


def _visible_own_change(model: type[models.Model], kind: str) -> list[str]:
    """The own change of a row of a model with hidden rows: shown is created,
    hidden is deleted, and a change while hidden is nothing at all."""

    def record(row: str, action: str) -> str:
        return (
            f"PERFORM statements_record_change('{kind}', {row}.id, {row}.slug, "
            f"'{action}');"
        )

    return [
        "    IF NOT old_visible AND NOT new_visible THEN",
        "        RETURN NULL;",
        "    ELSIF NOT old_visible THEN",
        f"        {record('NEW', 'created')}",
        "    ELSIF NOT new_visible THEN",
        f"        {record('OLD', 'deleted')}",
        "    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN",
        f"        {_rename(kind)}",
        "    ELSE",
        f"        {record('NEW', 'updated')}",
        "    END IF;",
    ]


def trigger_function(model: type[models.Model]) -> str:
    """CREATE OR REPLACE FUNCTION of the change trigger of `model`'s table."""
    lines = [
        f"CREATE OR REPLACE FUNCTION {function_name(model)}() RETURNS trigger AS $$",
        "BEGIN",
    ]
    touches = [touch for touch in GRAPH if touch.changed is model]
    if model in VISIBLE:
        condition = VISIBLE[model]
        lines[1:1] = [
            "DECLARE",
            "    old_visible boolean := TG_OP <> 'INSERT' AND "
            f"COALESCE({condition.format(p='OLD.')}, FALSE);",
            "    new_visible boolean := TG_OP <> 'DELETE' AND "
            f"COALESCE({condition.format(p='NEW.')}, FALSE);",
        ]
        lines += _visible_own_change(model, RESOURCES[model])
        for touch in touches:
            # Showing or hiding a row is what inserting or deleting it is for
            # the records that list or count it.
            lines += _resource_touch(touch, ROW_VISIBILITY)
    elif model in RESOURCES:
        lines += _own_change(RESOURCES[model])
        for touch in touches:
            lines += _resource_touch(touch)
    else:
        for touch in touches:
            lines += _link_touch(touch)
    lines += ["    RETURN NULL;", "END $$ LANGUAGE plpgsql;"]
    return "\n".join(lines)


# Columns that database triggers keep and no record's JSON shows (the search
# documents, statements.search): an update of only these is no change of the
# record, so the change triggers of their tables fire on updates of the others.
UNSHOWN_COLUMNS = frozenset({"search_vector"})


def trigger_events(model: type[models.Model]) -> str:
    """The events of `model`'s change trigger."""
    columns = [field.column for field in model._meta.concrete_fields]
    if not UNSHOWN_COLUMNS & set(columns):
        return "INSERT OR UPDATE OR DELETE"
    shown = ", ".join(column for column in columns if column not in UNSHOWN_COLUMNS)
    return f"INSERT OR UPDATE OF {shown} OR DELETE"


def create_trigger(model: type[models.Model]) -> str:
    return (
        f"CREATE OR REPLACE TRIGGER {trigger_name(model)} "
        f"AFTER {trigger_events(model)} ON {_table(model)} "
        f"FOR EACH ROW EXECUTE FUNCTION {function_name(model)}();"
    )


def _create_sql() -> str:
    statements = [HELPERS]
    for model in changed_tables():
        statements += [trigger_function(model), create_trigger(model)]
    return "\n".join(statements)


# Creates, or replaces, the helpers, every trigger function and every trigger.
CREATE_SQL = _create_sql()

# Records that existed before the feed did (or that a bulk load wrote with the
# triggers disabled) are announced as created, in one transaction.
BACKFILL = "\n".join(
    f"INSERT INTO statements_change "
    f"(transaction_id, resource_type, object_id, slug, action, changed_at) "
    f"SELECT pg_current_xact_id()::text::bigint, '{kind}', id, slug, 'created', "
    f"clock_timestamp() FROM {_table(model)}"
    f"{visible_condition(model).replace(' AND ', ' WHERE ', 1)} ORDER BY id;"
    for model, kind in RESOURCES.items()
)
