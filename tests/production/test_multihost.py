"""Two hosts, two workers each, one PostgreSQL and one Redis: limits are exact over the
whole deployment, and a new token or a rotated apiKey takes effect everywhere at once."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.backends import migrate as migrate_database
from tests.production.processes import (
    RATE_LIMITED_BODY,
    REDIS_URL,
    UPDATED_BODY,
    Account,
    PgDatabase,
    Server,
    create_agent,
    create_database,
    drop_database,
    new_account,
    new_token,
    run_cli,
    server_env,
)

pytestmark = pytest.mark.server

INVALID_TOKEN = {"status": "false", "message": "Invalid Token", "data": None}
INVALID_USER = {"status": "error", "message": "userName or apiKey is Invalid"}  # AgentDetails A3b


@dataclasses.dataclass
class Deployment:
    db: PgDatabase
    hosts: list[Server]
    env: dict[str, str]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    db = asyncio.run(create_database())
    workdir: Path = tmp_path_factory.mktemp("multihost")
    # One deployment: the same database, Redis and key prefix on both hosts. Default
    # limits for updateAgent (5/60) and generateToken (10/3600); reads made cheap.
    env = server_env(db.url, REDIS_URL,
                     AGENTDIR_RATE_LIMITS="AgentDetails=1000/60,createAgent=1000/60")
    hosts = [Server(workdir, env, workers=2), Server(workdir, env, workers=2)]
    try:
        asyncio.run(migrate_database(db.url))
        for host in hosts:
            host.start(wait=False)
        for host in hosts:
            host.wait_listening()
        yield Deployment(db, hosts, env)
    finally:
        codes = []
        for host in hosts:
            try:
                codes.append(host.stop())
            finally:
                host.kill()
        asyncio.run(drop_database(db))
    assert codes == [0, 0], [h.stderr for h in hosts]


async def details(client: httpx.AsyncClient, host: Server, account: Account) -> httpx.Response:
    # A new connection per call, so successive calls can land on either worker.
    return await client.post(f"{host.base_url}/ca_apis/AgentDetails", json=account.body(),
                             headers={**account.headers(), "Connection": "close"})


async def test_update_limit_is_exact_across_hosts_and_workers(deployment: Deployment) -> None:
    account = await new_account(deployment.db.url, "token")
    a, b = deployment.hosts
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=100)) as c:
        await new_token(c, a.base_url, account)
        await create_agent(c, a.base_url, account, "agent-1")

        async def update(i: int) -> httpx.Response:
            host = deployment.hosts[i % 2]
            return await c.put(
                f"{host.base_url}/ca_apis/updateAgent",
                json=account.body(agentId="agent-1", email="a1@example.com",
                                  agentData=f"value-{i}"),
                headers={**account.headers(), "Connection": "close"},
            )

        responses = await asyncio.gather(*(update(i) for i in range(50)))

    ok = [r for r in responses if r.status_code == 200]
    limited = [r for r in responses if r.status_code == 429]
    assert len(ok) == 5, [(r.status_code, r.text) for r in responses]
    assert len(limited) == 45
    for r in ok:
        assert r.json() == UPDATED_BODY
    for r in limited:
        assert r.json() == RATE_LIMITED_BODY
        assert int(r.headers["retry-after"]) >= 1
        assert r.headers["x-ratelimit-remaining"] == "0"
    # Both hosts took part, and both answered successes and refusals consistently.
    assert {r.url.port for r in ok} | {r.url.port for r in limited} == {a.port, b.port}
    assert sorted(r.headers["x-ratelimit-remaining"] for r in ok) == ["0", "1", "2", "3", "4"]
    rows = await deployment.db.fetch(
        "SELECT a.version, (SELECT count(*) FROM audit_log l WHERE l.agent_pk = a.id "
        "AND l.action = 'update') AS updates FROM agents a JOIN accounts c "
        "ON c.id = a.account_id WHERE c.user_name = $1", account.user_name)
    assert [(r["version"], r["updates"]) for r in rows] == [(6, 5)]


async def test_token_issue_limit_is_exact_across_hosts(deployment: Deployment) -> None:
    account = await new_account(deployment.db.url, "basic")
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=100)) as c:

        async def issue(i: int) -> httpx.Response:
            host = deployment.hosts[i % 2]
            return await c.post(f"{host.base_url}/ca_apis/CAToken/generateToken",
                                json=account.body(),
                                headers={"apiKey": account.api_key, "Connection": "close"})

        responses = await asyncio.gather(*(issue(i) for i in range(16)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 10 + [429] * 6, [r.text for r in responses]
    for r in responses:
        if r.status_code == 429:
            assert r.json() == RATE_LIMITED_BODY
            # A slot frees only when the oldest token of the rolling hour leaves it.
            assert 3000 < int(r.headers["retry-after"]) <= 3600


async def test_new_token_on_one_host_revokes_older_token_on_the_other(
    deployment: Deployment,
) -> None:
    account = await new_account(deployment.db.url, "token")
    a, b = deployment.hosts
    async with httpx.AsyncClient(timeout=30) as c:
        first = await new_token(c, a.base_url, account)
        for host in (a, b, a, b):
            response = await details(c, host, account)
            assert response.status_code == 200, response.text

        second = await new_token(c, b.base_url, account)
        assert second != first
        # The very next request anywhere refuses the older token: no cache, no delay.
        account.token = first
        for host in (a, b, a, b, a, b):
            response = await details(c, host, account)
            assert response.status_code == 401
            assert response.json() == INVALID_TOKEN
        account.token = second
        for host in (a, b, a, b):
            response = await details(c, host, account)
            assert response.status_code == 200, response.text


async def test_rotated_api_key_takes_effect_on_both_hosts_at_once(
    deployment: Deployment,
) -> None:
    account = await new_account(deployment.db.url, "basic")
    old_key = account.api_key
    async with httpx.AsyncClient(timeout=30) as c:
        for host in deployment.hosts * 2:
            response = await details(c, host, account)
            assert response.status_code == 200, response.text

        result = await asyncio.to_thread(
            run_cli, "account", "rotate-key", account.user_name, "--json", env=deployment.env
        )
        assert result.returncode == 0, result.stderr
        rotated = result.json()
        assert rotated["userName"] == account.user_name
        assert rotated["auth"] == "BASIC_AUTH"
        assert rotated["apiKey"] != old_key

        for host in deployment.hosts * 3:
            response = await details(c, host, account)
            assert response.status_code == 401
            assert response.json() == INVALID_USER
        account.api_key = rotated["apiKey"]
        for host in deployment.hosts * 3:
            response = await details(c, host, account)
            assert response.status_code == 200, response.text
