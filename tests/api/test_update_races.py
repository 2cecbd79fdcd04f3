"""updateAgent's optimistic write, with a competing writer injected between the
request's read of the agent and its guarded write (both backends).

A request that lost the race re-runs its checks on the new row and retries; after
OPTIMISTIC_ATTEMPTS lost races it takes the row lock. Nothing is lost, nothing is
applied twice, and the audit trail has one entry per applied update.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

import agentdir.agents.update as update_module
from agentdir.audit.query import list_audit
from tests.api.helpers import read_agent
from tests.conftest import Api

AGENT = "race.one"


class Competitor:
    """Lands another client's update just before each of the request's next `times`
    write attempts."""

    def __init__(self, api: Api, monkeypatch: pytest.MonkeyPatch, times: int,
                 **fields: Any) -> None:
        self.api = api
        self.left = times
        self.fields = fields
        self.landed = 0
        self.locked_checks = 0
        real_guard = update_module._unique_agent_id
        real_check = update_module._check

        @asynccontextmanager
        async def guard_after_competing() -> AsyncIterator[None]:
            if self.left > 0:
                self.left -= 1
                await self.compete()
            async with real_guard():
                yield

        async def counting_check(*args: Any, lock: bool, **kwargs: Any) -> Any:
            self.locked_checks += lock
            return await real_check(*args, lock=lock, **kwargs)

        monkeypatch.setattr(update_module, "_unique_agent_id", guard_after_competing)
        monkeypatch.setattr(update_module, "_check", counting_check)

    async def compete(self) -> None:
        left, self.left = self.left, 0  # the competitor's own write is not interfered with
        s = self.api.services
        self.landed += 1
        await update_module.update_agent(
            db=s.db, hasher=s.hasher, clock=s.clock, caller=self.api.caller,
            body={"agentId": AGENT, "email": f"{AGENT}@example.com",
                  "agentData": f"competitor-{self.landed}", **self.fields},
            if_match=None,
        )
        self.left = left


async def audit_actions(api: Api) -> list[str]:
    entries = await list_audit(api.services.db, user_name=api.user_name, agent_id=AGENT)
    return [e.action for e in entries]


async def test_a_lost_race_retries_on_the_new_row_and_keeps_both_changes(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await api.seed_agent(AGENT)
    before = await read_agent(api, AGENT)
    assert before is not None
    competitor = Competitor(api, monkeypatch, times=1)
    response = await api.call("updateAgent", {"agentId": AGENT, "email": "won@example.com",
                                              "agentName": "Retried Name"})
    assert response.status_code == 200, response.text
    after = await read_agent(api, AGENT)
    assert after is not None
    assert competitor.landed == 1
    assert competitor.locked_checks == 0  # the retry succeeded without the lock
    assert after["version"] == before["version"] + 2
    assert (after["agentData"], after["agentName"], after["email"]) == (
        "competitor-1", "Retried Name", "won@example.com")
    assert response.headers["etag"] == f'"{after["version"]}"'
    assert await audit_actions(api) == ["create", "update", "update"]


async def test_after_every_optimistic_attempt_lost_the_row_lock_decides(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await api.seed_agent(AGENT)
    before = await read_agent(api, AGENT)
    assert before is not None
    attempts = update_module.OPTIMISTIC_ATTEMPTS
    competitor = Competitor(api, monkeypatch, times=attempts)
    response = await api.call("updateAgent", {"agentId": AGENT, "email": "won@example.com",
                                              "agentName": "Locked Name"})
    assert response.status_code == 200, response.text
    after = await read_agent(api, AGENT)
    assert after is not None
    assert competitor.landed == attempts
    assert competitor.locked_checks == 1
    assert after["version"] == before["version"] + attempts + 1
    assert (after["agentData"], after["agentName"]) == (f"competitor-{attempts}", "Locked Name")
    assert await audit_actions(api) == ["create"] + ["update"] * (attempts + 1)


async def test_if_match_of_the_version_read_fails_once_a_competitor_wrote(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await api.seed_agent(AGENT)
    before = await read_agent(api, AGENT)
    assert before is not None
    Competitor(api, monkeypatch, times=1)
    response = await api.call(
        "updateAgent", {"agentId": AGENT, "email": "late@example.com"},
        headers=api.headers(**{"If-Match": f'"{before["version"]}"'}))
    assert response.status_code == 412, response.text
    after = await read_agent(api, AGENT)
    assert after is not None
    assert after["email"] == f"{AGENT}@example.com"  # only the competitor's update applied
    assert await audit_actions(api) == ["create", "update"]


async def test_agent_id_new_taken_by_a_racing_create_answers_as_check_10(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await api.seed_agent(AGENT)
    taken = "race.taken"

    @asynccontextmanager
    async def create_first() -> AsyncIterator[None]:
        monkeypatch.undo()  # once
        await api.seed_agent(taken)
        async with update_module._unique_agent_id():
            yield

    monkeypatch.setattr(update_module, "_unique_agent_id", create_first)
    body = {"agentId": AGENT, "agentIdNew": taken, "email": "x@example.com"}
    raced = await api.call("updateAgent", body)
    checked = await api.call("updateAgent", body)  # now check 10 itself refuses it
    assert raced.status_code == checked.status_code != 200
    assert raced.json() == checked.json()
    assert await read_agent(api, AGENT) is not None
