"""One structured log line per request: method, path, account, status, duration.

Never the body, the query string or any header: secrets travel in all three.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["AccessLog"]

log = structlog.get_logger("agentdir.access")


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            state: dict[str, Any] = scope.get("state") or {}
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                account=state.get("account"),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
