"""OpenAPI response examples: the seeded API's real responses, as recorded.

`manage.py record_examples` (run by `make schema`) writes examples.json from a
throwaway database seeded with fixtures/blinken.json; generating the schema reads
only the file, so it needs no database. tests/api/test_schema_examples.py holds
every recorded body to the live response.
"""

import functools
import json
from pathlib import Path

from drf_spectacular.utils import OpenApiExample

EXAMPLES_FILE = Path(__file__).with_name("examples.json")


@functools.cache
def _recorded() -> dict:
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


def response_examples(operation: str) -> list[OpenApiExample]:
    """The recorded examples of `operation` ("quotes-list", "speakers-detail", ...).

    An operation nothing was recorded for has none, so that the API still loads
    to record it; the example tests require one for every list and detail.
    """
    return [
        OpenApiExample(
            name,
            value=example["value"],
            summary=example["summary"],
            description=example["description"],
            response_only=True,
            status_codes=[str(example["status"])],
        )
        for name, example in _recorded().items()
        if operation in example["operations"]
    ]
