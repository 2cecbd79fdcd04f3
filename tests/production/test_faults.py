"""Fault injection against a real server: Redis gone, PostgreSQL gone, PostgreSQL
connections killed mid-transaction. Every fault answers the contract's 503 (never a
500, never a hang), nothing is half-written, and the server recovers by itself."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as redis

from tests.backends import migrate as migrate_database
from tests.e2e.server import free_port
from tests.production.processes import (
    POSTGRES_URL,
    UPDATED_BODY,
    Account,
    PgDatabase,
    PrivateRedis,
    Server,
    TcpProxy,
    assert_unavailable,
    create_agent,
    create_database,
    drop_database,
    new_account,
    run_cli,
    server_env,
)

pytestmark = pytest.mark.server

RECOVERY_DEADLINE = 15.0
REQUEST_TIMEOUT = 30.0  # a request slower than this is a hang
LIMITS = "updateAgent=100000/60,createAgent=1000/60,AgentDetails=100000/60"


@dataclasses.dataclass
class Deployment:
    db: PgDatabase
    proxy: TcpProxy  # the server reaches PostgreSQL only through this
    redis: PrivateRedis
    server: Server
    fail_open: Server  # AGENTDIR_RATE_LIMIT_FAIL_OPEN=true, Redis at a closed port
    env: dict[str, str]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    workdir: Path = tmp_path_factory.mktemp("faults")
    db = asyncio.run(create_database())
    host, port = POSTGRES_URL.split("://", 1)[1].rsplit(":", 1)
    proxy = TcpProxy(host, int(port))
    redis = PrivateRedis(workdir)
    servers: list[Server] = []
    try:
        proxy.open()
        redis.start()
        asyncio.run(migrate_database(db.url))
        env = server_env(f"postgresql://127.0.0.1:{proxy.port}/{db.name}", redis.url,
                         AGENTDIR_RATE_LIMITS=LIMITS)
        server = Server(workdir, env)
        fail_open = Server(workdir, server_env(
            db.url, f"redis://127.0.0.1:{free_port()}/0",
            AGENTDIR_RATE_LIMITS="updateAgent=2/60", AGENTDIR_RATE_LIMIT_FAIL_OPEN="true"))
        servers += [server, fail_open]
        for s in servers:
            s.start(wait=False)
        server.wait_listening()
        fail_open.wait_listening(healthy=False)  # its Redis is down from the start
        yield Deployment(db, proxy, redis, server, fail_open, env)
    finally:
        codes = []
        for s in servers:
            try:
                codes.append(s.stop())
            finally:
                s.kill()
        redis.kill()
        proxy.shutdown()
        asyncio.run(drop_database(db))
    assert codes == [0, 0], [s.stderr for s in servers]


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=httpx.Limits(max_connections=50))


async def update(c: httpx.AsyncClient, server: Server, account: Account, agent_id: str,
                 **fields: object) -> httpx.Response:
    return await c.put(f"{server.base_url}/ca_apis/updateAgent",
                       json=account.body(agentId=agent_id, email=f"{agent_id}@example.com",
                                         **fields),
                       headers=account.headers())


async def agent_version(db: PgDatabase, account: Account, agent_id: str) -> int:
    rows = await db.fetch(
        "SELECT a.version FROM agents a JOIN accounts c ON c.id = a.account_id "
        "WHERE c.user_name = $1 AND a.agent_id = $2 AND a.deleted_at IS NULL",
        account.user_name, agent_id)
    version: int = rows[0]["version"]
    return version


async def wait_until_ok(c: httpx.AsyncClient, server: Server, account: Account,
                        agent_id: str) -> tuple[float, httpx.Response]:
    """Poll until an update succeeds again; every answer meanwhile must be the 503."""
    started = time.monotonic()
    while time.monotonic() - started < RECOVERY_DEADLINE:
        response = await update(c, server, account, agent_id, agentData="recovered")
        if response.status_code == 200:
            return time.monotonic() - started, response
        assert_unavailable(response)
        await asyncio.sleep(0.02)  # polling for recovery
    pytest.fail(f"no recovery within {RECOVERY_DEADLINE}s")


async def test_redis_down_answers_503_then_recovers(deployment: Deployment) -> None:
    d = deployment
    account = await new_account(d.db.url, "token")
    async with client() as c:
        response = await c.post(f"{d.server.base_url}/ca_apis/CAToken/generateToken",
                                json=account.body(), headers={"apiKey": account.api_key})
        assert response.status_code == 200
        account.token = response.json()["token"]
        await create_agent(c, d.server.base_url, account, "r1")
        assert (await update(c, d.server, account, "r1", agentData="before")).status_code == 200

        d.redis.kill()
        try:
            for fields in ({"agentData": "during"}, {"agentName": "Changed Name"}):
                assert_unavailable(await update(c, d.server, account, "r1", **fields))
            assert_unavailable(await c.post(f"{d.server.base_url}/ca_apis/AgentDetails",
                                            json=account.body(), headers=account.headers()))
            assert_unavailable(await c.post(
                f"{d.server.base_url}/ca_apis/CAToken/generateToken",
                json=account.body(), headers={"apiKey": account.api_key}))
            assert_unavailable(await c.get(f"{d.server.base_url}/healthz"))
            # Fail closed: no update went through while the limiter could not count it.
            assert await agent_version(d.db, account, "r1") == 2
        finally:
            d.redis.start()
        took, response = await wait_until_ok(c, d.server, account, "r1")
        print(f"Redis recovery: first success {took * 1000:.0f} ms after Redis returned")
        assert response.json() == UPDATED_BODY
        assert (await c.get(f"{d.server.base_url}/healthz")).status_code == 200
        assert await agent_version(d.db, account, "r1") == 3

        # One round trip per check: a single EVALSHA of the limiter's script.
        stats = redis.Redis.from_url(d.redis.url)
        try:
            await stats.config_resetstat()
            for i in range(3):
                response = await update(c, d.server, account, "r1", agentData=f"after-{i}")
                assert response.status_code == 200
            calls = {name.removeprefix("cmdstat_"): value["calls"]
                     for name, value in (await stats.info("commandstats")).items()}
        finally:
            await stats.aclose()
    scripted = {"zremrangebyscore", "zcard", "zrange", "zadd", "pexpire"}  # run inside the script
    assert calls.pop("evalsha") == 3, calls
    assert set(calls) - scripted <= {"info", "config|resetstat", "ping"}, calls


async def test_postgres_unreachable_answers_503_then_recovers(deployment: Deployment) -> None:
    d = deployment
    account = await new_account(d.db.url, "basic")
    async with client() as c:
        await create_agent(c, d.server.base_url, account, "p1")
        d.proxy.close()  # the server's database URL now points at a closed port
        try:
            base = d.server.base_url
            assert_unavailable(await update(c, d.server, account, "p1", agentData="during"))
            assert_unavailable(await c.post(f"{base}/ca_apis/createAgent", json=account.body(
                agentId="p2", agentName="New Agent", password="pw-123",
                email="p2@example.com"), headers=account.headers()))
            assert_unavailable(await c.post(f"{base}/ca_apis/AgentDetails",
                                            json=account.body(), headers=account.headers()))
            assert_unavailable(await c.request(
                "DELETE", f"{base}/ca_apis/deleteAgent", json=account.body(agentId="p1"),
                headers=account.headers()))
            assert_unavailable(await c.post(f"{base}/ca_apis/CAToken/generateToken",
                                            json=account.body(),
                                            headers={"apiKey": account.api_key}))
            assert_unavailable(await c.get(f"{base}/healthz"))
        finally:
            d.proxy.open()
        took, _ = await wait_until_ok(c, d.server, account, "p1")
        print(f"PostgreSQL recovery: first success {took * 1000:.0f} ms after it returned")
        assert (await c.get(f"{d.server.base_url}/healthz")).status_code == 200
    # Only the update after recovery was written; the refused create left no agent.
    rows = await d.db.fetch(
        "SELECT a.agent_id, a.version, a.agent_data, a.deleted_at FROM agents a "
        "JOIN accounts c ON c.id = a.account_id WHERE c.user_name = $1", account.user_name)
    assert [tuple(r) for r in rows] == [("p1", 2, "recovered", None)]


async def test_killed_connections_during_update_burst_lose_nothing(
    deployment: Deployment,
) -> None:
    d = deployment
    account = await new_account(d.db.url, "token")
    agents = ["k1", "k2", "k3"]
    async with client() as c:
        response = await c.post(f"{d.server.base_url}/ca_apis/CAToken/generateToken",
                                json=account.body(), headers={"apiKey": account.api_key})
        account.token = response.json()["token"]
        for agent_id in agents:
            await create_agent(c, d.server.base_url, account, agent_id)

        killed = 0
        kills: list[asyncio.Task[int]] = []
        sent: dict[str, str] = {}  # agentData value -> agentId
        semaphore = asyncio.Semaphore(12)

        async def one(i: int) -> tuple[str, httpx.Response]:
            agent_id = agents[i % len(agents)]
            value = f"burst-{i}"
            sent[value] = agent_id
            async with semaphore:
                if i % 6 == 3:  # kill the server's connections while others are in flight
                    kills.append(asyncio.create_task(d.db.terminate_backends()))
                return value, await update(c, d.server, account, agent_id, agentData=value,
                                           callControls={"mute": i % 2 == 0})

        results = await asyncio.gather(*(one(i) for i in range(60)))
        killed = sum(await asyncio.gather(*kills))

    statuses = Counter(r.status_code for _, r in results)
    print(f"burst under pg_terminate_backend: {dict(statuses)}, {killed} backends killed")
    assert killed > 0, "the fault was never injected"
    assert set(statuses) <= {200, 503}, statuses
    applied_ok = {value for value, r in results if r.status_code == 200}
    for _, r in results:
        if r.status_code == 200:
            assert r.json() == UPDATED_BODY
        else:
            assert_unavailable(r)
    assert applied_ok, "no update got through at all"

    # Reconciliation: every version change has its audit entry and vice versa.
    rows = await d.db.fetch(
        "SELECT a.id, a.agent_id, a.version, a.agent_data, a.call_controls FROM agents a "
        "JOIN accounts c ON c.id = a.account_id WHERE c.user_name = $1", account.user_name)
    assert len(rows) == len(agents)
    audited: set[str] = set()
    for row in rows:
        entries = await d.db.fetch(
            "SELECT changes FROM audit_log WHERE agent_pk = $1 AND action = 'update' "
            "ORDER BY id", row["id"])
        assert len(entries) == row["version"] - 1, row["agent_id"]
        changes = [json.loads(e["changes"]) for e in entries]
        values = [ch["agentData"]["new"] for ch in changes]
        assert all(sent[v] == row["agent_id"] for v in values)
        audited.update(values)
        if changes:  # the last audit entry's new values are the stored row
            last = changes[-1]
            assert last["agentData"]["new"] == row["agent_data"]
            stored_controls = json.loads(row["call_controls"])
            if "callControls.mute" in last:
                assert last["callControls.mute"]["new"] == stored_controls["mute"]
    assert len(audited) == sum(r["version"] - 1 for r in rows)  # no update audited twice
    # Every 200 was fully applied and audited. A 503 may still have committed (the
    # connection died after COMMIT reached the server), so it only bounds the total.
    assert applied_ok <= audited
    assert len(audited) <= len(results)

    # The operator's view agrees: `agentdir audit --json` lists the same updates.
    cli = await asyncio.to_thread(run_cli, "audit", account.user_name, "--agent", "k1",
                                  "--json", env={**d.env, "AGENTDIR_DATABASE_URL": d.db.url})
    assert cli.returncode == 0, cli.stderr
    lines = [json.loads(line) for line in cli.stdout.splitlines()]
    k1 = next(r for r in rows if r["agent_id"] == "k1")
    assert [e["action"] for e in lines] == ["create"] + ["update"] * (k1["version"] - 1)
    assert all(e["agentId"] == "k1" for e in lines)
    if k1["version"] > 1:
        assert lines[-1]["changes"]["agentData"]["new"] == k1["agent_data"]


async def test_fail_open_serves_without_redis(deployment: Deployment) -> None:
    """With AGENTDIR_RATE_LIMIT_FAIL_OPEN=true and Redis unreachable, requests succeed
    (unlimited: the limit of 2 is not enforced); readiness still reports the outage."""
    d = deployment
    server = d.fail_open
    account = await new_account(d.db.url, "basic")
    async with client() as c:
        await create_agent(c, server.base_url, account, "o1")
        for i in range(4):
            response = await update(c, server, account, "o1", agentData=f"open-{i}")
            assert response.status_code == 200, response.text
            assert response.json() == UPDATED_BODY
        assert_unavailable(await c.get(f"{server.base_url}/healthz"))
    assert await agent_version(d.db, account, "o1") == 5
