"""Where the time of one updateAgent goes: the request path rebuilt layer by layer from
agentdir's own functions, driven in-process straight into the ASGI app (no sockets),
one request at a time; and a pyinstrument profile of the full app on the same path."""

from __future__ import annotations

import asyncio
import collections
import os
import time
from collections.abc import Sequence
from typing import Any

import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agentdir.agents.update import update_agent
from agentdir.api.pipeline import parse_json_object, read_body
from agentdir.api.responses import json_response, limit_headers
from agentdir.app import create_app
from agentdir.auth import service as auth
from agentdir.bootstrap import Services, build_services
from agentdir.contract import success
from agentdir.logs import configure_logging
from agentdir.settings import Settings
from bench.requests import Req

__all__ = ["LAYERS", "classify", "layer_apps", "measure_layers", "profile_full"]

_OK = b'{"Status":"Success","Message":"Agent Updated Successfully"}'


def layer_apps(services: Services) -> list[tuple[str, Any]]:
    """Cumulative layers: each app does everything the one before does, plus one step."""

    async def bare(request: Request) -> Response:
        await request.body()
        return Response(_OK, media_type="application/json")

    async def parse(request: Request) -> Response:
        raw = await read_body(request, services.settings.max_body_bytes)
        request.headers.get("apikey")
        parse_json_object(raw)
        return Response(_OK, media_type="application/json")

    async def with_auth(request: Request) -> Response:
        raw = await read_body(request, services.settings.max_body_bytes)
        api_key = request.headers.get("apikey") or ""
        body = parse_json_object(raw)
        await auth.authenticate(services.db, services.tokens, user_name=body.get("userName"),
                                api_key=api_key, authorization=None)
        return Response(_OK, media_type="application/json")

    async def with_limiter(request: Request) -> Response:
        raw = await read_body(request, services.settings.max_body_bytes)
        api_key = request.headers.get("apikey") or ""
        body = parse_json_object(raw)
        caller = await auth.authenticate(services.db, services.tokens,
                                         user_name=body.get("userName"), api_key=api_key,
                                         authorization=None)
        decision = await services.limiter.check(caller.account.id, "updateAgent")
        return json_response(200, success("Agent Updated Successfully"),
                             limit_headers(decision))

    async def with_service(request: Request) -> Response:
        raw = await read_body(request, services.settings.max_body_bytes)
        api_key = request.headers.get("apikey") or ""
        body = parse_json_object(raw)
        caller = await auth.authenticate(services.db, services.tokens,
                                         user_name=body.get("userName"), api_key=api_key,
                                         authorization=None)
        decision = await services.limiter.check(caller.account.id, "updateAgent")
        agent = await update_agent(db=services.db, hasher=services.hasher,
                                   clock=services.clock, caller=caller, body=body,
                                   if_match=None)
        headers = {"ETag": f'"{agent.version}"', **limit_headers(decision)}
        return json_response(200, success("Agent Updated Successfully"), headers)

    def app(endpoint: Any) -> Starlette:
        return Starlette(routes=[Route("/ca_apis/updateAgent", endpoint, methods=["PUT"])])

    return [
        ("bare ASGI: Starlette route, read body, fixed reply", app(bare)),
        ("+ parse: body cap, apiKey header, msgspec decode", app(parse)),
        ("+ auth: account SELECT (autocommit), SHA-256 compare", app(with_auth)),
        ("+ limiter: rate-limit check, RateLimit headers", app(with_limiter)),
        ("+ database: updateAgent service (SELECT agent, checks, guarded UPDATE + audit)",
         app(with_service)),
        ("full agentdir app (+ access log middleware, error mapping)",
         create_app(services.settings, services=services)),
    ]


LAYERS = 6


def _scope(req: Req) -> dict[str, Any]:
    headers = [(k.lower().encode(), v.encode()) for k, v in req.headers.items()]
    headers.append((b"content-length", str(len(req.body)).encode()))
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": req.method, "scheme": "http", "path": req.path,
        "raw_path": req.path.encode(), "query_string": b"", "root_path": "",
        "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
        "state": {},
    }


async def call(app: Any, req: Req) -> int:
    delivered = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": req.body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(_scope(req), receive, send)
    return status


async def _drive(app: Any, reqs: Sequence[Req], seconds: float) -> tuple[float, int]:
    """Sequential requests for about `seconds`; returns (us per request, requests)."""
    started = time.perf_counter()
    deadline = started + seconds
    n = 0
    while n < 20 or time.perf_counter() < deadline:
        status = await call(app, reqs[n % len(reqs)])
        if status != 200:
            raise RuntimeError(f"layer answered {status}")
        n += 1
    return (time.perf_counter() - started) / n * 1e6, n


def _quiet_logs() -> None:
    configure_logging("info")
    # Keep the cost of rendering the access log line, drop the output.
    structlog.configure(logger_factory=structlog.WriteLoggerFactory(
        open(os.devnull, "w")))  # noqa: SIM115


async def measure_layers(settings: Settings, reqs: Sequence[Req], *, seconds: float,
                         rounds: int = 3) -> list[dict[str, Any]]:
    """us per request of each layer, median of `rounds` passes alternating the layers."""
    _quiet_logs()
    services = await build_services(settings)
    try:
        apps = layer_apps(services)
        samples: dict[str, list[float]] = collections.defaultdict(list)
        for _, app in apps:  # warm up: connections, statement caches
            await _drive(app, reqs, seconds / 4)
        for _ in range(rounds):
            for name, app in apps:
                samples[name].append((await _drive(app, reqs, seconds))[0])
        return [{"layer": name, "us": sorted(samples[name])[len(samples[name]) // 2],
                 "samples": samples[name]} for name, _ in apps]
    finally:
        await services.close()


def classify(file_path: str) -> str:
    p = file_path or ""
    for key, label in (("sqlalchemy", "sqlalchemy"), ("aiosqlite", "aiosqlite"),
                       ("asyncpg", "asyncpg"), ("redis", "redis-py"),
                       ("starlette", "starlette"), ("structlog", "structlog (access log)"),
                       ("email_validator", "email-validator"), ("msgspec", "msgspec"),
                       ("agentdir", "agentdir"), ("selectors", "event loop: waiting (epoll)"),
                       ("asyncio", "asyncio (event loop, futures, threads)"),
                       ("threading", "threading"), ("/bench/", "bench driver")):
        if key in p:
            return label
    return "other (stdlib, builtins)"


def _walk(frame: Any, by_pkg: dict[str, float], by_fn: dict[str, float]) -> None:
    self_time = frame.total_self_time
    if self_time:
        by_pkg[classify(frame.file_path)] += self_time
        short = frame.file_path_short or frame.file_path or "?"
        by_fn[f"{frame.function} ({short}:{frame.line_no})"] += self_time
    for child in frame.children:
        if not child.is_synthetic:  # their time is already in total_self_time
            _walk(child, by_pkg, by_fn)


async def profile_full(settings: Settings, reqs: Sequence[Req], *,
                       seconds: float) -> dict[str, Any]:
    """pyinstrument over `seconds` of sequential requests through the full app."""
    from pyinstrument import Profiler

    _quiet_logs()
    services = await build_services(settings)
    try:
        app = create_app(settings, services=services)
        await _drive(app, reqs, seconds / 4)
        profiler = Profiler(interval=0.0005, async_mode="disabled")
        started = time.perf_counter()
        profiler.start()
        _, n = await _drive(app, reqs, seconds)
        profiler.stop()
        total = time.perf_counter() - started
    finally:
        await services.close()
    root = profiler.last_session.root_frame() if profiler.last_session else None
    by_pkg: dict[str, float] = collections.defaultdict(float)
    by_fn: dict[str, float] = collections.defaultdict(float)
    if root is not None:
        _walk(root, by_pkg, by_fn)
    whole = sum(by_pkg.values()) or 1.0
    return {
        "requests": n,
        "total_s": total,
        "us_per_request": total / n * 1e6,
        "by_package": sorted(((k, v / whole) for k, v in by_pkg.items()),
                             key=lambda kv: -kv[1]),
        "text": profiler.output_text(unicode=False, color=False, show_all=False),
        "top_functions": sorted(((k, v / whole) for k, v in by_fn.items()),
                                key=lambda kv: -kv[1])[:15],
    }
