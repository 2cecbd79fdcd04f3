"""Spec 9: the skill endpoint."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from agentdir.storage.schema import skill_table
from agentdir.storage.sql import query
from tests.conftest import Api

CREATED = {"Status": "Success", "Message": "Skill Created Successfully"}
EXISTS = {"status": "error", "message": "Skill Already Exists"}
RECORDS = ["Record the call in Full", "Record only the Conversation", "Do not record calls"]


def assert_answer(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    got = response.json()
    assert got == body
    assert list(got) == list(body), "keys out of the documented order"


def assert_fail(response: httpx.Response, field: str, message: str | None = None) -> str:
    """A 400 `{"Message": {field: text}, "Status": "Fail"}`; returns the text."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert list(body) == ["Message", "Status"]
    assert body["Status"] == "Fail"
    assert list(body["Message"]) == [field]
    text = body["Message"][field]
    assert isinstance(text, str)
    assert text.strip()
    if message is not None:
        assert text == message
    return str(text)


async def skill(api: Api, **body: Any) -> httpx.Response:
    return await api.call("skill", body)


async def stored(api: Api, name: str) -> Any:
    q = query(sa.select(skill_table).where(skill_table.c.account_id == sa.bindparam("account"),
                                           skill_table.c.name == sa.bindparam("name")))
    async with api.services.db.read() as conn:
        row = await conn.fetchrow(q, {"account": api.caller.account.id, "name": name})
    return None if row is None else SimpleNamespace(**dict(zip(q.columns, row, strict=True)))


async def record_of(api: Api, agent_id: str) -> dict[str, Any]:
    response = await api.call("AgentDetails", {"agentId": agent_id})
    assert response.status_code == 200, response.text
    item: dict[str, Any] = response.json()["message"][0]
    return item


# --- success -----------------------------------------------------------------------


async def test_ok_minimal(api: Api) -> None:
    assert_answer(await skill(api, skillName="billing"), 200, CREATED)
    row = await stored(api, "billing")
    assert row is not None
    assert row.record == "Do not record calls"  # the default
    assert row.detail is None


async def test_ok_with_every_field(api: Api) -> None:
    await api.seed_agent("sk.one")
    response = await skill(api, skillName="Billing EN-2", skillDetail1="Invoices and refunds",
                           record="Record the call in Full",
                           agents=[{"agentId": "sk.one", "priority": 4}])
    assert_answer(response, 200, CREATED)
    row = await stored(api, "Billing EN-2")
    assert (row.detail, row.record) == ("Invoices and refunds", "Record the call in Full")


@pytest.mark.parametrize("record", RECORDS)
async def test_ok_each_record_choice(api: Api, record: str) -> None:
    assert_answer(await skill(api, skillName="rec skill", record=record), 200, CREATED)
    assert (await stored(api, "rec skill")).record == record


async def test_ok_record_null_takes_the_default(api: Api) -> None:
    assert_answer(await skill(api, skillName="nullrec", record=None), 200, CREATED)
    assert (await stored(api, "nullrec")).record == "Do not record calls"


async def test_ok_skill_detail_null_is_absent(api: Api) -> None:
    assert_answer(await skill(api, skillName="nulldetail", skillDetail1=None), 200, CREATED)


@pytest.mark.parametrize("name", ["abc", "x" * 50, "Sales 2", "a.b_c-d", "Ventes Français",
                                  "مبيعات", "販売部門"],
                         ids=["3-chars", "50-chars", "space-digit", "punct", "accents",
                              "arabic", "cjk"])
async def test_ok_valid_skill_names(api: Api, name: str) -> None:
    assert_answer(await skill(api, skillName=name), 200, CREATED)


@pytest.mark.parametrize("detail", ["abc", "d" * 100, "Anything goes: here! #1"],
                         ids=["3-chars", "100-chars", "any-characters"])
async def test_ok_valid_skill_detail(api: Api, detail: str) -> None:
    assert_answer(await skill(api, skillName="detail ok", skillDetail1=detail), 200, CREATED)


async def test_ok_empty_agents_array(api: Api) -> None:
    assert_answer(await skill(api, skillName="no agents", agents=[]), 200, CREATED)


async def test_ok_carries_the_limit_state(api: Api) -> None:
    response = await skill(api, skillName="headers")
    assert response.headers["ratelimit-policy"] == '"skill";q=10;w=60'
    assert response.headers["ratelimit"] == '"skill";r=9;t=60'


async def test_new_skill_can_be_assigned_by_update(api: Api) -> None:
    await api.seed_agent("later.one")
    assert (await skill(api, skillName="usable")).status_code == 200
    response = await api.call("updateAgent", {"agentId": "later.one", "email": "l@example.com",
                                              "assignSkills": ["usable"]})
    assert response.status_code == 200, response.text
    assert (await record_of(api, "later.one"))["Skill"] == "usable"


# --- agents: assignment ----------------------------------------------------------------


async def test_agents_get_the_skill_and_a_new_version(api: Api) -> None:
    await api.add("skill", "existing")
    await api.seed_agent("as.one", assignSkills=[{"skillName": "existing", "priority": 3}])
    await api.seed_agent("as.two")
    await api.seed_agent("as.three")
    api.clock.advance(90)
    response = await skill(api, skillName="support",
                           agents=[{"agentId": "as.one", "priority": 2},
                                   {"agentId": "as.two", "priority": 100}])
    assert_answer(response, 200, CREATED)
    one = await record_of(api, "as.one")
    assert one["Skill"] == "support, existing"
    assert one["Details"]["skills"] == [{"skillName": "support", "priority": 2},
                                        {"skillName": "existing", "priority": 3}]
    assert one["Details"]["version"] == 2
    assert one["Details"]["updatedAt"] != one["Details"]["createdAt"]
    two = await record_of(api, "as.two")
    assert two["Skill"] == "support"
    assert two["Details"]["skills"] == [{"skillName": "support", "priority": 100}]
    assert two["Details"]["version"] == 2
    three = await record_of(api, "as.three")  # not named: untouched
    assert three["Skill"] == ""
    assert three["Details"]["version"] == 1


async def test_agents_etag_moves_with_the_version(api: Api) -> None:
    await api.seed_agent("etag.sk")
    before = (await api.call("AgentDetails", {"agentId": "etag.sk"})).headers["etag"]
    assert (await skill(api, skillName="etag skill",
                        agents=[{"agentId": "etag.sk", "priority": 1}])).status_code == 200
    after = (await api.call("AgentDetails", {"agentId": "etag.sk"})).headers["etag"]
    assert (before, after) == ('"1"', '"2"')
    response = await api.call("updateAgent", {"agentId": "etag.sk", "email": "e@example.com"},
                              headers=api.headers(**{"If-Match": before}))
    assert response.status_code == 412


async def test_agents_priority_defaults_to_1_agentdir_reading(api: Api) -> None:
    # Spec 9 shows `{"agentId", "priority"}`; like assignSkills (5.5) priority defaults to 1.
    await api.seed_agent("def.one")
    assert (await skill(api, skillName="default prio",
                        agents=[{"agentId": "def.one"}])).status_code == 200
    assert (await record_of(api, "def.one"))["Details"]["skills"] == [
        {"skillName": "default prio", "priority": 1}]


# --- skillName -----------------------------------------------------------------------


async def test_skill_name_missing(api: Api) -> None:
    assert_answer(await skill(api), 400,
                  {"Message": {"skillName": "skillName is required"}, "Status": "Fail"})


@pytest.mark.parametrize("value", [None, "", "   "], ids=["null", "empty", "blank"])
async def test_skill_name_null_or_blank_is_required(api: Api, value: Any) -> None:
    assert_answer(await skill(api, skillName=value), 400,
                  {"Message": {"skillName": "skillName is required"}, "Status": "Fail"})


@pytest.mark.parametrize("value", ["a", "ab"])
async def test_skill_name_too_short(api: Api, value: str) -> None:
    assert_answer(await skill(api, skillName=value), 400,
                  {"Message": {"skillName": "skillName must be at least 3 characters long"},
                   "Status": "Fail"})


@pytest.mark.parametrize("length", [51, 200])
async def test_skill_name_too_long(api: Api, length: int) -> None:
    assert_fail(await skill(api, skillName="s" * length), "skillName")
    assert await stored(api, "s" * length) is None


@pytest.mark.parametrize("value", ["bad/name", "semi;colon", "at@sign", "comma,name", "tab\tname",
                                   "emoji 😀", "quote'name", "new\nline"])
async def test_skill_name_bad_characters(api: Api, value: str) -> None:
    assert_fail(await skill(api, skillName=value), "skillName")
    assert await stored(api, value) is None


@pytest.mark.parametrize("value", [123, True, ["abc"], {"n": "abc"}],
                         ids=["int", "bool", "array", "obj"])
async def test_skill_name_wrong_type(api: Api, value: Any) -> None:
    assert_fail(await skill(api, skillName=value), "skillName")


# --- skillDetail1 ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "a", "ab"], ids=["empty", "1", "2"])
async def test_skill_detail_too_short(api: Api, value: str) -> None:
    assert_fail(await skill(api, skillName="detail short", skillDetail1=value), "skillDetail1")
    assert await stored(api, "detail short") is None


async def test_skill_detail_too_long(api: Api) -> None:
    assert_fail(await skill(api, skillName="detail long", skillDetail1="d" * 101), "skillDetail1")
    assert await stored(api, "detail long") is None


@pytest.mark.parametrize("value", [12345, True, ["abc"]], ids=["int", "bool", "array"])
async def test_skill_detail_wrong_type(api: Api, value: Any) -> None:
    assert_fail(await skill(api, skillName="detail type", skillDetail1=value), "skillDetail1")


# --- record ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "Record", "record the call in full",
                                   "Do not record calls ", 1, True, ["Do not record calls"]],
                         ids=["empty", "prefix", "lowercase", "trailing-space", "int", "bool",
                              "array"])
async def test_record_bad_value(api: Api, value: Any) -> None:
    assert_fail(await skill(api, skillName="bad record", record=value), "record")
    assert await stored(api, "bad record") is None


# --- agents ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["as.one", {"agentId": "as.one"}, 5, True],
                         ids=["string", "object", "number", "bool"])
async def test_agents_not_an_array(api: Api, value: Any) -> None:
    await api.seed_agent("as.one")
    assert_fail(await skill(api, skillName="not array", agents=value), "agents")
    assert await stored(api, "not array") is None


@pytest.mark.parametrize("item", ["as.one", 3, None, ["as.one"]],
                         ids=["string", "number", "null", "array"])
async def test_agents_item_not_an_object(api: Api, item: Any) -> None:
    await api.seed_agent("as.one")
    assert_fail(await skill(api, skillName="bad item", agents=[item]), "agents[0]")


@pytest.mark.parametrize("item", [{}, {"agentId": ""}, {"agentId": "  "}, {"agentId": None},
                                  {"agentId": 42}, {"priority": 1}],
                         ids=["empty", "blank", "spaces", "null", "number", "no-agent-id"])
async def test_agents_item_without_a_usable_agent_id(api: Api, item: Any) -> None:
    assert_fail(await skill(api, skillName="bad item", agents=[item]), "agents[0].agentId")


async def test_agents_unknown_agent(api: Api) -> None:
    assert_fail(await skill(api, skillName="unknown agent",
                            agents=[{"agentId": "ghost", "priority": 1}]), "agents[0].agentId")
    assert await stored(api, "unknown agent") is None


async def test_agents_error_names_the_first_bad_item(api: Api) -> None:
    await api.seed_agent("ok.one")
    await api.seed_agent("ok.two")
    response = await skill(api, skillName="second bad",
                           agents=[{"agentId": "ok.one", "priority": 1},
                                   {"agentId": "ok.two", "priority": 1},
                                   {"agentId": "nobody", "priority": 1}])
    assert_fail(response, "agents[2].agentId")
    # nothing written: not the skill, not the first agents' assignment
    assert await stored(api, "second bad") is None
    for agent_id in ("ok.one", "ok.two"):
        record = await record_of(api, agent_id)
        assert record["Skill"] == ""
        assert record["Details"]["version"] == 1


@pytest.mark.parametrize("priority", [0, 101, -1, 1000, 1.5, "5", True, [1]],
                         ids=["0", "101", "-1", "1000", "fraction", "string", "bool", "array"])
async def test_agents_priority_outside_1_to_100(api: Api, priority: Any) -> None:
    await api.seed_agent("pr.one")
    assert_answer(await skill(api, skillName="bad prio",
                              agents=[{"agentId": "pr.one", "priority": priority}]), 400,
                  {"Message": {"agents[0].priority": "agent priority must be between 1 and 100"},
                   "Status": "Fail"})
    assert await stored(api, "bad prio") is None
    assert (await record_of(api, "pr.one"))["Details"]["version"] == 1


async def test_agents_priority_error_key_uses_the_item_index(api: Api) -> None:
    await api.seed_agent("pr.one")
    await api.seed_agent("pr.two")
    assert_answer(await skill(api, skillName="bad prio",
                              agents=[{"agentId": "pr.one", "priority": 1},
                                      {"agentId": "pr.two", "priority": 0}]), 400,
                  {"Message": {"agents[1].priority": "agent priority must be between 1 and 100"},
                   "Status": "Fail"})


@pytest.mark.parametrize("priority", [1, 100])
async def test_agents_priority_bounds_accepted(api: Api, priority: int) -> None:
    await api.seed_agent("pb.one")
    assert_answer(await skill(api, skillName="bounds",
                              agents=[{"agentId": "pb.one", "priority": priority}]), 200, CREATED)
    assert (await record_of(api, "pb.one"))["Details"]["skills"] == [
        {"skillName": "bounds", "priority": priority}]


async def test_agents_deleted_agent_is_unknown(api: Api) -> None:
    await api.seed_agent("gone.one")
    assert (await api.call("deleteAgent", {"agentId": "gone.one"})).status_code == 200
    assert_fail(await skill(api, skillName="for the gone",
                            agents=[{"agentId": "gone.one", "priority": 1}]), "agents[0].agentId")


# --- 409 ------------------------------------------------------------------------------


async def test_409_skill_already_exists_from_the_api(api: Api) -> None:
    assert (await skill(api, skillName="dup")).status_code == 200
    assert_answer(await skill(api, skillName="dup"), 409, EXISTS)


async def test_409_skill_already_exists_from_the_operator(api: Api) -> None:
    await api.add("skill", "operator made")
    assert_answer(await skill(api, skillName="operator made", record="Do not record calls"),
                  409, EXISTS)


async def test_409_assigns_nothing(api: Api) -> None:
    await api.add("skill", "taken")
    await api.seed_agent("dup.one")
    assert_answer(await skill(api, skillName="taken",
                              agents=[{"agentId": "dup.one", "priority": 5}]), 409, EXISTS)
    record = await record_of(api, "dup.one")
    assert record["Skill"] == ""
    assert record["Details"]["version"] == 1


async def test_same_name_in_another_account_is_not_a_conflict(api: Api, make_api: Any) -> None:
    other = await make_api("token")
    await other.add("skill", "shared name")
    assert_answer(await skill(api, skillName="shared name"), 200, CREATED)


# --- order of checks ------------------------------------------------------------------


async def test_authentication_before_skill_checks(api: Api) -> None:
    response = await api.call("skill", {}, headers={"apiKey": api.api_key})
    assert response.status_code == 401


async def test_rate_limit_before_skill_checks(api: Api) -> None:
    for _ in range(10):
        await skill(api)
    assert_answer(await skill(api), 429, {"status": "error", "message": "Max limit exceeded"})
