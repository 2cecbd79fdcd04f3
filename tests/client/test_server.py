"""Every client method against a real `agentdir serve` process on 127.0.0.1."""

from __future__ import annotations

import uuid

import pytest

from agentdir import client as c
from tests.client.conftest import Server

pytestmark = pytest.mark.server


def _account(server: Server, auth: str = "token") -> tuple[str, str]:
    name = f"srv-{uuid.uuid4().hex[:8]}"
    return name, server.account(name, auth)


def test_sync_client_every_method(server: Server) -> None:
    name, key = _account(server)
    with c.Client(server.base_url, user_name=name, api_key=key) as ca:
        token = ca.generate_token()
        assert ca.create_skill("billing", agents=None).message == "Skill Created Successfully"
        created = ca.create_agent(agent_id="s.one", agent_name="Sync One", password="pw123",
                                  email="one@example.com", assign_skills=["billing"])
        assert created.version == 1
        updated = ca.update_agent("s.one", email="one@example.com", locked=True,
                                  detailed=True, if_match=created.version)
        assert updated.agent is not None
        assert updated.agent.locked
        [item] = ca.agent_details("s.one")
        assert item.skill == "billing"
        assert item.details is not None
        assert item.details.skills == [c.SkillAssignment("billing", 1)]
        with pytest.raises(c.AgentAlreadyExists):
            ca.create_agent(agent_id="s.one", agent_name="Sync One", password="pw123",
                            email="one@example.com")
        assert ca.delete_agent("s.one").message == "Agent s.one Deleted Successfully"
        assert ca.agent_details() == []
        assert ca.token == token


def test_sync_client_basic_account_and_bad_key(server: Server) -> None:
    name, key = _account(server, "basic")
    with c.Client(server.base_url, user_name=name, api_key=key, auth="basic") as ca:
        assert ca.agent_details() == []
    with c.Client(server.base_url, user_name=name, api_key="wrong") as ca, \
            pytest.raises(c.InvalidUserDetails):
        ca.delete_agent("x")


async def test_async_client_every_method(server: Server) -> None:
    name, key = _account(server)
    async with c.AsyncClient(server.base_url, user_name=name, api_key=key) as ca:
        await ca.generate_token()
        await ca.create_agent(agent_id="a.one", agent_name="Async One", password="pw123",
                              email="a1@example.com")
        await ca.create_skill("support", agents={"a.one": 3})
        result = await ca.update_agent("a.one", email="a1@example.com",
                                       un_assign_skills=["support"], detailed=True)
        assert result.agent is not None
        assert result.agent.skills == []
        assert [a.agent_id for a in await ca.agent_details()] == ["a.one"]
        await ca.delete_agent("a.one")
        with pytest.raises(c.AgentNotFound):
            await ca.update_agent("a.one", email="a1@example.com")
