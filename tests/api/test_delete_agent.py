"""Spec 7: deleteAgent, rows 8, 9 and ok, and what a soft delete means elsewhere."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from agentdir.storage.schema import agent_table
from agentdir.storage.sql import query
from tests.conftest import Api

ROW_8 = {"messages": "Invalid Agent Details", "status": "error"}
ROW_9 = {"status": "error", "messages": "Invalid agent details or Agent is already deleted"}
NOT_FOUND = {"status": "error", "message": "Agent not found"}


def assert_answer(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    got = response.json()
    assert got == body
    assert list(got) == list(body), "keys out of the documented order"


async def delete(api: Api, agent_id: Any = ..., **extra: Any) -> httpx.Response:
    body: dict[str, Any] = dict(extra)
    if agent_id is not ...:
        body["agentId"] = agent_id
    return await api.call("deleteAgent", body)


async def rows(api: Api, agent_id: str) -> list[Any]:
    q = query(sa.select(agent_table).where(
        agent_table.c.account_id == sa.bindparam("account"),
        agent_table.c.agent_id == sa.bindparam("agent"),
    ).order_by(agent_table.c.id))
    async with api.services.db.read() as conn:
        found = await conn.fetchall(q, {"account": api.caller.account.id, "agent": agent_id})
    return [SimpleNamespace(**dict(zip(q.columns, row, strict=True))) for row in found]


# --- ok ----------------------------------------------------------------------------


async def test_ok_names_the_deleted_agent(api: Api) -> None:
    await api.seed_agent("priya.s")
    assert_answer(await delete(api, "priya.s"), 200,
                  {"Status": "Success", "Message": "Agent priya.s Deleted Successfully"})


async def test_ok_with_an_id_full_of_allowed_punctuation(api: Api) -> None:
    await api.seed_agent("a.b@c_d-e", email="punct@example.com")
    assert_answer(await delete(api, "a.b@c_d-e"), 200,
                  {"Status": "Success", "Message": "Agent a.b@c_d-e Deleted Successfully"})


async def test_ok_for_a_basic_auth_account(basic_api: Api) -> None:
    await basic_api.seed_agent("basic.one")
    assert_answer(await delete(basic_api, "basic.one"), 200,
                  {"Status": "Success", "Message": "Agent basic.one Deleted Successfully"})


async def test_ok_carries_the_limit_state(api: Api) -> None:
    await api.seed_agent("hdr.one")
    response = await delete(api, "hdr.one")
    assert response.headers["ratelimit-policy"] == '"deleteAgent";q=5;w=60'
    assert response.headers["ratelimit"] == '"deleteAgent";r=4;t=60'


async def test_delete_leaves_other_agents_alone(api: Api) -> None:
    await api.seed_agent("stay.one")
    await api.seed_agent("go.one")
    assert (await delete(api, "go.one")).status_code == 200
    listing = (await api.call("AgentDetails", {})).json()["message"]
    assert [item["AgentId"] for item in listing] == ["stay.one"]


# --- row 8 -------------------------------------------------------------------------


async def test_row8_agent_id_missing(api: Api) -> None:
    assert_answer(await delete(api), 404, ROW_8)


async def test_row8_agent_id_null(api: Api) -> None:
    assert_answer(await delete(api, None), 404, ROW_8)


@pytest.mark.parametrize("blank", ["", " ", "\t \n"])
async def test_row8_agent_id_blank(api: Api, blank: str) -> None:
    assert_answer(await delete(api, blank), 404, ROW_8)


@pytest.mark.parametrize("value", [12, True, ["a1"], {"agentId": "a1"}],
                         ids=["int", "bool", "array", "object"])
async def test_row8_agent_id_not_a_string_is_unknown(api: Api, value: Any) -> None:
    await api.seed_agent("12")
    assert_answer(await delete(api, value), 404, ROW_8)


async def test_row8_never_an_agent(api: Api) -> None:
    assert_answer(await delete(api, "ghost.agent"), 404, ROW_8)


async def test_row8_id_is_taken_as_sent_not_trimmed(api: Api) -> None:
    await api.seed_agent("trim.me")
    assert_answer(await delete(api, " trim.me "), 404, ROW_8)
    assert (await api.call("AgentDetails", {"agentId": "trim.me"})).status_code == 200


async def test_row8_id_is_case_sensitive(api: Api) -> None:
    await api.seed_agent("case.me")
    assert_answer(await delete(api, "CASE.ME"), 404, ROW_8)


async def test_row8_agent_of_another_account_is_never_ours(api: Api, make_api: Any) -> None:
    other = await make_api("token")
    await other.seed_agent("theirs.one")
    assert_answer(await delete(api, "theirs.one"), 404, ROW_8)
    assert (await other.call("AgentDetails", {"agentId": "theirs.one"})).status_code == 200


async def test_row8_deleted_agent_of_another_account_is_still_row8(
    api: Api, make_api: Any
) -> None:
    other = await make_api("token")
    await other.seed_agent("gone.theirs")
    assert (await delete(other, "gone.theirs")).status_code == 200
    assert_answer(await delete(api, "gone.theirs"), 404, ROW_8)


# --- row 9 -------------------------------------------------------------------------


async def test_row9_already_deleted(api: Api) -> None:
    await api.seed_agent("twice.one")
    assert (await delete(api, "twice.one")).status_code == 200
    assert_answer(await delete(api, "twice.one"), 404, ROW_9)


async def test_row9_every_later_attempt(api: Api) -> None:
    await api.seed_agent("thrice.one")
    assert (await delete(api, "thrice.one")).status_code == 200
    for _ in range(3):
        api.clock.advance(60)
        assert_answer(await delete(api, "thrice.one"), 404, ROW_9)


async def test_row9_after_renaming_the_old_id_is_not_row9(api: Api) -> None:
    # Renaming is not deleting: the old ID never named a deleted agent.
    await api.seed_agent("old.name")
    response = await api.call("updateAgent", {"agentId": "old.name", "agentIdNew": "new.name",
                                              "email": "n@example.com"})
    assert response.status_code == 200, response.text
    response = await delete(api, "old.name")
    assert response.status_code == 404
    assert response.json() in (ROW_8, ROW_9)
    assert (await delete(api, "new.name")).status_code == 200


# --- soft delete -------------------------------------------------------------------


async def test_soft_delete_keeps_the_record_marked_with_its_time(api: Api) -> None:
    await api.seed_agent("soft.one")
    api.clock.advance(125)
    when = api.clock.now()
    assert (await delete(api, "soft.one")).status_code == 200
    found = await rows(api, "soft.one")
    assert len(found) == 1
    assert found[0].deleted_at is not None
    assert abs(float(found[0].deleted_at) - when) < 1


async def test_deleted_agent_is_invisible_to_agent_details(api: Api) -> None:
    await api.seed_agent("hide.one")
    assert (await delete(api, "hide.one")).status_code == 200
    assert_answer(await api.call("AgentDetails", {"agentId": "hide.one"}), 404, NOT_FOUND)
    listing = await api.call("AgentDetails", {})
    assert listing.json() == {"message": [], "status": "success"}


async def test_deleted_agent_is_invisible_to_update(api: Api) -> None:
    await api.seed_agent("hide.two")
    assert (await delete(api, "hide.two")).status_code == 200
    response = await api.call("updateAgent", {"agentId": "hide.two", "email": "h@example.com"})
    assert_answer(response, 404, NOT_FOUND)


async def test_deleted_agent_cannot_get_a_skill(api: Api) -> None:
    await api.seed_agent("hide.three")
    assert (await delete(api, "hide.three")).status_code == 200
    response = await api.call("skill", {"skillName": "after delete",
                                        "agents": [{"agentId": "hide.three", "priority": 1}]})
    assert response.status_code == 400
    assert list(response.json()["Message"]) == ["agents[0].agentId"]


async def test_deleted_id_is_reusable_and_the_new_agent_is_a_new_record(api: Api) -> None:
    await api.add("skill", "old skill")
    await api.seed_agent("reuse.one", agentName="Old Agent",
                         assignSkills=[{"skillName": "old skill", "priority": 3}])
    for i in range(2):
        assert (await api.call("updateAgent", {"agentId": "reuse.one",
                                               "email": f"u{i}@example.com"})).status_code == 200
    assert (await delete(api, "reuse.one")).status_code == 200
    api.clock.advance(3000)
    await api.new_token()
    response = await api.call("createAgent", {"agentId": "reuse.one", "agentName": "New Agent",
                                              "password": "pw-123",
                                              "email": "new@example.com"})
    assert response.status_code == 200, response.text
    assert response.json() == {"Status": "Success", "Message": "Agent Created Successfully"}
    assert response.headers["etag"] == '"1"'
    item = (await api.call("AgentDetails", {"agentId": "reuse.one"})).json()["message"][0]
    record = item["Details"]
    assert record["agentName"] == "New Agent"
    assert record["email"] == "new@example.com"
    assert record["skills"] == []
    assert record["version"] == 1
    assert record["createdAt"] == record["updatedAt"]
    assert len(await rows(api, "reuse.one")) == 2  # the deleted record stays


async def test_deleting_the_reused_id_deletes_the_new_agent(api: Api) -> None:
    await api.seed_agent("again.one")
    assert (await delete(api, "again.one")).status_code == 200
    await api.seed_agent("again.one", agentName="Second Life")
    assert_answer(await delete(api, "again.one"), 200,
                  {"Status": "Success", "Message": "Agent again.one Deleted Successfully"})
    assert_answer(await delete(api, "again.one"), 404, ROW_9)
    found = await rows(api, "again.one")
    assert len(found) == 2
    assert all(row.deleted_at is not None for row in found)


async def test_deleted_id_can_be_taken_by_a_rename(api: Api) -> None:
    await api.seed_agent("free.id")
    await api.seed_agent("mover.one")
    assert (await delete(api, "free.id")).status_code == 200
    response = await api.call("updateAgent", {"agentId": "mover.one", "agentIdNew": "free.id",
                                              "email": "m@example.com"})
    assert response.status_code == 200, response.text
    assert (await api.call("AgentDetails", {"agentId": "free.id"})).status_code == 200
