"""Token refresh, the token budget, 429 retries and pacing, with an injected clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from agentdir import client as c
from agentdir.client._pacing import Pacer, parse_rate_limit
from agentdir.client._tokens import TokenKeeper, token_expiry
from tests.client.conftest import FakeTime
from tests.conftest import Api

MakeClient = Callable[..., c.AsyncClient]


async def _agent(api: Api, agent_id: str = "t.agent") -> str:
    await api.seed_agent(agent_id)
    return agent_id


async def test_token_reused_then_renewed_before_expiry(
    make_api: Any, make_client: MakeClient, fake_time: FakeTime
) -> None:
    api: Api = await make_api("token", token=False)
    agent = await _agent(api)
    async with make_client(api, auth="token", refresh_margin=60) as ca:
        await ca.agent_details(agent)
        first = ca.token
        fake_time.clock.advance(3500)  # 100 s left: still used
        await ca.agent_details(agent)
        assert ca.token == first
        fake_time.clock.advance(50)  # 50 s left: inside the margin, renewed first
        await ca.agent_details(agent)
        assert ca.token is not None
        assert first is not None
        assert ca.token.token != first.token
        assert ca.token.expires_at == fake_time.clock.now() + 3600


async def test_superseded_token_is_regenerated_once(
    make_api: Any, make_client: MakeClient
) -> None:
    api: Api = await make_api("token", token=False)
    agent = await _agent(api)
    async with make_client(api, auth="token") as one, make_client(api, auth="token") as two:
        await one.agent_details(agent)
        await two.agent_details(agent)  # supersedes one's token: "Invalid Token" for one
        old = one.token
        assert [a.agent_id for a in await one.agent_details(agent)] == [agent]
        assert one.token != old


async def test_expired_token_is_regenerated(
    make_api: Any, make_client: MakeClient, fake_time: FakeTime
) -> None:
    api: Api = await make_api("token", token=False)
    agent = await _agent(api)
    async with make_client(api, auth="token", refresh_margin=0) as ca:
        await ca.agent_details(agent)
        assert ca.token is not None
        # The client believes its token is good for longer than the server does.
        ca.session.tokens.current = c.Token(ca.token.token, ca.token.expires_at + 7200)
        fake_time.clock.advance(3601)
        await ca.agent_details(agent)
        assert ca.token.expires_at == fake_time.clock.now() + 3600


async def test_a_refused_preset_token_is_replaced(make_api: Any,
                                                  make_client: MakeClient) -> None:
    api: Api = await make_api("token", token=False)
    async with make_client(api, auth="token", token="not.a.token") as ca:
        assert await ca.agent_details() == []
        assert ca.token is not None
        assert ca.token.token != "not.a.token"


def test_refresh_happens_once_only() -> None:
    """A server that refuses every token: one regeneration, then the error."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path.rsplit("/", 1)[-1])
        if request.url.path.endswith("generateToken"):
            return httpx.Response(200, json={"token": f"t{len(seen)}", "message": ""})
        return httpx.Response(401, json={"status": "false", "message": "Invalid Token",
                                         "data": None})

    with c.Client("http://x.test", user_name="u", api_key="k", auth="token",
                  transport=httpx.MockTransport(handler), clock=lambda: 0.0) as ca, \
            pytest.raises(c.InvalidToken):
        ca.delete_agent("a")
    assert seen == ["generateToken", "deleteAgent", "generateToken", "deleteAgent"]


async def test_never_more_than_ten_generations_an_hour(
    make_api: Any, make_client: MakeClient, fake_time: FakeTime
) -> None:
    api: Api = await make_api("token", token=False)
    async with make_client(api) as ca:
        for _ in range(10):
            await ca.generate_token()
            fake_time.clock.advance(60)
        with pytest.raises(c.TokenBudgetExhausted) as info:
            await ca.generate_token()
        assert info.value.retry_after == pytest.approx(3600 - 600)
        fake_time.clock.advance(info.value.retry_after)
        await ca.generate_token()  # the oldest generation left the window


def test_token_keeper_rules() -> None:
    keeper = TokenKeeper(refresh_margin=60)
    assert keeper.usable(0) is None
    keeper.store("a.eyJleHAiOjEwMDB9.b", now=0)  # exp 1000
    assert keeper.current == c.Token("a.eyJleHAiOjEwMDB9.b", 1000.0)
    assert keeper.usable(939) is not None
    assert keeper.usable(940) is None
    assert token_expiry("garbage", issued_at=5) == 3605


async def test_429_waits_retry_after_and_retries(
    make_api: Any, make_client: MakeClient, fake_time: FakeTime
) -> None:
    api: Api = await make_api("basic")
    agent = await _agent(api)
    waits: list[tuple[float, str, str]] = []
    async with make_client(api, on_wait=lambda *w: waits.append(w)) as ca:
        for _ in range(6):
            result = await ca.update_agent(agent, email="a@example.com")
        assert result.version == 7
    assert len(waits) == 1
    seconds, reason, endpoint = waits[0]
    assert (reason, endpoint) == ("rate limited", "updateAgent")
    assert 1 <= seconds <= 60
    assert fake_time.sleeps == [seconds]


async def test_429_beyond_the_budget_raises(make_api: Any, make_client: MakeClient) -> None:
    api: Api = await make_api("basic")
    agent = await _agent(api)
    async with make_client(api, retry=c.RetryPolicy(max_retries=3, max_wait=10)) as ca:
        for _ in range(5):
            await ca.update_agent(agent, email="a@example.com")
        with pytest.raises(c.RateLimited) as info:
            await ca.update_agent(agent, email="a@example.com")
    assert info.value.retry_after is not None
    assert info.value.retry_after > 10


async def test_pacing_never_hits_the_limit(
    make_api: Any, make_client: MakeClient, fake_time: FakeTime
) -> None:
    api: Api = await make_api("basic")
    waits: list[tuple[float, str, str]] = []
    async with make_client(api, pace=True, retry=c.RetryPolicy(max_retries=0),
                           on_wait=lambda *w: waits.append(w)) as ca:
        for i in range(12):
            await ca.create_agent(agent_id=f"p{i}", agent_name="Paced", password="pw123",
                                  email=f"p{i}@example.com")
    assert [w[1] for w in waits] == ["pacing", "pacing"]
    assert fake_time.clock.now() - api.clock.now() == 0  # same clock
    assert sum(fake_time.sleeps) == pytest.approx(120, abs=2)


def test_pacer_without_server_headers_counts_its_own_requests() -> None:
    pacer = Pacer({"createAgent": (2, 60)})
    pacer.sent("createAgent", 0)
    assert pacer.delay("createAgent", 1) == 0
    pacer.sent("createAgent", 1)
    assert pacer.delay("createAgent", 2) == 60 - 2
    assert pacer.delay("createAgent", 60) == 0
    assert pacer.delay("unknown", 0) == 0


def test_rate_limit_headers() -> None:
    state = parse_rate_limit({"ratelimit": '"updateAgent";r=4;t=60',
                              "ratelimit-policy": '"updateAgent";q=5;w=60'})
    assert state == c.RateLimitState(limit=5, window=60, remaining=4, reset=60)
    legacy = parse_rate_limit({"x-ratelimit-limit": "5", "x-ratelimit-remaining": "0",
                               "x-ratelimit-reset": "12"})
    assert legacy == c.RateLimitState(limit=5, window=None, remaining=0, reset=12)
    assert parse_rate_limit({}) is None
