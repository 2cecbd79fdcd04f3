"""The steps every ca_apis request shares: size cap, A1, A2, A3-A6, rate limit.

`ca_endpoint(name)` wraps a handler so that it receives an authenticated,
rate-limited `Call`, and so that every failure is answered by
`api.errors.error_response` with the endpoint's own wording.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from agentdir.agents.rules import MISSING
from agentdir.api.errors import error_response
from agentdir.api.responses import json_response, limit_headers
from agentdir.auth import service as auth
from agentdir.bootstrap import Services
from agentdir.errors import ApiKeyMissing, BodyTooLarge, InvalidJson
from agentdir.ratelimit.window import Decision

__all__ = ["Call", "Reply", "ca_endpoint", "parse_json_object", "read_body"]

_decode = msgspec.json.Decoder().decode


@dataclasses.dataclass(frozen=True, slots=True)
class Call:
    request: Request
    services: Services
    caller: auth.Caller
    body: dict[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class Reply:
    body: Any
    status: int = 200
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)


Handler = Callable[[Call], Awaitable[Reply]]


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with BodyTooLarge past `limit` bytes before it is parsed."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """A2: the body must be a JSON object, whatever the Content-Type says."""
    try:
        value = _decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, UnicodeDecodeError):
        raise InvalidJson() from None
    if not isinstance(value, dict):
        raise InvalidJson()
    return value


def ca_endpoint(name: str, *, token_required: bool = True) -> Callable[[Handler], Callable[
        [Request], Awaitable[Response]]]:
    """Wrap `handler` in the shared steps. `token_required=False` is generateToken's
    variant: it checks the apiKey (T4) but never asks for a token."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            services: Services = request.app.state.services
            decision: Decision | None = None
            try:
                raw = await read_body(request, services.settings.max_body_bytes)
                api_key = request.headers.get("apikey")
                if api_key is None or not api_key.strip():
                    raise ApiKeyMissing()
                body = parse_json_object(raw)
                user_name = body.get("userName", MISSING)
                if token_required:
                    caller = await auth.authenticate(
                        services.db,
                        services.tokens,
                        user_name=user_name,
                        api_key=api_key,
                        authorization=request.headers.get("authorization"),
                    )
                else:
                    account = await auth.verify_credentials(services.db, user_name, api_key)
                    caller = auth.Caller(account, "apiKey")
                request.scope.setdefault("state", {})["account"] = caller.account.user_name
                decision = await services.limiter.check(caller.account.id, name)
                reply = await handler(Call(request, services, caller, body))
            except Exception as exc:
                return error_response(exc, name, decision)
            headers = dict(reply.headers)
            if decision is not None:
                headers.update(limit_headers(decision))
            return json_response(reply.status, reply.body, headers)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return wrap
