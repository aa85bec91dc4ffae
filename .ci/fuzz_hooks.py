"""schemathesis hooks of `make fuzz` (.ci/fuzz.sh sets SCHEMATHESIS_HOOKS).

Slug filters take arrays of slugs that must name existing rows: an unknown slug
is a documented 400 (`unknown_slug`), and no schema can say which slugs exist.
schemathesis's dictionaries hold scalars only, so for the fuzz run the schema's
slug-filter items are narrowed to the seeded data's slugs (read from the
dictionaries .ci/fuzz.sh wrote): positive cases send real slugs and negative cases
anything else. The served schema is not changed, and responses are checked
against it as served.
"""

import json
import os
import re
from pathlib import Path

import schemathesis

DICTIONARIES = Path(os.environ.get("FUZZ_DICTIONARY_DIR", ".data/fuzz/dictionaries"))
SLUG_FILTERS = {
    "speaker": "speaker",
    "statement": "statement",
    "event": "event",
    "theme": "theme",
    "stakeholder_group": "stakeholder_group",
    "quoted_speaker": "speaker",
    "publisher": "organization",
    # A statement's author is a speaker or an organization.
    "author": ("speaker", "organization"),
}
PARENTS = {"/events": "event", "/themes": "theme", "/organizations": "organization"}


def _slugs(kinds) -> list[str]:
    slugs = []
    for kind in (kinds,) if isinstance(kinds, str) else kinds:
        path = DICTIONARIES / f"{kind}.dict"
        lines = path.read_text(encoding="utf-8").splitlines()
        slugs += [json.loads(line) for line in lines if line.strip()]
    return sorted(set(slugs))


def _kind(path: str, name: str):
    if name == "parent":
        return next((kind for part, kind in PARENTS.items() if part in path), None)
    return SLUG_FILTERS.get(name)


@schemathesis.hook
def before_load_schema(context, raw_schema):
    for path, item in raw_schema.get("paths", {}).items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                kind = _kind(path, parameter.get("name", ""))
                if parameter.get("in") != "query" or not kind:
                    continue
                if schema.get("type") == "array":
                    items = schema.get("items", {})
                    schema["items"] = {**items, "enum": _slugs(kind)}


# `q` takes at most 20 words (statements.api.params.MAX_SEARCH_TERMS, a documented
# 400 `invalid_search`). A word is a run of Python's Unicode `\w`, which no JSON
# Schema pattern says the same way in every dialect (ECMA's `\w` is ASCII), so
# the schema says it in words, and the fuzz run leaves out the few generated
# texts of more words that the schema's own rules (a string of at most 500
# characters) take as valid. Longer texts, NUL and the limit itself are sent by
# tests/reliability/test_bad_input.py and tests/api/test_search.py.
SEARCH_TERMS = 20
MAX_SEARCH_LENGTH = 500
_WORD = re.compile(r"\w+")


@schemathesis.hook
def filter_query(context, query):
    text = (query or {}).get("q")
    if not isinstance(text, str) or len(text) > MAX_SEARCH_LENGTH:
        return True
    words = [word for word in _WORD.findall(text) if word != "OR"]
    return len(words) <= SEARCH_TERMS
