"""Real processes for the production-deployment tests: `agentdir serve` subprocesses,
per-test PostgreSQL databases, and private Redis servers that a test may kill.

Everything here is started by the test and stopped by it, by process id. The shared
PostgreSQL server and the shared Redis on 6379 are never stopped: PostgreSQL faults
are injected with pg_terminate_backend on the test's own database, Redis faults on a
redis-server of the test's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.backends import admin_sql as admin_execute
from tests.backends import port_open
from tests.e2e.server import free_port, run_cli

REPO_ROOT = Path(__file__).resolve().parents[2]
AGENTDIR = REPO_ROOT / ".venv" / "bin" / "agentdir"
POSTGRES_URL = os.environ.get("AGENTDIR_TEST_POSTGRES", "postgresql://127.0.0.1:5432")
REDIS_URL = os.environ.get("AGENTDIR_TEST_REDIS", "redis://127.0.0.1:6379/0")
ADMIN_DATABASE = "test"
TOKEN_SECRET = "production-test-secret-" + "s" * 64
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
CLI_TIMEOUT = 60.0

# A 503 of the contract (spec 1).
UNAVAILABLE_BODY = {"status": "false", "message": "Service Unavailable", "data": None}
RATE_LIMITED_BODY = {"status": "error", "message": "Max limit exceeded"}
UPDATED_BODY = {"Status": "Success", "Message": "Agent Updated Successfully"}


# --- availability ---------------------------------------------------------------------


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    rest = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = rest.partition(":")
    return host or "127.0.0.1", int(port or default_port)


def require_backends() -> None:
    """Skip (or, under CI=true, fail) when PostgreSQL or Redis does not answer."""
    missing = []
    if not port_open(*_host_port(POSTGRES_URL, 5432)):
        missing.append(f"PostgreSQL does not answer at {POSTGRES_URL}")
    if not port_open(*_host_port(REDIS_URL, 6379)):
        missing.append(f"Redis does not answer at {REDIS_URL}")
    if shutil.which("redis-server") is None:
        missing.append("no redis-server executable on PATH")
    if not missing:
        return
    reason = "; ".join(missing)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"production tests need PostgreSQL and Redis under CI=true: {reason}")
    pytest.skip(f"production tests need PostgreSQL and Redis: {reason}")


# --- PostgreSQL -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PgDatabase:
    name: str

    @property
    def url(self) -> str:
        return f"{POSTGRES_URL}/{self.name}"

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.url)
        try:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            return rows
        finally:
            await conn.close()

    async def execute(self, statement: str, *args: Any) -> str:
        conn = await asyncpg.connect(self.url)
        try:
            status: str = await conn.execute(statement, *args)
            return status
        finally:
            await conn.close()

    async def terminate_backends(self) -> int:
        """Kill every other connection to this (the test's own) database."""
        conn = await asyncpg.connect(f"{POSTGRES_URL}/{ADMIN_DATABASE}")
        try:
            rows = await conn.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                self.name,
            )
            return sum(1 for row in rows if row[0])
        finally:
            await conn.close()


async def create_database() -> PgDatabase:
    name = f"agentdir_prod_{uuid.uuid4().hex[:12]}"
    await admin_execute(f'CREATE DATABASE "{name}"')
    return PgDatabase(name)


async def drop_database(db: PgDatabase) -> None:
    await admin_execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')


# --- a private Redis ------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test may kill."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None
        log = (self.workdir / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--daemonize", "no",
             "--dir", str(self.workdir)],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            if port_open("127.0.0.1", self.port):
                return
            time.sleep(0.02)  # readiness polling
        raise RuntimeError("redis-server did not start listening")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)


# --- the CLI and the server -----------------------------------------------------------


def server_env(database_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    """The test's environment without AGENTDIR_*, plus a deployment's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTDIR_")}
    env["AGENTDIR_DATABASE_URL"] = database_url
    env["AGENTDIR_TOKEN_SECRET"] = TOKEN_SECRET
    env["AGENTDIR_REDIS_PREFIX"] = f"agentdir-prod:{uuid.uuid4().hex}:"
    env["AGENTDIR_HASH_THREADS"] = "1"
    if redis_url is not None:
        env["AGENTDIR_REDIS_URL"] = redis_url
    env.update(extra)
    return env


def create_account(env: Mapping[str, str], user_name: str, auth: str = "token") -> str:
    """`agentdir account create ... --json`; returns the apiKey."""
    result = run_cli("account", "create", user_name, "--auth", auth, "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = result.json()
    assert data["userName"] == user_name
    api_key: str = data["apiKey"]
    return api_key


class Server:
    """One `agentdir serve` process (a "host"), in its own process group."""

    def __init__(self, workdir: Path, env: Mapping[str, str], *, workers: int = 1,
                 port: int | None = None) -> None:
        self.port = port or free_port()
        self.env = dict(env)
        self.workers = workers
        self.workdir = workdir
        tag = f"serve-{self.port}"
        self.stdout_path = workdir / f"{tag}.stdout"
        self.stderr_path = workdir / f"{tag}.stderr"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def start(self, *, wait: bool = True) -> Server:
        with self.stdout_path.open("ab") as out, self.stderr_path.open("ab") as err:
            self.process = subprocess.Popen(
                [str(AGENTDIR), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--workers", str(self.workers)],
                cwd=self.workdir, env=self.env, stdout=out, stderr=err,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        if wait:
            self.wait_listening()
        return self

    def wait_listening(self, *, healthy: bool = True) -> None:
        """Until GET /healthz answers (200 when `healthy`, any status otherwise)."""
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last: object = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"agentdir serve exited with {self.process.returncode}\n"
                    f"stderr:\n{self.stderr}"
                )
            try:
                response = httpx.get(f"{self.base_url}/healthz", timeout=2.0)
                last = response
                if response.status_code == 200 or not healthy:
                    return
            except httpx.HTTPError as exc:
                last = exc
            time.sleep(0.05)  # readiness polling
        raise RuntimeError(f"server not ready within {STARTUP_TIMEOUT}s ({last!r})\n"
                           f"stderr:\n{self.stderr}")

    def terminate(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    def stop(self) -> int:
        """SIGTERM; return the exit status; SIGKILL the group as a last resort."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def serving(workdir: Path, env: Mapping[str, str], *, workers: int = 1,
            healthy: bool = True) -> Iterator[Server]:
    server = Server(workdir, env, workers=workers)
    try:
        server.start(wait=False)
        server.wait_listening(healthy=healthy)
        yield server
    finally:
        try:
            server.stop()
        finally:
            server.kill()


# --- speaking the API -----------------------------------------------------------------


class Account:
    """One account's credentials, for requests against any host."""

    def __init__(self, user_name: str, api_key: str) -> None:
        self.user_name = user_name
        self.api_key = api_key
        self.token: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {"apiKey": self.api_key}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def body(self, **fields: Any) -> dict[str, Any]:
        return {"userName": self.user_name, **fields}


async def new_token(client: httpx.AsyncClient, base_url: str, account: Account) -> str:
    response = await client.post(
        f"{base_url}/ca_apis/CAToken/generateToken",
        json={"userName": account.user_name}, headers={"apiKey": account.api_key},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    account.token = token
    return token


def assert_unavailable(response: httpx.Response) -> None:
    """The contract's 503: documented body, JSON, Retry-After >= 1, no internals."""
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.json() == UNAVAILABLE_BODY
    assert response.headers["content-type"].startswith("application/json")
    assert int(response.headers["retry-after"]) >= 1
    assert "Traceback" not in response.text


# --- a TCP proxy in front of PostgreSQL -----------------------------------------------


class TcpProxy:
    """A TCP forwarder on a free port, run in a thread of the test process.

    `close()` stops listening and cuts every connection, so the port is closed: to
    the server it is exactly a PostgreSQL that went away. `open()` listens again
    on the same port: PostgreSQL is back.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.port = free_port()
        self.target = (target_host, target_port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self._writers.difference_update((writer, up_writer))

    async def _open(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def open(self) -> None:
        self._call(self._open())

    def close(self) -> None:
        self._call(self._close())

    def shutdown(self) -> None:
        self.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


# --- seeding in-process (the CLI costs seconds of imports per call) -------------------


async def new_account(url: str, auth: str = "token") -> Account:
    """An account with a unique name, made by the service code `account create` runs."""
    from agentdir.accounts.models import AuthMode
    from agentdir.accounts.service import create_account as create
    from agentdir.clock import SystemClock
    from agentdir.storage.database import Database

    db = Database.connect(url, pool_size=1)
    try:
        account, api_key = await create(
            db, user_name=f"prod-{uuid.uuid4().hex[:10]}", auth_mode=AuthMode.from_cli(auth),
            clock=SystemClock(),
        )
    finally:
        await db.dispose()
    return Account(account.user_name, api_key)


async def create_agent(client: httpx.AsyncClient, base_url: str, account: Account,
                       agent_id: str) -> None:
    response = await client.post(
        f"{base_url}/ca_apis/createAgent",
        json=account.body(agentId=agent_id, agentName="Prod Agent", password="pw-123",
                          email=f"{agent_id}@example.com"),
        headers=account.headers(),
    )
    assert response.status_code == 200, response.text
