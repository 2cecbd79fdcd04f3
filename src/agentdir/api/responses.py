"""JSON responses encoded with msgspec (key order preserved, no whitespace)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from starlette.responses import Response

from agentdir.ratelimit.window import Decision

__all__ = ["json_response", "limit_headers"]

_encode = msgspec.json.Encoder().encode


def json_response(
    status: int, body: Any, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        content=_encode(body),
        status_code=status,
        headers=dict(headers) if headers else None,
        media_type="application/json",
    )


def limit_headers(decision: Decision) -> dict[str, str]:
    """The limit's state (spec 4): IETF RateLimit headers plus the X-RateLimit-* trio."""
    name = decision.endpoint
    headers = {
        "RateLimit-Policy": f'"{name}";q={decision.limit.requests};'
        f"w={decision.limit.window_seconds}",
        "RateLimit": f'"{name}";r={decision.remaining};t={decision.reset_after}',
        "X-RateLimit-Limit": str(decision.limit.requests),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": str(decision.reset_after),
    }
    if not decision.allowed:
        headers["Retry-After"] = str(decision.retry_after)
    return headers
