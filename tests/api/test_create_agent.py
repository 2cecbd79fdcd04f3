"""createAgent, spec 6: every row of its table (and the rows of 5.2 it shares), the
defaults of a new agent, ETag "1", reuse of a deleted agent's ID, and the check order."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api import helpers
from tests.api.helpers import ID_RULE, NAME_RULE, SHARED_ANSWERS, iso, matches
from tests.conftest import Api

NEW = "new.agent"
VALID: dict[str, Any] = {
    "agentId": NEW, "agentName": "New Agent", "password": "secret-1",
    "email": "new@example.com",
}
CREATED = {"Status": "Success", "Message": "Agent Created Successfully"}
ANSWERS: dict[int, tuple[int, dict[str, Any]]] = {
    **SHARED_ANSWERS,
    8: (400, {"status": "error", "message": "Agent Id is required"}),
    9: (400, {"Status": "Fail", "Message": {"agentId": ID_RULE}}),
    12: (400, {"Status": "Fail", "Message": {"agentName": NAME_RULE}}),
    22: (400, {"Status": "Fail", "Message": {"callControls": ...}}),
    23: (400, {"Status": "Fail", "Message": {"assignSkills[0]": ...}}),
    24: (400, {"Status": "Fail", "Message": {"assignAgentGroups": ...}}),
}
BREAKERS: dict[int, dict[str, Any]] = {
    8: {"agentId": "  "},
    9: {"agentId": "x"},
    10: {"agentId": "taken.id"},
    11: {"agentName": None},
    12: {"agentName": "Bad!"},
    13: {"password": ""},
    14: {"password": "ab"},
    15: {"email": ""},
    16: {"email": "nope"},
    17: {"agentData": "x"},
    18: {"sipLocation": "nowhere"},
    19: {"screenRecording": "yes"},
    20: {"autoAnswer": "a b"},
    21: {"locked": "yes"},
    22: {"callControls": {"nope": True}},
    23: {"assignSkills": ["nope"]},
    24: {"assignAgentGroups": "nope"},
}
DEFAULT_MODES = {
    "inbound": True, "manual": False, "preview": False, "progressive": False, "chat": False,
    "blended": False, "blendedInbound": False, "blendedManual": False, "blendedPreview": False,
    "blendedProgressive": False, "blendedChat": False,
}


async def read_agent(api: Api, agent_id: str = NEW) -> dict[str, Any] | None:
    return await helpers.read_agent(api, agent_id)


async def live_ids(api: Api) -> list[str]:
    response = await api.call("AgentDetails", {})
    assert response.status_code == 200, response.text
    return [item["AgentId"] for item in response.json()["message"]]


async def create(api: Api, **fields: Any) -> httpx.Response:
    body = {**VALID, **fields}
    for key in [k for k, v in fields.items() if v is ...]:
        del body[key]  # `field=...` leaves the field out
    return await api.call("createAgent", body)


@pytest.fixture
async def acct(api: Api) -> Api:
    await api.add("skill", "billing", "sales")
    await api.add("group", "day", "night")
    await api.add("sip-location", "blr-1")
    await api.seed_agent("taken.id", agentName="Taken Agent")
    return api


async def assert_rejected(api: Api, fields: dict[str, Any], check: int) -> None:
    """`fields` over VALID are answered by `check` and no agent is created or changed."""
    before_ids = await live_ids(api)
    taken = await read_agent(api, "taken.id")
    response = await create(api, **fields)
    status, expected = ANSWERS[check]
    assert response.status_code == status, response.text
    assert matches(response.json(), expected), response.json()
    assert response.headers["content-type"] == "application/json"
    assert "etag" not in response.headers
    assert await live_ids(api) == before_ids
    assert await read_agent(api, "taken.id") == taken


# --- the rows ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", [..., None, "", "   ", "\t\n"],
                         ids=["missing", "null", "empty", "spaces", "whitespace"])
async def test_row_8_agent_id_required(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"agentId": value}, 8)


@pytest.mark.parametrize(
    "value",
    ["a", "x" * 51, "has space", "new.agent ", " new.agent", "bad#id", "bad/id", "ab\n",
     "प्रिया", "é.agent", 123, 1.5, True, ["ab"], {"id": "ab"}],
    ids=["one-char", "51-chars", "space-inside", "trailing-space", "leading-space", "hash",
         "slash", "trailing-newline", "devanagari-ascii-only-agentdir-reading",
         "accented-ascii-only-agentdir-reading", "number-agentdir-reading",
         "float-agentdir-reading", "boolean-agentdir-reading", "array", "object"],
)
async def test_row_9_agent_id_rule(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"agentId": value}, 9)


async def test_row_10_live_agent_exists(acct: Api) -> None:
    await assert_rejected(acct, {"agentId": "taken.id", "agentName": "Someone Else"}, 10)
    record = await read_agent(acct, "taken.id")
    assert record is not None
    assert (record["agentName"], record["version"]) == ("Taken Agent", 1)


async def test_row_10_same_id_in_another_account_is_free(acct: Api, make_api: Any) -> None:
    other: Api = await make_api("token")
    await other.seed_agent(NEW, agentName="Their Agent")
    response = await create(acct)
    assert response.status_code == 200, response.text
    assert (await read_agent(acct) or {}).get("agentName") == "New Agent"
    assert (await read_agent(other) or {}).get("agentName") == "Their Agent"


@pytest.mark.parametrize("value", [..., None, "", "   "],
                         ids=["missing", "null", "empty", "spaces"])
async def test_row_11_agent_name_required(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"agentName": value}, 11)


@pytest.mark.parametrize(
    "value", ["A", "x" * 51, " New", "New ", "New!", "Ne\tw", "New😀", 42, True, ["New"]],
    ids=["one-char", "51-chars", "leading-space", "trailing-space", "bang", "tab", "emoji",
         "number", "boolean", "array"],
)
async def test_row_12_agent_name_rule(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"agentName": value}, 12)


@pytest.mark.parametrize("value", [..., None, "", "   "],
                         ids=["missing", "null", "empty", "spaces"])
async def test_row_13_password_required(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"password": value}, 13)


@pytest.mark.parametrize("value", ["ab", "x" * 51, 12345, True, ["secret"]],
                         ids=["2-chars", "51-chars", "number", "boolean", "array"])
async def test_row_14_password_length(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"password": value}, 14)


@pytest.mark.parametrize("value", [..., None, "", "   "],
                         ids=["missing", "null", "empty", "spaces"])
async def test_row_15_email_required(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"email": value}, 15)


@pytest.mark.parametrize(
    "value", ["plainaddress", "a@", "@example.com", "a b@example.com", "a" * 64 + "@" +
              "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".com", 5, True],
    ids=["no-at", "no-domain", "no-local", "space", "255-chars", "number", "boolean"],
)
async def test_row_16_email_invalid(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"email": value}, 16)


@pytest.mark.parametrize("value", ["a", "x" * 101, "", "has space", "a#b", 12, False],
                         ids=["one-char", "101-chars", "empty", "space", "hash", "number",
                              "boolean"])
async def test_row_17_agent_data_invalid(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"agentData": value}, 17)


@pytest.mark.parametrize("value", ["nowhere", "", "BLR-1", 1],
                         ids=["unknown", "empty", "other-case", "number"])
async def test_row_18_sip_location_invalid(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"sipLocation": value}, 18)


@pytest.mark.parametrize("value", ["true", 1, []], ids=["string", "number", "array"])
async def test_row_19_screen_recording_invalid(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"screenRecording": value}, 19)


@pytest.mark.parametrize("value", ["", "x" * 21, "a b", "a.b", 7],
                         ids=["empty", "21-chars", "space", "dot", "number"])
async def test_row_20_auto_answer_invalid(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"autoAnswer": value}, 20)


@pytest.mark.parametrize(
    "field",
    ["inbound", "manual", "preview", "progressive", "chat", "blended", "blendedInbound",
     "blendedManual", "blendedPreview", "blendedProgressive", "blendedChat", "locked"],
)
async def test_row_21_switch_not_boolean(acct: Api, field: str) -> None:
    response = await create(acct, **{field: "false"})
    assert (response.status_code, response.json()) == (
        400, {"Status": "Fail", "Message": {field: f"{field} must be true or false"}})
    assert await read_agent(acct) is None


@pytest.mark.parametrize(
    "value", ["mute", [], {"nope": True}, {"mute": "yes"}, {"transfer": {"agent": 1}}],
    ids=["string", "array", "unknown", "non-boolean", "nested-non-object"],
)
async def test_row_22_call_controls_invalid(acct: Api, value: Any) -> None:
    await assert_rejected(acct, {"callControls": value}, 22)


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"assignSkills": ["nope"]}, "assignSkills[0]"),
        ({"assignSkills": ["billing", {"skillName": "sales", "priority": 0}]},
         "assignSkills[1]"),
        ({"assignSkills": [{"skillName": "billing", "priority": 101}]}, "assignSkills[0]"),
        ({"assignSkills": [7]}, "assignSkills[0]"),
        ({"unAssignSkills": ["nope"]}, "unAssignSkills[0]"),
        ({"assignSkills": ["billing"], "unAssignSkills": ["billing"]}, "unAssignSkills[0]"),
        ({"assignSkills": "billing"}, "assignSkills"),
    ],
    ids=["unknown", "second-item-priority-0", "priority-101", "item-number",
         "unassign-unknown", "in-both-lists-agentdir-reading",
         "not-an-array-keyed-by-field-agentdir-reading"],
)
async def test_row_23_skills_invalid(acct: Api, fields: dict[str, Any], key: str) -> None:
    response = await create(acct, **fields)
    assert response.status_code == 400
    assert matches(response.json(), {"Status": "Fail", "Message": {key: ...}}), response.json()
    assert await read_agent(acct) is None


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"assignAgentGroups": "nope"}, "assignAgentGroups"),
        ({"assignAgentGroups": "day, nope"}, "assignAgentGroups"),
        ({"unAssignAgentGroups": "nope"}, "unAssignAgentGroups"),
        ({"assignAgentGroups": "day", "unAssignAgentGroups": "day"}, "unAssignAgentGroups"),
        ({"assignAgentGroups": ["day"]}, "assignAgentGroups"),
    ],
    ids=["unknown", "one-unknown", "unassign-unknown", "in-both-lists-agentdir-reading",
         "wrong-type"],
)
async def test_row_24_groups_invalid(acct: Api, fields: dict[str, Any], key: str) -> None:
    response = await create(acct, **fields)
    assert response.status_code == 400
    assert matches(response.json(), {"Status": "Fail", "Message": {key: ...}}), response.json()
    assert await read_agent(acct) is None


async def test_row_ok(acct: Api) -> None:
    response = await create(acct)
    assert response.status_code == 200, response.text
    assert matches(response.json(), CREATED)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["etag"] == '"1"'
    assert await live_ids(acct) == [NEW, "taken.id"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("agentId", "ab"), ("agentId", "i" * 50), ("agentId", "a.b@c_d-e"),
     ("agentName", "Ab"), ("agentName", "n" * 50), ("agentName", "प्रिया शर्मा"),
     ("password", "abc"), ("password", "p" * 50), ("email", "x@example.org")],
    ids=["id-2", "id-50", "id-punctuation", "name-2", "name-50", "name-devanagari",
         "password-3", "password-50", "email"],
)
async def test_row_ok_boundaries(acct: Api, field: str, value: str) -> None:
    response = await create(acct, **{field: value})
    assert response.status_code == 200, response.text
    record = await read_agent(acct, value if field == "agentId" else NEW)
    assert record is not None
    if field != "password":
        assert record[field] == value


# --- defaults and stored values ---------------------------------------------------------

async def test_defaults_of_a_new_agent(acct: Api) -> None:
    acct.clock.advance(42)
    response = await create(acct)
    assert response.headers["etag"] == '"1"'
    record = await read_agent(acct)
    assert record == {
        "agentId": NEW, "agentName": "New Agent", "email": "new@example.com",
        "agentData": None, "sipLocation": None, "screenRecording": False,
        "autoAnswer": None, "locked": False, "modes": DEFAULT_MODES, "callControls": {},
        "skills": [], "groups": [], "version": 1,
        "createdAt": iso(acct.clock.now()), "updatedAt": iso(acct.clock.now()),
    }
    assert list(record["modes"]) == list(DEFAULT_MODES)
    details = await acct.call("AgentDetails", {"agentId": NEW})
    item = details.json()["message"][0]
    assert (item["Mode"], item["Skill"]) == ("Inbound", "")
    assert details.headers["etag"] == '"1"'


@pytest.mark.parametrize(
    "field",
    ["screenRecording", "autoAnswer", "inbound", "manual", "locked", "callControls",
     "assignSkills", "unAssignSkills", "assignAgentGroups", "unAssignAgentGroups",
     "agentData", "sipLocation"],
)
async def test_null_optional_field_gives_the_default(acct: Api, field: str) -> None:
    response = await create(acct, **{field: None})
    assert response.status_code == 200, response.text
    record = await read_agent(acct)
    assert record is not None
    assert record["modes"] == DEFAULT_MODES
    assert (record["agentData"], record["sipLocation"], record["autoAnswer"]) == (None,) * 3
    assert (record["screenRecording"], record["locked"]) == (False, False)
    assert (record["callControls"], record["skills"], record["groups"]) == ({}, [], [])


async def test_every_field_is_stored(acct: Api) -> None:
    response = await create(
        acct, agentData="emp.7", sipLocation="blr-1", screenRecording=True, autoAnswer="a_1",
        locked=True, inbound=False, preview=True, blended=True, blendedChat=True,
        callControls={"hold": True, "transfer": {"skill": {"blind": False}}},
        assignSkills=[{"skillName": "sales", "priority": 9}, "billing"],
        unAssignSkills=[], assignAgentGroups="night, day", unAssignAgentGroups="",
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"1"'
    record = await read_agent(acct)
    assert record is not None
    assert {k: record[k] for k in ("agentData", "sipLocation", "screenRecording", "autoAnswer",
                                   "locked", "callControls", "skills", "version")} == {
        "agentData": "emp.7", "sipLocation": "blr-1", "screenRecording": True,
        "autoAnswer": "a_1", "locked": True,
        "callControls": {"hold": True, "transfer_skill_blind": False},
        "skills": [{"skillName": "billing", "priority": 1},
                   {"skillName": "sales", "priority": 9}],
        "version": 1,
    }
    assert sorted(record["groups"]) == ["day", "night"]
    assert record["modes"] == {**DEFAULT_MODES, "inbound": False, "preview": True,
                               "blended": True, "blendedChat": True}


async def test_update_only_fields_are_unknown_on_create(acct: Api) -> None:
    """agentIdNew and agentNameNew are not createAgent fields: ignored like any unknown
    field, even with values that would break their rules."""
    response = await create(acct, agentIdNew="x", agentNameNew="!!", foo={"bar": 1})
    assert response.status_code == 200, response.text
    record = await read_agent(acct)
    assert record is not None
    assert (record["agentId"], record["agentName"]) == (NEW, "New Agent")


async def test_unassign_on_create_of_existing_skill_and_group_is_not_an_error(
    acct: Api,
) -> None:
    response = await create(acct, unAssignSkills=["billing"], unAssignAgentGroups="day")
    assert response.status_code == 200, response.text
    record = await read_agent(acct)
    assert record is not None
    assert (record["skills"], record["groups"]) == ([], [])


async def test_password_not_returned_on_create(acct: Api) -> None:
    response = await create(acct, password="Very-Secret-42")
    assert "Very-Secret-42" not in response.text
    details = await acct.call("AgentDetails", {"agentId": NEW})
    assert "Very-Secret-42" not in details.text
    assert "password" not in details.text.lower()


# --- reusing a deleted agent's ID -------------------------------------------------------

async def test_deleted_agents_id_can_be_reused_as_a_new_record(acct: Api) -> None:
    first = await create(acct, agentData="old.data", assignSkills=["billing"],
                         assignAgentGroups="day", locked=True, callControls={"mute": True})
    assert first.status_code == 200
    updated = await acct.call("updateAgent", {"agentId": NEW, "email": "new@example.com"})
    assert updated.headers["etag"] == '"2"'
    deleted = await acct.call("deleteAgent", {"agentId": NEW})
    assert deleted.status_code == 200
    assert await read_agent(acct) is None
    acct.clock.advance(3600 - 1)
    again = await create(acct, agentName="Second Life")
    assert again.status_code == 200, again.text
    assert matches(again.json(), CREATED)
    assert again.headers["etag"] == '"1"'
    record = await read_agent(acct)
    assert record == {
        "agentId": NEW, "agentName": "Second Life", "email": "new@example.com",
        "agentData": None, "sipLocation": None, "screenRecording": False,
        "autoAnswer": None, "locked": False, "modes": DEFAULT_MODES, "callControls": {},
        "skills": [], "groups": [], "version": 1,
        "createdAt": iso(acct.clock.now()), "updatedAt": iso(acct.clock.now()),
    }


async def test_reused_id_can_be_deleted_again(acct: Api) -> None:
    assert (await create(acct)).status_code == 200
    assert (await acct.call("deleteAgent", {"agentId": NEW})).status_code == 200
    assert (await create(acct)).status_code == 200
    response = await acct.call("deleteAgent", {"agentId": NEW})
    assert (response.status_code, response.json()) == (
        200, {"Status": "Success", "Message": f"Agent {NEW} Deleted Successfully"})
    assert await read_agent(acct) is None


async def test_reused_id_is_live_so_a_second_create_conflicts(acct: Api) -> None:
    assert (await create(acct)).status_code == 200
    assert (await acct.call("deleteAgent", {"agentId": NEW})).status_code == 200
    assert (await create(acct)).status_code == 200
    assert (await create(acct)).status_code == 409


async def test_create_does_not_change_other_agents(acct: Api) -> None:
    before = await read_agent(acct, "taken.id")
    assert (await create(acct)).status_code == 200
    assert (await create(acct, agentId="another.one")).status_code == 200
    assert await read_agent(acct, "taken.id") == before


# --- check order ------------------------------------------------------------------------

def breaking(checks: list[int]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for check in sorted(checks, reverse=True):
        fields.update(BREAKERS[check])
    return fields


PAIRS = [(8, 11), (9, 11), (10, 11), (11, 13), (12, 13), (13, 15), (14, 15), (15, 17),
         (16, 17), (17, 18), (18, 19), (19, 20), (20, 21), (21, 22), (22, 23), (23, 24)]


@pytest.mark.parametrize(("first", "second"), PAIRS,
                         ids=[f"{a}-before-{b}" for a, b in PAIRS])
async def test_order_earlier_check_answers(acct: Api, first: int, second: int) -> None:
    """Checks sharing a field (8/9/10 agentId, 11/12 agentName, 13/14 password,
    15/16 email) are paired with the next check that another field can break."""
    await assert_rejected(acct, breaking([first, second]), first)


async def test_order_ladder(acct: Api) -> None:
    """For each check k, a request breaking k and every later check answers k."""
    for n, first in enumerate(sorted(ANSWERS)):
        if n and n % 5 == 0:
            acct.clock.advance(60)
        response = await create(acct, **breaking([c for c in ANSWERS if c >= first]))
        status, expected = ANSWERS[first]
        assert response.status_code == status, (first, response.text)
        assert matches(response.json(), expected), (first, response.json())
    assert await live_ids(acct) == ["taken.id"]


@pytest.mark.parametrize(
    ("fields", "check"),
    [({"password": " "}, 13), ({"password": "  "}, 13), ({"email": " "}, 15),
     ({"agentId": ""}, 8), ({"agentName": " "}, 11)],
    ids=["blank-password-not-short", "2-space-password-not-short", "blank-email-not-invalid",
         "empty-id-required-not-rule", "blank-name-required-not-rule"],
)
async def test_order_same_field_earlier_row(acct: Api, fields: dict[str, Any],
                                            check: int) -> None:
    await assert_rejected(acct, fields, check)


async def test_order_authentication_before_checks(acct: Api) -> None:
    response = await acct.call("createAgent", {"agentId": ""},
                               headers={"apiKey": acct.api_key})
    assert (response.status_code, response.json()) == (
        401, {"status": "false", "message": "Token Should Not be Null or Empty.", "data": None})
    response = await acct.call("createAgent", {"userName": "nobody-here", "agentId": ""})
    assert (response.status_code, response.json()) == (
        401, {"status": "false", "message": "Invalid User Details", "data": None})


async def test_order_rate_limit_before_check_8(acct: Api) -> None:
    for i in range(5):
        response = await create(acct, agentId=f"agent.{i}")
        assert response.status_code == 200, response.text
    response = await create(acct, agentId=...)
    assert response.status_code == 429
    assert matches(response.json(), {"status": "error", "message": "Max limit exceeded"})
    assert int(response.headers["retry-after"]) >= 1
    response = await create(acct, agentId="agent.5")
    assert response.status_code == 429
    assert await read_agent(acct, "agent.5") is None


async def test_failed_creates_count_toward_the_limit(acct: Api) -> None:
    for _ in range(5):
        assert (await create(acct, agentId=...)).status_code == 400
    assert (await create(acct)).status_code == 429
    assert await read_agent(acct) is None
