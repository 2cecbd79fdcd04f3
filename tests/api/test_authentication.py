"""Spec 2.1: the authentication steps A1-A6, on every endpoint that runs them.

updateAgent, createAgent, deleteAgent and skill answer with the 2.1 bodies;
AgentDetails words A1 and A3 its own way (spec 8) and shares A2 and A4-A6.
"""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest

from agentdir.accounts.models import AuthMode
from agentdir.accounts.service import set_auth_mode
from agentdir.agents.repository import find_live_agent
from agentdir.catalog.repository import existing_names
from tests.conftest import ENDPOINTS, TEST_SECRET, Api

SHARED = ["updateAgent", "createAgent", "deleteAgent", "skill"]
ALL = [*SHARED, "AgentDetails"]


def _false(message: str) -> dict[str, Any]:
    return {"status": "false", "message": message, "data": None}


A1 = _false("Api Key Should Not be Null or Empty.")
A2 = _false("Invalid Json Pass Valid Json")
A3 = _false("Invalid User Details")
A4 = _false("Token Should Not be Null or Empty.")
A5 = _false("Token Expired")
A6 = _false("Invalid Token")
DETAILS_A1 = {"status": "error", "message": "apiKey should not be empty"}
DETAILS_A3A = {"status": "error", "message": "userName should not be empty"}
DETAILS_A3B = {"status": "error", "message": "userName or apiKey is Invalid"}


def a1(endpoint: str) -> dict[str, Any]:
    return DETAILS_A1 if endpoint == "AgentDetails" else A1


def a3_blank(endpoint: str) -> dict[str, Any]:
    return DETAILS_A3A if endpoint == "AgentDetails" else A3


def a3_invalid(endpoint: str) -> dict[str, Any]:
    return DETAILS_A3B if endpoint == "AgentDetails" else A3


def assert_answer(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    got = response.json()
    assert got == body
    assert list(got) == list(body), "keys out of the documented order"


def assert_no_limit_state(response: httpx.Response) -> None:
    for name in ("ratelimit", "ratelimit-policy", "x-ratelimit-remaining", "retry-after"):
        assert name not in response.headers


async def valid_body(api: Api, endpoint: str) -> dict[str, Any]:
    """A body that succeeds on `endpoint` once authentication passes (seeding what it needs)."""
    if endpoint == "updateAgent":
        await api.seed_agent("auth.upd")
        return {"agentId": "auth.upd", "email": "upd@example.com"}
    if endpoint == "createAgent":
        return {"agentId": "auth.new", "agentName": "New Agent", "password": "pw-123",
                "email": "new@example.com"}
    if endpoint == "deleteAgent":
        await api.seed_agent("auth.del")
        return {"agentId": "auth.del"}
    if endpoint == "skill":
        return {"skillName": "auth skill"}
    assert endpoint == "AgentDetails"
    return {}


def bearer(token: str) -> str:
    return f"Bearer {token}"


def claims_of(token: str) -> dict[str, Any]:
    payload: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return payload


# --- positive control --------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ALL)
async def test_valid_apikey_and_token_pass_authentication(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, body)
    assert response.status_code == 200, response.text


# --- A1 ----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ALL)
async def test_a1_apikey_header_missing(api: Api, endpoint: str) -> None:
    headers = api.headers()
    del headers["apiKey"]
    response = await api.call(endpoint, await valid_body(api, endpoint), headers=headers)
    assert_answer(response, 401, a1(endpoint))
    assert_no_limit_state(response)


@pytest.mark.parametrize("endpoint", ALL)
@pytest.mark.parametrize("blank", ["", " ", "   ", "\t"])
async def test_a1_apikey_header_blank(api: Api, endpoint: str, blank: str) -> None:
    response = await api.call(
        endpoint, await valid_body(api, endpoint), headers=api.headers(apiKey=blank)
    )
    assert_answer(response, 401, a1(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
async def test_a1_header_name_is_case_insensitive_as_http_requires(
    api: Api, endpoint: str
) -> None:
    headers = api.headers()
    headers["APIKEY"] = headers.pop("apiKey")
    response = await api.call(endpoint, await valid_body(api, endpoint), headers=headers)
    assert response.status_code == 200, response.text


# --- A2 ----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ALL)
@pytest.mark.parametrize(
    "raw", [b"", b"{", b"not json", b"[]", b'[{"userName": "x"}]', b'"text"', b"42", b"null",
            b"true", b'{"userName": "x",}'],
    ids=["empty", "truncated", "garbage", "empty-array", "array", "string", "number", "null",
         "bool", "trailing-comma"],
)
async def test_a2_body_not_a_json_object(api: Api, endpoint: str, raw: bytes) -> None:
    response = await api.call(endpoint, content=raw)
    assert_answer(response, 400, A2)  # AgentDetails does not reword A2
    assert_no_limit_state(response)


@pytest.mark.parametrize("endpoint", ALL)
@pytest.mark.parametrize(
    "raw", [b'{"userName": "\xff\xfe"}', b"\xef\xbb\xbf{}", b"[" * 60000, b"{}{}", b"{} x"],
    ids=["invalid-utf8", "utf8-bom", "deeply-nested-array", "two-objects", "trailing-garbage"],
)
async def test_a2_edge_bodies_are_invalid_json_not_a_fault(
    api: Api, endpoint: str, raw: bytes
) -> None:
    response = await api.call(endpoint, content=raw)
    assert_answer(response, 400, A2)


@pytest.mark.parametrize("endpoint", ALL)
async def test_a3_non_ascii_apikey_is_wrong_not_a_fault(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    headers = [(b"apiKey", b"\xff\xfekey"), (b"Authorization", f"Bearer {api.token}".encode())]
    method, path = ENDPOINTS[endpoint]
    response = await api.client.request(
        method, path, headers=headers,
        content=httpx.Request("POST", "/", json={"userName": api.user_name, **body}).content,
    )
    assert_answer(response, 401, a3_invalid(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
async def test_a2_body_parsed_as_json_whatever_the_content_type(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.client.request(
        *_method_path(endpoint),
        content=httpx.Request("POST", "/", json={"userName": api.user_name, **body}).content,
        headers=api.headers(**{"Content-Type": "text/plain"}),
    )
    assert response.status_code == 200, response.text


def _method_path(endpoint: str) -> tuple[str, str]:
    return ENDPOINTS[endpoint]


# --- A3 ----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ALL)
async def test_a3_username_missing(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, body, with_user=False)
    assert_answer(response, 401, a3_blank(endpoint))
    assert_no_limit_state(response)


@pytest.mark.parametrize("endpoint", ALL)
async def test_a3_username_null_is_treated_as_blank(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, {"userName": None, **body})
    assert_answer(response, 401, a3_blank(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
@pytest.mark.parametrize("blank", ["", " ", "  \t "])
async def test_a3_username_blank(api: Api, endpoint: str, blank: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, {"userName": blank, **body})
    assert_answer(response, 401, a3_blank(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
@pytest.mark.parametrize("value", [42, 1.5, True, ["x"], {"name": "x"}],
                         ids=["int", "float", "bool", "array", "object"])
async def test_a3_username_not_a_string_is_unknown(
    api: Api, endpoint: str, value: Any
) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, {"userName": value, **body})
    assert_answer(response, 401, a3_invalid(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
async def test_a3_username_unknown(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, {"userName": "nobody-" + api.user_name, **body})
    assert_answer(response, 401, a3_invalid(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
async def test_a3_username_is_case_sensitive_and_not_trimmed(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    for variant in (api.user_name.upper(), f" {api.user_name}", f"{api.user_name} "):
        response = await api.call(endpoint, {"userName": variant, **body})
        assert_answer(response, 401, a3_invalid(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
async def test_a3_wrong_apikey(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, body, headers=api.headers(apiKey="wrong-" + api.api_key))
    assert_answer(response, 401, a3_invalid(endpoint))
    assert_no_limit_state(response)


@pytest.mark.parametrize("endpoint", ALL)
async def test_a3_apikey_of_another_account(api: Api, make_api: Any, endpoint: str) -> None:
    other = await make_api("token")
    body = await valid_body(api, endpoint)
    # Our userName and token, the other account's (valid) apiKey.
    response = await api.call(endpoint, body, headers=api.headers(apiKey=other.api_key))
    assert_answer(response, 401, a3_invalid(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
async def test_a3_another_accounts_username_with_our_apikey(
    api: Api, make_api: Any, endpoint: str
) -> None:
    other = await make_api("token")
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, {"userName": other.user_name, **body},
                              headers=api.headers(Authorization=bearer(other.token or "")))
    assert_answer(response, 401, a3_invalid(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
async def test_a3_basic_auth_account_wrong_apikey(basic_api: Api, endpoint: str) -> None:
    body = await valid_body(basic_api, endpoint)
    response = await basic_api.call(endpoint, body, headers={"apiKey": "wrong"})
    assert_answer(response, 401, a3_invalid(endpoint))


# --- A4 ----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ALL)
async def test_a4_token_auth_without_authorization_header(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, body, headers={"apiKey": api.api_key})
    assert_answer(response, 401, A4)
    assert_no_limit_state(response)


@pytest.mark.parametrize("endpoint", ALL)
@pytest.mark.parametrize("value", ["Bearer ", "Bearer", "Bearer    ", "", "  "],
                         ids=["bearer-space", "bearer-alone", "bearer-spaces", "empty", "blank"])
async def test_a4_bearer_with_empty_value(api: Api, endpoint: str, value: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, body, headers=api.headers(Authorization=value))
    assert_answer(response, 401, A4)


# --- A5 ----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ALL)
async def test_a5_token_expired_after_3600_seconds(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    api.clock.advance(3600)
    response = await api.call(endpoint, body)
    assert_answer(response, 401, A5)
    assert_no_limit_state(response)


@pytest.mark.parametrize("endpoint", ALL)
async def test_a5_token_still_valid_one_second_before_expiry(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    api.clock.advance(3599)
    response = await api.call(endpoint, body)
    assert response.status_code == 200, response.text


async def test_a5_token_long_expired(api: Api) -> None:
    api.clock.advance(10 * 86400)
    response = await api.call("AgentDetails", {})
    assert_answer(response, 401, A5)


async def test_a5_needs_a_valid_signature_expired_forgery_is_invalid_token(api: Api) -> None:
    claims = claims_of(api.token or "")
    forged = jwt.encode(claims, "another-secret-" + "y" * 60, algorithm="HS512")
    api.clock.advance(7200)
    response = await api.call("updateAgent", {"agentId": "x1", "email": "x@example.com"},
                              headers=api.headers(Authorization=bearer(forged)))
    assert_answer(response, 401, A6)


async def test_a5_a_fresh_token_after_expiry_works_again(api: Api) -> None:
    api.clock.advance(4000)
    assert (await api.call("AgentDetails", {})).status_code == 401
    await api.new_token()
    response = await api.call("AgentDetails", {})
    assert response.status_code == 200, response.text


# --- A6 ----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ALL)
@pytest.mark.parametrize(
    "token",
    ["garbage", "a.b.c", "eyJhbGciOiJIUzUxMiJ9.e30", "eyJhbGciOiJIUzUxMiJ9.e30.AAAA"],
    ids=["garbage", "three-parts", "two-parts", "bad-signature-empty-claims"],
)
async def test_a6_malformed_token(api: Api, endpoint: str, token: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, body, headers=api.headers(Authorization=bearer(token)))
    assert_answer(response, 401, A6)
    assert_no_limit_state(response)


@pytest.mark.parametrize("endpoint", ALL)
async def test_a6_token_signed_with_another_secret(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    forged = jwt.encode(claims_of(api.token or ""), "other-secret-" + "z" * 64,
                        algorithm="HS512")
    response = await api.call(endpoint, body, headers=api.headers(Authorization=bearer(forged)))
    assert_answer(response, 401, A6)


@pytest.mark.parametrize("endpoint", ALL)
async def test_a6_token_with_tampered_claims(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    header, _payload, signature = (api.token or "").split(".")
    other_payload = jwt.encode(
        {**claims_of(api.token or ""), "exp": claims_of(api.token or "")["exp"] + 99999},
        "k" * 64, algorithm="HS512",
    ).split(".")[1]
    tampered = f"{header}.{other_payload}.{signature}"
    response = await api.call(endpoint, body, headers=api.headers(Authorization=bearer(tampered)))
    assert_answer(response, 401, A6)


async def test_a6_same_secret_but_other_algorithm_is_invalid(api: Api) -> None:
    forged = jwt.encode(claims_of(api.token or ""), TEST_SECRET, algorithm="HS256")
    response = await api.call("AgentDetails", {},
                              headers=api.headers(Authorization=bearer(forged)))
    assert_answer(response, 401, A6)


async def test_a6_unsigned_alg_none_token_is_invalid(api: Api) -> None:
    forged = jwt.encode(claims_of(api.token or ""), None, algorithm="none")
    response = await api.call("AgentDetails", {},
                              headers=api.headers(Authorization=bearer(forged)))
    assert_answer(response, 401, A6)


async def test_a6_correctly_signed_token_with_wrong_generation_is_invalid(api: Api) -> None:
    claims = claims_of(api.token or "")
    generation_claims = [k for k in claims if k not in {"sub", "iat", "exp"}]
    assert generation_claims
    for key in generation_claims:
        forged = jwt.encode({**claims, key: claims[key] + 1}, TEST_SECRET, algorithm="HS512")
        response = await api.call("AgentDetails", {},
                                  headers=api.headers(Authorization=bearer(forged)))
        assert_answer(response, 401, A6)


async def test_a6_correctly_signed_token_without_required_claims_is_invalid(api: Api) -> None:
    claims = claims_of(api.token or "")
    for drop in claims:
        partial = {k: v for k, v in claims.items() if k != drop}
        forged = jwt.encode(partial, TEST_SECRET, algorithm="HS512")
        response = await api.call("AgentDetails", {},
                                  headers=api.headers(Authorization=bearer(forged)))
        assert_answer(response, 401, A6)


@pytest.mark.parametrize("endpoint", ALL)
async def test_a6_token_of_another_account(api: Api, make_api: Any, endpoint: str) -> None:
    other = await make_api("token")
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, body,
                              headers=api.headers(Authorization=bearer(other.token or "")))
    assert_answer(response, 401, A6)


@pytest.mark.parametrize("endpoint", ALL)
async def test_a6_token_superseded_by_a_newer_token(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    old = api.token or ""
    new = await api.new_token()
    assert new != old
    response = await api.call(endpoint, body, headers=api.headers(Authorization=bearer(old)))
    assert_answer(response, 401, A6)
    response = await api.call(endpoint, body, headers=api.headers(Authorization=bearer(new)))
    assert response.status_code == 200, response.text


async def test_a6_token_issued_while_basic_auth_is_rejected_after_a_newer_one(
    basic_api: Api,
) -> None:
    # A superseded token is invalid whatever mode the account was in when it was issued:
    # use it on a TOKEN_AUTH account of which it is not the current token.
    first = await basic_api.new_token()
    await basic_api.new_token()
    await set_auth_mode(basic_api.services.db, user_name=basic_api.user_name,
                        auth_mode=AuthMode.TOKEN)
    response = await basic_api.call("AgentDetails", {},
                                    headers=basic_api.headers(Authorization=bearer(first)))
    assert_answer(response, 401, A6)


@pytest.mark.parametrize("endpoint", ALL)
async def test_a6_other_authorization_scheme_is_invalid_token(api: Api, endpoint: str) -> None:
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, body,
                              headers=api.headers(Authorization=f"Basic {api.token}"))
    assert_answer(response, 401, A6)


async def test_bearer_scheme_is_case_insensitive_rfc7235_reading(api: Api) -> None:
    response = await api.call("AgentDetails", {},
                              headers=api.headers(Authorization=f"bearer {api.token}"))
    assert response.status_code == 200, response.text


# --- BASIC_AUTH ignores Authorization ---------------------------------------------------


@pytest.mark.parametrize("endpoint", ALL)
@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer ", "Bearer garbage", "Basic dXNlcjpwYXNz", "complete nonsense \x7e"],
    ids=["absent", "empty", "bearer-empty", "bearer-garbage", "basic", "nonsense"],
)
async def test_basic_auth_ignores_authorization(
    basic_api: Api, endpoint: str, authorization: str | None
) -> None:
    body = await valid_body(basic_api, endpoint)
    headers = {"apiKey": basic_api.api_key}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = await basic_api.call(endpoint, body, headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("endpoint", ALL)
async def test_basic_auth_ignores_expired_or_foreign_tokens(
    basic_api: Api, make_api: Any, endpoint: str
) -> None:
    other = await make_api("token")
    own = await basic_api.new_token()
    body = await valid_body(basic_api, endpoint)
    basic_api.clock.advance(7200)  # both tokens now expired
    for token in (own, other.token or ""):
        headers = {"apiKey": basic_api.api_key, "Authorization": bearer(token)}
        response = await basic_api.call(endpoint, body, headers=headers)
        assert response.status_code == 200, response.text
        body = await valid_body_again(basic_api, endpoint, body)


async def valid_body_again(api: Api, endpoint: str, previous: dict[str, Any]) -> dict[str, Any]:
    """A second succeeding body after `previous` succeeded once."""
    if endpoint == "createAgent":
        return {**previous, "agentId": previous["agentId"] + "2"}
    if endpoint == "deleteAgent":
        await api.seed_agent(previous["agentId"] + "2")
        return {"agentId": previous["agentId"] + "2"}
    if endpoint == "skill":
        return {"skillName": previous["skillName"] + " 2"}
    return previous


# --- order of the steps -------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ALL)
async def test_order_a1_before_a2_missing_apikey_and_invalid_json(
    api: Api, endpoint: str
) -> None:
    response = await api.call(endpoint, content=b"{broken",
                              headers={"Authorization": bearer(api.token or "")})
    assert_answer(response, 401, a1(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
async def test_order_a2_before_a3_invalid_json_and_wrong_apikey(api: Api, endpoint: str) -> None:
    response = await api.call(endpoint, content=b"[1, 2]", headers={"apiKey": "wrong"})
    assert_answer(response, 400, A2)


@pytest.mark.parametrize("endpoint", ALL)
async def test_order_a3_before_a4_unknown_user_and_no_token(api: Api, endpoint: str) -> None:
    response = await api.call(endpoint, {"userName": "nobody-" + api.user_name},
                              headers={"apiKey": api.api_key})
    assert_answer(response, 401, a3_invalid(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
async def test_order_a3_before_a6_wrong_apikey_and_garbage_token(api: Api, endpoint: str) -> None:
    response = await api.call(endpoint, {}, headers={"apiKey": "wrong",
                                                     "Authorization": "Bearer garbage"})
    assert_answer(response, 401, a3_invalid(endpoint))


@pytest.mark.parametrize("endpoint", ALL)
async def test_order_a5_before_a6_expired_and_superseded_token(api: Api, endpoint: str) -> None:
    # The spec runs the steps in order: an expired token answers A5 even if it is also
    # superseded (a newer token exists); the newer one is then still good.
    old = api.token or ""
    api.clock.advance(3000)
    await api.new_token()
    api.clock.advance(700)  # old expired (3700 s), new still valid (700 s)
    body = await valid_body(api, endpoint)
    response = await api.call(endpoint, body, headers=api.headers(Authorization=bearer(old)))
    assert_answer(response, 401, A5)
    response = await api.call(endpoint, body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("endpoint", ALL)
async def test_authentication_runs_before_the_endpoints_own_checks(
    api: Api, endpoint: str
) -> None:
    # An empty body object passes A2; with no token it must answer A4, not a field error.
    response = await api.call(endpoint, {}, headers={"apiKey": api.api_key})
    assert_answer(response, 401, A4)


# --- a refused request changes nothing --------------------------------------------------


@pytest.mark.parametrize("endpoint", ["createAgent", "updateAgent", "deleteAgent", "skill"])
async def test_failed_authentication_writes_nothing(api: Api, endpoint: str) -> None:
    await api.seed_agent("keep.me", agentName="Kept Name")
    bodies = {
        "createAgent": {"agentId": "not.created", "agentName": "Nope", "password": "pw-123",
                        "email": "n@example.com"},
        "updateAgent": {"agentId": "keep.me", "email": "new@example.com",
                        "agentName": "Changed Name"},
        "deleteAgent": {"agentId": "keep.me"},
        "skill": {"skillName": "not created", "agents": [{"agentId": "keep.me",
                                                         "priority": 1}]},
    }
    response = await api.call(endpoint, bodies[endpoint],
                              headers=api.headers(Authorization="Bearer garbage"))
    assert_answer(response, 401, A6)
    db = api.services.db
    async with db.read() as conn:
        kept = await find_live_agent(conn, api.caller.account.id, "keep.me")
        created = await find_live_agent(conn, api.caller.account.id, "not.created")
        skills = await existing_names(conn, "skill", api.caller.account.id, ["not created"])
    assert kept is not None
    assert kept.agent_name == "Kept Name"
    assert kept.email == "keep.me@example.com"
    assert kept.version == 1
    assert kept.skills == {}
    assert created is None
    assert skills == set()
