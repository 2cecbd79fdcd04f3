"""updateAgent semantics: section 1 (null, wrong types, unknown fields), 5.3 names,
5.4 callControls, 5.5 skills and groups, detailedResponse and the section 11 record,
5.6 version/ETag/If-Match, and passwords never returned."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.api import helpers
from tests.api.helpers import iso
from tests.conftest import Api

AGENT = "priya.s"
EMAIL = "priya@example.com"
UPDATED = {"Status": "Success", "Message": "Agent Updated Successfully"}
NAME_RULE = (
    "The agent name must not be empty and it should be between 2 and 50 alphanumeric "
    "characters and allow special characters such as., @, _, -"
)
ID_RULE = (
    "The agent id must be between 2 and 50 characters using only letters, numbers, "
    "and special characters like ., @, _, -"
)
RECORD_KEYS = [
    "agentId", "agentName", "email", "agentData", "sipLocation", "screenRecording",
    "autoAnswer", "locked", "modes", "callControls", "skills", "groups", "version",
    "createdAt", "updatedAt",
]
MODE_KEYS = [
    "inbound", "manual", "preview", "progressive", "chat", "blended", "blendedInbound",
    "blendedManual", "blendedPreview", "blendedProgressive", "blendedChat",
]
SWITCHES = [*MODE_KEYS, "locked"]
VOLATILE = ("version", "updatedAt")


async def read_agent(api: Api, agent_id: str = AGENT) -> dict[str, Any] | None:
    return await helpers.read_agent(api, agent_id)


async def must_read(api: Api, agent_id: str = AGENT) -> dict[str, Any]:
    record = await read_agent(api, agent_id)
    assert record is not None, agent_id
    return record


def stable(record: dict[str, Any]) -> dict[str, Any]:
    """The record without what every successful update changes."""
    return {k: v for k, v in record.items() if k not in VOLATILE}


async def update(api: Api, params: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:
    body = {"agentId": AGENT, "email": EMAIL, **fields}
    return await api.call("updateAgent", body, params=params, headers=headers)


async def ok(api: Api, **fields: Any) -> httpx.Response:
    response = await update(api, **fields)
    assert response.status_code == 200, response.text
    assert response.json() == UPDATED
    return response


@pytest.fixture
async def agent(api: Api) -> Api:
    """AGENT at version 1 with a non-default value in every optional field."""
    await api.add("skill", "billing", "sales", "support")
    await api.add("group", "day", "night", "weekend")
    await api.add("sip-location", "blr-1", "del-2")
    await api.seed_agent(
        AGENT, agentName="Priya Sharma", email=EMAIL, agentData="emp.1042",
        sipLocation="blr-1", screenRecording=True, autoAnswer="after_2", locked=True,
        manual=True, chat=True, callControls={"mute": True, "hold": False},
        assignSkills=[{"skillName": "billing", "priority": 3}], assignAgentGroups="day",
    )
    return api


@pytest.fixture
async def plain(api: Api) -> Api:
    """AGENT at version 1 with defaults only."""
    await api.add("skill", "billing", "sales", "support")
    await api.add("group", "day", "night", "weekend")
    await api.seed_agent(AGENT, agentName="Priya Sharma", email=EMAIL)
    return api


# --- section 1: null -------------------------------------------------------------------

async def test_null_agent_data_clears(agent: Api) -> None:
    before = await must_read(agent)
    assert before["agentData"] == "emp.1042"
    await ok(agent, agentData=None)
    after = await must_read(agent)
    assert after["agentData"] is None
    assert stable(after) == {**stable(before), "agentData": None}
    assert after["version"] == 2


async def test_null_sip_location_clears(agent: Api) -> None:
    before = await must_read(agent)
    assert before["sipLocation"] == "blr-1"
    await ok(agent, sipLocation=None)
    after = await must_read(agent)
    assert stable(after) == {**stable(before), "sipLocation": None}


async def test_absent_agent_data_and_sip_location_unchanged(agent: Api) -> None:
    before = await must_read(agent)
    await ok(agent)
    after = await must_read(agent)
    assert stable(after) == stable(before)
    assert (after["agentData"], after["sipLocation"]) == ("emp.1042", "blr-1")


@pytest.mark.parametrize(
    "field",
    ["agentIdNew", "screenRecording", "autoAnswer", *SWITCHES, "callControls", "assignSkills",
     "unAssignSkills", "assignAgentGroups", "unAssignAgentGroups"],
)
async def test_null_leaves_other_optional_fields_unchanged(agent: Api, field: str) -> None:
    before = await must_read(agent)
    await ok(agent, **{field: None})
    after = await must_read(agent)
    assert stable(after) == stable(before)
    assert after["version"] == before["version"] + 1


async def test_null_everywhere_optional_at_once(agent: Api) -> None:
    before = await must_read(agent)
    nulls = {f: None for f in ["agentIdNew", "screenRecording", "autoAnswer", *SWITCHES,
                               "callControls", "assignSkills", "unAssignSkills",
                               "assignAgentGroups", "unAssignAgentGroups"]}
    await ok(agent, **nulls)
    assert stable(await must_read(agent)) == stable(before)


@pytest.mark.parametrize(
    ("field", "status", "expected"),
    [
        ("userName", 401, {"status": "false", "message": "Invalid User Details", "data": None}),
        ("agentId", 404, {"status": "error", "message": "Agent not found"}),
        ("agentName", 400, {"status": "error", "message": "Agent Name is required"}),
        ("agentNameNew", 400, {"status": "error", "message": "Agent Name is required"}),
        ("password", 400, {"message": "Password is required", "status": "error"}),
        ("email", 400, {"message": "Email should not be null or empty", "status": "error"}),
    ],
)
async def test_null_behaves_as_blank(agent: Api, field: str, status: int,
                                     expected: dict[str, Any]) -> None:
    before = await must_read(agent)
    body: dict[str, Any] = {"userName": agent.user_name, "agentId": AGENT, "email": EMAIL,
                            field: None}
    blank = {**body, field: "  "}
    got = await agent.call("updateAgent", body)
    got_blank = await agent.call("updateAgent", blank)
    assert (got.status_code, got.json()) == (status, expected)
    assert (got_blank.status_code, got_blank.json()) == (status, expected)
    assert await must_read(agent) == before


# --- section 1: wrong JSON types answer the field's "invalid" row -----------------------

def invalid_row(field: str) -> tuple[int, dict[str, Any]]:
    rows: dict[str, tuple[int, dict[str, Any]]] = {
        "agentIdNew": (400, {"Status": "Fail", "Message": {"agentIdNew": ID_RULE}}),
        "agentName": (400, {"Status": "Fail", "Message": {"agentName": NAME_RULE}}),
        "agentNameNew": (400, {"Status": "Fail", "Message": {"agentNameNew": NAME_RULE}}),
        "password": (400, {"message": "Password length must be between 3 and 50 characters",
                           "status": "error"}),
        "email": (400, {"message": "Invalid email format", "status": "error"}),
        "agentData": (400, {"message": "Agent data must be between 2 and 100 characters using "
                                       "only letters, numbers, and special characters like ., "
                                       "@, _, -", "status": "error"}),
        "sipLocation": (400, {"message": "Invalid sipLocation", "status": "error"}),
        "screenRecording": (400, {"message": "Invalid screenRecording", "status": "error"}),
        "autoAnswer": (400, {"Status": "Fail", "Message": {
            "autoAnswer": "autoAnswer must be 1 to 20 letters, digits, _ or -"}}),
    }
    for switch in SWITCHES:
        rows[switch] = (400, {"Status": "Fail",
                              "Message": {switch: f"{switch} must be true or false"}})
    return rows[field]


STRING_FIELDS = ["agentIdNew", "agentName", "agentNameNew", "password", "email", "agentData",
                 "sipLocation", "autoAnswer"]
NOT_STRINGS = [42, 1.5, False, ["ab"], {"a": "b"}]
NOT_STRING_IDS = ["int", "float", "false", "array", "object"]
NOT_BOOLEANS = [0, 1, "true", "", [True], {"v": True}]
NOT_BOOLEAN_IDS = ["zero", "one", "string-true", "empty-string", "array", "object"]


@pytest.mark.parametrize("value", NOT_STRINGS, ids=NOT_STRING_IDS)
@pytest.mark.parametrize("field", STRING_FIELDS)
async def test_wrong_type_for_string_field(agent: Api, field: str, value: Any) -> None:
    before = await must_read(agent)
    response = await update(agent, **{field: value})
    assert (response.status_code, response.json()) == invalid_row(field)
    assert await must_read(agent) == before


@pytest.mark.parametrize("value", NOT_BOOLEANS, ids=NOT_BOOLEAN_IDS)
@pytest.mark.parametrize("field", ["screenRecording", *SWITCHES])
async def test_wrong_type_for_boolean_field(agent: Api, field: str, value: Any) -> None:
    response = await update(agent, **{field: value})
    assert (response.status_code, response.json()) == invalid_row(field)


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("callControls", "mute", "callControls"),
        ("callControls", 1, "callControls"),
        ("callControls", True, "callControls"),
        ("callControls", ["mute"], "callControls"),
        ("assignSkills", "billing", "assignSkills"),
        ("assignSkills", 3, "assignSkills"),
        ("assignSkills", {"skillName": "billing"}, "assignSkills"),
        ("assignSkills", [3], "assignSkills[0]"),
        ("assignSkills", [True], "assignSkills[0]"),
        ("unAssignSkills", "billing", "unAssignSkills"),
        ("unAssignSkills", [1.5], "unAssignSkills[0]"),
        ("assignAgentGroups", ["day"], "assignAgentGroups"),
        ("assignAgentGroups", 7, "assignAgentGroups"),
        ("assignAgentGroups", {"day": True}, "assignAgentGroups"),
        ("unAssignAgentGroups", False, "unAssignAgentGroups"),
        ("unAssignAgentGroups", ["day"], "unAssignAgentGroups"),
    ],
)
async def test_wrong_type_for_structured_field(agent: Api, field: str, value: Any,
                                               key: str) -> None:
    response = await update(agent, **{field: value})
    assert response.status_code == 400, response.text
    data = response.json()
    assert list(data) == ["Status", "Message"]
    assert data["Status"] == "Fail"
    assert list(data["Message"]) == [key]
    assert isinstance(data["Message"][key], str)
    assert data["Message"][key].strip()


@pytest.mark.parametrize("value", [42, True, ["x"], {"u": 1}, 1.5],
                         ids=["int", "bool", "array", "object", "float"])
async def test_non_string_user_name_is_unknown(agent: Api, value: Any) -> None:
    response = await agent.call("updateAgent", {"userName": value, "agentId": AGENT,
                                                "email": EMAIL})
    assert (response.status_code, response.json()) == (
        401, {"status": "false", "message": "Invalid User Details", "data": None})


@pytest.mark.parametrize("value", [42, True, [AGENT], {"id": AGENT}, 1.5],
                         ids=["int", "bool", "array", "object", "float"])
async def test_non_string_agent_id_is_unknown(agent: Api, value: Any) -> None:
    response = await update(agent, agentId=value)
    assert (response.status_code, response.json()) == (
        404, {"status": "error", "message": "Agent not found"})


async def test_agent_id_that_is_a_number_does_not_match_a_numeric_agent(plain: Api) -> None:
    """agentId 1234 (a JSON number) is not the agent "1234"."""
    await plain.seed_agent("1234")
    response = await plain.call("updateAgent", {"agentId": 1234, "email": EMAIL})
    assert response.status_code == 404
    assert (await must_read(plain, "1234"))["version"] == 1


# --- section 1: unknown fields, case-sensitive names ------------------------------------

async def test_unknown_fields_are_ignored(agent: Api) -> None:
    before = await must_read(agent)
    await ok(agent, foo="bar", nested={"x": [1, 2, {"y": None}]}, password_hash="x",
             version=99, createdAt="2000-01-01T00:00:00Z", deleted=True, skills=["sales"])
    after = await must_read(agent)
    assert stable(after) == stable(before)
    assert after["version"] == 2
    assert after["createdAt"] == before["createdAt"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("AgentName", "Bad!!"), ("agentname", "Bad!!"), ("LOCKED", "x"), ("AgentData", "#"),
     ("Inbound", 5), ("callcontrols", "x"), ("assignskills", ["nope"]),
     ("AgentIdNew", "x")],
)
async def test_field_names_are_case_sensitive(agent: Api, field: str, value: Any) -> None:
    before = await must_read(agent)
    await ok(agent, **{field: value})
    assert stable(await must_read(agent)) == stable(before)


async def test_email_key_is_case_sensitive(agent: Api) -> None:
    response = await agent.call("updateAgent", {"agentId": AGENT, "Email": EMAIL})
    assert (response.status_code, response.json()) == (
        400, {"message": "Email should not be null or empty", "status": "error"})


async def test_agent_id_key_is_case_sensitive(agent: Api) -> None:
    response = await agent.call("updateAgent", {"AgentId": AGENT, "email": EMAIL})
    assert (response.status_code, response.json()) == (
        404, {"status": "error", "message": "Agent not found"})


async def test_strings_are_stored_as_sent(agent: Api) -> None:
    await ok(agent, agentName="Priya  Sharma", email="Priya.S@Example.com")
    record = await must_read(agent)
    assert record["agentName"] == "Priya  Sharma"
    assert record["email"] == "Priya.S@Example.com"


# --- 5.3: agentNameNew and agentName ----------------------------------------------------

@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        ({"agentName": "Priya K"}, "Priya K"),
        ({"agentNameNew": "Priya N"}, "Priya N"),
        ({"agentName": "Priya Sharma", "agentNameNew": "Priya N"}, "Priya N"),
        ({"agentName": "Someone Else", "agentNameNew": "Priya N"}, "Priya N"),
        ({}, "Priya Sharma"),
    ],
    ids=["agentName-alone-is-new-name", "agentNameNew-alone", "both-new-wins",
         "both-agentName-not-stored", "neither-unchanged"],
)
async def test_agent_name_new_vs_agent_name(plain: Api, fields: dict[str, Any],
                                            stored: str) -> None:
    await ok(plain, **fields)
    assert (await must_read(plain))["agentName"] == stored


async def test_agent_name_must_obey_rule_even_when_not_stored(plain: Api) -> None:
    response = await update(plain, agentName="x", agentNameNew="Priya N")
    assert (response.status_code, response.json()) == (
        400, {"Status": "Fail", "Message": {"agentName": NAME_RULE}})
    assert (await must_read(plain))["agentName"] == "Priya Sharma"


async def test_blank_agent_name_with_valid_agent_name_new(plain: Api) -> None:
    response = await update(plain, agentName="", agentNameNew="Priya N")
    assert (response.status_code, response.json()) == (
        400, {"status": "error", "message": "Agent Name is required"})


NON_LATIN_NAMES = [
    "प्रिया शर्मा", "محمد علي", "李小龙", "Анна Иванова", "பிரியா", "สมชาย ใจดี",
    "さくら 山田", "김민준", "Ελένη Π.", "יעל כהן", "Zoë O-Brien", "राम ४२", "Ра_м@x.y-z",
    "Re\u0301my",
]


@pytest.mark.parametrize("name", NON_LATIN_NAMES,
                         ids=["devanagari", "arabic", "han", "cyrillic", "tamil", "thai",
                              "japanese", "hangul", "greek", "hebrew", "latin-diaeresis",
                              "devanagari-digits", "cyrillic-punctuation",
                              "decomposed-accent-kept-as-sent"])
async def test_names_in_any_script(plain: Api, name: str) -> None:
    response = await update(plain, params={"detailedResponse": "true"}, agentNameNew=name)
    assert response.status_code == 200, response.text
    assert response.json()["Data"]["agentName"] == name
    assert (await must_read(plain))["agentName"] == name


async def test_name_in_devanagari_as_agent_name(plain: Api) -> None:
    await ok(plain, agentName="प्रिया शर्मा")
    assert (await must_read(plain))["agentName"] == "प्रिया शर्मा"


async def test_name_length_counts_code_points_agentdir_reading(plain: Api) -> None:
    """50 characters is the limit, counted in Unicode code points (a Devanagari
    syllable with a vowel sign is two)."""
    fifty = "प्रि" * 12 + "या"  # 4 * 12 + 2 code points
    assert len(fifty) == 50
    await ok(plain, agentName=fifty)
    response = await update(plain, agentName=fifty + "ा")
    assert (response.status_code, response.json()) == (
        400, {"Status": "Fail", "Message": {"agentName": NAME_RULE}})
    assert (await must_read(plain))["agentName"] == fifty


@pytest.mark.parametrize("name", ["Priya\u200bSharma", "Priya\u00a0Sharma", "Priya\nSharma",
                                  "Priya\u3000Sharma", "٣", "Priya\u0000"],
                         ids=["zero-width-space", "no-break-space", "newline",
                              "ideographic-space", "one-char", "nul"])
async def test_names_with_non_name_characters_are_refused(plain: Api, name: str) -> None:
    response = await update(plain, agentName=name)
    assert (response.status_code, response.json()) == (
        400, {"Status": "Fail", "Message": {"agentName": NAME_RULE}})


# --- 5.4: callControls ------------------------------------------------------------------

FLAT_AND_NESTED = [
    ({"mute": True}, {"mute": True}),
    ({"transfer_agent_warm": True}, {"transfer": {"agent": {"warm": True}}}),
    ({"transfer_ivr_blind": False}, {"transfer": {"ivr": {"blind": False}}}),
    ({"conference_phone": True}, {"conference": {"phone": True}}),
    ({"conference_agent": False, "conference_phone": True},
     {"conference": {"agent": False, "phone": True}}),
    ({"transfer_skill_warm": True, "transfer_skill_blind": False,
      "transfer_phone_warm": True},
     {"transfer": {"skill": {"warm": True, "blind": False}, "phone": {"warm": True}}}),
]


@pytest.mark.parametrize(("flat", "nested"), FLAT_AND_NESTED,
                         ids=["mute", "transfer-agent-warm", "transfer-ivr-blind",
                              "conference-phone", "conference-both", "transfer-several"])
async def test_call_controls_flat_and_nested_mean_the_same(
    make_api: Any, flat: dict[str, Any], nested: dict[str, Any]
) -> None:
    records = []
    for form in (flat, nested):
        api: Api = await make_api("token")
        await api.seed_agent(AGENT, email=EMAIL)
        response = await update(api, params={"detailedResponse": "true"}, callControls=form)
        assert response.status_code == 200, response.text
        stored = (await must_read(api))["callControls"]
        assert response.json()["Data"]["callControls"] == stored
        records.append(stored)
    assert records[0] == records[1] == flat


async def test_call_controls_all_fifteen_flat_and_nested(make_api: Any) -> None:
    flat = {
        "mute": True, "hold": False, "endcall": True, "answer": False, "decline": True,
        "transfer_agent_warm": True, "transfer_agent_blind": False,
        "transfer_skill_warm": False, "transfer_skill_blind": True,
        "transfer_phone_warm": True, "transfer_phone_blind": True,
        "transfer_ivr_warm": False, "transfer_ivr_blind": True,
        "conference_agent": True, "conference_phone": False,
    }
    nested = {
        "mute": True, "hold": False, "endcall": True, "answer": False, "decline": True,
        "transfer": {
            "agent": {"warm": True, "blind": False}, "skill": {"warm": False, "blind": True},
            "phone": {"warm": True, "blind": True}, "ivr": {"warm": False, "blind": True},
        },
        "conference": {"agent": True, "phone": False},
    }
    stored = []
    for form in (flat, nested):
        api: Api = await make_api("token")
        await api.seed_agent(AGENT, email=EMAIL)
        await ok(api, callControls=form)
        stored.append((await must_read(api))["callControls"])
    assert stored[0] == stored[1] == flat


async def test_call_controls_partly_nested_agentdir_reading(plain: Api) -> None:
    await ok(plain, callControls={"transfer_agent": {"warm": True}, "transfer": {
        "phone_blind": False}})
    assert (await must_read(plain))["callControls"] == {
        "transfer_agent_warm": True, "transfer_phone_blind": False}


async def test_call_controls_mixed_flat_and_nested_in_one_object(plain: Api) -> None:
    await ok(plain, callControls={"mute": True, "transfer": {"agent": {"blind": True}},
                                  "conference_phone": False})
    assert (await must_read(plain))["callControls"] == {
        "mute": True, "transfer_agent_blind": True, "conference_phone": False}


async def test_call_controls_merge_sent_replace_unsent_kept(plain: Api) -> None:
    await ok(plain, callControls={"mute": True, "hold": True, "transfer_agent_warm": True})
    await ok(plain, callControls={"hold": False, "transfer": {"agent": {"warm": False}},
                                  "endcall": True})
    assert (await must_read(plain))["callControls"] == {
        "mute": True, "hold": False, "endcall": True, "transfer_agent_warm": False}
    await ok(plain)  # absent: unchanged
    await ok(plain, callControls={})  # empty: unchanged
    record = await must_read(plain)
    assert record["callControls"] == {
        "mute": True, "hold": False, "endcall": True, "transfer_agent_warm": False}
    assert record["version"] == 5


async def test_call_controls_same_control_twice_agreeing_is_fine(plain: Api) -> None:
    await ok(plain, callControls={"conference_phone": True, "conference": {"phone": True}})
    assert (await must_read(plain))["callControls"] == {"conference_phone": True}


async def test_call_controls_same_control_twice_disagreeing_agentdir_reading(
    plain: Api,
) -> None:
    response = await update(plain, callControls={"conference_phone": True,
                                                 "conference": {"phone": False}})
    assert response.status_code == 400
    data = response.json()
    assert data["Status"] == "Fail"
    assert list(data["Message"]) == ["callControls"]
    assert (await must_read(plain))["callControls"] == {}


# --- 5.5: skills and groups -------------------------------------------------------------

async def test_assign_skill_by_name_defaults_to_priority_1(plain: Api) -> None:
    await ok(plain, assignSkills=["billing"])
    assert (await must_read(plain))["skills"] == [{"skillName": "billing", "priority": 1}]


async def test_assign_skill_object_without_priority_defaults_to_1(plain: Api) -> None:
    await ok(plain, assignSkills=[{"skillName": "sales"}])
    assert (await must_read(plain))["skills"] == [{"skillName": "sales", "priority": 1}]


async def test_assign_skill_with_null_priority_defaults_to_1_agentdir_reading(plain: Api) -> None:
    await ok(plain, assignSkills=[{"skillName": "sales", "priority": None}])
    assert (await must_read(plain))["skills"] == [{"skillName": "sales", "priority": 1}]


@pytest.mark.parametrize("priority", [1, 2, 50, 99, 100])
async def test_assign_skill_priority_range(plain: Api, priority: int) -> None:
    await ok(plain, assignSkills=[{"skillName": "billing", "priority": priority}])
    assert (await must_read(plain))["skills"] == [{"skillName": "billing",
                                                   "priority": priority}]


async def test_reassign_changes_priority(plain: Api) -> None:
    await ok(plain, assignSkills=[{"skillName": "billing", "priority": 5}, "sales"])
    await ok(plain, assignSkills=[{"skillName": "billing", "priority": 2}])
    assert (await must_read(plain))["skills"] == [
        {"skillName": "sales", "priority": 1}, {"skillName": "billing", "priority": 2}]
    await ok(plain, assignSkills=["billing"])  # by name: back to the default priority 1
    assert (await must_read(plain))["skills"] == [
        {"skillName": "billing", "priority": 1}, {"skillName": "sales", "priority": 1}]


async def test_assign_keeps_other_skills(plain: Api) -> None:
    await ok(plain, assignSkills=["billing"])
    await ok(plain, assignSkills=[{"skillName": "support", "priority": 9}])
    assert (await must_read(plain))["skills"] == [
        {"skillName": "billing", "priority": 1}, {"skillName": "support", "priority": 9}]


async def test_unassign_skill_by_name_and_object(plain: Api) -> None:
    await ok(plain, assignSkills=["billing", "sales", "support"])
    await ok(plain, unAssignSkills=["billing", {"skillName": "support"}])
    assert (await must_read(plain))["skills"] == [{"skillName": "sales", "priority": 1}]


async def test_unassign_skill_not_assigned_is_not_an_error(plain: Api) -> None:
    await ok(plain, assignSkills=["billing"])
    await ok(plain, unAssignSkills=["sales", {"skillName": "support"}])
    record = await must_read(plain)
    assert record["skills"] == [{"skillName": "billing", "priority": 1}]
    assert record["version"] == 3


async def test_assign_and_unassign_different_skills_in_one_request(plain: Api) -> None:
    await ok(plain, assignSkills=["billing"])
    await ok(plain, assignSkills=[{"skillName": "sales", "priority": 4}],
             unAssignSkills=["billing"])
    assert (await must_read(plain))["skills"] == [{"skillName": "sales", "priority": 4}]


async def test_empty_skill_lists_change_nothing(agent: Api) -> None:
    before = await must_read(agent)
    await ok(agent, assignSkills=[], unAssignSkills=[])
    assert stable(await must_read(agent)) == stable(before)


async def test_skills_read_in_priority_then_name_order_agentdir_reading(plain: Api) -> None:
    await ok(plain, assignSkills=[{"skillName": "support", "priority": 2}, "sales",
                                  {"skillName": "billing", "priority": 2}])
    assert (await must_read(plain))["skills"] == [
        {"skillName": "sales", "priority": 1}, {"skillName": "billing", "priority": 2},
        {"skillName": "support", "priority": 2}]


async def test_assign_groups_spaces_and_empty_entries_ignored(plain: Api) -> None:
    await ok(plain, assignAgentGroups=" day ,, night,  ,")
    assert sorted((await must_read(plain))["groups"]) == ["day", "night"]


async def test_assign_group_already_in_is_idempotent(plain: Api) -> None:
    await ok(plain, assignAgentGroups="day")
    await ok(plain, assignAgentGroups="day,day")
    assert (await must_read(plain))["groups"] == ["day"]


async def test_unassign_groups(plain: Api) -> None:
    await ok(plain, assignAgentGroups="day,night,weekend")
    await ok(plain, unAssignAgentGroups="night , weekend")
    assert (await must_read(plain))["groups"] == ["day"]


async def test_unassign_group_not_in_is_not_an_error(plain: Api) -> None:
    await ok(plain, assignAgentGroups="day")
    await ok(plain, unAssignAgentGroups="night")
    assert (await must_read(plain))["groups"] == ["day"]


async def test_assign_and_unassign_different_groups_in_one_request(plain: Api) -> None:
    await ok(plain, assignAgentGroups="day")
    await ok(plain, assignAgentGroups="night", unAssignAgentGroups="day")
    assert (await must_read(plain))["groups"] == ["night"]


@pytest.mark.parametrize("value", ["", " ", ",", " , ,"],
                         ids=["empty", "space", "comma", "commas-and-spaces"])
async def test_empty_group_lists_change_nothing(agent: Api, value: str) -> None:
    before = await must_read(agent)
    await ok(agent, assignAgentGroups=value, unAssignAgentGroups=value)
    assert stable(await must_read(agent)) == stable(before)


# --- detailedResponse and the section 11 record -----------------------------------------

async def test_detailed_response_body_is_the_agent_record(agent: Api) -> None:
    agent.clock.advance(125)
    response = await update(agent, params={"detailedResponse": "true"}, agentNameNew="Priya N",
                            assignSkills=[{"skillName": "sales", "priority": 1}],
                            callControls={"transfer": {"phone": {"blind": True}}})
    assert response.status_code == 200, response.text
    data = response.json()
    assert list(data) == ["Status", "Message", "Data"]
    assert (data["Status"], data["Message"]) == ("Success", "Agent Updated Successfully")
    record = data["Data"]
    assert list(record) == RECORD_KEYS
    assert list(record["modes"]) == MODE_KEYS
    assert record == await must_read(agent)
    created = record.pop("createdAt")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created)
    assert record.pop("updatedAt") == iso(agent.clock.now())
    assert created == iso(agent.clock.now() - 125)
    assert record == {
        "agentId": AGENT, "agentName": "Priya N", "email": EMAIL, "agentData": "emp.1042",
        "sipLocation": "blr-1", "screenRecording": True, "autoAnswer": "after_2",
        "locked": True,
        "modes": {"inbound": True, "manual": True, "preview": False, "progressive": False,
                  "chat": True, "blended": False, "blendedInbound": False,
                  "blendedManual": False, "blendedPreview": False,
                  "blendedProgressive": False, "blendedChat": False},
        "callControls": {"mute": True, "hold": False, "transfer_phone_blind": True},
        "skills": [{"skillName": "sales", "priority": 1},
                   {"skillName": "billing", "priority": 3}],
        "groups": ["day"],
        "version": 2,
    }
    assert response.headers["etag"] == '"2"'


async def test_detailed_response_value_types(plain: Api) -> None:
    response = await update(plain, params={"detailedResponse": "true"})
    record = response.json()["Data"]
    assert record["agentData"] is None
    assert record["sipLocation"] is None
    assert record["autoAnswer"] is None
    assert record["screenRecording"] is False
    assert record["locked"] is False
    assert all(type(v) is bool for v in record["modes"].values())
    assert (record["callControls"], record["skills"], record["groups"]) == ({}, [], [])
    assert type(record["version"]) is int
    assert record["version"] == 2


@pytest.mark.parametrize("value", ["false", "1", "yes", "", "on", "true1", "none"])
async def test_other_detailed_response_values_are_ignored(plain: Api, value: str) -> None:
    response = await update(plain, params={"detailedResponse": value})
    assert response.status_code == 200
    assert list(response.json().items()) == list(UPDATED.items())


async def test_detailed_response_absent_gives_short_body(plain: Api) -> None:
    response = await update(plain, params={"other": "true"})
    assert list(response.json().items()) == list(UPDATED.items())


async def test_detailed_response_does_not_change_error_bodies(plain: Api) -> None:
    response = await update(plain, params={"detailedResponse": "true"}, agentId="nobody")
    assert (response.status_code, response.json()) == (
        404, {"status": "error", "message": "Agent not found"})
    response = await update(plain, params={"detailedResponse": "true"}, email="bad")
    assert (response.status_code, response.json()) == (
        400, {"message": "Invalid email format", "status": "error"})


# --- 5.6: version, ETag, If-Match -------------------------------------------------------

async def test_version_grows_by_one_per_update_even_without_change(plain: Api) -> None:
    for expected in range(2, 7):
        response = await update(plain)
        assert response.status_code == 200
        assert response.headers["etag"] == f'"{expected}"'
    record = await must_read(plain)
    assert record["version"] == 6
    details = await plain.call("AgentDetails", {"agentId": AGENT})
    assert details.headers["etag"] == '"6"'


async def test_same_values_again_still_a_new_version(agent: Api) -> None:
    before = await must_read(agent)
    agent.clock.advance(10)
    same = {k: before[k] for k in ("agentName", "agentData", "sipLocation", "screenRecording",
                                   "autoAnswer", "locked")}
    response = await ok(agent, **same, **before["modes"], callControls=before["callControls"])
    assert response.headers["etag"] == '"2"'
    after = await must_read(agent)
    assert stable(after) == stable(before)
    assert after["version"] == 2
    assert after["updatedAt"] == iso(agent.clock.now())


async def test_failed_update_does_not_change_version(plain: Api) -> None:
    assert (await update(plain, agentData="#")).status_code == 400
    assert (await update(plain, agentId="nobody")).status_code == 404
    response = await update(plain)
    assert response.headers["etag"] == '"2"'


async def test_rename_keeps_the_record(agent: Api) -> None:
    before = await must_read(agent)
    agent.clock.advance(5)
    await ok(agent, agentIdNew="priya.new")
    assert await read_agent(agent) is None
    after = await must_read(agent, "priya.new")
    assert after["createdAt"] == before["createdAt"]
    assert after["version"] == 2
    assert {**stable(after), "agentId": AGENT} == stable(before)
    response = await agent.call("updateAgent", {"agentId": "priya.new", "email": EMAIL})
    assert response.headers["etag"] == '"3"'


async def test_create_and_delete_do_not_change_other_agents_versions(plain: Api) -> None:
    await ok(plain)
    for i in range(3):
        response = await plain.call("createAgent", {
            "agentId": f"other.{i}", "agentName": "Other Agent", "password": "secret",
            "email": f"o{i}@example.com"})
        assert response.status_code == 200, response.text
    assert (await plain.call("deleteAgent", {"agentId": "other.0"})).status_code == 200
    record = await must_read(plain)
    assert record["version"] == 2
    assert (await must_read(plain, "other.1"))["version"] == 1


async def test_updating_one_agent_does_not_change_another(plain: Api) -> None:
    await plain.seed_agent("ravi.k")
    before = await must_read(plain, "ravi.k")
    await ok(plain, agentName="Changed")
    await ok(plain, agentIdNew="priya.x")
    assert await must_read(plain, "ravi.k") == before


async def test_if_match_current_version_applies(plain: Api) -> None:
    response = await update(plain, headers=plain.headers(**{"If-Match": '"1"'}),
                            agentName="Via If-Match")
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    response = await update(plain, headers=plain.headers(**{"If-Match": '"2"'}))
    assert response.headers["etag"] == '"3"'
    assert (await must_read(plain))["agentName"] == "Via If-Match"


async def test_if_match_star_matches_any_live_agent(plain: Api) -> None:
    for expected in (2, 3):
        response = await update(plain, headers=plain.headers(**{"If-Match": "*"}))
        assert response.status_code == 200, response.text
        assert response.headers["etag"] == f'"{expected}"'


async def test_if_match_star_does_not_match_a_missing_agent(plain: Api) -> None:
    response = await update(plain, headers=plain.headers(**{"If-Match": "*"}), agentId="nobody")
    assert (response.status_code, response.json()) == (
        404, {"status": "error", "message": "Agent not found"})


async def test_if_match_list_containing_current_applies_rfc9110(plain: Api) -> None:
    response = await update(plain, headers=plain.headers(**{"If-Match": '"7", "1"'}))
    assert response.status_code == 200, response.text


async def test_if_match_lost_update_is_refused(plain: Api) -> None:
    details = await plain.call("AgentDetails", {"agentId": AGENT})
    seen = details.headers["etag"]
    assert seen == '"1"'
    first = await update(plain, headers=plain.headers(**{"If-Match": seen}), agentName="First")
    assert first.status_code == 200
    second = await update(plain, headers=plain.headers(**{"If-Match": seen}), agentName="Second")
    assert (second.status_code, second.json()) == (
        412, {"status": "error", "message": "Agent was modified by another request"})
    assert "etag" not in second.headers
    record = await must_read(plain)
    assert (record["agentName"], record["version"]) == ("First", 2)


async def test_etag_of_update_matches_details_etag(plain: Api) -> None:
    response = await update(plain)
    details = await plain.call("AgentDetails", {"agentId": AGENT})
    assert response.headers["etag"] == details.headers["etag"] == '"2"'


# --- passwords never returned -----------------------------------------------------------

SECRET = "Sup3r-Secret-Pw!"


def no_secret(response: httpx.Response, secret: str = SECRET) -> None:
    text = response.text
    assert secret not in text
    assert json.dumps(secret)[1:-1] not in text
    for header in response.headers.values():
        assert secret not in header
    lowered = text.lower()
    assert "password" not in lowered
    assert "argon2" not in lowered
    assert "hash" not in lowered


async def test_password_never_in_any_response(api: Api) -> None:
    created = await api.call("createAgent", {"agentId": AGENT, "agentName": "Priya Sharma",
                                             "password": SECRET, "email": EMAIL})
    assert created.status_code == 200
    no_secret(created)
    new_secret = SECRET + "2"
    updated = await api.call("updateAgent", {"agentId": AGENT, "email": EMAIL,
                                             "password": new_secret},
                             params={"detailedResponse": "true"})
    assert updated.status_code == 200
    no_secret(updated, new_secret)
    no_secret(updated)
    listed = await api.call("AgentDetails", {})
    one = await api.call("AgentDetails", {"agentId": AGENT})
    for response in (listed, one):
        assert response.status_code == 200
        no_secret(response, new_secret)
        no_secret(response)


@pytest.mark.parametrize("password", ["ab", "x" * 51],
                         ids=["too-short", "too-long"])
async def test_password_not_echoed_in_errors(plain: Api, password: str) -> None:
    response = await update(plain, password=password)
    assert response.status_code == 400
    assert response.json() == {"message": "Password length must be between 3 and 50 characters",
                               "status": "error"}
    assert password not in response.text


async def test_password_change_is_an_update(plain: Api) -> None:
    response = await update(plain, params={"detailedResponse": "true"}, password="another-one")
    assert response.status_code == 200
    assert response.headers["etag"] == '"2"'
    assert list(response.json()["Data"]) == RECORD_KEYS
    assert "another-one" not in response.text


# --- 5.6: all or nothing ----------------------------------------------------------------

EVERY_VALID_CHANGE: dict[str, Any] = {
    "agentIdNew": "priya.moved", "agentNameNew": "Moved Name", "password": "new-secret",
    "agentData": "new.data", "sipLocation": "del-2", "screenRecording": False,
    "autoAnswer": "never", "locked": False, "inbound": False, "preview": True,
    "callControls": {"hold": True}, "assignSkills": [{"skillName": "sales", "priority": 2}],
    "unAssignSkills": ["billing"], "assignAgentGroups": "night", "unAssignAgentGroups": "day",
}


@pytest.mark.parametrize(
    ("breaker", "headers", "status"),
    [
        ({"unAssignAgentGroups": "day, nope"}, {}, 400),
        ({"assignSkills": [{"skillName": "sales", "priority": 2}, "nope"]}, {}, 400),
        ({"callControls": {"hold": True, "nope": True}}, {}, 400),
        ({}, {"If-Match": '"7"'}, 412),
    ],
    ids=["last-group-bad", "last-skill-bad", "one-control-bad", "stale-if-match"],
)
async def test_update_is_all_or_nothing(agent: Api, breaker: dict[str, Any],
                                        headers: dict[str, str], status: int) -> None:
    before = await must_read(agent)
    response = await update(agent, headers=agent.headers(**headers),
                            **{**EVERY_VALID_CHANGE, **breaker})
    assert response.status_code == status, response.text
    assert await must_read(agent) == before
    assert await read_agent(agent, "priya.moved") is None
    # The same request without the fault applies every change.
    response = await update(agent, **EVERY_VALID_CHANGE)
    assert response.status_code == 200, response.text
    after = await must_read(agent, "priya.moved")
    assert (after["agentName"], after["sipLocation"], after["skills"], after["groups"]) == (
        "Moved Name", "del-2", [{"skillName": "sales", "priority": 2}], ["night"])
