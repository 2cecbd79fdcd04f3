"""The benchmark runner: `.venv/bin/python -m bench.run [--quick]` (or `bench/run`).

Seeds the databases, starts every server as a subprocess on a free port, then runs all
throughput scenarios round-robin (one repetition = every scenario once, so slow drifts
of this shared machine hit all of them alike), then the fixed-rate latency runs at 50%
of each measured maximum, reads the workers' peak RSS, stops the servers, and finally
measures in-process: raw Argon2id, decoders, the limiter, and the layer-by-layer cost.
Writes bench/results/<date>.{md,json,png}.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench import micro, seed
from bench.layers import measure_layers, profile_full
from bench.loadgen import run_fixed_rate
from bench.requests import (
    Req,
    details_requests,
    gen_token_requests,
    raw_bytes,
    run_wrk,
    update_requests,
    write_lua,
)
from bench.servers import Server
from bench.stats import render_markdown, summarize

RESULTS = Path(__file__).resolve().parent / "results"
ADMIN_DSN = "postgresql://root@127.0.0.1:5432/test"
PG_BASE = "postgresql://root@127.0.0.1:5432/"
REDIS_URL = "redis://127.0.0.1:6379/0"
TOKEN_SECRET = "bench-token-secret-" + "s" * 48
RAISED_LIMITS = ("updateAgent=100000000/60,createAgent=100000000/60,deleteAgent=100000000/60,"
                 "AgentDetails=100000000/60,skill=100000000/60,generateToken=100000000/3600")
ROTATION = 10_000  # distinct (account, agent) targets per request set at the large size


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def pg_available() -> bool:
    async def ping() -> bool:
        import asyncpg

        try:
            conn = await asyncpg.connect(ADMIN_DSN, timeout=3)
        except Exception:
            return False
        await conn.close()
        return True

    return asyncio.run(ping())


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except Exception:
        return False


def redis_cleanup(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i:i + 500])


class Scenario:
    def __init__(self, name: str, description: str, server: Server | None,
                 reqs: list[Req] | None = None, *, connections: int = 32) -> None:
        self.name = name
        self.description = description
        self.server = server
        self.reqs = reqs or []
        self.connections = connections
        self.script: Path | None = None


def fetch_tokens(server: Server, targets: list[seed.Target]) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for t in {t.user_name: t for t in targets}.values():
        r = httpx.post(server.url + "/ca_apis/CAToken/generateToken",
                       headers={"apiKey": t.api_key}, json={"userName": t.user_name}, timeout=10)
        r.raise_for_status()
        tokens[t.user_name] = r.json()["token"]
    return tokens


def git_rev() -> str:
    with contextlib.suppress(Exception):
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=RESULTS.parent.parent, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], capture_output=True,
                               text=True, cwd=RESULTS.parent.parent).stdout.strip()
        return out + ("+dirty" if dirty else "")
    return "?"


def cpu_model() -> str:
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.run", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: short durations, 2 repetitions, 1e5 agents")
    ap.add_argument("--duration", type=float, help="seconds per throughput run")
    ap.add_argument("--reps", type=int, help="repetitions (rounds over all scenarios)")
    ap.add_argument("--large", type=int, help="agents in the large database")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL + Redis")
    ap.add_argument("--no-layers", action="store_true", help="skip the in-process profile")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--name", help="results file stem (default: the date)")
    args = ap.parse_args(argv)

    duration = args.duration or (3.0 if args.quick else 8.0)
    reps = args.reps or (2 if args.quick else 3)
    large = args.large or (100_000 if args.quick else 1_000_000)
    warmup = 2.0 if args.quick else 3.0
    latency_seconds = 4.0 if args.quick else 10.0
    now = dt.datetime.now()
    stem = args.name or (now.strftime("%Y-%m-%d") + ("-quick" if args.quick else ""))
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="agentdir-bench-"))
    run_id = uuid.uuid4().hex[:8]
    use_pg = not args.no_postgres and pg_available() and redis_available()
    notes: list[str] = []
    if not use_pg and not args.no_postgres:
        notes.append("PostgreSQL or Redis did not answer: their scenarios were skipped.")

    results: dict[str, Any] = {
        "meta": {
            "date": now.isoformat(timespec="seconds"), "quick": args.quick, "reps": reps,
            "duration_s": duration, "large_agents": large, "connections": args.connections,
            "wrk_threads": 1, "cpus": os.cpu_count(), "cpu_model": cpu_model(),
            "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()), "git": git_rev(),
            "python": platform.python_version(), "rate_limits": RAISED_LIMITS,
        },
        "scenarios": {}, "latency": {}, "rss": {}, "micro": {}, "layers": {}, "profile": {},
        "seeding": {}, "notes": notes,
    }

    # --- datasets -----------------------------------------------------------------------
    password_hash = seed.bench_hash()
    small, big = seed.dataset(1000), seed.dataset(large)
    sqlite_small, sqlite_big = work / "small.sqlite3", work / "large.sqlite3"
    pg_small_db, pg_big_db = f"agentdir_bench_{run_id}_small", f"agentdir_bench_{run_id}_large"
    redis_prefix = f"agentdir-bench-{run_id}:"
    log(f"work dir {work}; seeding SQLite 1e3 and {large:,} agents")
    results["seeding"]["sqlite-1e3"] = seed.seed("sqlite", str(sqlite_small), 1000, password_hash)
    results["seeding"]["sqlite-large"] = seed.seed("sqlite", str(sqlite_big), large,
                                                   password_hash)
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    if use_pg:
        log("seeding PostgreSQL")
        for db in (pg_small_db, pg_big_db):
            seed.create_pg_database(ADMIN_DSN, db)
            atexit.register(seed.drop_pg_database, ADMIN_DSN, db)
        atexit.register(redis_cleanup, redis_prefix)
        results["seeding"]["pg-1e3"] = seed.seed("pg", PG_BASE + pg_small_db, 1000,
                                                 password_hash)
        results["seeding"]["pg-large"] = seed.seed("pg", PG_BASE + pg_big_db, large,
                                                   password_hash)
    log(f"seeding done: {results['seeding']}")

    # --- servers ------------------------------------------------------------------------
    common = {"AGENTDIR_RATE_LIMITS": RAISED_LIMITS, "AGENTDIR_TOKEN_SECRET": TOKEN_SECRET}
    servers: dict[str, Server] = {
        "granian-bare-w1": Server("granian-bare-w1", "granian", 1, log_dir=work),
        "granian-bare-w2": Server("granian-bare-w2", "granian", 2, log_dir=work),
        "uvicorn-bare-w1": Server("uvicorn-bare-w1", "uvicorn", 1, log_dir=work),
        "agentdir-sqlite-1e3": Server("agentdir-sqlite-1e3", "agentdir", 1, log_dir=work, env={
            **common, "AGENTDIR_DATABASE_URL": f"sqlite:///{sqlite_small}"}),
        "agentdir-sqlite-large": Server("agentdir-sqlite-large", "agentdir", 1, log_dir=work,
                                        env={**common,
                                             "AGENTDIR_DATABASE_URL": f"sqlite:///{sqlite_big}"}),
    }
    if use_pg:
        for key, db in (("agentdir-pg-1e3", pg_small_db), ("agentdir-pg-large", pg_big_db)):
            servers[key] = Server(key, "agentdir", 2, log_dir=work, env={
                **common, "AGENTDIR_DATABASE_URL": PG_BASE + db,
                "AGENTDIR_REDIS_URL": REDIS_URL, "AGENTDIR_REDIS_PREFIX": redis_prefix})
    try:
        for s in servers.values():
            s.start()
        for s in servers.values():
            s.wait_ready()
        log("servers ready: " + ", ".join(f"{k}:{s.port}" for k, s in servers.items()))

        basic_small = small.targets(seed.BASIC_ACCOUNTS, ROTATION)
        basic_big = big.targets(seed.BASIC_ACCOUNTS, ROTATION)
        token_targets = small.targets(seed.TOKEN_ACCOUNTS, ROTATION)
        gen_targets = small.targets(seed.GEN_ACCOUNTS, ROTATION)
        tokens = fetch_tokens(servers["agentdir-sqlite-1e3"], token_targets)
        upd_small = update_requests(basic_small)
        scenarios = [
            Scenario("baseline-granian-w1", "bare Starlette + msgspec decode, Granian",
                     servers["granian-bare-w1"], upd_small),
            Scenario("baseline-granian-w2", "bare Starlette + msgspec decode, Granian",
                     servers["granian-bare-w2"], upd_small),
            Scenario("baseline-uvicorn-w1", "bare Starlette + msgspec decode, uvicorn",
                     servers["uvicorn-bare-w1"], upd_small),
            Scenario("update-sqlite-1e3", "updateAgent, no password, BASIC_AUTH",
                     servers["agentdir-sqlite-1e3"], upd_small),
            Scenario("update-sqlite-large", f"updateAgent, no password, {large:,} agents",
                     servers["agentdir-sqlite-large"], update_requests(basic_big)),
            Scenario("update-token-sqlite", "updateAgent, no password, TOKEN_AUTH (JWT)",
                     servers["agentdir-sqlite-1e3"], update_requests(token_targets,
                                                                     tokens=tokens)),
            Scenario("update-password-sqlite", "updateAgent with a password change",
                     servers["agentdir-sqlite-1e3"], update_requests(basic_small,
                                                                     password=True)),
            Scenario("generateToken-sqlite", "generateToken (bumps the generation)",
                     servers["agentdir-sqlite-1e3"], gen_token_requests(gen_targets)),
            Scenario("details-sqlite", "AgentDetails, one agent",
                     servers["agentdir-sqlite-1e3"], details_requests(basic_small)),
            Scenario("raw-argon2-hash", f"argon2-cffi hashes/s, {os.cpu_count()} threads",
                     None),
        ]
        if use_pg:
            pg, pgl = servers["agentdir-pg-1e3"], servers["agentdir-pg-large"]
            scenarios += [
                Scenario("update-pg-1e3", "updateAgent, no password, 2 workers", pg, upd_small),
                Scenario("update-pg-large", f"updateAgent, no password, {large:,} agents",
                         pgl, update_requests(basic_big)),
                Scenario("update-password-pg", "updateAgent with a password change", pg,
                         update_requests(basic_small, password=True)),
                Scenario("generateToken-pg", "generateToken (bumps the generation)", pg,
                         gen_token_requests(gen_targets)),
                Scenario("details-pg", "AgentDetails, one agent", pg,
                         details_requests(basic_small)),
            ]
        for sc in scenarios:
            if sc.server is not None:
                sc.script = write_lua(sc.reqs, work / f"{sc.name}.lua")
            results["scenarios"][sc.name] = {
                "description": sc.description,
                "server": sc.server.name if sc.server else "in-process",
                "rps": [], "p50_ms": [], "p99_ms": [], "non2xx": [], "socket_errors": []}

        log("warm-up")
        for sc in scenarios:
            if sc.server is not None and sc.script is not None:
                run_wrk(sc.server.url, sc.script, seconds=warmup, connections=sc.connections)

        for rep in range(reps):
            for sc in scenarios:
                if sc.server is None:
                    rps = micro.raw_hash_throughput(duration)
                    m = {"rps": rps}
                else:
                    assert sc.script is not None
                    m = run_wrk(sc.server.url, sc.script, seconds=duration,
                                connections=sc.connections)
                rec = results["scenarios"][sc.name]
                for key in ("rps", "p50_ms", "p99_ms", "non2xx", "socket_errors"):
                    if key in m:
                        rec[key].append(m[key])
                log(f"rep {rep + 1}/{reps} {sc.name}: {m['rps']:,.0f}/s"
                    + (f" p99 {m['p99_ms']:.1f} ms non2xx {m['non2xx']}" if "p99_ms" in m
                       else ""))
                time.sleep(0.5)

        # --- latency at 50% of the measured maximum -----------------------------------
        summary = summarize(results)
        latency_names = ["baseline-granian-w1", "update-sqlite-1e3", "update-pg-1e3"]
        by_name = {sc.name: sc for sc in scenarios}
        for rep in range(reps):
            for name in latency_names:
                sc = by_name.get(name)
                if sc is None or sc.server is None:
                    continue
                target = 0.5 * summary["throughput"][name]["rps"]
                host = f"127.0.0.1:{sc.server.port}"
                m = run_fixed_rate("127.0.0.1", sc.server.port,
                                   [raw_bytes(r, host) for r in sc.reqs], rate=target,
                                   seconds=latency_seconds, connections=sc.connections)
                rec = results["latency"].setdefault(name, {
                    "target_rps": target, "achieved_rps": [], "p50_ms": [], "p99_ms": [],
                    "p999_ms": [], "errors": []})
                for key in ("achieved_rps", "p50_ms", "p99_ms", "p999_ms", "errors"):
                    rec[key].append(m[key])
                log(f"latency rep {rep + 1}/{reps} {name} @ {target:,.0f}/s: "
                    f"p50 {m['p50_ms']:.2f} ms p99 {m['p99_ms']:.2f} ms "
                    f"(achieved {m['achieved_rps']:,.0f}/s, errors {m['errors']})")
                time.sleep(0.5)

        for key, s in servers.items():
            results["rss"][key] = {"workers": s.worker_rss()}
    finally:
        for s in servers.values():
            s.stop()

    # --- in-process measurements (servers stopped: nothing else competes) --------------
    log("micro-benchmarks")
    results["micro"].update(micro.decode_comparison(update_requests(basic_small[:1])[0].body))
    for hits in (0, 1_000, 60_000):
        results["micro"][f"limiter: MemoryStore.acquire, {hits:,} hits in window"] = {
            "value": micro.limiter_cost(hits, calls=200 if hits > 10_000 else 2000),
            "unit": "us/check"}
    results["micro"]["JWT HS512 verify (TOKEN_AUTH step)"] = {
        "value": micro.jwt_verify_cost(TOKEN_SECRET), "unit": "us/verify"}
    if not args.no_layers:
        layer_s = 1.0 if args.quick else 2.5
        backends = [("SQLite + memory store", f"sqlite:///{sqlite_small}", None)]
        if use_pg:
            backends.append(("PostgreSQL + Redis", PG_BASE + pg_small_db, REDIS_URL))
        from agentdir.settings import load_settings

        for label, url, redis_url in backends:
            env = {"AGENTDIR_DATABASE_URL": url, **common}
            if redis_url:
                env |= {"AGENTDIR_REDIS_URL": redis_url, "AGENTDIR_REDIS_PREFIX": redis_prefix}
            settings = load_settings(env)
            log(f"layers: {label}")
            results["layers"][label] = asyncio.run(
                measure_layers(settings, upd_small, seconds=layer_s, rounds=3))
            log(f"profile: {label}")
            slug = "sqlite" if redis_url is None else "pg"
            prof = asyncio.run(profile_full(settings, upd_small, seconds=3 * layer_s))
            (args.out / f"{stem}-profile-{slug}.txt").write_text(prof.pop("text"))
            results["profile"][label] = prof

    (args.out / f"{stem}.json").write_text(json.dumps(results, indent=1, default=str))
    (args.out / f"{stem}.md").write_text(render_markdown(results))
    with contextlib.suppress(ImportError):
        from bench.plot import plot

        plot(results, args.out / f"{stem}.png")
    log(f"wrote {args.out / stem}.md / .json / .png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
