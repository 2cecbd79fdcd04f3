"""Spec 8: AgentDetails, every row, and the exact shape of an item (spec 8 and 11)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from agentdir.clock import utc_iso
from tests.conftest import Api

NOT_FOUND = {"status": "error", "message": "Agent not found"}
ITEM_KEYS = ["AgentId", "AgentName", "State", "Since", "Skill", "PhoneNumber", "Mode", "Details"]
RECORD_KEYS = ["agentId", "agentName", "email", "agentData", "sipLocation", "screenRecording",
               "autoAnswer", "locked", "modes", "callControls", "skills", "groups", "version",
               "createdAt", "updatedAt"]
MODE_KEYS = ["inbound", "manual", "preview", "progressive", "chat", "blended", "blendedInbound",
             "blendedManual", "blendedPreview", "blendedProgressive", "blendedChat"]
ALL_OFF = dict.fromkeys(MODE_KEYS, False)


def assert_answer(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    got = response.json()
    assert got == body
    assert list(got) == list(body), "keys out of the documented order"


async def details(api: Api, agent_id: Any = ...) -> httpx.Response:
    body: dict[str, Any] = {} if agent_id is ... else {"agentId": agent_id}
    return await api.call("AgentDetails", body)


async def one(api: Api, agent_id: str) -> dict[str, Any]:
    response = await details(api, agent_id)
    assert response.status_code == 200, response.text
    items = response.json()["message"]
    assert len(items) == 1
    item: dict[str, Any] = items[0]
    return item


# --- the authentication rows in this endpoint's wording --------------------------------


async def test_a1_apikey_missing(api: Api) -> None:
    headers = api.headers()
    del headers["apiKey"]
    assert_answer(await api.call("AgentDetails", {}, headers=headers), 401,
                  {"status": "error", "message": "apiKey should not be empty"})


async def test_a1_apikey_blank(api: Api) -> None:
    assert_answer(await api.call("AgentDetails", {}, headers=api.headers(apiKey="  ")), 401,
                  {"status": "error", "message": "apiKey should not be empty"})


async def test_a2_not_a_json_object_uses_the_section_1_body(api: Api) -> None:
    assert_answer(await api.call("AgentDetails", content=b"[]"), 400,
                  {"status": "false", "message": "Invalid Json Pass Valid Json", "data": None})


@pytest.mark.parametrize("value", [..., None, "", "   "], ids=["missing", "null", "empty", "blank"])
async def test_a3a_username_missing_or_blank(api: Api, value: Any) -> None:
    body = {} if value is ... else {"userName": value}
    assert_answer(await api.call("AgentDetails", body, with_user=False), 401,
                  {"status": "error", "message": "userName should not be empty"})


async def test_a3b_unknown_username(api: Api) -> None:
    assert_answer(await api.call("AgentDetails", {"userName": "nobody-" + api.user_name}), 401,
                  {"status": "error", "message": "userName or apiKey is Invalid"})


async def test_a3b_wrong_apikey(api: Api) -> None:
    assert_answer(await api.call("AgentDetails", {}, headers=api.headers(apiKey="nope")), 401,
                  {"status": "error", "message": "userName or apiKey is Invalid"})


async def test_a3b_username_number_is_unknown(api: Api) -> None:
    assert_answer(await api.call("AgentDetails", {"userName": 5}), 401,
                  {"status": "error", "message": "userName or apiKey is Invalid"})


async def test_a4_no_token(api: Api) -> None:
    assert_answer(await api.call("AgentDetails", {}, headers={"apiKey": api.api_key}), 401,
                  {"status": "false", "message": "Token Should Not be Null or Empty.",
                   "data": None})


async def test_a5_expired_token(api: Api) -> None:
    api.clock.advance(3600)
    assert_answer(await details(api), 401,
                  {"status": "false", "message": "Token Expired", "data": None})


async def test_a6_invalid_token(api: Api) -> None:
    assert_answer(await api.call("AgentDetails", {},
                                 headers=api.headers(Authorization="Bearer x.y.z")), 401,
                  {"status": "false", "message": "Invalid Token", "data": None})


async def test_row7_rate_limit(api: Api) -> None:
    for _ in range(10):
        assert (await details(api)).status_code == 200
    response = await details(api)
    assert_answer(response, 429, {"message": "Max limit exceeded", "status": "error"})
    assert response.headers["retry-after"] == "60"


# --- row 8 -------------------------------------------------------------------------


async def test_row8_unknown_agent(api: Api) -> None:
    assert_answer(await details(api, "nobody.here"), 404, NOT_FOUND)


async def test_row8_deleted_agent(api: Api) -> None:
    await api.seed_agent("del.one")
    assert (await api.call("deleteAgent", {"agentId": "del.one"})).status_code == 200
    assert_answer(await details(api, "del.one"), 404, NOT_FOUND)


async def test_row8_agent_of_another_account(api: Api, make_api: Any) -> None:
    other = await make_api("token")
    await other.seed_agent("other.one")
    assert_answer(await details(api, "other.one"), 404, NOT_FOUND)


@pytest.mark.parametrize("value", [77, True, ["77"], {"a": 1}],
                         ids=["int", "bool", "array", "obj"])
async def test_row8_agent_id_not_a_string_is_unknown(api: Api, value: Any) -> None:
    await api.seed_agent("77")
    assert_answer(await details(api, value), 404, NOT_FOUND)


async def test_row8_agent_id_taken_as_sent(api: Api) -> None:
    await api.seed_agent("exact.one")
    assert_answer(await details(api, " exact.one"), 404, NOT_FOUND)
    assert_answer(await details(api, "EXACT.ONE"), 404, NOT_FOUND)


# --- ok: the listing -----------------------------------------------------------------


async def test_ok_empty_account_lists_nothing(api: Api) -> None:
    assert_answer(await details(api), 200, {"message": [], "status": "success"})


async def test_ok_list_ordered_by_agent_id(api: Api) -> None:
    ids = ["m.agent", "alpha", "Zed", "a_c", "b2", "b10", "a.b", "A-1", "ab"]
    for agent_id in ids:
        await api.seed_agent(agent_id)
    response = await details(api)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["message", "status"]
    assert body["status"] == "success"
    # agentdir reading: ordered by code point (binary), the same on every backend.
    assert [item["AgentId"] for item in body["message"]] == sorted(ids)


async def test_ok_list_excludes_deleted_agents(api: Api) -> None:
    for agent_id in ("keep.a", "drop.b", "keep.c"):
        await api.seed_agent(agent_id)
    assert (await api.call("deleteAgent", {"agentId": "drop.b"})).status_code == 200
    items = (await details(api)).json()["message"]
    assert [item["AgentId"] for item in items] == ["keep.a", "keep.c"]


async def test_ok_list_items_equal_single_answers(api: Api) -> None:
    await api.seed_agent("same.a", agentName="Same A")
    await api.seed_agent("same.b", agentName="Same B", inbound=False, chat=True)
    items = (await details(api)).json()["message"]
    assert items == [await one(api, "same.a"), await one(api, "same.b")]


@pytest.mark.parametrize("value", [None, "", "  "], ids=["null", "empty", "blank"])
async def test_ok_null_or_blank_agent_id_lists_all_agentdir_reading(api: Api, value: Any) -> None:
    # null is a missing value (spec 1); a blank agentId names no agent, so it is read as
    # "no agentId given" rather than as an unknown agent.
    await api.seed_agent("listed.one")
    response = await details(api, value)
    assert response.status_code == 200, response.text
    assert [item["AgentId"] for item in response.json()["message"]] == ["listed.one"]


async def test_ok_single_agent_answer_and_etag(api: Api) -> None:
    await api.seed_agent("etag.one")
    response = await details(api, "etag.one")
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert [item["AgentId"] for item in response.json()["message"]] == ["etag.one"]
    assert (await api.call("updateAgent", {"agentId": "etag.one", "email": "e@example.com"})
            ).status_code == 200
    response = await details(api, "etag.one")
    assert response.headers["etag"] == '"2"'
    assert response.json()["message"][0]["Details"]["version"] == 2


async def test_ok_etag_works_as_if_match_for_update(api: Api) -> None:
    await api.seed_agent("etag.two")
    tag = (await details(api, "etag.two")).headers["etag"]
    response = await api.call("updateAgent", {"agentId": "etag.two", "email": "e@example.com"},
                              headers=api.headers(**{"If-Match": tag}))
    assert response.status_code == 200, response.text


async def test_ok_carries_the_limit_state(api: Api) -> None:
    response = await details(api)
    assert response.headers["ratelimit-policy"] == '"AgentDetails";q=10;w=60'
    assert response.headers["ratelimit"] == '"AgentDetails";r=9;t=60'


# --- ok: the item ----------------------------------------------------------------------


async def test_item_exact_shape_of_a_default_agent(api: Api) -> None:
    created = utc_iso(api.clock.now())
    await api.seed_agent("plain.one", agentName="Plain Agent", email="plain@example.com")
    item = await one(api, "plain.one")
    assert list(item) == ITEM_KEYS
    assert list(item["Details"]) == RECORD_KEYS
    assert list(item["Details"]["modes"]) == MODE_KEYS
    assert item == {
        "AgentId": "plain.one",
        "AgentName": "Plain Agent",
        "State": "LOGGED OUT",
        "Since": "00:00:00",
        "Skill": "",
        "PhoneNumber": None,
        "Mode": "Inbound",
        "Details": {
            "agentId": "plain.one",
            "agentName": "Plain Agent",
            "email": "plain@example.com",
            "agentData": None,
            "sipLocation": None,
            "screenRecording": False,
            "autoAnswer": None,
            "locked": False,
            "modes": {**ALL_OFF, "inbound": True},
            "callControls": {},
            "skills": [],
            "groups": [],
            "version": 1,
            "createdAt": created,
            "updatedAt": created,
        },
    }


async def test_item_exact_shape_of_a_fully_set_agent(api: Api) -> None:
    await api.add("skill", "zeta", "alpha", "beta")
    await api.add("group", "night-shift", "day-shift")
    await api.add("sip-location", "desk-1")
    created = utc_iso(api.clock.now())
    await api.seed_agent(
        "full.one", agentName="Priya Sharma", email="priya@example.com",
        agentData="meta.data-1", sipLocation="desk-1", screenRecording=True,
        autoAnswer="auto_1", locked=True, inbound=False, preview=True, chat=True,
        blendedChat=True, callControls={"mute": True, "transfer": {"agent": {"warm": False}}},
        assignSkills=[{"skillName": "beta", "priority": 2}, "zeta",
                      {"skillName": "alpha", "priority": 2}],
        assignAgentGroups="night-shift, day-shift",
    )
    api.clock.advance(300)
    updated = utc_iso(api.clock.now())
    response = await api.call("updateAgent", {"agentId": "full.one",
                                              "email": "priya@example.com"})
    assert response.status_code == 200, response.text
    item = await one(api, "full.one")
    assert list(item) == ITEM_KEYS
    details_record = item.pop("Details")
    assert item == {
        "AgentId": "full.one",
        "AgentName": "Priya Sharma",
        "State": "LOGGED OUT",
        "Since": "00:00:00",
        "Skill": "zeta, alpha, beta",  # priority 1, then priority 2 by name
        "PhoneNumber": None,
        "Mode": "Preview",
    }
    assert list(details_record) == RECORD_KEYS
    groups = details_record.pop("groups")
    assert sorted(groups) == ["day-shift", "night-shift"]
    assert details_record == {
        "agentId": "full.one",
        "agentName": "Priya Sharma",
        "email": "priya@example.com",
        "agentData": "meta.data-1",
        "sipLocation": "desk-1",
        "screenRecording": True,
        "autoAnswer": "auto_1",
        "locked": True,
        "modes": {**ALL_OFF, "preview": True, "chat": True, "blendedChat": True},
        "callControls": {"mute": True, "transfer_agent_warm": False},
        # agentdir reading: the record lists skills in the order of "Skill".
        "skills": [{"skillName": "zeta", "priority": 1}, {"skillName": "alpha", "priority": 2},
                   {"skillName": "beta", "priority": 2}],
        "version": 2,
        "createdAt": created,
        "updatedAt": updated,
    }


async def test_item_never_shows_a_password_or_hash(api: Api) -> None:
    await api.seed_agent("secret.one", password="hunter-22")
    response = await details(api, "secret.one")
    text = response.text
    assert "hunter-22" not in text
    assert "argon2" not in text.lower()
    assert "password" not in text.lower()


async def test_item_skill_ordering_priority_then_name(api: Api) -> None:
    await api.add("skill", "b skill", "a skill", "c skill", "d skill")
    await api.seed_agent("order.one", assignSkills=[
        {"skillName": "c skill", "priority": 100}, {"skillName": "b skill", "priority": 5},
        {"skillName": "a skill", "priority": 10}, {"skillName": "d skill", "priority": 5},
    ])
    item = await one(api, "order.one")
    # numeric priority order (5 < 10 < 100), not text order
    assert item["Skill"] == "b skill, d skill, a skill, c skill"


async def test_item_single_skill_has_no_separator(api: Api) -> None:
    await api.add("skill", "billing")
    await api.seed_agent("single.one", assignSkills=["billing"])
    assert (await one(api, "single.one"))["Skill"] == "billing"


@pytest.mark.parametrize(
    ("modes", "label"),
    [
        ({"inbound": True}, "Inbound"),
        ({"manual": True}, "Manual"),
        ({"preview": True}, "Preview"),
        ({"progressive": True}, "Progressive"),
        ({"chat": True}, "Chat"),
        ({"blended": True}, "Blended"),
        ({}, "None"),
        ({"manual": True, "blended": True, "chat": True}, "Manual"),
        ({"progressive": True, "chat": True}, "Progressive"),
        ({"chat": True, "blended": True}, "Chat"),
        ({"inbound": True, "manual": True, "preview": True, "progressive": True, "chat": True,
          "blended": True}, "Inbound"),
        ({"blendedInbound": True, "blendedChat": True}, "None"),
    ],
    ids=["inbound", "manual", "preview", "progressive", "chat", "blended", "none",
         "manual-first", "progressive-first", "chat-first", "all", "sub-switches-only"],
)
async def test_item_mode_is_the_first_enabled(api: Api, modes: dict[str, bool],
                                              label: str) -> None:
    await api.seed_agent("mode.one", **{**ALL_OFF, **modes})
    item = await one(api, "mode.one")
    assert item["Mode"] == label
    assert item["Details"]["modes"] == {**ALL_OFF, **modes}


async def test_item_mode_follows_updates(api: Api) -> None:
    await api.seed_agent("mode.two")
    assert (await one(api, "mode.two"))["Mode"] == "Inbound"
    response = await api.call("updateAgent", {"agentId": "mode.two", "email": "m@example.com",
                                              "inbound": False, "progressive": True})
    assert response.status_code == 200
    assert (await one(api, "mode.two"))["Mode"] == "Progressive"


async def test_item_state_since_phone_are_constant(api: Api) -> None:
    await api.seed_agent("const.one", locked=True)
    api.clock.advance(5000)
    await api.new_token()
    item = await one(api, "const.one")
    assert (item["State"], item["Since"], item["PhoneNumber"]) == ("LOGGED OUT", "00:00:00",
                                                                  None)


async def test_item_matches_detailed_update_record(api: Api) -> None:
    await api.seed_agent("cmp.one")
    response = await api.call("updateAgent", {"agentId": "cmp.one", "email": "c@example.com",
                                              "agentName": "Compare Me"},
                              params={"detailedResponse": "true"})
    assert response.status_code == 200, response.text
    assert (await one(api, "cmp.one"))["Details"] == response.json()["Data"]
