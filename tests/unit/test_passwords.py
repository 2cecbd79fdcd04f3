"""Agent passwords (spec 5.6): Argon2id hashes, OWASP-strength defaults, off the event loop."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher as Argon2Hasher

from agentdir.agents.passwords import PasswordHasher
from agentdir.bootstrap import make_hasher
from agentdir.settings import Settings

HASH_FORMAT = re.compile(
    r"^\$argon2id\$v=19\$m=(?P<m>\d+),t=(?P<t>\d+),p=(?P<p>\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$"
)


def parameters(encoded: str) -> dict[str, int]:
    match = HASH_FORMAT.match(encoded)
    assert match is not None, encoded
    return {k: int(v) for k, v in match.groupdict().items()}


@pytest.fixture
def cheap() -> Iterator[PasswordHasher]:
    hasher = PasswordHasher(time_cost=1, memory_kib=1024, parallelism=1, threads=2)
    yield hasher
    hasher.close()


@pytest.fixture
def default_hasher() -> Iterator[PasswordHasher]:
    hasher = make_hasher(Settings())
    yield hasher
    hasher.close()


async def test_hash_is_argon2id_with_the_configured_parameters() -> None:
    hasher = PasswordHasher(time_cost=3, memory_kib=2048, parallelism=2, threads=1)
    try:
        encoded = await hasher.hash("s3cret-pw")
    finally:
        hasher.close()
    assert encoded.startswith("$argon2id$")
    assert parameters(encoded) == {"m": 2048, "t": 3, "p": 2}
    assert "s3cret-pw" not in encoded


async def test_verify_accepts_the_password_and_nothing_else(cheap: PasswordHasher) -> None:
    for password in ("change-me-123", "пароль-ü-ß", "🔑" * 50, "abc"):
        encoded = await cheap.hash(password)
        assert await cheap.verify(encoded, password)
        assert not await cheap.verify(encoded, password + "x")
        assert not await cheap.verify(encoded, password[:-1])
        assert not await cheap.verify(encoded, password.upper() + "!")


async def test_hashes_are_salted(cheap: PasswordHasher) -> None:
    first, second = await cheap.hash("same-password"), await cheap.hash("same-password")
    assert first != second
    assert await cheap.verify(first, "same-password")
    assert await cheap.verify(second, "same-password")


async def test_hashes_are_standard_argon2_encodings(cheap: PasswordHasher) -> None:
    """Any Argon2 implementation can check them (no agentdir-specific wrapping)."""
    encoded = await cheap.hash("portable-pw")
    assert Argon2Hasher().verify(encoded, "portable-pw")
    assert cheap.hash_blocking("portable-pw").startswith("$argon2id$")


async def test_default_settings_meet_the_owasp_argon2id_minimum(
    default_hasher: PasswordHasher,
) -> None:
    """OWASP Password Storage Cheat Sheet: Argon2id with m >= 19 MiB (19456 KiB), t >= 2,
    p = 1. Read from a real hash, not from the settings object."""
    encoded = await default_hasher.hash("owasp-check")
    assert encoded.startswith("$argon2id$v=19$")
    params = parameters(encoded)
    assert params["m"] >= 19_456
    assert params["t"] >= 2
    assert params["p"] == 1
    assert await default_hasher.verify(encoded, "owasp-check")


async def _ticks_during(operation: asyncio.Future[object] | asyncio.Task[object]) -> int:
    ticks = 0
    done = False

    async def ticker() -> None:
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)  # let the ticker start
    before = ticks
    try:
        await operation
    finally:
        done = True
        await task
    return ticks - before


async def test_hashing_runs_off_the_event_loop(default_hasher: PasswordHasher) -> None:
    """While a (real-cost) hash runs, the loop keeps serving other coroutines. A hash on
    the loop itself would let the ticker run at most once."""
    ticks = await _ticks_during(asyncio.ensure_future(default_hasher.hash("loop-check")))
    assert ticks > 20


async def test_verifying_runs_off_the_event_loop(default_hasher: PasswordHasher) -> None:
    encoded = default_hasher.hash_blocking("loop-check")
    verify = asyncio.ensure_future(default_hasher.verify(encoded, "loop-check"))
    ticks = await _ticks_during(verify)
    assert ticks > 20
    assert verify.result() is True
