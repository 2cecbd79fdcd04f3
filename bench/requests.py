"""Request sets shared by wrk (as a Lua script) and the fixed-rate load generator (as raw
HTTP/1.1 bytes): method, path, headers and body, rotated over many accounts/agents."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from bench.seed import Target

__all__ = ["Req", "details_requests", "gen_token_requests", "parse_wrk", "raw_bytes",
           "run_wrk", "update_requests", "write_lua"]


@dataclasses.dataclass(frozen=True, slots=True)
class Req:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def update_body(t: Target, *, password: bool) -> dict[str, object]:
    """An updateAgent body of ordinary size: the email (required), a name, a few switches."""
    body: dict[str, object] = {
        "userName": t.user_name,
        "agentId": t.agent_id,
        "email": f"{t.agent_id}.updated@example.com",
        "agentName": "Bench Agent",
        "agentData": "bench-data_01",
        "screenRecording": True,
        "autoAnswer": "on-ring",
        "inbound": True,
        "manual": True,
        "preview": False,
        "callControls": {"mute": True, "hold": True, "transfer": {"agent": {"warm": True}}},
    }
    if password:
        body["password"] = "new-secret-42"
    return body


def _headers(t: Target, token: str | None) -> dict[str, str]:
    headers = {"apiKey": t.api_key, "Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def update_requests(targets: Sequence[Target], *, password: bool = False,
                    tokens: dict[str, str] | None = None) -> list[Req]:
    return [Req("PUT", "/ca_apis/updateAgent", _headers(t, (tokens or {}).get(t.user_name)),
                json.dumps(update_body(t, password=password), separators=(",", ":")).encode())
            for t in targets]


def details_requests(targets: Sequence[Target]) -> list[Req]:
    return [Req("POST", "/ca_apis/AgentDetails", _headers(t, None),
                json.dumps({"userName": t.user_name, "agentId": t.agent_id}).encode())
            for t in targets]


def gen_token_requests(targets: Sequence[Target]) -> list[Req]:
    return [Req("POST", "/ca_apis/CAToken/generateToken", _headers(t, None),
                json.dumps({"userName": t.user_name}).encode())
            for t in targets]


def raw_bytes(req: Req, host: str) -> bytes:
    head = [f"{req.method} {req.path} HTTP/1.1", f"Host: {host}"]
    head += [f"{k}: {v}" for k, v in req.headers.items()]
    head.append(f"Content-Length: {len(req.body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + req.body


def _lua_str(s: str) -> str:
    return "[==[" + s + "]==]"


_LUA_TAIL = """
local reqs = {}
local n = 0
function init(args)
  for i, d in ipairs(data) do reqs[i] = wrk.format(d[1], d[2], d[3], d[4]) end
  n = #reqs
  idx = math.random(n) - 1
end
function request()
  idx = idx + 1
  if idx > n then idx = 1 end
  return reqs[idx]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


def write_lua(reqs: Sequence[Req], path: Path) -> Path:
    lines = ["data = {"]
    for r in reqs:
        headers = ", ".join(f'["{k}"]={_lua_str(v)}' for k, v in r.headers.items())
        lines.append(f'  {{"{r.method}", "{r.path}", {{{headers}}}, '
                     f"{_lua_str(r.body.decode())}}},")
    lines.append("}")
    path.write_text("\n".join(lines) + _LUA_TAIL)
    return path


def parse_wrk(stdout: str) -> dict[str, float]:
    """The BENCHJSON line of our `done()` hook, as rps and latencies in ms."""
    for line in stdout.splitlines():
        if line.startswith("BENCHJSON "):
            raw = json.loads(line.removeprefix("BENCHJSON "))
            seconds = raw["duration_us"] / 1e6
            return {
                "rps": raw["requests"] / seconds if seconds else 0.0,
                "requests": raw["requests"],
                "p50_ms": raw["p50_us"] / 1000,
                "p99_ms": raw["p99_us"] / 1000,
                "mean_ms": raw["mean_us"] / 1000,
                "non2xx": raw["status"],
                "socket_errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
            }
    raise ValueError("wrk printed no BENCHJSON line:\n" + stdout[-2000:])


def run_wrk(url: str, script: Path, *, seconds: float, connections: int,
            threads: int = 1) -> dict[str, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (bench/run installs it: apt-get install wrk)")
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
           "--timeout", "10s", "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         timeout=seconds + 60)
    return parse_wrk(out.stdout)
