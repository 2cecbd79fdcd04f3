"""Spec 4: rate limits per account and endpoint over a rolling window, and their headers."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from agentdir.accounts.models import AuthMode
from agentdir.accounts.service import create_account
from agentdir.app import create_app
from agentdir.auth.service import Caller
from agentdir.bootstrap import build_services
from agentdir.clock import ManualClock
from agentdir.ratelimit.policy import DEFAULT_LIMITS, Limit, parse_limit_overrides
from agentdir.settings import Settings, SettingsError, load_settings
from tests.conftest import Api, unique_name

LIMITS = {
    "updateAgent": (5, 60),
    "createAgent": (5, 60),
    "deleteAgent": (5, 60),
    "AgentDetails": (10, 60),
    "skill": (10, 60),
    "generateToken": (10, 3600),
}
LIMITED = {"status": "error", "message": "Max limit exceeded"}
DETAILS_LIMITED = {"message": "Max limit exceeded", "status": "error"}


def limited_body(endpoint: str) -> dict[str, str]:
    return DETAILS_LIMITED if endpoint == "AgentDetails" else LIMITED


class Requests:
    """Makes the i-th successful request of an endpoint for one account."""

    def __init__(self, api: Api, endpoint: str) -> None:
        self.api = api
        self.endpoint = endpoint
        self.count = 0

    async def send(self) -> httpx.Response:
        i = self.count
        self.count += 1
        api, endpoint = self.api, self.endpoint
        if endpoint == "updateAgent":
            if i == 0:
                await api.seed_agent("rl.agent")
            body: dict[str, Any] = {"agentId": "rl.agent", "email": f"e{i}@example.com"}
        elif endpoint == "createAgent":
            body = {"agentId": f"rl.c{i}", "agentName": "Limit Test", "password": "pw-123",
                    "email": f"c{i}@example.com"}
        elif endpoint == "deleteAgent":
            await api.seed_agent(f"rl.d{i}")
            body = {"agentId": f"rl.d{i}"}
        elif endpoint == "AgentDetails":
            body = {}
        elif endpoint == "skill":
            body = {"skillName": f"rl skill {i}"}
        else:
            assert endpoint == "generateToken"
            return await api.call("generateToken", {}, headers={"apiKey": api.api_key})
        return await api.call(endpoint, body)


def assert_state(response: httpx.Response, endpoint: str, *, limit: int, window: int,
                 remaining: int, reset: int) -> None:
    h = response.headers
    assert h["ratelimit-policy"] == f'"{endpoint}";q={limit};w={window}'
    assert h["ratelimit"] == f'"{endpoint}";r={remaining};t={reset}'
    assert h["x-ratelimit-limit"] == str(limit)
    assert h["x-ratelimit-remaining"] == str(remaining)
    assert h["x-ratelimit-reset"] == str(reset)


def assert_refused(response: httpx.Response, endpoint: str, retry_after: int) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body == limited_body(endpoint)
    assert list(body) == list(limited_body(endpoint))
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["retry-after"] == str(retry_after)
    limit, window = LIMITS[endpoint]
    assert_state(response, endpoint, limit=limit, window=window, remaining=0, reset=retry_after)


@pytest.fixture
async def account(make_api: Any) -> Api:
    """A TOKEN_AUTH account whose generateToken quota holds the one token of setup."""
    result: Api = await make_api("token")
    return result


async def quota_api(make_api: Any, endpoint: str) -> Api:
    # generateToken is measured on an account that has not used any of its quota.
    api: Api = await make_api("token", token=endpoint != "generateToken")
    return api


# --- the table: each endpoint's limit, headers, refusal and recovery -----------------


@pytest.mark.parametrize("endpoint", list(LIMITS))
async def test_limit_of_the_table(make_api: Any, endpoint: str) -> None:
    limit, window = LIMITS[endpoint]
    api = await quota_api(make_api, endpoint)
    requests = Requests(api, endpoint)
    for index in range(limit):
        response = await requests.send()
        assert response.status_code == 200, response.text
        assert_state(response, endpoint, limit=limit, window=window,
                     remaining=limit - 1 - index, reset=window - index)
        assert "retry-after" not in response.headers
        api.clock.advance(1)
    # now t = limit; the oldest (t = 0) leaves at t = window
    assert_refused(await requests.send(), endpoint, retry_after=window - limit)
    api.clock.advance(window - limit)
    response = await requests.send()
    assert response.status_code == 200, response.text
    # the one at t = 1 still counts, and leaves in one second
    assert_state(response, endpoint, limit=limit, window=window, remaining=0, reset=1)
    assert_refused(await requests.send(), endpoint, retry_after=1)


@pytest.mark.parametrize("endpoint", list(LIMITS))
async def test_limit_reached_in_one_instant(make_api: Any, endpoint: str) -> None:
    limit, window = LIMITS[endpoint]
    api = await quota_api(make_api, endpoint)
    requests = Requests(api, endpoint)
    for _ in range(limit):
        assert (await requests.send()).status_code == 200
    assert_refused(await requests.send(), endpoint, retry_after=window)


async def test_five_updates_report_remaining_4_3_2_1_0(account: Api) -> None:
    await account.seed_agent("five.up")
    seen = []
    for i in range(5):
        response = await account.call("updateAgent",
                                      {"agentId": "five.up", "email": f"f{i}@example.com"})
        assert response.status_code == 200
        seen.append(response.headers["x-ratelimit-remaining"])
    assert seen == ["4", "3", "2", "1", "0"]


async def test_reset_is_seconds_not_an_epoch_time(account: Api) -> None:
    response = await account.call("AgentDetails", {})
    reset = int(response.headers["x-ratelimit-reset"])
    assert 0 < reset <= 60
    assert response.headers["ratelimit"].endswith(f";t={reset}")


async def test_reset_counts_from_the_oldest_counted_request(account: Api) -> None:
    await account.call("AgentDetails", {})
    account.clock.advance(25)
    response = await account.call("AgentDetails", {})
    assert response.headers["x-ratelimit-reset"] == "35"
    assert response.headers["x-ratelimit-remaining"] == "8"
    account.clock.advance(35)  # the first leaves; the second (t = 25) is now the oldest
    response = await account.call("AgentDetails", {})
    assert response.headers["x-ratelimit-reset"] == "25"
    assert response.headers["x-ratelimit-remaining"] == "8"


async def test_retry_after_rounds_fractions_up_to_whole_seconds(account: Api) -> None:
    await account.seed_agent("frac.one")
    body = {"agentId": "frac.one", "email": "f@example.com"}
    for _ in range(5):
        assert (await account.call("updateAgent", body)).status_code == 200
    account.clock.advance(30.25)  # a slot frees in 29.75 s
    assert_refused(await account.call("updateAgent", body), "updateAgent", retry_after=30)
    account.clock.advance(29.5)  # 0.25 s left: still at least one whole second
    assert_refused(await account.call("updateAgent", body), "updateAgent", retry_after=1)
    account.clock.advance(0.25)
    assert (await account.call("updateAgent", body)).status_code == 200


# --- rolling, not fixed, window -------------------------------------------------------


async def test_rolling_window_refused_at_59s_accepted_exactly_at_60s(account: Api) -> None:
    # Accepted requests are counted in (now - 60, now]: one exactly 60 s old has left.
    await account.seed_agent("roll.one")
    body = {"agentId": "roll.one", "email": "r@example.com"}
    for _ in range(5):  # t = 0, 1, 2, 3, 4
        assert (await account.call("updateAgent", body)).status_code == 200
        account.clock.advance(1)
    account.clock.advance(54)  # t = 59
    assert_refused(await account.call("updateAgent", body), "updateAgent", retry_after=1)
    account.clock.advance(1)  # t = 60
    response = await account.call("updateAgent", body)
    assert response.status_code == 200, response.text
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert_refused(await account.call("updateAgent", body), "updateAgent", retry_after=1)
    account.clock.advance(1)  # t = 61: the one at t = 1 has left
    assert (await account.call("updateAgent", body)).status_code == 200


async def test_window_is_not_the_clock_minute(account: Api) -> None:
    await account.seed_agent("minute.one")
    body = {"agentId": "minute.one", "email": "m@example.com"}
    # Move to second 55 of a clock minute, fill the limit, then cross into the next minute.
    account.clock.advance((55 - account.clock.now() % 60) % 60)
    for _ in range(5):  # seconds 55..59
        assert (await account.call("updateAgent", body)).status_code == 200
        account.clock.advance(1)
    account.clock.advance(2)  # second 2 of the next clock minute
    assert account.clock.now() % 60 < 5
    assert_refused(await account.call("updateAgent", body), "updateAgent", retry_after=53)


async def test_no_window_ever_holds_more_than_the_limit(account: Api) -> None:
    # A request every 7 s for 10 minutes: at most 5 accepted in any 60 s span.
    await account.seed_agent("span.one")
    body = {"agentId": "span.one", "email": "s@example.com"}
    accepted: list[float] = []
    start = account.clock.now()
    for _ in range(90):
        response = await account.call("updateAgent", body)
        if response.status_code == 200:
            accepted.append(account.clock.now() - start)
        else:
            assert response.status_code == 429
        account.clock.advance(7)
    for t in accepted:
        assert sum(1 for u in accepted if t <= u < t + 60) <= 5
    assert len(accepted) >= 5 * 10  # and it lets through all it may (5 per 60 s)


# --- what counts --------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", list(LIMITS))
async def test_failed_authentication_does_not_count(make_api: Any, endpoint: str) -> None:
    limit, window = LIMITS[endpoint]
    api = await quota_api(make_api, endpoint)
    failing = [{"apiKey": "guess"}, {"apiKey": " "}]
    if endpoint != "generateToken":
        failing += [{"apiKey": api.api_key},
                    {"apiKey": api.api_key, "Authorization": "Bearer forged"}]
    for _ in range(3):
        for headers in failing:
            response = await api.call(endpoint, {}, headers=headers)
            assert response.status_code == 401
            assert "ratelimit" not in response.headers
    requests = Requests(api, endpoint)
    response = await requests.send()
    assert response.status_code == 200
    assert_state(response, endpoint, limit=limit, window=window, remaining=limit - 1,
                 reset=window)


async def test_expired_token_requests_do_not_count(account: Api) -> None:
    account.clock.advance(3600)
    for _ in range(12):
        assert (await account.call("AgentDetails", {})).status_code == 401
    await account.new_token()
    response = await account.call("AgentDetails", {})
    assert response.headers["x-ratelimit-remaining"] == "9"


async def test_invalid_json_does_not_count(account: Api) -> None:
    for _ in range(12):
        assert (await account.call("AgentDetails", content=b"[]")).status_code == 400
    response = await account.call("AgentDetails", {})
    assert response.headers["x-ratelimit-remaining"] == "9"


async def test_refused_requests_do_not_count(account: Api) -> None:
    await account.seed_agent("refused.one")
    body = {"agentId": "refused.one", "email": "x@example.com"}
    for _ in range(5):  # t = 0
        assert (await account.call("updateAgent", body)).status_code == 200
    account.clock.advance(30)
    for _ in range(5):  # t = 30: refused; if they counted they would block until t = 90
        assert (await account.call("updateAgent", body)).status_code == 429
    account.clock.advance(30)  # t = 60
    for index in range(5):
        response = await account.call("updateAgent", body)
        assert response.status_code == 200, response.text
        assert response.headers["x-ratelimit-remaining"] == str(4 - index)
    assert (await account.call("updateAgent", body)).status_code == 429


async def test_requests_failing_validation_count(account: Api) -> None:
    await account.seed_agent("valid.one")
    for index in range(5):
        response = await account.call("updateAgent", {"agentId": "valid.one", "email": "bad"})
        assert response.status_code == 400
        assert response.json() == {"message": "Invalid email format", "status": "error"}
        assert_state(response, "updateAgent", limit=5, window=60, remaining=4 - index, reset=60)
    response = await account.call("updateAgent",
                                  {"agentId": "valid.one", "email": "ok@example.com"})
    assert_refused(response, "updateAgent", retry_after=60)


@pytest.mark.parametrize(
    ("endpoint", "body", "status"),
    [
        ("updateAgent", {"agentId": "missing", "email": "a@example.com"}, 404),
        ("createAgent", {"agentName": "No Id"}, 400),
        ("deleteAgent", {"agentId": "missing"}, 404),
        ("AgentDetails", {"agentId": "missing"}, 404),
        ("skill", {"skillName": "x"}, 400),
    ],
)
async def test_failures_after_the_limit_count_and_carry_its_state(
    account: Api, endpoint: str, body: dict[str, Any], status: int
) -> None:
    limit, window = LIMITS[endpoint]
    for index in range(limit):
        response = await account.call(endpoint, body)
        assert response.status_code == status, response.text
        assert_state(response, endpoint, limit=limit, window=window,
                     remaining=limit - 1 - index, reset=window)
    assert_refused(await account.call(endpoint, body), endpoint, retry_after=window)


async def test_skill_409_counts(account: Api) -> None:
    await account.add("skill", "taken")
    for _ in range(10):
        assert (await account.call("skill", {"skillName": "taken"})).status_code == 409
    assert_refused(await account.call("skill", {"skillName": "fresh"}), "skill", 60)


async def test_limit_runs_before_validation(account: Api) -> None:
    await account.seed_agent("order.one")
    body = {"agentId": "order.one", "email": "o@example.com"}
    for _ in range(5):
        assert (await account.call("updateAgent", body)).status_code == 200
    # Unknown agent, bad email: the limit (check 7) answers first.
    for bad in ({"agentId": "nobody", "email": "x"}, {"email": None}, {}):
        assert_refused(await account.call("updateAgent", bad), "updateAgent", retry_after=60)


async def test_refused_update_writes_nothing(account: Api) -> None:
    await account.seed_agent("nowrite.one", agentName="Before")
    for i in range(5):
        assert (await account.call("updateAgent", {"agentId": "nowrite.one",
                                                   "email": f"n{i}@example.com"})
                ).status_code == 200
    response = await account.call("updateAgent", {"agentId": "nowrite.one",
                                                  "email": "late@example.com",
                                                  "agentName": "After"})
    assert response.status_code == 429
    details = await account.call("AgentDetails", {"agentId": "nowrite.one"})
    record = details.json()["message"][0]["Details"]
    assert record["agentName"] == "Before"
    assert record["email"] == "n4@example.com"
    assert record["version"] == 6


# --- per account and per endpoint ------------------------------------------------------


async def test_limits_are_per_endpoint(account: Api) -> None:
    await account.seed_agent("ep.one")
    body = {"agentId": "ep.one", "email": "e@example.com"}
    for _ in range(5):
        assert (await account.call("updateAgent", body)).status_code == 200
    assert (await account.call("updateAgent", body)).status_code == 429
    response = await account.call("createAgent", {"agentId": "ep.two", "agentName": "Two",
                                                  "password": "pw-123",
                                                  "email": "t@example.com"})
    assert response.status_code == 200, response.text
    assert response.headers["ratelimit"] == '"createAgent";r=4;t=60'
    response = await account.call("deleteAgent", {"agentId": "ep.two"})
    assert response.headers["ratelimit"] == '"deleteAgent";r=4;t=60'
    response = await account.call("AgentDetails", {})
    assert response.headers["ratelimit"] == '"AgentDetails";r=9;t=60'
    response = await account.call("skill", {"skillName": "per endpoint"})
    assert response.headers["ratelimit"] == '"skill";r=9;t=60'
    response = await account.call("generateToken", {}, headers={"apiKey": account.api_key})
    assert response.status_code == 200
    assert response.headers["ratelimit"] == '"generateToken";r=8;t=3600'


async def test_limits_are_per_account(account: Api, make_api: Any) -> None:
    other = await make_api("token")
    await account.seed_agent("same.id")
    await other.seed_agent("same.id")
    body = {"agentId": "same.id", "email": "s@example.com"}
    for _ in range(5):
        assert (await account.call("updateAgent", body)).status_code == 200
    assert (await account.call("updateAgent", body)).status_code == 429
    response = await other.call("updateAgent", body)
    assert response.status_code == 200, response.text
    assert response.headers["ratelimit"] == '"updateAgent";r=4;t=60'


async def test_basic_auth_accounts_are_limited_too(basic_api: Api) -> None:
    for _ in range(10):
        assert (await basic_api.call("AgentDetails", {})).status_code == 200
    assert_refused(await basic_api.call("AgentDetails", {}), "AgentDetails", 60)


async def test_knowing_a_username_cannot_lock_the_owner_out(account: Api) -> None:
    for _ in range(30):
        response = await account.call("AgentDetails", {"userName": account.user_name},
                                      headers={"apiKey": "attacker-guess"})
        assert response.status_code == 401
    assert (await account.call("AgentDetails", {})).status_code == 200


async def test_agent_details_429_body_key_order(account: Api) -> None:
    for _ in range(10):
        assert (await account.call("AgentDetails", {})).status_code == 200
    response = await account.call("AgentDetails", {})
    assert response.status_code == 429
    assert list(response.json().items()) == [("message", "Max limit exceeded"),
                                            ("status", "error")]


@pytest.mark.parametrize("endpoint", ["updateAgent", "createAgent", "deleteAgent", "skill"])
async def test_other_429_body_key_order(account: Api, endpoint: str) -> None:
    limit, _ = LIMITS[endpoint]
    for _ in range(limit):
        await account.call(endpoint, {})
    response = await account.call(endpoint, {})
    assert response.status_code == 429
    assert list(response.json().items()) == [("status", "error"),
                                            ("message", "Max limit exceeded")]


# --- operator overrides ------------------------------------------------------------------


@pytest.fixture
async def custom(settings: Settings) -> AsyncIterator[Any]:
    """Builds an app with other limits and an account on it."""
    opened: list[Any] = []

    async def build(limits: dict[str, Limit]) -> Api:
        clock = ManualClock()
        services = await build_services(
            dataclasses.replace(settings, rate_limits={**DEFAULT_LIMITS, **limits}), clock=clock
        )
        app = create_app(services.settings, services=services)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                   base_url="http://agentdir.test")
        opened.append((client, services))
        acct, api_key = await create_account(services.db, user_name=unique_name("rl"),
                                             auth_mode=AuthMode.TOKEN, clock=clock)
        api = Api(client, services, clock, user_name=acct.user_name, api_key=api_key,
                  auth=AuthMode.TOKEN, caller=Caller(acct, "test"))
        await api.new_token()
        return api

    yield build
    for client, services in opened:
        await client.aclose()
        await services.close()


async def test_operator_override_raises_a_limit(custom: Any) -> None:
    api = await custom({"updateAgent": Limit(7, 30)})
    await api.seed_agent("ovr.one")
    body = {"agentId": "ovr.one", "email": "o@example.com"}
    for index in range(7):
        response = await api.call("updateAgent", body)
        assert response.status_code == 200, response.text
        assert_state(response, "updateAgent", limit=7, window=30, remaining=6 - index,
                     reset=30)
    response = await api.call("updateAgent", body)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "30"
    assert response.headers["ratelimit-policy"] == '"updateAgent";q=7;w=30'
    api.clock.advance(30)
    assert (await api.call("updateAgent", body)).status_code == 200
    # other endpoints keep their defaults
    response = await api.call("createAgent", {"agentId": "ovr.two", "agentName": "Two",
                                              "password": "pw-123", "email": "t@example.com"})
    assert response.headers["ratelimit-policy"] == '"createAgent";q=5;w=60'


async def test_operator_override_lowers_a_limit(custom: Any) -> None:
    api = await custom({"AgentDetails": Limit(2, 10)})
    for remaining in (1, 0):
        response = await api.call("AgentDetails", {})
        assert response.status_code == 200
        assert response.headers["ratelimit"] == f'"AgentDetails";r={remaining};t=10'
    response = await api.call("AgentDetails", {})
    assert response.status_code == 429
    assert response.json() == DETAILS_LIMITED
    assert response.headers["retry-after"] == "10"
    api.clock.advance(10)
    assert (await api.call("AgentDetails", {})).status_code == 200


async def test_operator_override_of_generate_token(custom: Any) -> None:
    api = await custom({"generateToken": Limit(2, 100)})  # setup issued one already
    response = await api.call("generateToken", {}, headers={"apiKey": api.api_key})
    assert response.status_code == 200
    assert response.headers["ratelimit"] == '"generateToken";r=0;t=100'
    response = await api.call("generateToken", {}, headers={"apiKey": api.api_key})
    assert response.status_code == 429
    assert response.json() == LIMITED


def test_parse_limit_overrides_reads_items() -> None:
    assert parse_limit_overrides("updateAgent=7/30") == {"updateAgent": Limit(7, 30)}
    assert parse_limit_overrides(" updateAgent = 7 / 30 , AgentDetails=20/60,") == {
        "updateAgent": Limit(7, 30), "AgentDetails": Limit(20, 60)}
    assert parse_limit_overrides("") == {}


@pytest.mark.parametrize(
    "text",
    ["updateAgent", "updateAgent=7", "updateAgent=7/", "updateAgent=/30", "updateAgent=a/b",
     "updateAgent=-1/30", "updateAgent=0/30", "updateAgent=7/0", "updateAgent=1.5/30",
     "unknownEndpoint=5/60", "updateagent=5/60", "updateAgent:5/60", "updateAgent=5/60/1",
     "AgentDetails=10/60,bogus"],
)
def test_parse_limit_overrides_rejects_bad_strings(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is tested below
        parse_limit_overrides(text)


def test_parse_limit_overrides_names_the_bad_item() -> None:
    with pytest.raises(ValueError, match="unknownEndpoint"):
        parse_limit_overrides("updateAgent=5/60,unknownEndpoint=5/60")


def test_environment_overrides_merge_with_defaults() -> None:
    settings = load_settings({"AGENTDIR_RATE_LIMITS": "updateAgent=7/30"})
    assert settings.rate_limits["updateAgent"] == Limit(7, 30)
    for endpoint, limit in DEFAULT_LIMITS.items():
        if endpoint != "updateAgent":
            assert settings.rate_limits[endpoint] == limit


def test_defaults_are_the_spec_table() -> None:
    assert load_settings({}).rate_limits == {
        name: Limit(*value) for name, value in LIMITS.items()}


def test_environment_override_error_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="AGENTDIR_RATE_LIMITS"):
        load_settings({"AGENTDIR_RATE_LIMITS": "updateAgent=seven/30"})


# --- concurrency -------------------------------------------------------------------------


async def test_concurrent_requests_never_exceed_the_limit(account: Api) -> None:
    responses = await asyncio.gather(*(account.call("AgentDetails", {}) for _ in range(16)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 10 + [429] * 6, [r.text for r in responses]
    remaining = sorted(int(r.headers["x-ratelimit-remaining"]) for r in responses
                       if r.status_code == 200)
    assert remaining == list(range(10))


async def test_concurrent_updates_never_exceed_the_limit(account: Api) -> None:
    await account.seed_agent("conc.one")
    responses = await asyncio.gather(*(
        account.call("updateAgent", {"agentId": "conc.one", "email": f"c{i}@example.com"})
        for i in range(9)))
    assert sorted(r.status_code for r in responses) == [200] * 5 + [429] * 4, [
        r.text for r in responses]
    record = (await account.call("AgentDetails", {"agentId": "conc.one"})).json()
    assert record["message"][0]["Details"]["version"] == 6


async def test_two_workers_share_one_limit_only_through_redis(
    settings: Settings, account: Api
) -> None:
    """With Redis two workers share one limit. The memory store counts per process,
    which is why `serve` refuses --workers > 1 without Redis: here the second worker
    starts a fresh count."""
    shared = settings.redis_url is not None
    second = await build_services(settings, clock=account.clock)
    try:
        app = create_app(settings, services=second)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://worker-2.test") as other_worker:
            worker_2 = Api(other_worker, second, account.clock, user_name=account.user_name,
                           api_key=account.api_key, auth=account.auth, caller=account.caller)
            worker_2.token = account.token
            if not shared:
                for _ in range(10):
                    assert (await account.call("AgentDetails", {})).status_code == 200
                assert (await account.call("AgentDetails", {})).status_code == 429
                response = await worker_2.call("AgentDetails", {})
                assert response.status_code == 200
                assert response.headers["x-ratelimit-remaining"] == "9"
                return
            for index in range(10):
                response = await (account if index % 2 else worker_2).call("AgentDetails", {})
                assert response.status_code == 200
                assert response.headers["x-ratelimit-remaining"] == str(9 - index)
            assert (await account.call("AgentDetails", {})).status_code == 429
            assert (await worker_2.call("AgentDetails", {})).status_code == 429
    finally:
        await second.close()
