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
    narrow_search_text(raw_schema)


# `q` takes at most MAX_SEARCH_TERMS (20) words and no NUL (a documented 400,
# `invalid_search`). A word is a run of Python's Unicode `\w`, which no JSON
# Schema pattern says the same way in every dialect (ECMA's `\w` is ASCII, and
# the generator reads it so), so the served schema says it in words. For the fuzz
# run, positive cases get it as a pattern of ASCII classes, which every dialect
# reads alike: at most 20 runs of word characters between other ASCII characters.
# Negative cases still send anything; tests/reliability/test_bad_input.py sends
# the long, NUL and non-ASCII texts.
SEARCH_TERMS = 20
_WORD = "[0-9A-Z_a-z]"
_OTHER = r"[\x01-/:-@\[-^`{-\x7f]"
SEARCH_PATTERN = (
    rf"^{_OTHER}*(?:{_WORD}+{_OTHER}+){{0,{SEARCH_TERMS - 1}}}{_WORD}*{_OTHER}*$"
)


def narrow_search_text(raw_schema):
    for item in raw_schema.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") == "q":
                    parameter.setdefault("schema", {})["pattern"] = SEARCH_PATTERN
