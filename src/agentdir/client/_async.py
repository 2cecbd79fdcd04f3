"""`AsyncClient`: the asynchronous client, on `httpx.AsyncClient`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from agentdir.client import _calls as calls
from agentdir.client._core import AuthMode, Call, Exchange, Reply, Send, Session, Sleep, WaitHook
from agentdir.client._models import (
    UNSET,
    AgentSummary,
    Result,
    SkillAssignment,
    Token,
    Unset,
    UpdateResult,
)
from agentdir.client._pacing import RetryPolicy

__all__ = ["AsyncClient"]

T = TypeVar("T")


class AsyncClient:
    """A CloudAgent-compatible API client for one account.

    Works against agentdir and Ozonetel's hosted CloudAgent: pass a `BaseUrl`
    preset or any URL. `auth="auto"` sends a bearer token only once the server
    asks for one (TOKEN_AUTH accounts); "token" always, "basic" never.
    `clock` and `sleep` are injectable (tests, simulations).
    """

    def __init__(
        self,
        base_url: str,
        *,
        user_name: str,
        api_key: str,
        auth: AuthMode = "auto",
        token: str | None = None,
        pace: bool = False,
        limits: Mapping[str, tuple[int, int]] | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_wait: WaitHook | None = None,
        refresh_margin: float = 60.0,
    ) -> None:
        self.session = Session(user_name=user_name, api_key=api_key, auth=auth, token=token,
                               pace=pace, limits=limits, retry=retry, clock=clock,
                               refresh_margin=refresh_margin)
        self._own_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            base_url=str(base_url), timeout=timeout, transport=transport,
            headers={"User-Agent": "agentdir-client"})
        self._sleep = sleep
        self.on_wait = on_wait

    # -- plumbing -------------------------------------------------------------------

    async def _send(self, action: Send) -> Reply:
        response = await self._http.request(action.method, action.path, content=action.content,
                                      headers=action.headers, params=action.params)
        headers = {k.lower(): v for k, v in response.headers.items()}
        return Reply(response.status_code, headers, response.content)

    async def _run(self, exchange: Exchange[T]) -> T:
        try:
            action = next(exchange)
            while True:
                if isinstance(action, Sleep):
                    if self.on_wait is not None:
                        self.on_wait(action.seconds, action.reason, action.endpoint)
                    await self._sleep(action.seconds)
                    action = exchange.send(None)
                else:
                    action = exchange.send(await self._send(action))
        except StopIteration as stop:
            result: T = stop.value
            return result
        finally:
            exchange.close()

    async def _call(self, call: Call[T]) -> T:
        return await self._run(self.session.exchange(call))

    async def close(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        await self.close()

    @property
    def token(self) -> Token | None:
        """The bearer token in use, if any."""
        return self.session.tokens.current

    # -- endpoints ------------------------------------------------------------------

    async def generate_token(self) -> Token:
        """Generate a new token now (it replaces the previous one) and use it from now on."""
        self.session.use_token = self.session.auth != "basic"
        return await self._run(self.session.new_token())

    async def create_agent(
        self, *, agent_id: str, agent_name: str, password: str, email: str,
        agent_data: str | Unset | None = UNSET, sip_location: str | Unset | None = UNSET,
        screen_recording: bool | None = None, auto_answer: str | None = None,
        locked: bool | None = None, inbound: bool | None = None, manual: bool | None = None,
        preview: bool | None = None, progressive: bool | None = None,
        chat: bool | None = None, blended: bool | None = None,
        blended_inbound: bool | None = None, blended_manual: bool | None = None,
        blended_preview: bool | None = None, blended_progressive: bool | None = None,
        blended_chat: bool | None = None, call_controls: Mapping[str, Any] | None = None,
        assign_skills: Iterable[str | SkillAssignment] | None = None,
        assign_agent_groups: str | Iterable[str] | None = None,
    ) -> Result:
        """createAgent. `result.version` is the new agent's version (1)."""
        return await self._run(self.session.exchange(calls.create_agent(locals())))

    async def update_agent(
        self, agent_id: str, *, email: str, agent_id_new: str | None = None,
        agent_name: str | None = None, agent_name_new: str | None = None,
        password: str | None = None,
        agent_data: str | Unset | None = UNSET, sip_location: str | Unset | None = UNSET,
        screen_recording: bool | None = None, auto_answer: str | None = None,
        locked: bool | None = None, inbound: bool | None = None, manual: bool | None = None,
        preview: bool | None = None, progressive: bool | None = None,
        chat: bool | None = None, blended: bool | None = None,
        blended_inbound: bool | None = None, blended_manual: bool | None = None,
        blended_preview: bool | None = None, blended_progressive: bool | None = None,
        blended_chat: bool | None = None, call_controls: Mapping[str, Any] | None = None,
        assign_skills: Iterable[str | SkillAssignment] | None = None,
        un_assign_skills: Iterable[str] | None = None,
        assign_agent_groups: str | Iterable[str] | None = None,
        un_assign_agent_groups: str | Iterable[str] | None = None,
        detailed: bool = False, if_match: int | str | None = None,
    ) -> UpdateResult:
        """updateAgent. Arguments left out (None) are unchanged; `agent_data=None` and
        `sip_location=None` clear. `detailed=True` returns the agent record;
        `if_match=version` applies only if the agent is still at that version."""
        call = calls.update_agent(locals(), detailed=detailed, if_match=if_match)
        return await self._run(self.session.exchange(call))

    async def delete_agent(self, agent_id: str) -> Result:
        """deleteAgent (a soft delete)."""
        return await self._run(self.session.exchange(calls.delete_agent(agent_id)))

    async def agent_details(self, agent_id: str | None = None) -> list[AgentSummary]:
        """AgentDetails: one agent, or every live agent of the account by agentId."""
        return await self._run(self.session.exchange(calls.agent_details(agent_id)))

    async def create_skill(self, skill_name: str, *, skill_detail1: str | None = None,
                     record: calls.RecordMode | None = None,
                     agents: Mapping[str, int] | None = None) -> Result:
        """skill: create a skill, optionally assigning it to agents ({agentId: priority})."""
        call = calls.create_skill(skill_name, skill_detail1=skill_detail1, record=record,
                                  agents=agents)
        return await self._run(self.session.exchange(call))
