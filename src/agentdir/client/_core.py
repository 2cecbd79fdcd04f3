"""The sans-IO core shared by `Client` and `AsyncClient`.

Requests are built and responses parsed here, and the whole exchange of one
call (pacing, token generation, one token refresh, 429 retries) is a generator
that yields `Send` and `Sleep` actions: the sync and async clients only perform
them. No logic is written twice.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Generator, Mapping
from typing import Any, Generic, Literal, TypeVar

from agentdir.client import _errors as errors
from agentdir.client._models import (
    UNSET,
    Agent,
    AgentSummary,
    Result,
    SkillAssignment,
    Token,
    UpdateResult,
    convert,
)
from agentdir.client._pacing import Pacer, RetryPolicy, parse_rate_limit, retry_after
from agentdir.client._tokens import TokenKeeper

__all__ = ["AuthMode", "Call", "Reply", "Send", "Session", "Sleep", "WaitHook", "agent_body"]

T = TypeVar("T")
AuthMode = Literal["auto", "token", "basic"]
WaitHook = Callable[[float, str, str], None]
"""Called before every wait with (seconds, reason, endpoint)."""

ENDPOINTS: dict[str, tuple[str, str]] = {
    "generateToken": ("POST", "/ca_apis/CAToken/generateToken"),
    "createAgent": ("POST", "/ca_apis/createAgent"),
    "updateAgent": ("PUT", "/ca_apis/updateAgent"),
    "deleteAgent": ("DELETE", "/ca_apis/deleteAgent"),
    "AgentDetails": ("POST", "/ca_apis/AgentDetails"),
    "skill": ("POST", "/ca_apis/skill"),
}

# Python keyword -> API field, for every agent field (spec 5.1): camelCase -> snake_case.
MODE_FIELDS = ("inbound", "manual", "preview", "progressive", "chat", "blended",
               "blendedInbound", "blendedManual", "blendedPreview", "blendedProgressive",
               "blendedChat")
AGENT_FIELDS: dict[str, str] = {
    "agent_id": "agentId", "agent_id_new": "agentIdNew", "agent_name": "agentName",
    "agent_name_new": "agentNameNew", "password": "password", "email": "email",
    "agent_data": "agentData", "sip_location": "sipLocation",
    "screen_recording": "screenRecording", "auto_answer": "autoAnswer", "locked": "locked",
    "call_controls": "callControls", "assign_skills": "assignSkills",
    "un_assign_skills": "unAssignSkills", "assign_agent_groups": "assignAgentGroups",
    "un_assign_agent_groups": "unAssignAgentGroups",
    **{"".join("_" + c.lower() if c.isupper() else c for c in m): m for m in MODE_FIELDS},
}
_NULLABLE = frozenset({"agentData", "sipLocation"})


@dataclasses.dataclass(frozen=True, slots=True)
class Send:
    """Action: send this request and resume the exchange with its `Reply`."""

    method: str
    path: str
    headers: dict[str, str]
    content: bytes
    params: dict[str, str]


@dataclasses.dataclass(frozen=True, slots=True)
class Sleep:
    """Action: wait this long, then resume the exchange."""

    seconds: float
    reason: str
    endpoint: str


@dataclasses.dataclass(frozen=True, slots=True)
class Reply:
    status_code: int
    headers: Mapping[str, str]  # lower-case names
    content: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One API call to make: endpoint, body (without userName), how to read the answer."""

    endpoint: str
    body: dict[str, Any]
    parse: Callable[[Reply, Any], T]
    params: dict[str, str] = dataclasses.field(default_factory=dict)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


Action = Send | Sleep
Exchange = Generator[Action, Reply | None, T]


def _skill_item(item: Any, *, with_priority: bool) -> Any:
    if isinstance(item, str):
        return item
    if isinstance(item, SkillAssignment):
        name, priority = item.skill_name, item.priority
    elif isinstance(item, Mapping):
        return dict(item)
    else:
        name, priority = item
    return {"skillName": name, "priority": priority} if with_priority else {"skillName": name}


def agent_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """The API body for agent keyword arguments: None and UNSET are left out, except
    that None clears `agent_data` and `sip_location` (sent as null)."""
    body: dict[str, Any] = {}
    for key, value in values.items():
        field = AGENT_FIELDS[key]
        if value is UNSET or (value is None and field not in _NULLABLE):
            continue
        if field in ("assignSkills", "unAssignSkills"):
            items = [value] if isinstance(value, str | SkillAssignment) else value
            value = [_skill_item(i, with_priority=field == "assignSkills") for i in items]
        elif field in ("assignAgentGroups", "unAssignAgentGroups") and not isinstance(
                value, str):
            value = ",".join(value)
        elif field == "callControls":
            value = dict(value)
        body[field] = value
    return body


def decode(reply: Reply, endpoint: str) -> Any:
    """The JSON body of a successful reply; raises the documented exception otherwise."""
    try:
        body = json.loads(reply.content) if reply.content else None
    except ValueError:
        body = reply.content.decode("utf-8", "replace")
    failed = reply.status_code >= 400 or not isinstance(body, dict)
    if isinstance(body, dict):
        status = body.get("status", body.get("Status"))
        failed = failed or (isinstance(status, str) and status.lower() in
                            ("false", "error", "fail", "failure"))
    if failed:
        raise errors.error_from_response(reply.status_code, body, endpoint=endpoint,
                                         retry_after=retry_after(reply.headers))
    return body


def _version(reply: Reply) -> int | None:
    etag = reply.headers.get("etag", "").removeprefix("W/").strip('"')
    return int(etag) if etag.isdigit() else None


def _message(body: Mapping[str, Any]) -> str:
    return str(body.get("Message", body.get("message", "")))


def parse_ack(reply: Reply, body: Any) -> Result:
    return Result(_message(body), _version(reply), parse_rate_limit(reply.headers))


def parse_update(reply: Reply, body: Any) -> UpdateResult:
    data = body.get("Data")
    return UpdateResult(_message(body), _version(reply), parse_rate_limit(reply.headers),
                        agent=convert(data, Agent) if data else None)


def parse_details(reply: Reply, body: Any) -> list[AgentSummary]:
    items = body.get("message", body.get("Message"))
    if not isinstance(items, list):
        raise errors.UnexpectedResponse("AgentDetails answered without a list",
                                        status_code=reply.status_code, body=body,
                                        endpoint="AgentDetails")
    return [convert(item, AgentSummary) for item in items]


def parse_token(reply: Reply, body: Any) -> str:
    token = body.get("token")
    if not isinstance(token, str) or not token:
        raise errors.UnexpectedResponse("generateToken answered without a token",
                                        status_code=reply.status_code, body=body,
                                        endpoint="generateToken")
    return token


class Session:
    """Credentials and the state that outlives one call: token, pacing, retries."""

    def __init__(self, *, user_name: str, api_key: str, auth: AuthMode = "auto",
                 token: str | None = None, pace: bool = False,
                 limits: Mapping[str, tuple[int, int]] | None = None,
                 retry: RetryPolicy | None = None, clock: Callable[[], float],
                 refresh_margin: float = 60.0) -> None:
        if not api_key:
            raise ValueError("api_key is required")
        self.user_name = user_name
        self.api_key = api_key
        self.auth = auth
        self.use_token = auth == "token" or token is not None
        self.clock = clock
        self.tokens = TokenKeeper(refresh_margin=refresh_margin, token=token, now=clock())
        self.pacer = Pacer(limits)
        self.pace = pace
        self.retry = retry or RetryPolicy()

    def _send(self, endpoint: str, body: Mapping[str, Any], *, token: str | None,
              params: Mapping[str, str] | None = None,
              headers: Mapping[str, str] | None = None) -> Send:
        method, path = ENDPOINTS[endpoint]
        all_headers = {"apiKey": self.api_key, "Accept": "application/json",
                       "Content-Type": "application/json", **(headers or {})}
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        content = json.dumps({"userName": self.user_name, **body}).encode()
        self.pacer.sent(endpoint, self.clock())
        return Send(method, path, all_headers, content, dict(params or {}))

    def new_token(self) -> Exchange[Token]:
        """Generate a token (counted against the budget) and keep it."""
        self.tokens.claim_generation(self.clock())
        reply = yield self._send("generateToken", {}, token=None)
        assert reply is not None
        token = parse_token(reply, decode(reply, "generateToken"))
        return self.tokens.store(token, self.clock())

    def _token(self) -> Exchange[str | None]:
        if not self.use_token or self.auth == "basic":
            return None
        token = self.tokens.usable(self.clock())
        if token is None:
            token = (yield from self.new_token()).token
        return token

    def exchange(self, call: Call[T]) -> Exchange[T]:
        """Run one call to completion: pace, authenticate, send, retry, parse."""
        refreshed = False
        retries, waited = 0, 0.0
        while True:
            if self.pace:
                delay = self.pacer.delay(call.endpoint, self.clock())
                if delay > 0:
                    yield Sleep(delay, "pacing", call.endpoint)
            token = yield from self._token()
            reply = yield self._send(call.endpoint, call.body, token=token,
                                     params=call.params, headers=call.headers)
            assert reply is not None
            now = self.clock()
            self.pacer.observe(call.endpoint, parse_rate_limit(reply.headers), now)
            try:
                return call.parse(reply, decode(reply, call.endpoint))
            except (errors.TokenExpired, errors.InvalidToken):
                if refreshed or token is None:
                    raise
                refreshed = True
                self.tokens.discard()
            except errors.TokenMissing:
                if self.auth != "auto" or self.use_token:
                    raise
                self.use_token = True
            except (errors.RateLimited, errors.ServiceUnavailable) as exc:
                wait = exc.retry_after
                if wait is None:
                    wait = float(self.pacer.window(call.endpoint)) if isinstance(
                        exc, errors.RateLimited) else 1.0
                self.pacer.observe(call.endpoint, None, now, refused_for=wait)
                if retries >= self.retry.max_retries or waited + wait > self.retry.max_wait:
                    raise
                retries += 1
                waited += wait
                yield Sleep(wait, "rate limited" if isinstance(exc, errors.RateLimited)
                            else "service unavailable", call.endpoint)
