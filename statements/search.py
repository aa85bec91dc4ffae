"""What `?q=` searches, and the database functions and triggers that keep it.

A searched resource (quotes, statements) keeps its document in its row's
`search_vector` column, written only by triggers, from `SOURCES`: each source is
one SQL expression over the row `r`, with its weight (A ranks first) and the
columns of other tables it reads, whose changes refresh the documents that read
them. Adding a source is one line here (and a migration that installs the new
`CREATE_SQL`, as for the change feed's graph).

The rules (docs/search.md):
- Words are English-stemmed and unaccented (`statements_unaccent`, and the
  `statements_english` configuration, which also unaccents where the `unaccent`
  extension is installed, so that snippets mark accented words).
- `statements_search_query` parses websearch syntax ("phrases", OR, -word) and
  makes every free word (not in a phrase, not excluded) of four letters or more
  a prefix; a longer one also matches every word that begins with the first
  five letters of its stem: `migrants`, `migration` and `migración` meet
  through `migra`. Exact stems still rank above these wider matches.
- "Did you mean": `statements_searchword` holds the documents' words; a search
  that finds nothing offers each unknown word's closest known word by trigram
  similarity (pg_trgm).

Freshness: a BEFORE trigger computes the row's document on every insert and on
an update that changes its own sources or sets `search_vector` (to null: that is
how the triggers on speakers, events, themes and theme links ask for a refresh).
Such a refresh writes no column that the history tracks (`search_vector` is
UNTRACKED) nor `updated_at`, and the change feed's triggers on these tables fire
on updates of every other column (changefeed.UNSHOWN_COLUMNS): a refresh is no
change in the history or the feed, which record what changed (the speaker,
the theme link) and its fan-out as before.
"""

from dataclasses import dataclass

from django.db import models

from statements.models import (
    Event,
    Organization,
    Quote,
    SearchWord,
    Speaker,
    Statement,
    Theme,
)

CONFIG = "statements_english"


@dataclass(frozen=True)
class Watch:
    """A change of `columns` in a row of `model` refreshes the documents of the
    records that `records` finds (SQL; `{row}` is the changed row, NEW or OLD)."""

    model: type[models.Model]
    columns: tuple[str, ...]
    records: str


@dataclass(frozen=True)
class Source:
    """Text of a document: `sql` over the record's row `r`, at `weight`."""

    weight: str
    sql: str
    watches: tuple[Watch, ...] = ()


@dataclass(frozen=True)
class Document:
    """The search document of `model`'s records (their `search_vector`)."""

    kind: str
    model: type[models.Model]
    own_columns: tuple[str, ...]
    sources: tuple[Source, ...]


def _table(model: type[models.Model]) -> str:
    return model._meta.db_table


def _link(model: type[models.Model], field: str) -> tuple[str, str, str]:
    relation = model._meta.get_field(field)
    through = relation.remote_field.through
    return _table(through), relation.m2m_column_name(), relation.m2m_reverse_name()


def speaker_names(model: type[models.Model], field: str = "speaker") -> Source:
    """The names of the record's speaker (a quote's speaker, a statement's
    author when a person): name and other names (aliases)."""
    column = model._meta.get_field(field).column
    return Source(
        "C",
        f"(SELECT concat_ws(' ', s.name, array_to_string(s.other_names, ' ')) "
        f"FROM {_table(Speaker)} s WHERE s.id = r.{column})",
        (
            Watch(
                Speaker,
                ("name", "other_names"),
                f"SELECT id FROM {_table(model)} WHERE {column} = {{row}}.id",
            ),
        ),
    )


def organization_name(model: type[models.Model], field: str) -> Source:
    """The name of an organization the record links (a statement's publisher, or
    its author when an organization)."""
    column = model._meta.get_field(field).column
    return Source(
        "C",
        f"(SELECT o.name FROM {_table(Organization)} o WHERE o.id = r.{column})",
        (
            Watch(
                Organization,
                ("name",),
                f"SELECT id FROM {_table(model)} WHERE {column} = {{row}}.id",
            ),
        ),
    )


def event_name_and_place(model: type[models.Model]) -> Source:
    """The record's event: its name, venue, city and country name
    (`statements_country_name`: the ISO 3166-1 names, from the iso3166 package,
    as a literal of migration 0017)."""
    return Source(
        "D",
        f"(SELECT concat_ws(' ', e.name, e.venue, e.city, "
        f"statements_country_name(e.country)) "
        f"FROM {_table(Event)} e WHERE e.id = r.event_id)",
        (
            Watch(
                Event,
                ("name", "venue", "city", "country"),
                f"SELECT id FROM {_table(model)} WHERE event_id = {{row}}.id",
            ),
        ),
    )


def theme_names(model: type[models.Model]) -> Source:
    """The names of the record's themes (renamed, added or taken away)."""
    link, own, theme = _link(model, "themes")
    through = model._meta.get_field("themes").remote_field.through
    return Source(
        "D",
        f"(SELECT string_agg(t.name, ' ') FROM {link} l JOIN {_table(Theme)} t "
        f"ON t.id = l.{theme} WHERE l.{own} = r.id)",
        (
            Watch(
                Theme, ("name",), f"SELECT {own} FROM {link} WHERE {theme} = {{row}}.id"
            ),
            Watch(through, (own, theme), f"SELECT {{row}}.{own}"),
        ),
    )


DOCUMENTS: tuple[Document, ...] = (
    Document(
        kind="quote",
        model=Quote,
        own_columns=("text", "as_delivered", "speaker_id", "event_id"),
        sources=(
            Source("A", "r.text"),
            Source("B", "r.as_delivered"),
            speaker_names(Quote),
            event_name_and_place(Quote),
            theme_names(Quote),
        ),
    ),
    Document(
        kind="statement",
        model=Statement,
        own_columns=(
            "title",
            "text",
            "publisher_id",
            "author_speaker_id",
            "author_organization_id",
            "event_id",
        ),
        sources=(
            Source("A", "r.title"),
            Source("B", "r.text"),
            organization_name(Statement, "publisher"),
            organization_name(Statement, "author_organization"),
            speaker_names(Statement, "author_speaker"),
            event_name_and_place(Statement),
            theme_names(Statement),
        ),
    ),
)


def _columns(model: type[models.Model], names) -> list[str]:
    """Column names of fields or columns."""
    columns = {field.column for field in model._meta.concrete_fields}
    return [
        name if name in columns else model._meta.get_field(name).column
        for name in names
    ]


def document_sql(document: Document) -> str:
    """The document function, the row trigger that keeps its column, and the
    triggers that ask for a refresh when what it reads elsewhere changes."""
    table, kind = _table(document.model), document.kind
    vector = " ||\n        ".join(
        f"setweight(to_tsvector('{CONFIG}', "
        f"statements_unaccent(coalesce({source.sql}, ''))), '{source.weight}')"
        for source in document.sources
    )
    text = ",\n        ".join(source.sql for source in document.sources)
    own = " OR ".join(
        f"OLD.{column} IS DISTINCT FROM NEW.{column}"
        for column in _columns(document.model, document.own_columns)
    )
    sql = f"""
CREATE OR REPLACE FUNCTION statements_{kind}_document(r {table}) RETURNS tsvector AS $$
    SELECT {vector}
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION statements_{kind}_words(r {table}) RETURNS SETOF text AS $$
    SELECT statements_words(concat_ws(' ',
        {text}))
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION statements_search_{kind}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT ({own})
        AND NEW.search_vector IS NOT DISTINCT FROM OLD.search_vector
    THEN
        RETURN NEW;
    END IF;
    NEW.search_vector := statements_{kind}_document(NEW);
    INSERT INTO {_table(SearchWord)} (word)
    SELECT statements_{kind}_words(NEW) ON CONFLICT DO NOTHING;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_search ON {table};
CREATE TRIGGER {table}_search BEFORE INSERT OR UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION statements_search_{kind}();
"""
    for model, found in watches(document).items():
        columns = sorted({c for w in found for c in _columns(model, w.columns)})
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        records = " UNION ".join(watch.records for watch in found)
        function = f"statements_search_{kind}_from_{_table(model)}"
        trigger = f"{_table(model)}_search_{kind}"
        sql += f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT ({changed}) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE {table} SET search_vector = NULL
        WHERE id IN ({records.format(row="NEW")});
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE {table} SET search_vector = NULL
        WHERE id IN ({records.format(row="OLD")});
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {trigger} ON {_table(model)};
CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {_table(model)}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    return sql


def watches(document: Document) -> dict[type[models.Model], list[Watch]]:
    """The document's watches of other tables, by changed model."""
    found: dict[type[models.Model], list[Watch]] = {}
    for source in document.sources:
        for watch in source.watches:
            found.setdefault(watch.model, []).append(watch)
    return found


# (table, trigger) of every search trigger, e.g. to disable them for a bulk load.
TRIGGERS: tuple[tuple[str, str], ...] = tuple(
    pair
    for document in DOCUMENTS
    for pair in (
        (_table(document.model), f"{_table(document.model)}_search"),
        *(
            (_table(model), f"{_table(model)}_search_{document.kind}")
            for model in watches(document)
        ),
    )
)

# Every function the migration installs for search (as regprocedure names them).
FUNCTIONS: tuple[str, ...] = (
    "statements_unaccent(text)",
    "statements_words(text)",
    "statements_country_name(text)",
    "statements_search_query(text)",
    "statements_suggest(text)",
    *(
        signature
        for document in DOCUMENTS
        for signature in (
            f"statements_{document.kind}_document({_table(document.model)})",
            f"statements_{document.kind}_words({_table(document.model)})",
            f"statements_search_{document.kind}()",
            *(
                f"statements_search_{document.kind}_from_{_table(model)}()"
                for model in watches(document)
            ),
        )
    ),
)

# Every document and word again, from the records (their search triggers off:
# they would compute each document twice; the change feed's do not fire on
# search_vector alone): after a bulk load with every trigger off (then only
# `REFRESH_ALL`), and to drop the words no document holds.
REFRESH_ALL = f"TRUNCATE {_table(SearchWord)};\n" + "".join(
    f"UPDATE {_table(d.model)} r SET search_vector = statements_{d.kind}_document(r);\n"
    f"INSERT INTO {_table(SearchWord)} (word) SELECT DISTINCT w FROM "
    f"{_table(d.model)} r, statements_{d.kind}_words(r) w ON CONFLICT DO NOTHING;\n"
    for d in DOCUMENTS
)


def _record_triggers(action: str) -> str:
    return "".join(
        f'ALTER TABLE {_table(d.model)} {action} TRIGGER "{_table(d.model)}_search";\n'
        for d in DOCUMENTS
    )


REBUILD = _record_triggers("DISABLE") + REFRESH_ALL + _record_triggers("ENABLE")

# --- The functions every document and query uses --------------------------------

# Accents off (NFD, combining marks dropped, NFC again), built in: it needs no
# extension, so documents and queries fold accents on every PostgreSQL.
UNACCENT_SQL = r"""
CREATE OR REPLACE FUNCTION statements_unaccent(value text) RETURNS text AS $$
    SELECT normalize(
        regexp_replace(normalize(value, NFD), '[\u0300-\u036f]', '', 'g'), NFC
    )
$$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;

-- The words of a text for "did you mean": unaccented, lower-case, letters only.
CREATE OR REPLACE FUNCTION statements_words(value text) RETURNS SETOF text AS $$
    SELECT DISTINCT word
    FROM unnest(tsvector_to_array(to_tsvector('simple', statements_unaccent(value))))
        AS word
    WHERE word ~ '^[a-z]{3,}$'
$$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;
"""

# The configuration: English stemming, and accents off where `unaccent` is (so
# that ts_headline, which reads the stored text, marks accented words too).
CONFIG_SQL = {
    True: f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english);
ALTER TEXT SEARCH CONFIGURATION {CONFIG}
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
""",
    False: f"""
CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english);
""",
}

# websearch syntax, then every free word (not in a phrase, not excluded) of four
# letters or more is a prefix, and a longer one than five also matches every word
# that begins with its first five letters. The output of websearch_to_tsquery is
# split into quoted lexemes and the operators between them.
QUERY_SQL = f"""
CREATE OR REPLACE FUNCTION statements_search_query(value text) RETURNS tsquery AS $$
DECLARE
    parsed text := websearch_to_tsquery('{CONFIG}', statements_unaccent(value))::text;
    tokens text[] := ARRAY(
        SELECT m[1] FROM regexp_matches(parsed, '(''(?:[^'']|'''')*''|[^'']+)', 'g')
            AS m
    );
    result text := '';
    token text;
    before text;
    after text;
    lexeme text;
BEGIN
    FOR i IN 1 .. coalesce(array_length(tokens, 1), 0) LOOP
        token := tokens[i];
        IF left(token, 1) <> '''' THEN
            result := result || token;
            CONTINUE;
        END IF;
        before := btrim(coalesce(tokens[i - 1], ''));
        after := btrim(coalesce(tokens[i + 1], ''));
        lexeme := replace(substr(token, 2, length(token) - 2), '''''', '''');
        IF length(lexeme) < 4
            OR NOT (before = '' OR right(before, 1) IN ('&', '|', '('))
            OR NOT (after = '' OR left(after, 1) IN ('&', '|', ')'))
        THEN
            result := result || token;
        ELSIF length(lexeme) <= 5 THEN
            result := result || token || ':*';
        ELSE
            result := result || '(' || token || ':* | '''
                || replace(left(lexeme, 5), '''', '''''') || ''':*)';
        END IF;
    END LOOP;
    RETURN result::tsquery;
END $$ LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE;
"""

# "Did you mean": the known word closest to `value` (trigram similarity of at
# least pg_trgm.similarity_threshold, 0.3), or null; always null without pg_trgm.
SUGGEST_SQL = {
    True: f"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS statements_searchword_trgm
    ON {_table(SearchWord)} USING gin (word gin_trgm_ops);
CREATE OR REPLACE FUNCTION statements_suggest(value text) RETURNS text AS $$
    SELECT word FROM {_table(SearchWord)}
    WHERE word % value
    ORDER BY similarity(word, value) DESC, word
    LIMIT 1
$$ LANGUAGE sql STABLE STRICT PARALLEL SAFE;
""",
    False: """
CREATE OR REPLACE FUNCTION statements_suggest(value text) RETURNS text AS $$
    SELECT NULL::text
$$ LANGUAGE sql STABLE STRICT PARALLEL SAFE;
""",
}

CREATE_SQL = "".join(document_sql(document) for document in DOCUMENTS)
