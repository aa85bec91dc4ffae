"""CITATION.cff is valid Citation File Format 1.2.0 and names the data licence.

The schema is CFF 1.2.0's JSON schema (citation-file-format/citation-file-format,
CC BY 4.0) as cffconvert 2.0.0 ships it, in tests/data/. `cffconvert --validate`
agrees (run by hand: it needs jsonschema<4, older than the lock's, so it is no
dependency).
"""

import json
import os

import jsonschema
import yaml
from django.conf import settings

from tests.conftest import ROOT

SCHEMA = json.loads(
    (ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text()
)


def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def errors(document: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(
        SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return [error.message for error in validator.iter_errors(document)]


def test_the_citation_file_is_valid_cff_1_2_0():
    document = citation()

    assert errors(document) == []
    assert document["cff-version"] == "1.2.0"
    assert document["type"] == "dataset"
    # The validator does reject what CFF forbids.
    assert errors({**document, "authors": []})
    assert errors({**document, "licence": "CC-BY-4.0"})


def test_the_citation_names_the_settings_default_data_licence():
    # Without DATA_LICENSE_ID the settings hold their default.
    assert "DATA_LICENSE_ID" not in os.environ
    assert citation()["license"] == settings.DATA_LICENSE["id"] == "CC-BY-4.0"
