"""The one place that builds the HTTP application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from agentdir.api.access_log import AccessLog
from agentdir.api.docs import docs_routes
from agentdir.api.errors import http_exception_response
from agentdir.api.routes import routes
from agentdir.bootstrap import Services, build_services
from agentdir.clock import Clock
from agentdir.logs import configure_logging
from agentdir.settings import Settings, load_settings

__all__ = ["app_from_environment", "create_app"]


def create_app(
    settings: Settings, *, services: Services | None = None, clock: Clock | None = None
) -> Starlette:
    """Build the app. With `services` (tests), the caller owns them; otherwise the
    app builds its own at startup and closes them at shutdown."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if services is not None:
            app.state.services = services
            yield
            return
        built = await build_services(settings, clock=clock)
        app.state.services = built
        try:
            yield
        finally:
            await built.close()

    app = Starlette(
        routes=[*routes, *docs_routes()],
        middleware=[Middleware(AccessLog)],
        exception_handlers={HTTPException: http_exception_response},
        lifespan=lifespan,
    )
    if services is not None:
        app.state.services = services
    return app


def app_from_environment() -> Starlette:
    """Factory for the HTTP server's workers: settings come from AGENTDIR_* variables."""
    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(settings)
