"""`agentdir audit`: what changed, who changed it, filtered by agent and time."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentdir.accounts.models import AuthMode
from agentdir.accounts.service import create_account
from agentdir.agents.lifecycle import create_agent
from agentdir.agents.update import update_agent
from agentdir.audit.query import parse_since
from agentdir.auth.service import Caller
from agentdir.bootstrap import make_hasher
from agentdir.cli.main import cli
from agentdir.clock import ManualClock
from agentdir.errors import OperatorError
from agentdir.settings import Settings
from agentdir.storage.database import Database
from agentdir.storage.migrate import upgrade


def run(runner: CliRunner, db_url: str, *args: str) -> str:
    result = runner.invoke(cli, ["--database-url", db_url, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/audit.sqlite3"


def test_audit_lists_changes_with_old_and_new_values_and_filters(db_url: str) -> None:
    clock = ManualClock(start=1_800_000_000.0)  # 2027-01-15T08:00:00Z
    settings = Settings(database_url=db_url, argon2_time_cost=1, argon2_memory_kib=1024)

    async def seed() -> None:
        db = Database.connect(db_url)
        await upgrade(db)
        hasher = make_hasher(settings)
        account, _ = await create_account(db, user_name="acme", auth_mode=AuthMode.TOKEN,
                                          clock=clock)
        caller = Caller(account, "token:3")
        for agent_id in ("a1", "a2"):
            await create_agent(db=db, hasher=hasher, clock=clock, caller=caller, body={
                "agentId": agent_id, "agentName": "Ann Lee", "password": "pw-1",
                "email": f"{agent_id}@example.com"})
        clock.advance(3600)
        await update_agent(db=db, hasher=hasher, clock=clock, caller=caller, if_match=None,
                           body={"agentId": "a1", "email": "new@example.com",
                                 "password": "pw-2", "chat": True})
        hasher.close()
        await db.dispose()

    asyncio.run(seed())
    runner = CliRunner()
    lines = [json.loads(line) for line in run(runner, db_url, "audit", "acme", "--json")
             .splitlines()]
    assert [(e["agentId"], e["action"]) for e in lines] == [
        ("a1", "create"), ("a2", "create"), ("a1", "update")]
    update = lines[-1]
    assert update["actor"] == "token:3"
    assert update["at"] == "2027-01-15T09:00:00Z"
    assert update["changes"] == {
        "email": {"old": "a1@example.com", "new": "new@example.com"},
        "modes.chat": {"old": False, "new": True},
        "password": "changed",
    }
    assert "pw-2" not in json.dumps(lines)
    assert "pw-1" not in json.dumps(lines)

    only_a2 = run(runner, db_url, "audit", "acme", "--agent", "a2", "--json").splitlines()
    assert [json.loads(line)["agentId"] for line in only_a2] == ["a2"]

    recent = run(runner, db_url, "audit", "acme", "--since", "2027-01-15T08:30:00Z", "--json")
    assert [json.loads(line)["action"] for line in recent.splitlines()] == ["update"]

    table = run(runner, db_url, "audit", "acme")
    assert "new@example.com" in table
    assert "changed" in table


def test_audit_of_an_unknown_account_is_an_operator_error(db_url: str) -> None:
    result = CliRunner().invoke(cli, ["--database-url", db_url, "audit", "nobody"])
    assert result.exit_code != 0
    assert isinstance(result.exception, OperatorError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90m", 1000.0 - 5400), ("2h", 1000.0 - 7200), ("1d", 1000.0 - 86400),
     ("1970-01-01T00:10:00Z", 600.0), ("1970-01-01", 0.0)],
    ids=["minutes", "hours", "days", "iso-utc", "date"],
)
def test_parse_since(text: str, expected: float) -> None:
    assert parse_since(text, now=1000.0) == expected


def test_parse_since_rejects_nonsense() -> None:
    with pytest.raises(OperatorError, match="--since"):
        parse_since("yesterday-ish", now=0.0)
