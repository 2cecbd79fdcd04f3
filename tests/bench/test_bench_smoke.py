"""The pure parts of bench/: aggregation, targets, report and plot on synthetic numbers,
request building and wrk output parsing. No timing is asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import loadgen, requests, seed, stats


def synthetic() -> dict[str, object]:
    def sc(rps: list[float], server: str = "s") -> dict[str, object]:
        return {"description": "d", "server": server, "rps": rps, "p50_ms": [1.0, 2.0, 3.0],
                "p99_ms": [5.0, 6.0, 7.0], "non2xx": [0, 0, 1], "socket_errors": [0, 0, 0]}

    return {
        "meta": {"date": "2026-01-01", "cpus": 2, "reps": 3, "duration_s": 8},
        "scenarios": {
            "baseline-granian-w1": sc([1000.0, 1100.0, 900.0]),
            "update-sqlite-1e3": sc([400.0, 600.0, 500.0]),
            "update-sqlite-large": sc([450.0, 350.0, 400.0]),
            "raw-argon2-hash": {"description": "h", "server": "in-process",
                                "rps": [50.0, 52.0, 48.0]},
            "update-password-sqlite": sc([47.0, 46.0, 45.0]),
        },
        "latency": {"update-sqlite-1e3": {"target_rps": 250.0, "achieved_rps": [249.0, 250.0],
                                          "p50_ms": [3.0, 5.0], "p99_ms": [12.0, 30.0, 18.0],
                                          "p999_ms": [40.0], "errors": [0, 0]}},
        "rss": {"agentdir": {"workers": [{"pid": 1, "vmhwm_kib": 100 * 1024}]}},
        "micro": {"decode": {"value": 2.5, "unit": "us"}},
        "layers": {"SQLite": [{"layer": "bare", "us": 50.0}, {"layer": "+ db", "us": 900.0}]},
        "profile": {"SQLite": {"requests": 10, "total_s": 1.0,
                               "by_package": [["sqlalchemy", 0.5]],
                               "top_functions": [["f (x.py:1)", 0.2]]}},
        "notes": ["synthetic"],
    }


def test_median_and_summary() -> None:
    assert stats.median([3.0, 1.0, 2.0]) == 2.0
    assert stats.median([]) is None
    summary = stats.summarize(synthetic())
    assert summary["throughput"]["update-sqlite-1e3"]["rps"] == 500.0
    assert summary["throughput"]["update-sqlite-1e3"]["min"] == 400.0
    assert summary["throughput"]["update-sqlite-1e3"]["non2xx"] == 1
    assert summary["latency"]["update-sqlite-1e3"]["p99_ms"] == 18.0


def test_targets() -> None:
    results = synthetic()
    rows = {r["key"]: r for r in stats.evaluate_targets(results, stats.summarize(results))}
    assert rows["update_vs_baseline_sqlite"]["value"] == pytest.approx(0.5)
    assert rows["update_vs_baseline_sqlite"]["ok"] is True
    assert rows["password_vs_raw_hash_sqlite"]["value"] == pytest.approx(46 / 50)
    assert rows["large_vs_small_sqlite"]["ok"] is True
    assert rows["update_vs_baseline_pg"]["ok"] is None  # not run
    assert rows["p99_update-sqlite-1e3"]["ok"] is True
    assert rows["rss_agentdir"]["value"] == pytest.approx(100.0)


def test_report_and_plot(tmp_path: Path) -> None:
    text = stats.render_markdown(synthetic())
    assert "## Targets" in text
    assert "update-sqlite-1e3" in text
    assert "PASS" in text

    from bench.plot import plot

    out = plot(synthetic(), tmp_path / "r.png")  # type: ignore[arg-type]
    assert out.stat().st_size > 1000


def test_requests_lua_and_wrk_parsing(tmp_path: Path) -> None:
    ds = seed.dataset(1_000_000)
    targets = ds.targets(seed.BASIC_ACCOUNTS, 50)
    assert len({(t.user_name, t.agent_id) for t in targets}) == 50
    reqs = requests.update_requests(targets, password=True)
    body = json.loads(reqs[0].body)
    assert body["userName"] == targets[0].user_name
    assert "password" in body
    lua = requests.write_lua(reqs, tmp_path / "s.lua").read_text()
    assert lua.count("/ca_apis/updateAgent") == 50
    assert "function done" in lua
    raw = requests.raw_bytes(reqs[0], "h:1")
    assert raw.startswith(b"PUT /ca_apis/updateAgent HTTP/1.1\r\n")
    assert raw.endswith(reqs[0].body)
    out = ('BENCHJSON {"requests":1000,"duration_us":2000000,"connect":0,"read":1,"write":0,'
           '"status":3,"timeout":0,"p50_us":1500,"p99_us":9000,"mean_us":2000.0}\n')
    parsed = requests.parse_wrk("Running 2s test\n" + out)
    assert parsed["rps"] == 500.0
    assert parsed["p99_ms"] == 9.0
    assert parsed["non2xx"] == 3
    assert parsed["socket_errors"] == 1


def test_small_dataset_targets_cover_every_agent() -> None:
    ds = seed.dataset(1000)
    assert len(ds.targets(seed.BASIC_ACCOUNTS, 10_000)) == len(seed.BASIC_ACCOUNTS)


def test_percentile() -> None:
    values = sorted(float(i) for i in range(1, 101))
    assert loadgen.percentile(values, 50) in (50.0, 51.0)
    assert loadgen.percentile(values, 99) == 99.0
