"""The API docs in a real browser: headless Chromium driven over DevTools.

The pages are served by the live server under a host name that is not
localhost (Swagger UI behaves differently on localhost), Chromium resolves that
name to the server and every other name to nothing, and every request the page
makes is recorded from the DevTools Network events.
"""

import json
import re
import shutil
import subprocess
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
import websocket
from django.core.management import call_command

DOCS_HOST = "statements.test"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]
TIMEOUT = 30
QUOTES_LIST = "#operations-quotes-quotes_list"
RESPONSE = ".live-responses-table tbody"
OPERATION_PATHS = [
    "/api/v1/quotes/",
    "/api/v1/quotes/{slug}/",
    "/api/v1/quotes/facets/",
    "/api/v1/statements/",
    "/api/v1/speakers/",
    "/api/v1/events/",
    "/api/v1/themes/",
    "/api/v1/stakeholder-groups/",
    "/api/v1/search/",
    "/api/v1/changes/",
]


class DevTools:
    """A minimal Chrome DevTools Protocol client for one page target."""

    def __init__(self, ws_url: str):
        self.socket = websocket.create_connection(
            ws_url, timeout=TIMEOUT, suppress_origin=True
        )
        self.last_id = 0
        self.events: list[dict] = []

    def send(self, method: str, **params):
        """Call `method` and return its result; events seen meanwhile are kept."""
        self.last_id += 1
        call_id = self.last_id
        self.socket.send(
            json.dumps({"id": call_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str):
        """Poll `expression` until it is truthy; fail after TIMEOUT seconds."""
        deadline = time.monotonic() + TIMEOUT
        # A DOM node cannot be returned by value: it counts as found.
        wrapped = f"(v => v instanceof Node ? true : v)({expression})"
        while time.monotonic() < deadline:
            value = self.evaluate(wrapped)
            if value:
                return value
            time.sleep(0.2)
        body = self.evaluate("document.body ? document.body.innerText : ''")
        pytest.fail(f"timed out waiting for {what}; the page shows:\n{body[:2000]}")

    def open(self, url: str):
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'", f"{url} to load")

    def requested_urls(self) -> list[str]:
        self.evaluate("1")  # Collect the events that arrived since the last call.
        return [
            event["params"]["request"]["url"]
            for event in self.events
            if event.get("method") == "Network.requestWillBeSent"
        ]

    def exceptions(self) -> list[str]:
        return [
            event["params"]["exceptionDetails"].get("text", "")
            + str(event["params"]["exceptionDetails"].get("exception", {}))
            for event in self.events
            if event.get("method") == "Runtime.exceptionThrown"
        ]

    def close(self):
        self.socket.close()


def _chromium_binary() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail(
            "Chromium is not installed. `make browser-test` installs Debian's "
            "chromium package (apt-get install chromium) and runs this suite."
        )
    return binary


def _debugging_port(profile, process) -> int:
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text().strip():
            return int(port_file.read_text().splitlines()[0])
        if process.poll() is not None:
            pytest.fail(f"Chromium exited with {process.returncode}")
        time.sleep(0.1)
    pytest.fail("Chromium did not open its DevTools port")


@pytest.fixture
def browser(tmp_path, live_server):
    """A fresh headless Chromium whose only reachable host is the live server."""
    profile = tmp_path / "profile"
    profile.mkdir()
    server = urlsplit(live_server.url)
    # Every host name but DOCS_HOST fails to resolve: nothing leaves the machine,
    # and a request elsewhere still shows in the Network events.
    rules = f"MAP {DOCS_HOST} {server.hostname}, MAP * ~NOTFOUND"
    process = subprocess.Popen(
        [
            _chromium_binary(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--host-resolver-rules={rules}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = _debugging_port(profile, process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as answer:
            targets = json.load(answer)
        page = next(target for target in targets if target["type"] == "page")
        devtools = DevTools(page["webSocketDebuggerUrl"])
        devtools.send("Network.enable")
        devtools.send("Page.enable")
        devtools.send("Runtime.enable")
        yield devtools
        devtools.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def docs_origin(live_server, settings, transactional_db):
    """The live server's origin under DOCS_HOST, with the seeded data committed."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, DOCS_HOST]
    call_command("seed", verbosity=0)
    return f"http://{DOCS_HOST}:{urlsplit(live_server.url).port}"


def _other_hosts(urls: list[str]) -> list[str]:
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in {"data", "blob"}
        and urlsplit(url).hostname != DOCS_HOST
    ]


def _open_swagger_ui(browser, docs_origin):
    browser.open(f"{docs_origin}/api/v1/docs/")
    browser.wait_for(
        f"document.querySelector('{QUOTES_LIST}')", "the quotes list operation"
    )


def test_swagger_ui_renders_every_operation(browser, docs_origin):
    _open_swagger_ui(browser, docs_origin)

    paths = browser.evaluate(
        "[...document.querySelectorAll('.opblock-summary-path')]"
        ".map(e => e.getAttribute('data-path'))"
    )
    for path in OPERATION_PATHS:
        assert path in paths, (path, paths)
    operation_ids = browser.evaluate(
        "[...document.querySelectorAll('.opblock')].map(e => e.id)"
    )
    assert "operations-quotes-quotes_list" in operation_ids
    assert "operations-search-search" in operation_ids
    assert browser.evaluate("document.title") == "Statements API"
    assert not browser.exceptions()


def test_swagger_ui_loads_nothing_from_other_hosts(browser, docs_origin):
    _open_swagger_ui(browser, docs_origin)
    # The online validator badge, if any, loads after the schema.
    time.sleep(1)

    urls = browser.requested_urls()

    assert f"{docs_origin}/api/v1/schema/" in urls
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in u for u in urls)
    assert not _other_hosts(urls)


def test_try_it_out_lists_the_seeded_quotes(browser, docs_origin):
    _open_swagger_ui(browser, docs_origin)
    operation = f"document.querySelector('{QUOTES_LIST}')"

    browser.evaluate(f"{operation}.querySelector('.opblock-summary-control').click()")
    browser.wait_for(f"{operation}.querySelector('.try-out__btn')", "Try it out")
    browser.evaluate(f"{operation}.querySelector('.try-out__btn').click()")
    browser.wait_for(f"{operation}.querySelector('.btn.execute')", "Execute")
    browser.evaluate(f"{operation}.querySelector('.btn.execute').click()")
    status = browser.wait_for(
        f"{operation}.querySelector('{RESPONSE} .response-col_status')"
        "?.innerText.trim()",
        "the response of Execute",
    )
    body = browser.evaluate(
        f"{operation}.querySelector('{RESPONSE} .response-col_description').innerText"
    )

    assert status == "200"
    assert "blinken-mass-migration-remains-a-priority" in body
    assert '"count": 6' in body
    assert f"{docs_origin}/api/v1/quotes/" in browser.requested_urls()
    assert not _other_hosts(browser.requested_urls())
    assert not browser.exceptions()


def test_the_served_schema_has_no_dangling_reference(client, db):
    response = client.get("/api/v1/schema/?format=json")

    schema = response.json()
    defined = set(schema["components"]["schemas"])
    referenced = set(
        re.findall(r'"#/components/schemas/([^"]+)"', response.content.decode())
    )
    assert referenced - defined == set()


def test_redoc_renders_the_operations(browser, docs_origin):
    browser.open(f"{docs_origin}/api/v1/redoc/")

    text = browser.wait_for(
        "['List quotes', 'Something went wrong'].some("
        "t => document.body.innerText.includes(t)) && document.body.innerText",
        "ReDoc to render the operations or an error",
    )

    assert "Something went wrong" not in text, text[:500]
    assert "Search everything" in text
    assert "/api/v1/quotes/" in text


def test_redoc_loads_nothing_from_other_hosts(browser, docs_origin):
    browser.open(f"{docs_origin}/api/v1/redoc/")

    urls = browser.requested_urls()

    assert f"{docs_origin}/api/v1/redoc/" in urls
    assert not _other_hosts(urls)
