"""Pure aggregation: medians over repetitions, the ratios the targets name, and the
Markdown report. No I/O here, so the smoke test can run it on synthetic numbers."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "TARGETS",
    "evaluate_targets",
    "median",
    "render_markdown",
    "summarize",
]


def median(values: Sequence[float]) -> float | None:
    clean = [v for v in values if v is not None]
    return statistics.median(clean) if clean else None


def spread(values: Sequence[float]) -> tuple[float | None, float | None]:
    clean = [v for v in values if v is not None]
    return (min(clean), max(clean)) if clean else (None, None)


def summarize(results: Mapping[str, Any]) -> dict[str, Any]:
    """Medians of every repeated measurement, keyed like `results`."""
    out: dict[str, Any] = {"throughput": {}, "latency": {}}
    for name, sc in results.get("scenarios", {}).items():
        lo, hi = spread(sc.get("rps", []))
        out["throughput"][name] = {
            "rps": median(sc.get("rps", [])),
            "min": lo,
            "max": hi,
            "p50_ms": median(sc.get("p50_ms", [])),
            "p99_ms": median(sc.get("p99_ms", [])),
            "non2xx": sum(sc.get("non2xx", []) or [0]),
            "socket_errors": sum(sc.get("socket_errors", []) or [0]),
            "reps": len(sc.get("rps", [])),
        }
    for name, lat in results.get("latency", {}).items():
        out["latency"][name] = {
            "target_rps": lat.get("target_rps"),
            "achieved_rps": median(lat.get("achieved_rps", [])),
            "p50_ms": median(lat.get("p50_ms", [])),
            "p99_ms": median(lat.get("p99_ms", [])),
            "p999_ms": median(lat.get("p999_ms", [])),
            "errors": sum(lat.get("errors", []) or [0]),
            "reps": len(lat.get("p99_ms", [])),
        }
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


# (key, description, numerator scenario, denominator scenario, threshold) for ratio targets.
TARGETS: list[dict[str, Any]] = [
    {"key": "update_vs_baseline_sqlite", "what": "updateAgent (SQLite+memory, 1 worker) / "
     "baseline (Granian, 1 worker)", "num": "update-sqlite-1e3", "den": "baseline-granian-w1",
     "min": 0.5},
    {"key": "update_vs_baseline_pg", "what": "updateAgent (PostgreSQL+Redis, 2 workers) / "
     "baseline (Granian, 2 workers)", "num": "update-pg-1e3", "den": "baseline-granian-w2",
     "min": 0.5},
    {"key": "password_vs_raw_hash_sqlite", "what": "updateAgent with password (SQLite, 1 worker)"
     " / raw Argon2id hashes/s", "num": "update-password-sqlite", "den": "raw-argon2-hash",
     "min": 0.9},
    {"key": "password_vs_raw_hash_pg", "what": "updateAgent with password (PostgreSQL, 2 "
     "workers) / raw Argon2id hashes/s", "num": "update-password-pg", "den": "raw-argon2-hash",
     "min": 0.9},
    {"key": "large_vs_small_sqlite", "what": "updateAgent at the large DB / at 1e3 agents "
     "(SQLite)", "num": "update-sqlite-large", "den": "update-sqlite-1e3", "min": 0.8},
    {"key": "large_vs_small_pg", "what": "updateAgent at the large DB / at 1e3 agents "
     "(PostgreSQL)", "num": "update-pg-large", "den": "update-pg-1e3", "min": 0.8},
]

P99_TARGET_MS = 20.0
RSS_TARGET_MIB = 150.0
P99_SCENARIOS = ("update-sqlite-1e3", "update-pg-1e3")


def evaluate_targets(
    results: Mapping[str, Any], summary: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """One row per target: the measured value, the threshold, and pass/fail (None = not run)."""
    rows: list[dict[str, Any]] = []
    tp = summary["throughput"]
    for t in TARGETS:
        value = _ratio(tp.get(t["num"], {}).get("rps"), tp.get(t["den"], {}).get("rps"))
        rows.append({"key": t["key"], "what": t["what"], "value": value,
                     "threshold": f">= {t['min']}",
                     "ok": None if value is None else value >= t["min"]})
    for name in P99_SCENARIOS:
        lat = summary["latency"].get(name)
        value = lat["p99_ms"] if lat else None
        rows.append({"key": f"p99_{name}", "what": f"p99 at 50% of max load, {name} (ms)",
                     "value": value, "threshold": f"<= {P99_TARGET_MS}",
                     "ok": None if value is None else value <= P99_TARGET_MS})
    for server, info in results.get("rss", {}).items():
        workers = info.get("workers", [])
        if not workers:
            continue
        value = max(w["vmhwm_kib"] for w in workers) / 1024
        rows.append({"key": f"rss_{server}", "what": f"peak RSS per worker, {server} (MiB)",
                     "value": value, "threshold": f"<= {RSS_TARGET_MIB}",
                     "ok": value <= RSS_TARGET_MIB})
    return rows


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _verdict(ok: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "not run"}[ok]


def render_markdown(results: Mapping[str, Any]) -> str:
    """The human report: targets first, then every table the JSON holds."""
    summary = summarize(results)
    targets = evaluate_targets(results, summary)
    meta = results.get("meta", {})
    lines = [
        f"# agentdir benchmark, {meta.get('date', '?')}",
        "",
        f"Machine: {meta.get('cpus', '?')} CPUs, {meta.get('cpu_model', '?')}; "
        f"load average at start {meta.get('loadavg', '?')} (shared machine). "
        f"Commit {meta.get('git', '?')}. Mode: {'quick' if meta.get('quick') else 'full'}; "
        f"{meta.get('reps', '?')} repetitions of {meta.get('duration_s', '?')} s per scenario, "
        "scenarios alternated round-robin within each repetition; medians reported "
        "(min-max in brackets). Load generator: wrk "
        f"(-t{meta.get('wrk_threads', '?')} -c{meta.get('connections', '?')}) "
        "on the same 2 cores as the server.",
        "",
        "## Targets",
        "",
        "| target | measured | threshold | verdict |",
        "|---|---:|---:|---|",
    ]
    for row in targets:
        digits = 2 if row["key"].startswith(("update_", "password", "large")) else 1
        lines.append(f"| {row['what']} | {_fmt(row['value'], digits)} | {row['threshold']} | "
                     f"{_verdict(row['ok'])} |")
    lines += [
        "",
        "## Throughput (requests/s, median over repetitions)",
        "",
        "| scenario | what | server | rps (median) | [min - max] | wrk p50 ms | wrk p99 ms "
        "| non-2xx | reps |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    scenarios = results.get("scenarios", {})
    for name, s in summary["throughput"].items():
        sc = scenarios[name]
        lines.append(
            f"| {name} | {sc.get('description', '')} | {sc.get('server', '')} | "
            f"{_fmt(s['rps'])} | [{_fmt(s['min'])} - {_fmt(s['max'])}] | {_fmt(s['p50_ms'], 2)} "
            f"| {_fmt(s['p99_ms'], 2)} | {s['non2xx']} | {s['reps']} |")
    lines += [
        "",
        "wrk latencies above are at saturation (closed loop), not the latency target.",
        "",
        "## Latency at 50% of the measured maximum (fixed-rate, open loop)",
        "",
        "Method: `bench/loadgen.py`, an asyncio HTTP/1.1 client on raw sockets that "
        "schedules requests at a fixed rate (open loop) over a fixed pool of keep-alive "
        "connections; latency is measured from each request's *scheduled* send time, so "
        "queueing behind a slow response counts (no coordinated omission).",
        "",
        "| scenario | target rps | achieved rps | p50 ms | p99 ms | p99.9 ms | errors | reps |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in summary["latency"].items():
        lines.append(
            f"| {name} | {_fmt(s['target_rps'])} | {_fmt(s['achieved_rps'])} | "
            f"{_fmt(s['p50_ms'], 2)} | {_fmt(s['p99_ms'], 2)} | {_fmt(s['p999_ms'], 2)} | "
            f"{s['errors']} | {s['reps']} |")
    lines += ["", "## Peak RSS per worker process (VmHWM)", "",
              "| server | worker pids | VmHWM MiB per worker |", "|---|---|---|"]
    for server, info in results.get("rss", {}).items():
        workers = info.get("workers", [])
        lines.append(f"| {server} | {', '.join(str(w['pid']) for w in workers)} | "
                     f"{', '.join(_fmt(w['vmhwm_kib'] / 1024) for w in workers)} |")
    micro = results.get("micro", {})
    if micro:
        lines += ["", "## Micro-benchmarks (in-process)", "",
                  "| measurement | value | unit |", "|---|---:|---|"]
        for key, item in micro.items():
            lines.append(f"| {key} | {_fmt(item['value'], 2)} | {item['unit']} |")
    layers = results.get("layers", {})
    for backend, rows in layers.items():
        lines += ["", f"## Layer-by-layer cost, {backend} (in-process, sequential)", "",
                  "Each layer adds one step of the real request path to the one before; "
                  "requests are driven straight into the ASGI app (no sockets), one at a "
                  "time, so the numbers are the server-side cost per request.", "",
                  "| layer | us/request | added us | requests/s (1 in flight) |",
                  "|---|---:|---:|---:|"]
        previous = None
        for row in rows:
            added = None if previous is None else row["us"] - previous
            lines.append(f"| {row['layer']} | {_fmt(row['us'])} | {_fmt(added)} | "
                         f"{_fmt(1e6 / row['us'] if row['us'] else None)} |")
            previous = row["us"]
    profiles = results.get("profile", {})
    for backend, prof in profiles.items():
        lines += ["", f"## Where the time goes, full updateAgent, {backend} (pyinstrument)", "",
                  f"{prof.get('requests', '?')} requests, {_fmt(prof.get('total_s'), 2)} s "
                  "on the event-loop thread. Self time by package:", "",
                  "| package | self time % |", "|---|---:|"]
        for pkg, share in prof.get("by_package", []):
            lines.append(f"| {pkg} | {_fmt(share * 100)} |")
        lines += ["", "Top functions by self time:", "", "| function | self % |", "|---|---:|"]
        for fn, share in prof.get("top_functions", []):
            lines.append(f"| `{fn}` | {_fmt(share * 100)} |")
    notes = results.get("notes", [])
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    lines.append("")
    return "\n".join(lines)
