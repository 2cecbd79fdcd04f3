"""Fixtures for the client tests: clients bound to the in-process app with a fake
clock, and real `agentdir serve` processes on 127.0.0.1."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from agentdir.accounts.models import AuthMode
from agentdir.accounts.service import create_account
from agentdir.client import AsyncClient
from agentdir.clock import ManualClock, SystemClock
from agentdir.storage.database import Database
from agentdir.storage.migrate import upgrade
from tests.conftest import TEST_SECRET, Api

AGENTDIR = str(Path(sys.executable).with_name("agentdir"))
RAISED_LIMITS = ",".join(
    f"{e}=1000/60" for e in ("updateAgent", "createAgent", "deleteAgent", "AgentDetails",
                             "skill")
) + ",generateToken=100/3600"


class FakeTime:
    """A sleep that moves the shared ManualClock instead of waiting; records waits."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def fake_time(clock: ManualClock) -> FakeTime:
    return FakeTime(clock)


@pytest.fixture
def make_client(client: httpx.AsyncClient, fake_time: FakeTime) -> Callable[..., AsyncClient]:
    """An AsyncClient for an `Api` account, over the in-process app and fake time."""

    def make(api: Api, **kwargs: Any) -> AsyncClient:
        kwargs.setdefault("clock", fake_time.clock.now)
        kwargs.setdefault("sleep", fake_time.async_sleep)
        return AsyncClient("http://agentdir.test", user_name=api.user_name,
                           api_key=api.api_key, http_client=client, **kwargs)

    return make


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """A real `agentdir serve` process."""

    database_url: str
    env: dict[str, str]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    accounts: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [AGENTDIR, "--database-url", self.database_url, *args],
            env=self.env, capture_output=True, text=True, check=True, timeout=60)
        return result.stdout

    def account(self, name: str, auth: str = "token") -> str:
        """Create an account in the server's database (in-process: the CLI's start-up
        is slow on a loaded machine); returns its apiKey."""

        async def create() -> str:
            db = Database.connect(self.database_url)
            try:
                _, api_key = await create_account(
                    db, user_name=name, auth_mode=AuthMode.from_cli(auth), clock=SystemClock())
            finally:
                await db.dispose()
            return api_key

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, create()).result()

    def migrate(self) -> None:
        async def run() -> None:
            db = Database.connect(self.database_url)
            await upgrade(db)
            await db.dispose()

        asyncio.run(run())

    def start(self, limits: str | None = None) -> None:
        env = dict(self.env)
        if limits is not None:
            env["AGENTDIR_RATE_LIMITS"] = limits
        self.port = free_port()
        self.process = subprocess.Popen(
            [AGENTDIR, "--database-url", self.database_url, "serve", "--port", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("agentdir serve exited at start-up")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError("agentdir serve did not become ready")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTDIR_")}
    env["AGENTDIR_TOKEN_SECRET"] = TEST_SECRET
    env["AGENTDIR_LOG_LEVEL"] = "warning"
    return env


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server for the session, with raised limits."""
    path = tmp_path_factory.mktemp("server") / "db.sqlite3"
    srv = Server(f"sqlite:///{path}", server_env())
    srv.migrate()
    srv.start(RAISED_LIMITS)
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Server]:
    """A server of the test's own (started by the test, with the limits it needs)."""
    srv = Server(f"sqlite:///{tmp_path / 'db.sqlite3'}", server_env())
    srv.migrate()
    yield srv
    srv.stop()


class BridgeTransport(httpx.BaseTransport):
    """Lets the sync Client call the in-process ASGI app: requests made on a worker
    thread run on the test's event loop (which is free while the test awaits the
    worker). Records every request as (endpoint, body)."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._loop = loop
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        self.requests.append((request.url.path.rsplit("/", 1)[-1], json.loads(content)))

        async def forward() -> tuple[int, httpx.Headers, bytes]:
            inner = httpx.Request(request.method, request.url, headers=request.headers,
                                  content=content)
            response = await self._inner.handle_async_request(inner)
            return response.status_code, response.headers, await response.aread()

        status, headers, body = asyncio.run_coroutine_threadsafe(
            forward(), self._loop).result(timeout=60)
        return httpx.Response(status, headers=headers, content=body)
