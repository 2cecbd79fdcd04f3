"""Spec 3: generateToken, rows T1-T5 and ok, and the token rules."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import jwt
import pytest

from agentdir.app import create_app
from agentdir.bootstrap import build_services
from agentdir.settings import Settings
from tests.conftest import ENDPOINTS, TEST_SECRET, Api

PATH = ENDPOINTS["generateToken"][1]

T1 = {"status": "false", "message": "Api Key Should Not be Null or Empty.", "data": None}
T2 = {"status": "false", "message": "Invalid Json Pass Valid Json", "data": None}
T3 = {"status": "false", "message": "UserName is null", "data": None}
T4 = {"status": "false", "message": "Invalid userName or apiKey", "data": None}
T5 = {"status": "error", "message": "Max limit exceeded"}
INVALID_TOKEN = {"status": "false", "message": "Invalid Token", "data": None}


def assert_answer(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    got = response.json()
    assert got == body
    assert list(got) == list(body), "keys out of the documented order"


async def generate(api: Api, body: Any = None, *, headers: dict[str, str] | None = None,
                   content: bytes | None = None) -> httpx.Response:
    if content is None:
        content = httpx.Request("POST", "/", json=(
            {"userName": api.user_name} if body is None else body)).content
    return await api.client.post(
        PATH, content=content,
        headers={"apiKey": api.api_key} if headers is None else headers,
    )


@pytest.fixture
async def fresh(make_api: Any) -> Api:
    """A TOKEN_AUTH account that has not been issued a token yet (quota untouched)."""
    result: Api = await make_api("token", token=False)
    return result


def generation_of(token: str) -> int:
    """The per-account generation claim, whatever its name (the spec does not name it)."""
    claims = jwt.decode(token, options={"verify_signature": False})
    extra = [v for k, v in claims.items() if k not in {"sub", "iat", "exp"}
             and isinstance(v, int) and not isinstance(v, bool)]
    assert len(extra) == 1, claims
    return int(extra[0])


# --- ok ----------------------------------------------------------------------------


async def test_ok_answers_token_and_empty_message(fresh: Api) -> None:
    response = await generate(fresh)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["token", "message"]
    assert body["message"] == ""
    assert isinstance(body["token"], str)
    assert body["token"].count(".") == 2


async def test_token_is_hs512_jwt_with_documented_claims(fresh: Api) -> None:
    now = int(fresh.clock.now())
    token = (await generate(fresh)).json()["token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS512"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == fresh.user_name
    assert claims["iat"] == now
    assert claims["exp"] == claims["iat"] + 3600
    extra = {k: v for k, v in claims.items() if k not in {"sub", "iat", "exp"}}
    assert any(isinstance(v, int) and not isinstance(v, bool) for v in extra.values()), (
        "no per-account generation claim"
    )


async def test_token_signed_with_the_configured_secret_bytes_as_is(fresh: Api) -> None:
    token = (await generate(fresh)).json()["token"]
    claims = jwt.decode(token, TEST_SECRET.encode("utf-8"), algorithms=["HS512"],
                        options={"verify_exp": False})
    assert claims["sub"] == fresh.user_name
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "some-other-secret-" + "q" * 60, algorithms=["HS512"],
                   options={"verify_exp": False})


async def test_generation_claim_grows_with_each_token(fresh: Api) -> None:
    first = jwt.decode((await generate(fresh)).json()["token"],
                       options={"verify_signature": False})
    fresh.clock.advance(1)
    second = jwt.decode((await generate(fresh)).json()["token"],
                        options={"verify_signature": False})
    changed = [k for k in first if k not in {"sub", "iat", "exp"} and first[k] != second[k]]
    assert changed, "the generation claim did not change"
    for key in changed:
        assert second[key] > first[key]


async def test_issued_token_works_on_token_auth_endpoints(fresh: Api) -> None:
    fresh.token = (await generate(fresh)).json()["token"]
    response = await fresh.call("AgentDetails", {})
    assert response.status_code == 200, response.text


async def test_iat_follows_the_clock(fresh: Api) -> None:
    fresh.clock.advance(1234)
    token = (await generate(fresh)).json()["token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iat"] == int(fresh.clock.now())
    assert claims["exp"] == int(fresh.clock.now()) + 3600


async def test_newer_token_revokes_older_at_once(api: Api) -> None:
    await api.seed_agent("rev.one")
    old = api.token
    body = {"agentId": "rev.one", "email": "r@example.com"}
    assert (await api.call("updateAgent", body)).status_code == 200
    new = (await generate(api)).json()["token"]
    response = await api.call("updateAgent", body,
                              headers={"apiKey": api.api_key, "Authorization": f"Bearer {old}"})
    assert_answer(response, 401, INVALID_TOKEN)
    response = await api.call("updateAgent", body,
                              headers={"apiKey": api.api_key, "Authorization": f"Bearer {new}"})
    assert response.status_code == 200, response.text


async def test_only_the_latest_of_many_tokens_is_valid(fresh: Api) -> None:
    tokens = [(await generate(fresh)).json()["token"] for _ in range(4)]
    for index, token in enumerate(tokens):
        response = await fresh.call("AgentDetails", {}, headers={
            "apiKey": fresh.api_key, "Authorization": f"Bearer {token}"})
        if index == len(tokens) - 1:
            assert response.status_code == 200, response.text
        else:
            assert_answer(response, 401, INVALID_TOKEN)


async def test_two_tokens_in_the_same_second_differ_and_only_the_last_works(fresh: Api) -> None:
    first = (await generate(fresh)).json()["token"]
    second = (await generate(fresh)).json()["token"]
    assert first != second
    response = await fresh.call("AgentDetails", {}, headers={
        "apiKey": fresh.api_key, "Authorization": f"Bearer {first}"})
    assert_answer(response, 401, INVALID_TOKEN)


async def test_tokens_issued_for_basic_auth_accounts(basic_api: Api) -> None:
    response = await generate(basic_api)
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    assert jwt.decode(token, options={"verify_signature": False})["sub"] == basic_api.user_name
    # Not required on BASIC_AUTH: the account still works without it.
    assert (await basic_api.call("AgentDetails", {}, headers={"apiKey": basic_api.api_key})
            ).status_code == 200


async def test_generate_token_needs_no_authorization_even_with_garbage(fresh: Api) -> None:
    response = await generate(fresh, headers={"apiKey": fresh.api_key,
                                              "Authorization": "Bearer garbage"})
    assert response.status_code == 200, response.text


async def test_generate_token_with_an_expired_token_present_still_works(api: Api) -> None:
    api.clock.advance(7200)
    response = await generate(api, headers=api.headers())
    assert response.status_code == 200, response.text


# --- T1 ----------------------------------------------------------------------------


async def test_t1_apikey_missing(fresh: Api) -> None:
    assert_answer(await generate(fresh, headers={}), 401, T1)


@pytest.mark.parametrize("blank", ["", " ", "\t  "])
async def test_t1_apikey_blank(fresh: Api, blank: str) -> None:
    assert_answer(await generate(fresh, headers={"apiKey": blank}), 401, T1)


async def test_t1_before_t2_missing_apikey_and_invalid_json(fresh: Api) -> None:
    assert_answer(await generate(fresh, headers={}, content=b"{oops"), 401, T1)


# --- T2 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"[]", b'["userName"]', b'"x"', b"1", b"null"],
    ids=["empty", "truncated", "empty-array", "array", "string", "number", "null"],
)
async def test_t2_body_not_a_json_object(fresh: Api, raw: bytes) -> None:
    assert_answer(await generate(fresh, content=raw), 400, T2)


async def test_t2_before_t4_invalid_json_and_wrong_apikey(fresh: Api) -> None:
    assert_answer(await generate(fresh, headers={"apiKey": "wrong"}, content=b"[]"), 400, T2)


# --- T3 ----------------------------------------------------------------------------


async def test_t3_username_key_missing(fresh: Api) -> None:
    assert_answer(await generate(fresh, {}), 400, T3)


async def test_t3_username_null(fresh: Api) -> None:
    assert_answer(await generate(fresh, {"userName": None}), 400, T3)


@pytest.mark.parametrize("blank", ["", " ", " \t "])
async def test_t3_username_blank(fresh: Api, blank: str) -> None:
    assert_answer(await generate(fresh, {"userName": blank}), 400, T3)


async def test_t3_before_t4_missing_username_and_wrong_apikey(fresh: Api) -> None:
    assert_answer(await generate(fresh, {}, headers={"apiKey": "wrong"}), 400, T3)


# --- T4 ----------------------------------------------------------------------------


async def test_t4_unknown_username(fresh: Api) -> None:
    assert_answer(await generate(fresh, {"userName": "nobody-" + fresh.user_name}), 401, T4)


async def test_t4_wrong_apikey(fresh: Api) -> None:
    assert_answer(await generate(fresh, headers={"apiKey": fresh.api_key + "x"}), 401, T4)


async def test_t4_apikey_of_another_account(fresh: Api, make_api: Any) -> None:
    other = await make_api("token", token=False)
    assert_answer(await generate(fresh, headers={"apiKey": other.api_key}), 401, T4)


@pytest.mark.parametrize("value", [7, True, ["x"], {"a": 1}], ids=["int", "bool", "array", "obj"])
async def test_t4_username_not_a_string_is_unknown(fresh: Api, value: Any) -> None:
    assert_answer(await generate(fresh, {"userName": value}), 401, T4)


async def test_t4_username_is_not_trimmed(fresh: Api) -> None:
    assert_answer(await generate(fresh, {"userName": f" {fresh.user_name} "}), 401, T4)


async def test_t4_does_not_revoke_the_current_token(api: Api) -> None:
    assert_answer(await generate(api, headers={"apiKey": "wrong"}), 401, T4)
    assert (await api.call("AgentDetails", {})).status_code == 200


# --- T5 and the limit's headers ------------------------------------------------------


async def test_t5_eleventh_token_within_an_hour_is_refused(fresh: Api) -> None:
    for _ in range(10):
        assert (await generate(fresh)).status_code == 200
        fresh.clock.advance(60)
    response = await generate(fresh)
    assert_answer(response, 429, T5)


async def test_t5_refusal_carries_retry_after_until_the_oldest_leaves(fresh: Api) -> None:
    for _ in range(10):
        assert (await generate(fresh)).status_code == 200
        fresh.clock.advance(10)
    # Ten tokens at t = 0, 10, ..., 90; now t = 100: a slot frees at t = 3600.
    response = await generate(fresh)
    assert_answer(response, 429, T5)
    assert response.headers["retry-after"] == "3500"
    assert response.headers["ratelimit"] == '"generateToken";r=0;t=3500'
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert response.headers["x-ratelimit-reset"] == "3500"


async def test_t5_allowed_again_once_the_oldest_leaves_the_window(fresh: Api) -> None:
    for _ in range(10):
        assert (await generate(fresh)).status_code == 200
        fresh.clock.advance(10)
    fresh.clock.advance(3600 - 100 - 1)  # t = 3599: the first is still inside
    assert (await generate(fresh)).status_code == 429
    fresh.clock.advance(1)  # t = 3600: the first (t = 0) has left (now - 3600, now]
    response = await generate(fresh)
    assert response.status_code == 200, response.text
    assert (await generate(fresh)).status_code == 429  # the one at t = 10 still counts


async def test_t5_refused_request_does_not_revoke_the_current_token(fresh: Api) -> None:
    for _ in range(10):
        fresh.token = (await generate(fresh)).json()["token"]
    assert (await generate(fresh)).status_code == 429
    response = await fresh.call("AgentDetails", {})
    assert response.status_code == 200, response.text


async def test_t5_refused_requests_do_not_count(fresh: Api) -> None:
    for _ in range(10):
        assert (await generate(fresh)).status_code == 200
    fresh.clock.advance(1800)
    for _ in range(5):
        assert (await generate(fresh)).status_code == 429
    fresh.clock.advance(1800)  # the ten leave; refusals at t = 1800 must not block
    for _ in range(10):
        assert (await generate(fresh)).status_code == 200


async def test_t5_failed_credentials_do_not_use_the_quota(fresh: Api) -> None:
    for _ in range(15):
        assert (await generate(fresh, headers={"apiKey": "guess"})).status_code == 401
        assert (await generate(fresh, {})).status_code == 400
    for _ in range(10):
        assert (await generate(fresh)).status_code == 200


async def test_t5_quota_is_per_account(fresh: Api, make_api: Any) -> None:
    for _ in range(10):
        assert (await generate(fresh)).status_code == 200
    assert (await generate(fresh)).status_code == 429
    other = await make_api("token", token=False)
    assert (await generate(other)).status_code == 200


async def test_t5_applies_to_basic_auth_accounts_too(basic_api: Api) -> None:
    for _ in range(10):
        assert (await generate(basic_api)).status_code == 200
    assert_answer(await generate(basic_api), 429, T5)


async def test_rate_limit_headers_on_generate_token(fresh: Api) -> None:
    for index in range(10):
        response = await generate(fresh)
        assert response.status_code == 200
        assert response.headers["ratelimit-policy"] == '"generateToken";q=10;w=3600'
        assert response.headers["x-ratelimit-limit"] == "10"
        remaining = 9 - index
        reset = 3600 - 5 * index  # the oldest counted is the first, at t = 0
        assert response.headers["ratelimit"] == f'"generateToken";r={remaining};t={reset}'
        assert response.headers["x-ratelimit-remaining"] == str(remaining)
        assert response.headers["x-ratelimit-reset"] == str(reset)
        assert "retry-after" not in response.headers
        fresh.clock.advance(5)


async def test_credential_failures_carry_no_limit_state(fresh: Api) -> None:
    for response in (await generate(fresh, headers={"apiKey": "nope"}),
                     await generate(fresh, {}), await generate(fresh, headers={})):
        assert "ratelimit" not in response.headers
        assert "x-ratelimit-remaining" not in response.headers


async def test_concurrent_tokens_get_distinct_generations_and_one_survives(fresh: Api) -> None:
    responses = await asyncio.gather(*(generate(fresh) for _ in range(6)))
    assert all(r.status_code == 200 for r in responses)
    tokens = [r.json()["token"] for r in responses]
    generations = [generation_of(t) for t in tokens]
    assert len(set(generations)) == 6
    valid = []
    for token in tokens:
        response = await fresh.call("AgentDetails", {}, headers={
            "apiKey": fresh.api_key, "Authorization": f"Bearer {token}"})
        if response.status_code == 200:
            valid.append(token)
        else:
            assert_answer(response, 401, INVALID_TOKEN)
    assert valid == [tokens[generations.index(max(generations))]]


async def test_revocation_reaches_every_worker_at_once(
    settings: Settings, api: Api
) -> None:
    # A second worker (own services, own caches) on the same deployment.
    second = await build_services(settings, clock=api.clock)
    try:
        app = create_app(settings, services=second)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://worker-2.test") as other_worker:
            worker_2 = Api(other_worker, second, api.clock, user_name=api.user_name,
                           api_key=api.api_key, auth=api.auth, caller=api.caller)
            worker_2.token = api.token
            assert (await worker_2.call("AgentDetails", {})).status_code == 200
            new = (await generate(api)).json()["token"]  # issued on worker 1
            assert_answer(await worker_2.call("AgentDetails", {}), 401, INVALID_TOKEN)
            worker_2.token = new
            assert (await worker_2.call("AgentDetails", {})).status_code == 200
    finally:
        await second.close()
