"""Shared fixtures: a real database, the real app over an ASGI client, and an `Api`
helper that speaks the contract for one account.

Each test owns its data: accounts get unique names, so tests never see each
other's agents even though a session shares one database.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agentdir.accounts.models import AuthMode
from agentdir.accounts.service import create_account
from agentdir.agents.lifecycle import create_agent
from agentdir.app import create_app
from agentdir.auth.service import Caller
from agentdir.bootstrap import Services, build_services
from agentdir.catalog.service import add_catalog_entry
from agentdir.clock import ManualClock
from agentdir.settings import Settings
from tests.backends import (
    POSTGRES_URL,
    REDIS_URL,
    UNAVAILABLE_BACKENDS,
    Backend,
    admin_sql,
    migrate,
    postgres_and_redis_missing,
    selected_backends,
)

ENDPOINTS: dict[str, tuple[str, str]] = {
    "generateToken": ("POST", "/ca_apis/CAToken/generateToken"),
    "createAgent": ("POST", "/ca_apis/createAgent"),
    "updateAgent": ("PUT", "/ca_apis/updateAgent"),
    "deleteAgent": ("DELETE", "/ca_apis/deleteAgent"),
    "AgentDetails": ("POST", "/ca_apis/AgentDetails"),
    "skill": ("POST", "/ca_apis/skill"),
}

# Cheap Argon2 parameters keep the suite fast; test_passwords checks the real defaults.
FAST_HASH = {"argon2_time_cost": 1, "argon2_memory_kib": 1024, "hash_threads": 2}
TEST_SECRET = "test-secret-" + "x" * 60


@pytest.fixture(scope="session", params=selected_backends())
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Each API test runs once per backend: SQLite + memory store, PostgreSQL + Redis.

    A backend whose services are missing is skipped with its reason printed at the
    end of the run; under CI=true it is a failure instead.
    """
    name = request.param
    if name == "sqlite":
        path = request.getfixturevalue("tmp_path_factory").mktemp("db") / "agentdir.sqlite3"
        backend = Backend(name, f"sqlite:///{path}", None)
        asyncio.run(migrate(backend.database_url))
        yield backend
        return
    reason = postgres_and_redis_missing()
    if reason is not None:
        UNAVAILABLE_BACKENDS[name] = reason
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"postgres+redis backend required under CI=true: {reason}")
        pytest.skip(f"postgres+redis backend not available: {reason}")
    database = f"agentdir_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(admin_sql(f'CREATE DATABASE "{database}"'))
    backend = Backend(name, f"{POSTGRES_URL}/{database}", REDIS_URL)
    try:
        asyncio.run(migrate(backend.database_url))
        yield backend
    finally:
        asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@pytest.fixture
def database_url(backend: Backend) -> str:
    return backend.database_url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def settings(backend: Backend) -> Settings:
    return Settings(
        database_url=backend.database_url,
        redis_url=backend.redis_url,
        # Each test its own key space: account ids repeat across test databases.
        redis_key_prefix=f"agentdir-test:{uuid.uuid4().hex}:",
        token_secret=TEST_SECRET,
        database_pool_size=4,
        **FAST_HASH,
    )


@pytest.fixture
async def services(settings: Settings, clock: ManualClock) -> AsyncIterator[Services]:
    built = await build_services(settings, clock=clock)
    yield built
    await built.close()


@pytest.fixture
async def client(settings: Settings, services: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, services=services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://agentdir.test") as c:
        yield c


_counter = itertools.count()


def unique_name(prefix: str = "acct") -> str:
    return f"{prefix}{next(_counter)}-{uuid.uuid4().hex[:8]}"


class Api:
    """One account's view of the API: fills in userName, apiKey and the token."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        services: Services,
        clock: ManualClock,
        *,
        user_name: str,
        api_key: str,
        auth: AuthMode,
        caller: Caller,
    ) -> None:
        self.client = client
        self.services = services
        self.clock = clock
        self.user_name = user_name
        self.api_key = api_key
        self.auth = auth
        self.caller = caller
        self.token: str | None = None

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"apiKey": self.api_key}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra)
        return headers

    async def new_token(self) -> str:
        response = await self.client.post(
            ENDPOINTS["generateToken"][1],
            json={"userName": self.user_name},
            headers={"apiKey": self.api_key},
        )
        assert response.status_code == 200, response.text
        self.token = response.json()["token"]
        return self.token

    async def call(
        self,
        endpoint: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        params: dict[str, str] | None = None,
        with_user: bool = True,
    ) -> httpx.Response:
        """Call `endpoint` as this account. `body` gets this account's userName unless
        `with_user=False`; `content` sends raw bytes instead of JSON."""
        method, path = ENDPOINTS[endpoint]
        if content is None:
            if isinstance(body, dict) and with_user and "userName" not in body:
                body = {"userName": self.user_name, **body}
            content = httpx.Request("POST", "/", json=body).content
        return await self.client.request(
            method,
            path,
            content=content,
            headers=headers if headers is not None else self.headers(),
            params=params,
        )

    async def seed_agent(self, agent_id: str, **fields: Any) -> dict[str, Any]:
        """Create an agent through the service layer (no rate limit spent)."""
        body = {
            "agentId": agent_id,
            "agentName": fields.pop("agentName", "Test Agent"),
            "password": fields.pop("password", "secret-1"),
            "email": fields.pop("email", f"{agent_id}@example.com"),
            **fields,
        }
        s = self.services
        await create_agent(db=s.db, hasher=s.hasher, clock=s.clock, caller=self.caller,
                           body=body)
        return body

    async def add(self, kind: str, *names: str) -> None:
        """Add skills ("skill"), groups ("group") or SIP locations ("sip-location")."""
        for name in names:
            await add_catalog_entry(
                db=self.services.db, clock=self.clock, user_name=self.user_name,
                kind=kind, name=name,
            )


@pytest.fixture
def make_api(
    client: httpx.AsyncClient, services: Services, clock: ManualClock
) -> Any:
    async def make(auth: str = "token", *, token: bool = True) -> Api:
        mode = AuthMode.from_cli(auth)
        account, api_key = await create_account(
            services.db, user_name=unique_name(), auth_mode=mode, clock=clock
        )
        api = Api(client, services, clock, user_name=account.user_name, api_key=api_key,
                  auth=mode, caller=Caller(account, "test"))
        if mode is AuthMode.TOKEN and token:
            await api.new_token()
        return api

    return make


@pytest.fixture
async def api(make_api: Any) -> Api:
    """A TOKEN_AUTH account with a fresh token."""
    result: Api = await make_api("token")
    return result


@pytest.fixture
async def basic_api(make_api: Any) -> Api:
    """A BASIC_AUTH account."""
    result: Api = await make_api("basic")
    return result


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def env_without_agentdir() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AGENTDIR_")}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly which backend suites did not run, and why."""
    for name, reason in UNAVAILABLE_BACKENDS.items():
        terminalreporter.write_line(
            f"NOT RUN: the {name} backend suite ({reason})", yellow=True, bold=True
        )
