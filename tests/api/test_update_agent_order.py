"""updateAgent, spec 5.2 and 2.1: the order of the checks.

Each request breaks two (or more) rules at once; the earlier check must answer and
nothing may be written.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api import helpers
from tests.api.helpers import ID_RULE, NAME_RULE, SHARED_ANSWERS, matches
from tests.conftest import Api

AGENT = "priya.s"
EMAIL = "priya@example.com"



async def read_agent(api: Api, agent_id: str = AGENT) -> dict[str, Any] | None:
    return await helpers.read_agent(api, agent_id)


def false_body(message: str) -> dict[str, Any]:
    return {"status": "false", "message": message, "data": None}


def fail(field: str) -> dict[str, Any]:
    """A field-keyed failure; the text of free-text rows is checked only for its key."""
    return {"Status": "Fail", "Message": {field: ...}}


API_KEY_MISSING = false_body("Api Key Should Not be Null or Empty.")
INVALID_JSON = false_body("Invalid Json Pass Valid Json")
INVALID_USER = false_body("Invalid User Details")
TOKEN_MISSING = false_body("Token Should Not be Null or Empty.")
TOKEN_EXPIRED = false_body("Token Expired")
INVALID_TOKEN = false_body("Invalid Token")
RATE_LIMITED = {"status": "error", "message": "Max limit exceeded"}

# Every check of 5.2 from 8 on: its answer, and a field value that breaks it.
ANSWERS: dict[int, tuple[int, dict[str, Any]]] = {
    **SHARED_ANSWERS,
    8: (404, {"status": "error", "message": "Agent not found"}),
    9: (400, {"Status": "Fail", "Message": {"agentIdNew": ID_RULE}}),
    12: (400, {"Status": "Fail", "Message": {"agentNameNew": NAME_RULE}}),
    22: (400, fail("callControls")),
    23: (400, fail("assignSkills[0]")),
    24: (400, fail("assignAgentGroups")),
    25: (412, {"status": "error", "message": "Agent was modified by another request"}),
}

# The fields that break each check. Checks sharing a field (9/10 agentIdNew, 11/12
# agentNameNew, 13/14 password, 15/16 email) cannot both be broken by one value.
BREAKERS: dict[int, dict[str, Any]] = {
    8: {"agentId": "nobody"},
    9: {"agentIdNew": "x"},
    10: {"agentIdNew": "ravi.k"},
    11: {"agentNameNew": "  "},
    12: {"agentNameNew": "Bad!"},
    13: {"password": ""},
    14: {"password": "ab"},
    15: {"email": None},
    16: {"email": "not-an-email"},
    17: {"agentData": "x"},
    18: {"sipLocation": "nowhere"},
    19: {"screenRecording": "yes"},
    20: {"autoAnswer": "has space"},
    21: {"locked": "yes"},
    22: {"callControls": {"nope": True}},
    23: {"assignSkills": ["nope"]},
    24: {"assignAgentGroups": "nope"},
    25: {},  # If-Match header, see request_breaking
}


@pytest.fixture
async def agent(api: Api) -> Api:
    await api.add("skill", "billing")
    await api.add("group", "day")
    await api.add("sip-location", "blr-1")
    await api.seed_agent(AGENT, agentName="Priya Sharma", email=EMAIL)
    await api.seed_agent("ravi.k")
    return api


def request_breaking(api: Api, checks: list[int]) -> tuple[dict[str, Any], dict[str, str]]:
    """A body (and headers) breaking every check in `checks`; for a shared field the
    lowest check's breaker wins."""
    body: dict[str, Any] = {"agentId": AGENT, "email": EMAIL}
    for check in sorted(checks, reverse=True):
        body.update(BREAKERS[check])
    headers = api.headers(**({"If-Match": '"99"'} if 25 in checks else {}))
    return body, headers


async def answer(api: Api, body: Any, headers: dict[str, str] | None = None,
                 content: bytes | None = None) -> tuple[int, Any]:
    response = await api.call("updateAgent", body, headers=headers, content=content)
    assert response.headers["content-type"] == "application/json"
    return response.status_code, response.json()


# --- adjacent checks 8..25 -------------------------------------------------------------

PAIRS = [
    (8, 9), (8, 25), (9, 11), (10, 11), (11, 12), (12, 13), (13, 15), (14, 15), (15, 17),
    (16, 17), (17, 18), (18, 19), (19, 20), (20, 21), (21, 22), (22, 23), (23, 24), (24, 25),
]


@pytest.mark.parametrize(("first", "second"), PAIRS,
                         ids=[f"{a}-before-{b}" for a, b in PAIRS])
async def test_earlier_check_answers(agent: Api, first: int, second: int) -> None:
    """9 vs 10, 13 vs 14 and 15 vs 16 share a field and cannot be broken by one value;
    the pair is checked against the next check that can (and in the same-field tests)."""
    before = await read_agent(agent)
    body, headers = request_breaking(agent, [first, second])
    status, data = await answer(agent, body, headers)
    expected_status, expected = ANSWERS[first]
    assert status == expected_status, data
    assert matches(data, expected), data
    assert await read_agent(agent) == before


async def test_ladder_every_check_answers_before_all_later_ones(agent: Api) -> None:
    """For each check k from 8 to 25, a request breaking k and every later check at
    once is answered by k."""
    before = await read_agent(agent)
    for n, first in enumerate(sorted(ANSWERS)):
        if n and n % 5 == 0:
            agent.clock.advance(60)
        body, headers = request_breaking(agent, [c for c in ANSWERS if c >= first])
        status, data = await answer(agent, body, headers)
        expected_status, expected = ANSWERS[first]
        assert (status, matches(data, expected)) == (expected_status, True), (first, data)
    assert await read_agent(agent) == before


@pytest.mark.parametrize(
    ("fields", "check"),
    [
        ({"password": ""}, 13),
        ({"password": " "}, 13),
        ({"password": "  "}, 13),
        ({"email": ""}, 15),
        ({"email": " "}, 15),
        ({"agentName": "", "agentNameNew": "Bad!"}, 11),
        ({"agentName": "Bad!", "agentNameNew": ""}, 11),
        ({"agentName": None, "agentNameNew": "Bad!"}, 11),
    ],
    ids=["password-empty-is-blank-not-short", "password-space-is-blank-not-short",
         "password-2-spaces-is-blank-not-short", "email-empty-is-blank-not-invalid",
         "email-space-is-blank-not-invalid", "blank-name-before-bad-name-new",
         "blank-name-new-before-bad-name", "null-name-before-bad-name-new"],
)
async def test_same_field_earlier_row_answers(agent: Api, fields: dict[str, Any],
                                              check: int) -> None:
    before = await read_agent(agent)
    status, data = await answer(agent, {"agentId": AGENT, "email": EMAIL, **fields})
    assert (status, data) == ANSWERS[check]
    assert await read_agent(agent) == before


async def test_check_12_agent_name_before_agent_name_new(agent: Api) -> None:
    """Both names break the rule: agentName is the field reported (the order the
    spec lists them in; agentdir reading)."""
    status, data = await answer(
        agent, {"agentId": AGENT, "email": EMAIL, "agentName": "A", "agentNameNew": "B"}
    )
    assert (status, data) == (400, {"Status": "Fail", "Message": {"agentName": NAME_RULE}})


async def test_check_23_assign_list_before_unassign_list_agentdir_reading(agent: Api) -> None:
    status, data = await answer(agent, {
        "agentId": AGENT, "email": EMAIL, "unAssignSkills": ["nope"],
        "assignSkills": ["billing", {"skillName": "billing2", "priority": 1}],
    })
    assert status == 400
    assert matches(data, fail("assignSkills[1]")), data


async def test_check_24_assign_list_before_unassign_list_agentdir_reading(agent: Api) -> None:
    status, data = await answer(agent, {
        "agentId": AGENT, "email": EMAIL, "unAssignAgentGroups": "nope",
        "assignAgentGroups": "day, nope2",
    })
    assert status == 400
    assert matches(data, fail("assignAgentGroups")), data


# --- authentication (A1-A6) before the body checks and the rate limit ------------------

async def test_a1_before_a2_missing_api_key_and_bad_json(agent: Api) -> None:
    headers = {k: v for k, v in agent.headers().items() if k != "apiKey"}
    assert await answer(agent, None, headers, content=b"{not json") == (401, API_KEY_MISSING)


async def test_a1_before_a2_blank_api_key_and_bad_json(agent: Api) -> None:
    assert await answer(agent, None, agent.headers(apiKey="   "), content=b"[]") == (
        401, API_KEY_MISSING)


async def test_a2_before_a3_bad_json_with_valid_key(agent: Api) -> None:
    assert await answer(agent, None, content=b"[1, 2]") == (400, INVALID_JSON)


async def test_a2_before_a3_bad_json_with_wrong_key(agent: Api) -> None:
    assert await answer(agent, None, agent.headers(apiKey="wrong"), content=b'"x"') == (
        400, INVALID_JSON)


@pytest.mark.parametrize(
    "user_name", ["<missing>", None, "", "  ", "nobody-here", 42],
    ids=["missing", "null", "empty", "spaces", "unknown", "number-is-unknown"],
)
async def test_a3_before_a4_and_body_checks(agent: Api, user_name: Any) -> None:
    body: dict[str, Any] = {"agentId": "nobody", "email": ""}
    if user_name != "<missing>":
        body["userName"] = user_name
    before = await read_agent(agent)
    # No token either: A3 answers before A4.
    response = await agent.call("updateAgent", body, headers={"apiKey": agent.api_key},
                                with_user=False)
    assert (response.status_code, response.json()) == (401, INVALID_USER)
    assert await read_agent(agent) == before


async def test_a3_wrong_api_key_before_a4(agent: Api) -> None:
    status, data = await answer(agent, {"agentId": AGENT, "email": EMAIL},
                                {"apiKey": "not-the-key"})
    assert (status, data) == (401, INVALID_USER)


async def test_a3_other_accounts_api_key(agent: Api, make_api: Any) -> None:
    other: Api = await make_api("token")
    status, data = await answer(agent, {"agentId": AGENT, "email": EMAIL},
                                agent.headers(apiKey=other.api_key))
    assert (status, data) == (401, INVALID_USER)


@pytest.mark.parametrize("authorization", ["<none>", "Bearer", "Bearer ", "Bearer    "],
                         ids=["no-header", "bearer-only", "bearer-space", "bearer-spaces"])
async def test_a4_before_body_checks(agent: Api, authorization: str) -> None:
    headers = {"apiKey": agent.api_key}
    if authorization != "<none>":
        headers["Authorization"] = authorization
    status, data = await answer(agent, {"agentId": "nobody"}, headers)
    assert (status, data) == (401, TOKEN_MISSING)


async def test_a5_expired_token_before_body_checks(agent: Api) -> None:
    agent.clock.advance(3601)
    status, data = await answer(agent, {"agentId": "nobody", "email": ""})
    assert (status, data) == (401, TOKEN_EXPIRED)


@pytest.mark.parametrize("token", ["garbage", "a.b.c"], ids=["not-a-jwt", "malformed-jwt"])
async def test_a6_invalid_token_before_body_checks(agent: Api, token: str) -> None:
    status, data = await answer(agent, {"agentId": "nobody"},
                                agent.headers(Authorization=f"Bearer {token}"))
    assert (status, data) == (401, INVALID_TOKEN)


async def test_a6_superseded_token_before_body_checks(agent: Api) -> None:
    old = agent.headers()
    await agent.new_token()
    status, data = await answer(agent, {"agentId": "nobody"}, old)
    assert (status, data) == (401, INVALID_TOKEN)


async def test_basic_auth_ignores_authorization_so_body_checks_answer(basic_api: Api) -> None:
    status, data = await answer(basic_api, {"agentId": "nobody", "email": EMAIL},
                                basic_api.headers(Authorization="Bearer garbage"))
    assert (status, data) == ANSWERS[8]


# --- the rate limit (7): after authentication, before check 8 ---------------------------

async def spend_quota(api: Api) -> None:
    for _ in range(5):
        response = await api.call("updateAgent", {"agentId": AGENT, "email": EMAIL})
        assert response.status_code == 200, response.text


async def test_rate_limit_before_check_8(agent: Api) -> None:
    await spend_quota(agent)
    response = await agent.call("updateAgent", {"agentId": "nobody", "email": EMAIL})
    assert response.status_code == 429
    assert list(response.json().items()) == list(RATE_LIMITED.items())
    assert int(response.headers["retry-after"]) >= 1


async def test_rate_limit_before_every_body_check(agent: Api) -> None:
    await spend_quota(agent)
    before = await read_agent(agent)
    body, headers = request_breaking(agent, list(ANSWERS))
    assert await answer(agent, body, headers) == (429, RATE_LIMITED)
    assert await read_agent(agent) == before


async def test_rate_limited_valid_update_writes_nothing(agent: Api) -> None:
    await spend_quota(agent)
    before = await read_agent(agent)
    status, data = await answer(agent, {"agentId": AGENT, "email": EMAIL, "agentName": "Nope"})
    assert (status, data) == (429, RATE_LIMITED)
    assert await read_agent(agent) == before


async def test_failed_checks_count_toward_the_limit(agent: Api) -> None:
    for _ in range(5):
        assert (await answer(agent, {"agentId": "nobody"}))[0] == 404
    assert await answer(agent, {"agentId": AGENT, "email": EMAIL}) == (429, RATE_LIMITED)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer garbage"}, {"Authorization": "Bearer"}],
    ids=["missing-api-key", "invalid-token", "missing-token"],
)
async def test_authentication_before_rate_limit(agent: Api, headers: dict[str, str]) -> None:
    await spend_quota(agent)
    full = {"apiKey": agent.api_key, **headers} if headers else {}
    status, data = await answer(agent, {"agentId": AGENT, "email": EMAIL}, full)
    assert status == 401, data


async def test_failed_authentication_does_not_use_quota(agent: Api) -> None:
    for _ in range(6):
        status, _ = await answer(agent, {"agentId": AGENT, "email": EMAIL},
                                 agent.headers(Authorization="Bearer garbage"))
        assert status == 401
    for _ in range(5):
        assert (await answer(agent, {"agentId": AGENT, "email": EMAIL}))[0] == 200


async def test_bad_json_does_not_use_quota(agent: Api) -> None:
    for _ in range(6):
        assert await answer(agent, None, content=b"nope") == (400, INVALID_JSON)
    for _ in range(5):
        assert (await answer(agent, {"agentId": AGENT, "email": EMAIL}))[0] == 200
