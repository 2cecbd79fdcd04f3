"""Every AsyncClient method against the real app in-process (httpx ASGI transport)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agentdir import client as c
from tests.conftest import Api

MakeClient = Callable[..., c.AsyncClient]


async def test_every_method_on_a_token_account(make_api: Any, make_client: MakeClient) -> None:
    api: Api = await make_api("token", token=False)
    await api.add("group", "night-shift")
    await api.add("sip-location", "blr-1")
    async with make_client(api, auth="token") as ca:
        token = await ca.generate_token()
        assert token.token.count(".") == 2
        assert token.expires_at == api.clock.now() + 3600

        skill = await ca.create_skill("billing", skill_detail1="Billing desk",
                                      record="Do not record calls")
        assert skill.message == "Skill Created Successfully"

        created = await ca.create_agent(
            agent_id="priya.s", agent_name="Priya Sharma", password="secret-1",
            email="priya@example.com", assign_skills=[c.SkillAssignment("billing", 2)],
            assign_agent_groups=["night-shift"], call_controls={"mute": True},
            sip_location="blr-1", agent_data="emp-42", manual=True)
        assert created == c.Result("Agent Created Successfully", 1, created.rate_limit)
        assert created.rate_limit is not None
        assert created.rate_limit.remaining == 4

        updated = await ca.update_agent("priya.s", email="priya@new.example.com",
                                        agent_name_new="Priya S", agent_data=None,
                                        un_assign_agent_groups="night-shift",
                                        detailed=True, if_match=1)
        assert updated.version == 2
        assert updated.agent is not None
        agent = updated.agent
        assert (agent.agent_name, agent.email, agent.agent_data) == (
            "Priya S", "priya@new.example.com", None)
        assert agent.sip_location == "blr-1"
        assert agent.skills == [c.SkillAssignment("billing", 2)]
        assert agent.groups == []
        assert agent.modes.manual
        assert agent.modes.inbound
        assert agent.call_controls == {"mute": True}

        plain = await ca.update_agent("priya.s", email="priya@new.example.com")
        assert plain.agent is None
        assert plain.version == 3

        [one] = await ca.agent_details("priya.s")
        assert (one.agent_id, one.agent_name, one.skill, one.mode) == (
            "priya.s", "Priya S", "billing", "Inbound")
        assert one.details is not None
        assert one.details.version == 3

        await ca.create_agent(agent_id="arun.k", agent_name="Arun K", password="pw123",
                              email="arun@example.com")
        listing = await ca.agent_details()
        assert [a.agent_id for a in listing] == ["arun.k", "priya.s"]

        deleted = await ca.delete_agent("arun.k")
        assert deleted.message == "Agent arun.k Deleted Successfully"
        assert [a.agent_id for a in await ca.agent_details()] == ["priya.s"]
        assert ca.token == token  # one token served every call


async def test_basic_account_never_asks_for_a_token(make_api: Any,
                                                    make_client: MakeClient) -> None:
    api: Api = await make_api("basic")
    async with make_client(api) as ca:
        await ca.create_agent(agent_id="b1", agent_name="Basic One", password="pw123",
                              email="b1@example.com")
        assert [a.agent_id for a in await ca.agent_details()] == ["b1"]
        assert ca.token is None


async def test_auto_mode_switches_to_tokens_when_asked(make_api: Any,
                                                       make_client: MakeClient) -> None:
    api: Api = await make_api("token", token=False)
    async with make_client(api) as ca:  # auth="auto"
        assert await ca.agent_details() == []
        assert ca.token is not None


async def test_errors_from_the_app(make_api: Any, make_client: MakeClient) -> None:
    api: Api = await make_api("token", token=False)
    await api.seed_agent("dup.agent")
    async with make_client(api) as ca:
        with pytest.raises(c.AgentNotFound) as not_found:
            await ca.update_agent("nobody", email="x@example.com")
        assert not_found.value.status_code == 404
        with pytest.raises(c.AgentAlreadyExists):
            await ca.create_agent(agent_id="dup.agent", agent_name="Dup", password="pw123",
                                  email="d@example.com")
        with pytest.raises(c.ValidationFailed) as invalid:
            await ca.update_agent("dup.agent", email="d@example.com", agent_id_new="a b")
        assert invalid.value.field == "agentIdNew"
        with pytest.raises(c.ValidationFailed) as skills:
            await ca.update_agent("dup.agent", email="d@example.com", assign_skills=["nope"])
        assert skills.value.field == "assignSkills[0]"
        with pytest.raises(c.InvalidEmail):
            await ca.update_agent("dup.agent", email="not-an-email")
        with pytest.raises(c.PreconditionFailed):
            await ca.update_agent("dup.agent", email="d@example.com", if_match=99)
        with pytest.raises(c.InvalidAgentDetails):
            await ca.delete_agent("never.was")
        await ca.delete_agent("dup.agent")
        with pytest.raises(c.AgentAlreadyDeleted):
            await ca.delete_agent("dup.agent")
        with pytest.raises(c.AgentNotFound):
            await ca.agent_details("dup.agent")
        await ca.create_skill("support")
        with pytest.raises(c.SkillAlreadyExists):
            await ca.create_skill("support")
        with pytest.raises(c.ValidationFailed) as skill_name:
            await ca.create_skill("ab")
        assert skill_name.value.field == "skillName"


async def test_wrong_api_key(make_api: Any, make_client: MakeClient) -> None:
    api: Api = await make_api("basic")
    api.api_key = "wrong"
    async with make_client(api) as ca:
        with pytest.raises(c.InvalidUserDetails):
            await ca.delete_agent("x")
        with pytest.raises(c.InvalidUserDetails) as details:
            await ca.agent_details()
        assert details.value.message == "userName or apiKey is Invalid"
        with pytest.raises(c.InvalidUserDetails):
            await ca.generate_token()
