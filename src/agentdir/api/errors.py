"""The one place where errors become HTTP responses."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from agentdir import contract
from agentdir.api.responses import json_response, limit_headers
from agentdir.errors import RequestRejected, ServiceUnavailable
from agentdir.ratelimit.limiter import RateLimitExceeded
from agentdir.ratelimit.window import Decision

__all__ = ["error_response", "http_exception_response"]

log = logging.getLogger("agentdir.api")


def error_response(
    exc: BaseException, endpoint: str | None, decision: Decision | None = None
) -> Response:
    """Map any exception to its documented answer; never leaks internals."""
    if isinstance(exc, RateLimitExceeded):
        decision = exc.decision
    headers = limit_headers(decision) if decision is not None else {}
    if isinstance(exc, RequestRejected):
        status, body = contract.error_reply(exc, endpoint)
        return json_response(status, body, headers)
    if isinstance(exc, ServiceUnavailable):
        log.warning("dependency unavailable: %s (%s)", exc, type(exc.__cause__).__name__)
        headers["Retry-After"] = str(max(1, exc.retry_after))
        return json_response(503, contract.SERVICE_UNAVAILABLE, headers)
    log.error("unexpected error on %s", endpoint, exc_info=exc)
    return json_response(500, contract.INTERNAL_ERROR, headers)


async def http_exception_response(request: Request, exc: Exception) -> Response:
    """Routing errors (unknown path, wrong method) as JSON in the contract's style."""
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers) if exc.headers else None
    return json_response(
        exc.status_code, {"status": "false", "message": exc.detail, "data": None}, headers
    )
