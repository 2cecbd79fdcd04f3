"""In-process measurements: raw Argon2id throughput, JSON decoding libraries, and the
cost of one rate-limit check as the window fills."""

from __future__ import annotations

import asyncio
import json
import os
import time
import timeit
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import msgspec
from argon2 import PasswordHasher, Type

from agentdir.ratelimit.policy import Limit
from agentdir.ratelimit.store import MemoryStore
from agentdir.settings import Settings

__all__ = ["decode_comparison", "jwt_verify_cost", "limiter_cost", "raw_hash_throughput"]


def raw_hash_throughput(seconds: float, threads: int | None = None) -> float:
    """Argon2id hashes per second with the service's parameters, on a thread pool sized
    to the cores (what the service's hasher uses: Settings.hash_threads = cpu_count)."""
    s = Settings()
    hasher = PasswordHasher(time_cost=s.argon2_time_cost, memory_cost=s.argon2_memory_kib,
                            parallelism=s.argon2_parallelism, hash_len=32, salt_len=16,
                            type=Type.ID)
    threads = threads or os.cpu_count() or 1
    deadline = time.perf_counter() + seconds

    def worker() -> int:
        n = 0
        while time.perf_counter() < deadline:
            hasher.hash("new-secret-42")
            n += 1
        return n

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        total = sum(f.result() for f in [pool.submit(worker) for _ in range(threads)])
    return total / (time.perf_counter() - started)


def _per_call_us(fn: Any, number: int = 20_000, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def decode_comparison(body: bytes) -> dict[str, dict[str, Any]]:
    """Decode one updateAgent body: stdlib json, msgspec (dict, as agentdir does; and
    a typed Struct), pydantic v2 (a typed model, JSON in)."""
    import pydantic

    class CallControlsM(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="allow")

    class UpdateM(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="allow")
        userName: str  # noqa: N815 - the wire name
        agentId: str  # noqa: N815
        email: str | None = None
        agentName: str | None = None  # noqa: N815
        agentData: str | None = None  # noqa: N815
        screenRecording: bool | None = None  # noqa: N815
        autoAnswer: str | None = None  # noqa: N815
        inbound: bool | None = None
        manual: bool | None = None
        preview: bool | None = None
        callControls: dict[str, Any] | None = None  # noqa: N815

    class UpdateS(msgspec.Struct):
        userName: str  # noqa: N815
        agentId: str  # noqa: N815
        email: str | None = None
        agentName: str | None = None  # noqa: N815
        agentData: str | None = None  # noqa: N815
        screenRecording: bool | None = None  # noqa: N815
        autoAnswer: str | None = None  # noqa: N815
        inbound: bool | None = None
        manual: bool | None = None
        preview: bool | None = None
        callControls: dict[str, Any] | None = None  # noqa: N815

    dict_decoder = msgspec.json.Decoder()
    struct_decoder = msgspec.json.Decoder(UpdateS)
    adapter = pydantic.TypeAdapter(dict[str, Any])
    out = {
        "decode: json.loads (dict)": _per_call_us(lambda: json.loads(body)),
        "decode: msgspec (dict, as agentdir)": _per_call_us(lambda: dict_decoder.decode(body)),
        "decode: msgspec (typed Struct)": _per_call_us(lambda: struct_decoder.decode(body)),
        "decode: pydantic TypeAdapter(dict)": _per_call_us(
            lambda: adapter.validate_json(body)),
        "decode: pydantic model_validate_json": _per_call_us(
            lambda: UpdateM.model_validate_json(body)),
    }
    return {k: {"value": v, "unit": "us/decode"} for k, v in out.items()} | {
        "decode: body size": {"value": float(len(body)), "unit": "bytes"}}


def limiter_cost(live_hits: int, calls: int = 2000) -> float:
    """us per MemoryStore.acquire when `live_hits` accepted requests are in the window:
    with a raised limit the window holds rate x window-seconds entries per account."""
    store = MemoryStore()
    limit = Limit(100_000_000, 60)
    now = 1_000_000.0

    async def go() -> float:
        for i in range(live_hits):
            await store.acquire("k", "updateAgent", limit, now + i * 1e-6)
        t = now + live_hits * 1e-6
        started = time.perf_counter()
        for i in range(calls):
            await store.acquire("k", "updateAgent", limit, t + i * 1e-6)
        return (time.perf_counter() - started) / calls * 1e6

    return asyncio.run(go())


def jwt_verify_cost(secret: str, calls: int = 5000) -> float:
    """us per TokenCodec.verify: the extra CPU of a TOKEN_AUTH request."""
    from agentdir.auth.tokens import TokenCodec
    from agentdir.clock import SystemClock

    codec = TokenCodec(secret.encode(), SystemClock(), 3600)
    token = codec.issue("acct0990", 3)
    return _per_call_us(lambda: codec.verify(token, user_name="acct0990", generation=3),
                        number=calls, repeat=3)
