"""A fixed-rate (open-loop) HTTP/1.1 load generator for latency at a given load.

wrk is closed-loop (each connection waits for its answer), so its latencies at
saturation say little about latency at a given load, and wrk2 is not packaged in
Debian. This generator schedules request i at t0 + i/rate, sends it on an idle
keep-alive connection of a fixed pool (or queues it until one frees), and measures
latency from the *scheduled* time: time spent queued behind a slow answer counts,
so there is no coordinated omission. asyncio Protocols on raw sockets keep the
client's own cost to a few microseconds per request.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import time
from collections.abc import Sequence

__all__ = ["percentile", "run_fixed_rate"]


def percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


class _Conn(asyncio.Protocol):
    def __init__(self, gen: _Gen) -> None:
        self.gen = gen
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.started: float | None = None
        self.need: int | None = None  # bytes of the current response, once headers are in

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def send(self, payload: bytes, scheduled: float) -> None:
        assert self.transport is not None
        self.started = scheduled
        self.transport.write(payload)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            if self.need is None:
                end = self.buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = bytes(self.buf[:end]).lower()
                length = 0
                for line in head.split(b"\r\n"):
                    if line.startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                self.status = int(head[9:12])
                self.need = end + 4 + length
            if len(self.buf) < self.need:
                return
            del self.buf[: self.need]
            self.need = None
            assert self.started is not None
            self.gen.done(self, self.started, self.status)

    def connection_lost(self, exc: Exception | None) -> None:
        self.gen.lost(self)


class _Gen:
    def __init__(self, payloads: Sequence[bytes]) -> None:
        self.payloads = itertools.cycle(payloads)
        self.idle: collections.deque[_Conn] = collections.deque()
        self.backlog: collections.deque[float] = collections.deque()
        self.latencies: list[float] = []
        self.errors = 0
        self.completed = 0
        self.recording = False
        self.outstanding = 0

    def dispatch(self, scheduled: float) -> None:
        self.outstanding += 1
        if self.idle:
            self.idle.popleft().send(next(self.payloads), scheduled)
        else:
            self.backlog.append(scheduled)

    def done(self, conn: _Conn, scheduled: float, status: int) -> None:
        now = time.perf_counter()
        self.outstanding -= 1
        if self.recording:
            self.completed += 1
            self.latencies.append(now - scheduled)
            if status >= 300:
                self.errors += 1
        if self.backlog:
            conn.send(next(self.payloads), self.backlog.popleft())
        else:
            self.idle.append(conn)

    def lost(self, conn: _Conn) -> None:
        if conn in self.idle:
            self.idle.remove(conn)
        self.errors += 1


async def _run(host: str, port: int, payloads: Sequence[bytes], rate: float, seconds: float,
               warmup: float, connections: int) -> dict[str, float]:
    loop = asyncio.get_running_loop()
    gen = _Gen(payloads)
    for _ in range(connections):
        _, conn = await loop.create_connection(lambda: _Conn(gen), host, port)
        gen.idle.append(conn)
    interval = 1.0 / rate
    t0 = time.perf_counter()
    measure_from = t0 + warmup
    end = measure_from + seconds
    i = 0
    while True:
        now = time.perf_counter()
        if now >= end:
            break
        if not gen.recording and now >= measure_from:
            gen.recording = True
        # Send everything scheduled up to now (catch up after a late wake-up).
        while t0 + i * interval <= now:
            gen.dispatch(t0 + i * interval)
            i += 1
        await asyncio.sleep(max(0.0, t0 + i * interval - time.perf_counter()))
    gen.recording = False
    drain_deadline = time.perf_counter() + 10
    while gen.outstanding and time.perf_counter() < drain_deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    for conn in list(gen.idle):
        if conn.transport is not None:
            conn.transport.close()
    lat = sorted(gen.latencies)
    return {
        "target_rps": rate,
        "achieved_rps": gen.completed / seconds,
        "p50_ms": percentile(lat, 50) * 1000,
        "p99_ms": percentile(lat, 99) * 1000,
        "p999_ms": percentile(lat, 99.9) * 1000,
        "errors": gen.errors,
        "samples": len(lat),
    }


def run_fixed_rate(host: str, port: int, payloads: Sequence[bytes], *, rate: float,
                   seconds: float, warmup: float = 1.0, connections: int = 32
                   ) -> dict[str, float]:
    return asyncio.run(_run(host, port, payloads, rate, seconds, warmup, connections))
