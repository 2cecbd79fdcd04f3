"""The rolling rate-limit window (spec 4) against an independent brute-force oracle.

Property: for any non-decreasing sequence of request times, no window of `w` seconds
ever holds more than `q` accepted requests, and a request is refused only if
accepting it would put `q + 1` accepted requests into some window of `w` seconds.
Refused requests do not count.

Times are multiples of 1/4 s, which floats represent exactly, so the oracle's
arithmetic is exact and boundary cases (a request exactly `w` seconds after an
accepted one) are decided by the rule, not by rounding.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence

from hypothesis import example, given, settings
from hypothesis import strategies as st

from agentdir.ratelimit.policy import Limit
from agentdir.ratelimit.store import MemoryStore
from agentdir.ratelimit.window import Decision, decide, live_hits

START = 1_796_000_000.0
SPEC_LIMIT = Limit(5, 60)

# Gaps in quarter seconds, biased towards the interesting ones (0, just under/at/over 60 s).
gaps = st.one_of(
    st.integers(0, 8),
    st.sampled_from([59 * 4, 59 * 4 + 3, 60 * 4, 60 * 4 + 1, 61 * 4, 30 * 4, 12 * 4]),
    st.integers(0, 70 * 4),
).map(lambda quarters: quarters / 4)
gap_lists = st.lists(gaps, min_size=1, max_size=40)
limits = st.builds(Limit, st.integers(1, 6), st.integers(1, 90))


def times_from(gap_list: Sequence[float]) -> list[float]:
    times, now = [], START
    for gap in gap_list:
        now += gap
        times.append(now)
    return times


# --- the oracle: brute force over the accepted list ---------------------------------


def max_in_any_window(accepted: Sequence[float], window: float) -> int:
    """The most accepted requests any half-open window [s, s + window) holds. Such a
    window can always be slid to start at an accepted time without losing any."""
    return max((sum(1 for t in accepted if s <= t < s + window) for s in accepted), default=0)


def oracle_allows(accepted: Sequence[float], now: float, limit: Limit) -> bool:
    return max_in_any_window([*accepted, now], limit.window_seconds) <= limit.requests


def oracle_counted(accepted: Sequence[float], now: float, window: float) -> list[float]:
    """Accepted requests that a window ending at `now` still holds."""
    return [t for t in accepted if now - t < window]


def oracle_retry_after(accepted: Sequence[float], now: float, limit: Limit) -> int:
    """Whole seconds (>= 1) until a request would be accepted, nothing else happening."""
    wait = 1
    while not oracle_allows(accepted, now + wait, limit):
        wait += 1
    return wait


# --- running the real store ---------------------------------------------------------


def run_store(times: Sequence[float], limit: Limit, key: str = "acct") -> list[Decision]:
    async def run() -> list[Decision]:
        store = MemoryStore()
        try:
            return [await store.acquire(key, "updateAgent", limit, now) for now in times]
        finally:
            await store.close()

    return asyncio.run(run())


def check_against_oracle(times: Sequence[float], limit: Limit,
                         decisions: Sequence[Decision]) -> None:
    accepted: list[float] = []
    window = limit.window_seconds
    for now, decision in zip(times, decisions, strict=True):
        allowed = oracle_allows(accepted, now, limit)
        assert decision.allowed is allowed, (now - START, [a - START for a in accepted])
        assert decision.limit == limit
        counted = oracle_counted(accepted, now, window)
        if allowed:
            # "remaining" counts this request; "reset" runs until the oldest counted
            # request (this one, if it is alone) leaves the window
            assert decision.remaining == limit.requests - len(counted) - 1
            oldest = counted[0] if counted else now
            assert decision.reset_after == math.ceil(oldest + window - now)
            accepted.append(now)
        else:
            assert decision.remaining == 0
            assert len(counted) == limit.requests
            assert decision.reset_after == math.ceil(counted[0] + window - now)
            assert decision.retry_after == oracle_retry_after(accepted, now, limit)
            assert decision.retry_after >= 1
        assert 0 <= decision.remaining < limit.requests
        assert decision.retry_after >= 1
    # the invariant over the whole run
    assert max_in_any_window(accepted, window) <= limit.requests


@settings(max_examples=300)
@given(gap_lists)
@example([0.0] * 7)  # a burst: five accepted, then refused
@example([0.0, *[12.0] * 4, 12.0, 0.25])  # +60 replaces +0 exactly; +60.25 is refused
@example([0.0, 0.0, 0.0, 0.0, 0.0, 60.0])  # exactly a window later: a slot is free
@example([0.0, 0.0, 0.0, 0.0, 0.0, 59.75, 0.25])
def test_memory_store_matches_the_oracle_for_the_spec_limit(gap_list: list[float]) -> None:
    times = times_from(gap_list)
    check_against_oracle(times, SPEC_LIMIT, run_store(times, SPEC_LIMIT))


@settings(max_examples=200)
@given(gap_lists, limits)
def test_memory_store_matches_the_oracle_for_any_limit(gap_list: list[float],
                                                       limit: Limit) -> None:
    times = times_from(gap_list)
    check_against_oracle(times, limit, run_store(times, limit))


@given(gap_lists, gap_lists)
def test_keys_do_not_share_a_window(first: list[float], second: list[float]) -> None:
    """Two accounts interleaved in one store decide exactly as if each were alone."""
    a, b = times_from(first), times_from(second)
    merged = sorted([(t, "a") for t in a] + [(t, "b") for t in b])

    async def run() -> dict[str, list[bool]]:
        store = MemoryStore()
        out: dict[str, list[bool]] = {"a": [], "b": []}
        for now, key in merged:
            out[key].append((await store.acquire(key, "updateAgent", SPEC_LIMIT, now)).allowed)
        return out

    together = asyncio.run(run())
    assert together["a"] == [d.allowed for d in run_store(a, SPEC_LIMIT)]
    assert together["b"] == [d.allowed for d in run_store(b, SPEC_LIMIT)]


def test_five_accepted_report_4_3_2_1_0_then_refused() -> None:
    times = [START + i for i in range(6)]
    decisions = run_store(times, SPEC_LIMIT)
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0]
    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert [d.reset_after for d in decisions[:5]] == [60, 59, 58, 57, 56]
    # the first request (at +0) frees its slot at +60; the sixth came at +5
    assert decisions[5].retry_after == 55


# --- the pure functions -------------------------------------------------------------


@given(gap_lists, gaps, st.integers(1, 90))
def test_live_hits_are_the_times_inside_the_window(gap_list: list[float], extra: float,
                                                   window: int) -> None:
    hits = times_from(gap_list)
    now = hits[-1] + extra
    assert list(live_hits(hits, now, window)) == oracle_counted(hits, now, window)


@given(st.lists(st.integers(0, 59 * 4), max_size=8), limits)
def test_decide_refuses_exactly_when_the_window_is_full(offsets: list[int],
                                                       limit: Limit) -> None:
    now = START + 60
    live = sorted(now - q / 4 for q in offsets if q / 4 < limit.window_seconds)
    decision = decide("skill", limit, live, now)
    assert decision.endpoint == "skill"
    assert decision.allowed is (len(live) < limit.requests)
