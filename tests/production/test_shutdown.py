"""Graceful shutdown: on SIGTERM the server stops taking connections, finishes the
requests already in flight, and exits 0."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from tests.production.processes import (
    REDIS_URL,
    PgDatabase,
    Server,
    new_account,
    server_env,
)

pytestmark = pytest.mark.server

CREATED = {"Status": "Success", "Message": "Agent Created Successfully"}


async def test_sigterm_finishes_in_flight_requests_and_exits_0(
    database: PgDatabase, tmp_path: Path
) -> None:
    account = await new_account(database.url, "basic")
    # One hashing thread: the createAgent requests queue on Argon2 and take a while.
    env = server_env(database.url, REDIS_URL, AGENTDIR_RATE_LIMITS="createAgent=1000/60",
                     AGENTDIR_HASH_THREADS="1")
    server = Server(tmp_path, env).start()
    try:
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=50)) as c:

            async def create(i: int) -> httpx.Response:
                return await c.post(
                    f"{server.base_url}/ca_apis/createAgent",
                    json=account.body(agentId=f"g{i}", agentName="Graceful Agent",
                                      password="pw-123", email=f"g{i}@example.com"),
                    headers=account.headers(),
                )

            in_flight = [asyncio.create_task(create(i)) for i in range(24)]
            await asyncio.sleep(0.3)  # let the server accept them
            pending = sum(not task.done() for task in in_flight)
            assert pending > 0, "every request finished before SIGTERM; nothing was tested"
            server.terminate()

            # New connections are refused while the in-flight requests still run.
            deadline = time.monotonic() + 10
            refused_while_running = False
            while time.monotonic() < deadline:
                try:
                    async with httpx.AsyncClient(timeout=5) as fresh:
                        await fresh.get(f"{server.base_url}/healthz")
                except httpx.ConnectError:
                    refused_while_running = server.process is not None and (
                        server.process.poll() is None)
                    break
                await asyncio.sleep(0.02)  # polling for the listener to close

            responses = await asyncio.gather(*in_flight)
        assert [r.status_code for r in responses] == [200] * 24, [r.text for r in responses]
        assert all(r.json() == CREATED for r in responses)
        assert refused_while_running, "the server kept accepting connections after SIGTERM"
        assert server.process is not None
        assert await asyncio.to_thread(server.process.wait, 20) == 0, server.stderr
        assert "Traceback" not in server.stderr
    finally:
        server.kill()
    rows = await database.fetch(
        "SELECT count(*) AS agents, (SELECT count(*) FROM audit_log WHERE action = 'create') "
        "AS audits FROM agents")
    assert (rows[0]["agents"], rows[0]["audits"]) == (24, 24)
