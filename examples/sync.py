#!/usr/bin/env python3
"""Keep a local replica of the Statements API in step with the server.

The first run takes the head of the change feed, pulls every resource with
cursor pages, then applies the changes made during the pull. Every later run
applies the change feed from where the last one stopped. Deletions are part of
the feed, so the replica never keeps a record the server has dropped.

    python examples/sync.py --base-url http://127.0.0.1:8000 --state replica.json
    API_KEY=... python examples/sync.py --state replica.json

Needs httpx (pip install httpx). The replica is one JSON file:
{"cursor": "...", "records": {"quote": {"<slug>": {...}}, ...}}.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import httpx

RESOURCES = {
    "speaker": "speakers",
    "event": "events",
    "statement": "statements",
    "quote": "quotes",
    "theme": "themes",
    "stakeholder_group": "stakeholder-groups",
}
PAGE_SIZE = 100


class Api:
    """A small client that honours rate limits (429 + Retry-After)."""

    def __init__(self, base_url: str, api_key: str | None):
        headers = {"Accept": "application/json"}
        if api_key:
            headers["X-API-Key"] = api_key
        self.client = httpx.Client(base_url=base_url, headers=headers, timeout=30)

    def get(self, url: str, **params) -> httpx.Response:
        for _attempt in range(10):
            response = self.client.get(url, params=params or None)
            if response.status_code in (429, 503):
                time.sleep(min(float(response.headers.get("Retry-After", "1")), 30))
                continue
            return response
        response.raise_for_status()
        return response


def full_pull(api: Api) -> dict[str, dict[str, dict]]:
    """Every record of every resource, read with keyset cursor pages."""
    records = {}
    for type_name, path in RESOURCES.items():
        records[type_name] = {}
        url = f"/api/v1/{path}/"
        params = {"updated_since": "1970-01-01T00:00:00Z", "page_size": PAGE_SIZE}
        while url:
            response = api.get(url, **params)
            response.raise_for_status()
            body = response.json()
            for item in body["results"]:
                if type_name == "statement":
                    # The full text, paragraphs and quotes are in the detail only.
                    detail = api.get(item["url"])
                    detail.raise_for_status()
                    item = detail.json()
                records[type_name][item["slug"]] = item
            url, params = body["next"], {}
    return records


def apply_changes(api: Api, state: dict) -> int:
    """Apply the change feed from state["cursor"]; return how many changes."""
    applied = 0
    while True:
        params = {"limit": 500}
        if state.get("cursor"):
            params["since"] = state["cursor"]
        response = api.get("/api/v1/changes/", **params)
        response.raise_for_status()
        feed = response.json()
        for change in feed["results"]:
            bucket = state["records"].setdefault(change["type"], {})
            if change["change"] == "renamed":
                # The same record under a new slug: the old one answers 301.
                bucket.pop(change["previous_slug"], None)
            if change["change"] == "deleted":
                bucket.pop(change["slug"], None)
            else:
                detail = api.get(change["url"])
                if detail.status_code in (301, 404, 410):
                    # Renamed or deleted since: a later change in the feed says
                    # so (a redirect is not followed, so that no record is
                    # stored under a slug it no longer has).
                    bucket.pop(change["slug"], None)
                else:
                    detail.raise_for_status()
                    bucket[change["slug"]] = detail.json()
            applied += 1
        state["cursor"] = feed["next_cursor"] or state.get("cursor")
        if not feed["has_more"]:
            return applied


def sync(api: Api, state_path: Path) -> dict:
    if state_path.exists():
        state = json.loads(state_path.read_text())
    else:
        head = api.get("/api/v1/changes/", since="now")
        head.raise_for_status()
        state = {"cursor": head.json()["next_cursor"], "records": full_pull(api)}
    applied = apply_changes(api, state)
    state_path.write_text(json.dumps(state, ensure_ascii=False, sort_keys=True))
    counts = {name: len(items) for name, items in state["records"].items()}
    print(json.dumps({"applied_changes": applied, "records": counts}))
    return state


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--state", type=Path, default=Path("replica.json"))
    args = parser.parse_args(argv)
    sync(Api(args.base_url, os.environ.get("API_KEY")), args.state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
