"""Spec 2: no request of one account can read or change another account's agents,
skills, agent groups or SIP locations."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Api

NOT_FOUND = {"status": "error", "message": "Agent not found"}
INVALID_USER = {"status": "false", "message": "Invalid User Details", "data": None}
INVALID_TOKEN = {"status": "false", "message": "Invalid Token", "data": None}


def assert_answer(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    got = response.json()
    assert got == body
    assert list(got) == list(body), "keys out of the documented order"


@pytest.fixture
async def pair(make_api: Any) -> tuple[Api, Api]:
    """Account A and account B, each with an agent, a skill, a group and a SIP location."""
    a: Api = await make_api("token")
    b: Api = await make_api("token")
    await b.add("skill", "b-skill")
    await b.add("group", "b-group")
    await b.add("sip-location", "b-sip")
    await b.seed_agent("b.agent", agentName="B Agent", sipLocation="b-sip",
                       assignSkills=["b-skill"], assignAgentGroups="b-group")
    await a.add("skill", "a-skill")
    await a.seed_agent("a.agent", agentName="A Agent")
    return a, b


async def b_record(b: Api) -> dict[str, Any]:
    response = await b.call("AgentDetails", {"agentId": "b.agent"})
    assert response.status_code == 200, response.text
    item: dict[str, Any] = response.json()["message"][0]
    return item


async def assert_b_untouched(b: Api) -> None:
    item = await b_record(b)
    assert item["AgentName"] == "B Agent"
    assert item["Skill"] == "b-skill"
    assert item["Details"]["version"] == 1
    assert item["Details"]["sipLocation"] == "b-sip"
    assert item["Details"]["groups"] == ["b-group"]


# --- agents --------------------------------------------------------------------------


async def test_update_another_accounts_agent_is_not_found(pair: tuple[Api, Api]) -> None:
    a, b = pair
    response = await a.call("updateAgent", {"agentId": "b.agent", "email": "x@example.com",
                                            "agentName": "Hijacked"})
    assert_answer(response, 404, NOT_FOUND)
    await assert_b_untouched(b)


async def test_agent_details_of_another_accounts_agent_is_not_found(
    pair: tuple[Api, Api],
) -> None:
    a, _ = pair
    assert_answer(await a.call("AgentDetails", {"agentId": "b.agent"}), 404, NOT_FOUND)


async def test_agent_details_lists_only_own_agents(pair: tuple[Api, Api]) -> None:
    a, b = pair
    a_ids = [item["AgentId"] for item in (await a.call("AgentDetails", {})).json()["message"]]
    b_ids = [item["AgentId"] for item in (await b.call("AgentDetails", {})).json()["message"]]
    assert a_ids == ["a.agent"]
    assert b_ids == ["b.agent"]


async def test_delete_another_accounts_agent_is_invalid_agent_details(
    pair: tuple[Api, Api],
) -> None:
    a, b = pair
    assert_answer(await a.call("deleteAgent", {"agentId": "b.agent"}), 404,
                  {"messages": "Invalid Agent Details", "status": "error"})
    await assert_b_untouched(b)


async def test_same_agent_id_in_two_accounts_are_two_agents(pair: tuple[Api, Api]) -> None:
    a, b = pair
    response = await a.call("createAgent", {"agentId": "b.agent", "agentName": "A Own",
                                            "password": "pw-123", "email": "own@example.com"})
    assert response.status_code == 200, response.text
    assert (await a.call("deleteAgent", {"agentId": "b.agent"})).status_code == 200
    await assert_b_untouched(b)
    # and B's delete is unaffected by A's deleted record of the same ID
    assert_answer(await b.call("deleteAgent", {"agentId": "b.agent"}), 200,
                  {"Status": "Success", "Message": "Agent b.agent Deleted Successfully"})


async def test_rename_onto_another_accounts_agent_id_is_no_conflict(
    pair: tuple[Api, Api],
) -> None:
    a, b = pair
    response = await a.call("updateAgent", {"agentId": "a.agent", "agentIdNew": "b.agent",
                                            "email": "a@example.com"})
    assert response.status_code == 200, response.text
    await assert_b_untouched(b)


async def test_skill_endpoint_cannot_assign_to_another_accounts_agent(
    pair: tuple[Api, Api],
) -> None:
    a, b = pair
    response = await a.call("skill", {"skillName": "reach over",
                                      "agents": [{"agentId": "b.agent", "priority": 1}]})
    assert response.status_code == 400
    assert list(response.json()["Message"]) == ["agents[0].agentId"]
    await assert_b_untouched(b)


# --- skills, groups, SIP locations ---------------------------------------------------------


async def test_assign_another_accounts_skill_is_check_23(pair: tuple[Api, Api]) -> None:
    a, _ = pair
    response = await a.call("updateAgent", {"agentId": "a.agent", "email": "a@example.com",
                                            "assignSkills": ["b-skill"]})
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["Status", "Message"]
    assert body["Status"] == "Fail"
    assert list(body["Message"]) == ["assignSkills[0]"]


async def test_create_with_another_accounts_skill_is_check_23(pair: tuple[Api, Api]) -> None:
    a, _ = pair
    response = await a.call("createAgent", {"agentId": "a.new", "agentName": "New",
                                            "password": "pw-123", "email": "n@example.com",
                                            "assignSkills": [{"skillName": "b-skill",
                                                              "priority": 2}]})
    assert response.status_code == 400
    assert list(response.json()["Message"]) == ["assignSkills[0]"]


async def test_assign_another_accounts_group_is_check_24(pair: tuple[Api, Api]) -> None:
    a, _ = pair
    response = await a.call("updateAgent", {"agentId": "a.agent", "email": "a@example.com",
                                            "assignAgentGroups": "b-group"})
    assert response.status_code == 400
    body = response.json()
    assert body["Status"] == "Fail"
    assert list(body["Message"]) == ["assignAgentGroups"]


async def test_use_another_accounts_sip_location_is_check_18(pair: tuple[Api, Api]) -> None:
    a, _ = pair
    response = await a.call("updateAgent", {"agentId": "a.agent", "email": "a@example.com",
                                            "sipLocation": "b-sip"})
    assert_answer(response, 400, {"message": "Invalid sipLocation", "status": "error"})


async def test_skill_names_are_per_account(pair: tuple[Api, Api]) -> None:
    a, b = pair
    assert (await a.call("skill", {"skillName": "b-skill"})).status_code == 200
    # B still has exactly its own, and A can now use its own copy
    response = await a.call("updateAgent", {"agentId": "a.agent", "email": "a@example.com",
                                            "assignSkills": ["b-skill"]})
    assert response.status_code == 200, response.text
    await assert_b_untouched(b)
    assert_answer(await b.call("skill", {"skillName": "b-skill"}), 409,
                  {"status": "error", "message": "Skill Already Exists"})


async def test_other_accounts_skill_name_is_free_in_own_account(pair: tuple[Api, Api]) -> None:
    _, b = pair
    assert (await b.call("skill", {"skillName": "a-skill"})).status_code == 200


# --- credentials --------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["updateAgent", "createAgent", "deleteAgent", "skill"])
async def test_b_username_with_a_apikey_is_invalid_user_details(
    pair: tuple[Api, Api], endpoint: str
) -> None:
    a, b = pair
    response = await a.call(endpoint, {"userName": b.user_name, "agentId": "b.agent"},
                            headers={"apiKey": a.api_key,
                                     "Authorization": f"Bearer {b.token}"})
    assert_answer(response, 401, INVALID_USER)
    await assert_b_untouched(b)


async def test_b_username_with_a_apikey_on_agent_details(pair: tuple[Api, Api]) -> None:
    a, b = pair
    response = await a.call("AgentDetails", {"userName": b.user_name},
                            headers={"apiKey": a.api_key, "Authorization": f"Bearer {b.token}"})
    assert_answer(response, 401, {"status": "error", "message": "userName or apiKey is Invalid"})


async def test_b_username_with_a_apikey_on_generate_token(pair: tuple[Api, Api]) -> None:
    a, b = pair
    response = await a.call("generateToken", {"userName": b.user_name},
                            headers={"apiKey": a.api_key})
    assert_answer(response, 401,
                  {"status": "false", "message": "Invalid userName or apiKey", "data": None})
    # and B's token was not superseded
    assert (await b.call("AgentDetails", {})).status_code == 200


@pytest.mark.parametrize("endpoint", ["updateAgent", "createAgent", "deleteAgent", "skill",
                                      "AgentDetails"])
async def test_a_token_with_b_username_and_b_apikey_is_invalid_token(
    pair: tuple[Api, Api], endpoint: str
) -> None:
    a, b = pair
    response = await b.call(endpoint, {"agentId": "b.agent", "email": "x@example.com"},
                            headers={"apiKey": b.api_key, "Authorization": f"Bearer {a.token}"})
    assert_answer(response, 401, INVALID_TOKEN)
    await assert_b_untouched(b)


async def test_a_new_token_does_not_revoke_b(pair: tuple[Api, Api]) -> None:
    a, b = pair
    await a.new_token()
    await a.new_token()
    assert (await b.call("AgentDetails", {})).status_code == 200


async def test_basic_auth_account_cannot_reach_token_account(
    pair: tuple[Api, Api], basic_api: Api
) -> None:
    _, b = pair
    response = await basic_api.call("updateAgent", {"userName": b.user_name,
                                                    "agentId": "b.agent",
                                                    "email": "x@example.com"},
                                    headers={"apiKey": basic_api.api_key})
    assert_answer(response, 401, INVALID_USER)
    response = await basic_api.call("updateAgent", {"agentId": "b.agent",
                                                    "email": "x@example.com"},
                                    headers={"apiKey": basic_api.api_key})
    assert_answer(response, 404, NOT_FOUND)
    await assert_b_untouched(b)
