"""The tables of a bench run, its targets, and their place in docs/performance.md."""

import re
from pathlib import Path

START = "<!-- bench:results:start (written by make bench; edit the text around) -->"
END = "<!-- bench:results:end -->"


def _ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _load(results, name, figure):
    return results["scenarios"][name]["load"].get(figure)


def _export(results, name, figure):
    return results["exports"].get(name, {}).get(figure)


# (what, how it is computed, operator, limit); no operator: for information.
def _comparisons(results):
    load = lambda name, figure: _load(results, name, figure)  # noqa: E731
    export = lambda name, figure: _export(results, name, figure)  # noqa: E731
    return [
        (
            "quotes list ÷ floor B without count (req/s)",
            _ratio(load("quotes_api", "rps"), load("quotes_b_nocount", "rps")),
            ">=",
            0.5,
        ),
        (
            "quotes list ÷ floor B, same JSON with count (req/s)",
            _ratio(load("quotes_api", "rps"), load("quotes_b", "rps")),
            None,
            None,
        ),
        (
            "quotes list ÷ floor C without count (req/s)",
            _ratio(load("quotes_api", "rps"), load("quotes_c_nocount", "rps")),
            None,
            None,
        ),
        (
            "quotes list ÷ floor C with count (req/s)",
            _ratio(load("quotes_api", "rps"), load("quotes_c", "rps")),
            None,
            None,
        ),
        (
            "statements list ÷ its floor B (req/s)",
            _ratio(load("statements_api", "rps"), load("statements_b", "rps")),
            None,
            None,
        ),
        (
            "statements list ÷ its floor C (req/s)",
            _ratio(load("statements_api", "rps"), load("statements_c", "rps")),
            None,
            None,
        ),
        (
            "page with count ÷ page without (API page 1 ÷ sync page 1, req/s)",
            _ratio(load("quotes_api", "rps"), load("sync_first", "rps")),
            ">=",
            0.8,
        ),
        (
            "floor B with COUNT(*) ÷ without (req/s): what an uncached count costs",
            _ratio(load("quotes_b", "rps"), load("quotes_b_nocount", "rps")),
            None,
            None,
        ),
        (
            "deepest keyset sync page ÷ sync page 1 (p50 latency)",
            _ratio(load("sync_deep", "p50_ms"), load("sync_first", "p50_ms")),
            "<=",
            1.2,
        ),
        (
            "offset page 200 ÷ page 1 (p50 latency)",
            _ratio(load("offset_max", "p50_ms"), load("quotes_api", "p50_ms")),
            None,
            None,
        ),
        (
            "search ÷ plain filtered page (p99 latency)",
            _ratio(load("search", "p99_ms"), load("filtered", "p99_ms")),
            "<=",
            2.0,
        ),
        (
            "facets ÷ plain page (p50 latency)",
            _ratio(load("facets", "p50_ms"), load("quotes_api", "p50_ms")),
            "<=",
            3.0,
        ),
        (
            "CSV export ÷ COPY, 200k rows (rows/s)",
            _ratio(export("api_all", "rows_per_s"), export("copy_all", "rows_per_s")),
            ">=",
            0.5,
        ),
        (
            "export worker peak RSS, 200k ÷ 20k rows",
            _ratio(
                export("api_all", "peak_rss_mb"), export("api_small", "peak_rss_mb")
            ),
            "<=",
            1.2,
        ),
    ]


def targets(results) -> list[dict]:
    """Every comparison of the run; those with a limit pass or fail."""
    rows = []
    for name, figure, operator, limit in _comparisons(results):
        if operator is None:
            passed = True
        elif figure is None:
            passed = False
        else:
            passed = figure >= limit if operator == ">=" else figure <= limit
        rows.append(
            {
                "name": name,
                "figure": figure,
                "operator": operator,
                "limit": limit,
                "passed": passed,
            }
        )
    return rows


def _f(value, digits=1):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def render(results) -> str:
    """The Markdown tables of a run."""
    facts, versions = results["facts"], results["versions"]
    machine = results["machine"]
    lines = [
        f"Run {results['when']} in {results['seconds']:.0f} s: `{results['command']}`,"
        f" {results['duration']} s of wrk per scenario (1 thread, 1 connection) in "
        f"{results['rounds']} rounds interleaved with the other scenarios, gunicorn "
        "with 1 sync worker on loopback.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
        f"Machine: {machine['cpus']} CPUs, {machine['platform']}; load average "
        f"{_f(machine['load_before'][0], 2)} before, "
        f"{_f(machine.get('load_after', [None])[0], 2)} after (other work shared "
        "the machine when it is above 0.2).",
        "",
        f"Data: {facts['quotes']:,} quotes, {facts['statements']:,} statements, "
        f"{facts['speakers']} speakers, {facts['changes']:,} change-feed rows. "
        "Floors return the same JSON as the API: "
        + ", ".join(
            f"{name} {'yes' if same else 'NO'}"
            for name, same in results["same_json"].items()
        )
        + ".",
        "",
        "| Scenario | Request | req/s | p50 ms | p99 ms | queries | Python ms "
        "| Postgres ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for scenario in results["scenarios"].values():
        load, in_process = scenario["load"], scenario["in_process"]
        errors = f" ({load['errors']} errors)" if load.get("errors") else ""
        lines.append(
            f"| {scenario['label']} | `{_short(scenario['path'])}` | "
            f"{_f(load.get('rps'))}{errors} | {_f(load.get('p50_ms'))} | "
            f"{_f(load.get('p99_ms'))} | {in_process.get('queries', 'n/a')} | "
            f"{_f(in_process.get('python_ms'))} | {_f(in_process.get('sql_ms'))} |"
        )
    lines += [
        "",
        "Queries, Python ms and Postgres ms: one request in-process after the load "
        "(median of 5; Postgres = time inside cursor.execute, round trip included; "
        "Python = the rest of the request).",
        "",
        "| Comparison | Ratio | Target | Result |",
        "|---|--:|--:|---|",
    ]
    for target in results["targets"]:
        limit = f"{target['operator']} {target['limit']}" if target["operator"] else "—"
        result = (
            ("PASS" if target["passed"] else "FAIL") if target["operator"] else "info"
        )
        lines.append(
            f"| {target['name']} | {_f(target['figure'], 3)} | {limit} | {result} |"
        )
    lines += [
        "",
        "| Export | rows | MB | seconds | rows/s | worker RSS before, MB | "
        "peak RSS, MB |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    names = {
        "api_small": "`/api/v1/exports/quotes.csv?speaker=…` (API)",
        "copy_small": "COPY floor, same speakers",
        "api_all": "`/api/v1/exports/quotes.csv` (API)",
        "copy_all": "COPY floor, all quotes",
    }
    for name, figures in results["exports"].items():
        if "error" in figures:
            lines.append(f"| {names[name]} | not available: {figures['error']} |")
            continue
        lines.append(
            f"| {names[name]} | {figures['rows']:,} | {_f(figures['mb'])} | "
            f"{_f(figures['seconds'], 2)} | {_f(figures['rows_per_s'], 0)} | "
            f"{_f(figures['rss_before_mb'])} | {_f(figures['peak_rss_mb'])}"
            f"{'' if figures['peak_exact'] else ' (sampled)'} |"
        )
    before_after = results.get("before_after")
    if before_after:
        configurations = list(before_after["figures"])
        lines += [
            "",
            f"Server-side settings: three servers, {before_after['duration']} s per "
            "cell, interleaved (req/s, p50 / p99 ms):",
            "",
            "| Scenario | " + " | ".join(configurations) + " |",
            "|---|" + "--:|" * len(configurations),
        ]
        for name in next(iter(before_after["figures"].values())):
            cells = []
            for configuration in configurations:
                load = before_after["figures"][configuration][name]
                cells.append(
                    f"{_f(load['rps'])}, {_f(load['p50_ms'])} / {_f(load['p99_ms'])}"
                )
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    profile = results.get("profile")
    if profile:
        lines += [
            "",
            f"cProfile of `{profile['path']}`, {profile['requests']} requests "
            "in-process, per request (profiling inflates Python time ~2x):",
            "",
            "| Where | calls | cumulative ms |",
            "|---|--:|--:|",
        ]
        lines += [
            f"| {c['label']} | {_f(c['calls'])} | {_f(c['cumulative_ms'], 2)} |"
            for c in profile["components"]
        ]
        lines += [
            "",
            "The queries of one such request:",
            "",
            "| ms | SQL |",
            "|--:|---|",
        ]
        lines += [
            f"| {_f(q['ms'], 2)} | `{_clip(q['sql'])}` |" for q in profile["queries"]
        ]
        lines += [
            "",
            "| Top functions by own time | calls | own ms | cumulative ms |",
            "|---|--:|--:|--:|",
        ]
        lines += [
            f"| `{t['function']}` | {_f(t['calls'])} | {_f(t['self_ms'], 2)} | "
            f"{_f(t['cumulative_ms'], 2)} |"
            for t in profile["top_self"]
        ]
    return "\n".join(lines) + "\n"


def _clip(text: str, size: int = 110) -> str:
    text = text.replace("|", "\\|")
    return text if len(text) <= size else text[: size - 1] + "…"


def _short(path: str) -> str:
    return re.sub(r"cursor=[^&]+", "cursor=…", path)


def write_report(path: Path, text: str) -> None:
    """Put `text` between the bench markers of `path` (appended when missing)."""
    block = f"{START}\n{text}{END}"
    current = path.read_text() if path.exists() else "# Performance\n"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        updated = before + block + after
    else:
        updated = current.rstrip("\n") + "\n\n## Latest run\n\n" + block + "\n"
    path.write_text(updated)
