"""updateAgent, spec 5.2: every row 8-25 and the "ok" row, through the real app.

Each failing case asserts the status, the exact parsed body (keys in the documented
order, value types included) and that nothing was written: the agent read back with
AgentDetails is identical to before (same version, same updatedAt, same fields).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api import helpers
from tests.api.helpers import ID_RULE, NAME_RULE
from tests.conftest import Api

AGENT = "priya.s"
EMAIL = "priya@example.com"

NOT_FOUND = {"status": "error", "message": "Agent not found"}
ALREADY_EXISTS = {"status": "error", "message": "Agent Already Exists"}
NAME_REQUIRED = {"status": "error", "message": "Agent Name is required"}
PASSWORD_REQUIRED = {"message": "Password is required", "status": "error"}
PASSWORD_LENGTH = {"message": "Password length must be between 3 and 50 characters",
                   "status": "error"}
EMAIL_REQUIRED = {"message": "Email should not be null or empty", "status": "error"}
EMAIL_INVALID = {"message": "Invalid email format", "status": "error"}
AGENT_DATA_INVALID = {
    "message": "Agent data must be between 2 and 100 characters using only letters, numbers, "
    "and special characters like ., @, _, -",
    "status": "error",
}
SIP_INVALID = {"message": "Invalid sipLocation", "status": "error"}
SCREEN_INVALID = {"message": "Invalid screenRecording", "status": "error"}
AUTO_ANSWER_RULE = "autoAnswer must be 1 to 20 letters, digits, _ or -"
PRECONDITION = {"status": "error", "message": "Agent was modified by another request"}
UPDATED = {"Status": "Success", "Message": "Agent Updated Successfully"}

SWITCHES = (
    "inbound", "manual", "preview", "progressive", "chat", "blended",
    "blendedInbound", "blendedManual", "blendedPreview", "blendedProgressive", "blendedChat",
    "locked",
)


async def read_agent(api: Api, agent_id: str = AGENT) -> dict[str, Any] | None:
    return await helpers.read_agent(api, agent_id)


class AnyText:
    """Matches any non-empty string: for the rows whose message the spec leaves free."""

    def __eq__(self, other: object) -> bool:
        return _is_text(other)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<any non-empty text>"


def _is_text(value: object) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and value[0] == "str"
            and isinstance(value[1], str) and bool(value[1].strip()))


def shape(value: Any) -> Any:
    """The value with key order and JSON types made visible to ==."""
    if isinstance(value, AnyText):
        return value
    if isinstance(value, dict):
        return [(k, shape(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [shape(v) for v in value]
    return (type(value).__name__, value)


def fail(field: str, message: Any) -> dict[str, Any]:
    return {"Status": "Fail", "Message": {field: message}}


@pytest.fixture
async def agent(api: Api) -> Api:
    """An account with catalog entries and one agent, AGENT, at version 1."""
    await api.add("skill", "billing", "sales")
    await api.add("group", "day", "night")
    await api.add("sip-location", "blr-1", "del-2")
    await api.seed_agent(AGENT, agentName="Priya Sharma", email=EMAIL)
    return api


async def assert_rejected(
    api: Api,
    body: dict[str, Any],
    status: int,
    expected: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
) -> None:
    """`body` is answered with `status`/`expected` and the agent is left as it was."""
    before = await read_agent(api)
    api.clock.advance(1)
    response = await api.call("updateAgent", body, headers=headers)
    assert response.status_code == status, response.text
    assert shape(response.json()) == shape(expected)
    assert response.headers["content-type"] == "application/json"
    assert "etag" not in response.headers
    after = await read_agent(api)
    assert after == before


def body(**fields: Any) -> dict[str, Any]:
    """A request for AGENT that would succeed and change agentData, plus `fields`."""
    return {"agentId": AGENT, "email": EMAIL, "agentData": "changed.data", **fields}


# --- check 8: agentId missing, blank, or not a live agent of this account -------------

@pytest.mark.parametrize(
    "agent_id",
    ["<missing>", None, "", "   ", "\t", "nobody", 123, True, ["priya.s"], {"id": "priya.s"},
     "priya.s ", " priya.s"],
    ids=["missing", "null", "empty", "spaces", "tab", "unknown", "number", "boolean", "array",
         "object", "trailing-space-not-trimmed", "leading-space-not-trimmed"],
)
async def test_check_8_agent_id_missing_blank_unknown(agent: Api, agent_id: Any) -> None:
    request = body()
    if agent_id == "<missing>":
        del request["agentId"]
    else:
        request["agentId"] = agent_id
    await assert_rejected(agent, request, 404, NOT_FOUND)


async def test_check_8_deleted_agent(agent: Api) -> None:
    await agent.seed_agent("gone.agent")
    deleted = await agent.call("deleteAgent", {"agentId": "gone.agent"})
    assert deleted.status_code == 200
    await assert_rejected(agent, body(agentId="gone.agent"), 404, NOT_FOUND)
    assert await read_agent(agent, "gone.agent") is None


async def test_check_8_other_accounts_agent(agent: Api, make_api: Any) -> None:
    other: Api = await make_api("token")
    await other.seed_agent("their.agent", agentName="Their Agent")
    before = await read_agent(other, "their.agent")
    await assert_rejected(agent, body(agentId="their.agent"), 404, NOT_FOUND)
    assert await read_agent(other, "their.agent") == before


# --- check 9: agentIdNew not 2-50 of letters, digits, . @ _ - --------------------------

@pytest.mark.parametrize(
    "new_id",
    ["a", "x" * 51, "", "  ", "has space", "bad#id", "bad/id", "bad+id", "ab\n", "ab!",
     "प्रिया", "é.agent", 123, True, ["ab"], {"id": "ab"}],
    ids=["one-char", "51-chars", "empty", "spaces", "space-inside", "hash", "slash", "plus",
         "trailing-newline", "bang", "devanagari-ascii-only-agentdir-reading",
         "accented-ascii-only-agentdir-reading", "number", "boolean", "array", "object"],
)
async def test_check_9_agent_id_new_invalid(agent: Api, new_id: Any) -> None:
    await assert_rejected(agent, body(agentIdNew=new_id), 400, fail("agentIdNew", ID_RULE))


# --- check 10: agentIdNew names another live agent of this account --------------------

async def test_check_10_agent_id_new_taken(agent: Api) -> None:
    await agent.seed_agent("ravi.k")
    before_other = await read_agent(agent, "ravi.k")
    await assert_rejected(agent, body(agentIdNew="ravi.k"), 409, ALREADY_EXISTS)
    assert await read_agent(agent, "ravi.k") == before_other


async def test_check_10_deleted_agents_id_is_free(agent: Api) -> None:
    await agent.seed_agent("gone.agent")
    assert (await agent.call("deleteAgent", {"agentId": "gone.agent"})).status_code == 200
    response = await agent.call("updateAgent", body(agentIdNew="gone.agent"))
    assert response.status_code == 200, response.text
    assert await read_agent(agent, AGENT) is None
    record = await read_agent(agent, "gone.agent")
    assert record is not None
    assert record["agentName"] == "Priya Sharma"
    assert record["version"] == 2


async def test_check_10_other_accounts_id_is_free(agent: Api, make_api: Any) -> None:
    other: Api = await make_api("token")
    await other.seed_agent("shared.id")
    response = await agent.call("updateAgent", body(agentIdNew="shared.id"))
    assert response.status_code == 200, response.text
    assert (await read_agent(agent, "shared.id") or {}).get("agentName") == "Priya Sharma"
    assert (await read_agent(other, "shared.id") or {}).get("agentName") == "Test Agent"


async def test_check_10_own_id_is_not_a_conflict(agent: Api) -> None:
    response = await agent.call("updateAgent", body(agentIdNew=AGENT))
    assert response.status_code == 200, response.text
    assert (await read_agent(agent) or {}).get("version") == 2


# --- check 11: agentName / agentNameNew present and blank ------------------------------

@pytest.mark.parametrize("field", ["agentName", "agentNameNew"])
@pytest.mark.parametrize("value", ["", "   ", "\t\n", None], ids=["empty", "spaces",
                                                                    "whitespace", "null"])
async def test_check_11_name_blank(agent: Api, field: str, value: Any) -> None:
    await assert_rejected(agent, body(**{field: value}), 400, NAME_REQUIRED)


# --- check 12: a present name breaking the name rule (5.3) -----------------------------

BAD_NAMES = ["A", "x" * 51, " Priya", "Priya ", "Priya!", "Priya#1", "Pri\tya", "Priya😀",
             "Priya/S", 123, True, ["Priya"], {"n": "Priya"}]
BAD_NAME_IDS = ["one-char", "51-chars", "leading-space", "trailing-space", "bang", "hash",
                "tab-inside", "emoji", "slash", "number", "boolean", "array", "object"]


@pytest.mark.parametrize("field", ["agentName", "agentNameNew"])
@pytest.mark.parametrize("value", BAD_NAMES, ids=BAD_NAME_IDS)
async def test_check_12_name_rule(agent: Api, field: str, value: Any) -> None:
    await assert_rejected(agent, body(**{field: value}), 400, fail(field, NAME_RULE))


async def test_check_12_agent_name_checked_even_when_agent_name_new_given(agent: Api) -> None:
    await assert_rejected(
        agent, body(agentName="Bad!", agentNameNew="Good Name"), 400,
        fail("agentName", NAME_RULE),
    )


# --- checks 13, 14: password -----------------------------------------------------------

@pytest.mark.parametrize("value", ["", "   ", "\t", None], ids=["empty", "spaces", "tab", "null"])
async def test_check_13_password_blank(agent: Api, value: Any) -> None:
    await assert_rejected(agent, body(password=value), 400, PASSWORD_REQUIRED)


@pytest.mark.parametrize(
    "value",
    ["ab", "x" * 51, "é" * 51, 12345, True, ["secret"]],
    ids=["2-chars", "51-chars", "51-non-ascii-chars", "number", "boolean", "array"],
)
async def test_check_14_password_length(agent: Api, value: Any) -> None:
    await assert_rejected(agent, body(password=value), 400, PASSWORD_LENGTH)


# --- checks 15, 16: email --------------------------------------------------------------

@pytest.mark.parametrize("value", ["<missing>", None, "", "   "],
                         ids=["missing", "null", "empty", "spaces"])
async def test_check_15_email_required(agent: Api, value: Any) -> None:
    request = body()
    if value == "<missing>":
        del request["email"]
    else:
        request["email"] = value
    await assert_rejected(agent, request, 400, EMAIL_REQUIRED)


LONG_LOCAL = "a" * 64
DOMAIN_189 = "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"
EMAIL_254 = f"{LONG_LOCAL}@{DOMAIN_189}"
EMAIL_255 = f"{LONG_LOCAL}@{'b' * 63}.{'c' * 63}.{'d' * 58}.com"


@pytest.mark.parametrize(
    "value",
    ["plainaddress", "a@", "@example.com", "a b@example.com", "a@@example.com",
     "a@exa mple.com", "a@example..com", EMAIL_255, 123, True, ["a@example.com"]],
    ids=["no-at", "no-domain", "no-local", "space-in-local", "double-at", "space-in-domain",
         "double-dot-domain", "255-chars", "number", "boolean", "array"],
)
async def test_check_16_email_invalid(agent: Api, value: Any) -> None:
    await assert_rejected(agent, body(email=value), 400, EMAIL_INVALID)


async def test_check_16_email_of_254_characters_is_accepted(agent: Api) -> None:
    assert len(EMAIL_254) == 254
    assert len(EMAIL_255) == 255
    response = await agent.call("updateAgent", body(email=EMAIL_254))
    assert response.status_code == 200, response.text
    assert (await read_agent(agent) or {}).get("email") == EMAIL_254


# --- check 17: agentData ---------------------------------------------------------------

@pytest.mark.parametrize(
    "value",
    ["a", "x" * 101, "", "has space", "bad#data", "डेटा", 123, True, ["ab"], {"a": "b"}],
    ids=["one-char", "101-chars", "empty", "space", "hash",
         "devanagari-ascii-only-agentdir-reading", "number", "boolean", "array", "object"],
)
async def test_check_17_agent_data_invalid(agent: Api, value: Any) -> None:
    await assert_rejected(agent, body(agentData=value, locked=True), 400, AGENT_DATA_INVALID)


# --- check 18: sipLocation -------------------------------------------------------------

@pytest.mark.parametrize(
    "value", ["nowhere", "", "BLR-1", " blr-1", 123, True, ["blr-1"]],
    ids=["unknown", "empty", "other-case", "leading-space", "number", "boolean", "array"],
)
async def test_check_18_sip_location_invalid(agent: Api, value: Any) -> None:
    await assert_rejected(agent, body(sipLocation=value), 400, SIP_INVALID)


async def test_check_18_other_accounts_sip_location(agent: Api, make_api: Any) -> None:
    other: Api = await make_api("token")
    await other.add("sip-location", "their-site")
    await assert_rejected(agent, body(sipLocation="their-site"), 400, SIP_INVALID)


# --- check 19: screenRecording ---------------------------------------------------------

@pytest.mark.parametrize("value", ["true", 1, 0, "yes", [], {}],
                         ids=["string", "one", "zero", "yes", "array", "object"])
async def test_check_19_screen_recording_not_boolean(agent: Api, value: Any) -> None:
    await assert_rejected(agent, body(screenRecording=value), 400, SCREEN_INVALID)


# --- check 20: autoAnswer --------------------------------------------------------------

@pytest.mark.parametrize(
    "value", ["", "x" * 21, "has space", "dot.ted", "at@x", "ऑटो", 123, True, ["x"]],
    ids=["empty", "21-chars", "space", "dot", "at-sign", "devanagari-ascii-only-agentdir-reading",
         "number", "boolean", "array"],
)
async def test_check_20_auto_answer_invalid(agent: Api, value: Any) -> None:
    await assert_rejected(agent, body(autoAnswer=value), 400,
                          fail("autoAnswer", AUTO_ANSWER_RULE))


# --- check 21: mode switches and locked ------------------------------------------------

@pytest.mark.parametrize("field", SWITCHES)
async def test_check_21_switch_not_boolean(agent: Api, field: str) -> None:
    await assert_rejected(agent, body(**{field: "true"}), 400,
                          fail(field, f"{field} must be true or false"))


@pytest.mark.parametrize("value", [1, 0, "false", [], {}],
                         ids=["one", "zero", "string-false", "array", "object"])
async def test_check_21_switch_other_wrong_types(agent: Api, value: Any) -> None:
    await assert_rejected(agent, body(locked=value), 400,
                          fail("locked", "locked must be true or false"))


# --- check 22: callControls ------------------------------------------------------------

@pytest.mark.parametrize(
    "value",
    ["mute", [], ["mute"], True, 1, {"foo": True}, {"Mute": True}, {"mute": "yes"},
     {"mute": 1}, {"mute": None}, {"transfer": {"agent": {"hot": True}}},
     {"transfer": True}, {"conference": {"phone": "y"}}, {"transfer_agent": {"warm": 1}},
     {"mute": True, "nope": False}],
    ids=["string", "empty-array", "array", "boolean", "number", "unknown-control",
         "wrong-case", "string-value", "number-value", "null-value", "nested-unknown",
         "group-not-object", "nested-non-boolean", "partly-nested-non-boolean",
         "one-good-one-unknown"],
)
async def test_check_22_call_controls_invalid(agent: Api, value: Any) -> None:
    await assert_rejected(agent, body(callControls=value), 400, fail("callControls", AnyText()))


# --- check 23: assignSkills / unAssignSkills -------------------------------------------

@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"assignSkills": ["nope"]}, "assignSkills[0]"),
        ({"assignSkills": ["billing", "nope"]}, "assignSkills[1]"),
        ({"assignSkills": [{"skillName": "nope", "priority": 2}]}, "assignSkills[0]"),
        ({"assignSkills": [{"skillName": "billing", "priority": 0}]}, "assignSkills[0]"),
        ({"assignSkills": [{"skillName": "billing", "priority": 101}]}, "assignSkills[0]"),
        ({"assignSkills": [{"skillName": "billing", "priority": -1}]}, "assignSkills[0]"),
        ({"assignSkills": [{"skillName": "billing", "priority": "5"}]}, "assignSkills[0]"),
        ({"assignSkills": [{"skillName": "billing", "priority": 1.5}]}, "assignSkills[0]"),
        ({"assignSkills": [{"skillName": "billing", "priority": True}]}, "assignSkills[0]"),
        ({"assignSkills": [{"priority": 3}]}, "assignSkills[0]"),
        ({"assignSkills": [{"skillName": 5}]}, "assignSkills[0]"),
        ({"assignSkills": [""]}, "assignSkills[0]"),
        ({"assignSkills": [5]}, "assignSkills[0]"),
        ({"assignSkills": [None]}, "assignSkills[0]"),
        ({"assignSkills": [["billing"]]}, "assignSkills[0]"),
        ({"assignSkills": ["sales", {"skillName": "billing", "priority": 500}]},
         "assignSkills[1]"),
        ({"unAssignSkills": ["nope"]}, "unAssignSkills[0]"),
        ({"unAssignSkills": ["billing", "nope"]}, "unAssignSkills[1]"),
        ({"unAssignSkills": [{"skillName": "nope"}]}, "unAssignSkills[0]"),
        ({"unAssignSkills": [7]}, "unAssignSkills[0]"),
        ({"unAssignSkills": [{}]}, "unAssignSkills[0]"),
        ({"assignSkills": ["billing"], "unAssignSkills": ["sales", "billing"]},
         "unAssignSkills[1]"),
        ({"assignSkills": [{"skillName": "billing", "priority": 4}],
          "unAssignSkills": [{"skillName": "billing"}]}, "unAssignSkills[0]"),
    ],
    ids=["unknown-skill", "index-of-first-bad", "unknown-object", "priority-0", "priority-101",
         "priority-negative", "priority-string", "priority-float", "priority-boolean",
         "object-without-skillName", "skillName-number", "empty-name", "item-number",
         "item-null", "item-array", "index-of-bad-priority", "unassign-unknown",
         "unassign-index-of-first-bad", "unassign-unknown-object", "unassign-item-number",
         "unassign-empty-object", "in-both-lists-reported-at-unassign-agentdir-reading",
         "in-both-lists-objects-agentdir-reading"],
)
async def test_check_23_skills_item_invalid(agent: Api, fields: dict[str, Any], key: str) -> None:
    await assert_rejected(agent, body(**fields), 400, fail(key, AnyText()))


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"assignSkills": "billing"}, "assignSkills"),
        ({"assignSkills": {"skillName": "billing"}}, "assignSkills"),
        ({"assignSkills": 5}, "assignSkills"),
        ({"unAssignSkills": "billing"}, "unAssignSkills"),
        ({"unAssignSkills": True}, "unAssignSkills"),
    ],
    ids=["assign-string", "assign-object", "assign-number", "unassign-string",
         "unassign-boolean"],
)
async def test_check_23_skills_list_not_an_array_keyed_by_field_agentdir_reading(
    agent: Api, fields: dict[str, Any], key: str
) -> None:
    await assert_rejected(agent, body(**fields), 400, fail(key, AnyText()))


async def test_check_23_other_accounts_skill(agent: Api, make_api: Any) -> None:
    other: Api = await make_api("token")
    await other.add("skill", "their-skill")
    await assert_rejected(agent, body(assignSkills=["their-skill"]), 400,
                          fail("assignSkills[0]", AnyText()))


# --- check 24: groups ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"assignAgentGroups": "nope"}, "assignAgentGroups"),
        ({"assignAgentGroups": "day, nope"}, "assignAgentGroups"),
        ({"assignAgentGroups": "Day"}, "assignAgentGroups"),
        ({"unAssignAgentGroups": "nope"}, "unAssignAgentGroups"),
        ({"unAssignAgentGroups": "night,nope"}, "unAssignAgentGroups"),
        ({"assignAgentGroups": "day", "unAssignAgentGroups": "day"}, "unAssignAgentGroups"),
        ({"assignAgentGroups": "day, night", "unAssignAgentGroups": " night "},
         "unAssignAgentGroups"),
        ({"assignAgentGroups": ["day"]}, "assignAgentGroups"),
        ({"assignAgentGroups": 5}, "assignAgentGroups"),
        ({"unAssignAgentGroups": True}, "unAssignAgentGroups"),
    ],
    ids=["assign-unknown", "assign-one-unknown", "assign-other-case", "unassign-unknown",
         "unassign-one-unknown", "in-both-lists-keyed-unassign-agentdir-reading",
         "in-both-lists-with-spaces-agentdir-reading", "assign-array-wrong-type",
         "assign-number-wrong-type", "unassign-boolean-wrong-type"],
)
async def test_check_24_groups_invalid(agent: Api, fields: dict[str, Any], key: str) -> None:
    await assert_rejected(agent, body(**fields), 400, fail(key, AnyText()))


async def test_check_24_other_accounts_group(agent: Api, make_api: Any) -> None:
    other: Api = await make_api("token")
    await other.add("group", "their-group")
    await assert_rejected(agent, body(assignAgentGroups="their-group"), 400,
                          fail("assignAgentGroups", AnyText()))


# --- check 25: If-Match ----------------------------------------------------------------

@pytest.mark.parametrize(
    "if_match",
    ['"4"', '"0"', '"99"', '"1"', '"2"', 'W/"3"', "3", '"abc"', '"1", "2"', ""],
    ids=["next-version", "zero", "far-future", "stale-1", "stale-2",
         "weak-tag-strong-comparison", "unquoted-agentdir-reading", "garbage",
         "list-without-current", "empty-agentdir-reading"],
)
async def test_check_25_if_match_not_current(agent: Api, if_match: str) -> None:
    # Two updates: the agent is at version 3.
    for _ in range(2):
        assert (await agent.call("updateAgent", body())).status_code == 200
    await assert_rejected(agent, body(agentName="New Name"), 412, PRECONDITION,
                          headers=agent.headers(**{"If-Match": if_match}))


# --- ok --------------------------------------------------------------------------------

async def test_ok_minimal_update(agent: Api) -> None:
    response = await agent.call("updateAgent", {"agentId": AGENT, "email": "new@example.com"})
    assert response.status_code == 200, response.text
    assert shape(response.json()) == shape(UPDATED)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["etag"] == '"2"'
    record = await read_agent(agent)
    assert record is not None
    assert record["email"] == "new@example.com"
    assert record["version"] == 2


async def test_ok_every_field_at_once(agent: Api) -> None:
    agent.clock.advance(30)
    response = await agent.call(
        "updateAgent",
        {
            "agentId": AGENT,
            "agentIdNew": "priya.sharma",
            "agentName": "Priya Sharma",
            "agentNameNew": "Priya S-2",
            "password": "new-secret",
            "email": "ps@example.com",
            "agentData": "emp.1042",
            "sipLocation": "del-2",
            "screenRecording": True,
            "autoAnswer": "after_2-rings",
            "inbound": False,
            "manual": True,
            "preview": True,
            "progressive": True,
            "chat": True,
            "blended": True,
            "blendedInbound": True,
            "blendedManual": True,
            "blendedPreview": True,
            "blendedProgressive": True,
            "blendedChat": True,
            "locked": True,
            "callControls": {"mute": True, "transfer": {"agent": {"warm": False}}},
            "assignSkills": ["sales", {"skillName": "billing", "priority": 7}],
            "assignAgentGroups": "night, day",
        },
        headers=agent.headers(**{"If-Match": '"1"'}),
    )
    assert response.status_code == 200, response.text
    assert shape(response.json()) == shape(UPDATED)
    assert response.headers["etag"] == '"2"'
    assert await read_agent(agent, AGENT) is None
    record = await read_agent(agent, "priya.sharma")
    assert record is not None
    created_at = record.pop("createdAt")
    assert record.pop("updatedAt") != created_at
    assert record == {
        "agentId": "priya.sharma",
        "agentName": "Priya S-2",
        "email": "ps@example.com",
        "agentData": "emp.1042",
        "sipLocation": "del-2",
        "screenRecording": True,
        "autoAnswer": "after_2-rings",
        "locked": True,
        "modes": {"inbound": False, "manual": True, "preview": True, "progressive": True,
                  "chat": True, "blended": True, "blendedInbound": True, "blendedManual": True,
                  "blendedPreview": True, "blendedProgressive": True, "blendedChat": True},
        "callControls": {"mute": True, "transfer_agent_warm": False},
        "skills": [{"skillName": "sales", "priority": 1},
                   {"skillName": "billing", "priority": 7}],
        "groups": ["day", "night"],
        "version": 2,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("agentIdNew", "ab"), ("agentIdNew", "x" * 50), ("agentIdNew", "a.b@c_d-e"),
     ("agentName", "Pr"), ("agentName", "y" * 50), ("agentName", "P. S@x_y-z"),
     ("password", "abc"), ("password", "p" * 50), ("password", "   x   "),
     ("agentData", "ab"), ("agentData", "d" * 100), ("autoAnswer", "a"),
     ("autoAnswer", "z" * 20)],
    ids=["id-2", "id-50", "id-punctuation", "name-2", "name-50", "name-punctuation",
         "password-3", "password-50", "password-with-spaces-not-blank", "data-2", "data-100",
         "auto-answer-1", "auto-answer-20"],
)
async def test_ok_boundaries_accepted(agent: Api, field: str, value: str) -> None:
    response = await agent.call("updateAgent", {"agentId": AGENT, "email": EMAIL, field: value})
    assert response.status_code == 200, response.text
    assert shape(response.json()) == shape(UPDATED)
    record = await read_agent(agent, value if field == "agentIdNew" else AGENT)
    assert record is not None
    assert record["version"] == 2
    stored = {"agentIdNew": "agentId"}.get(field, field)
    if field != "password":
        assert record[stored] == value
