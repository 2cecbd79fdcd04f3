"""Server processes: start on a free port, wait for /healthz, read worker RSS, stop."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

__all__ = ["Server", "descendants", "free_port", "vmhwm_kib"]

VENV_BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, grandchildren...), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out: list[int] = []
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


def vmhwm_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


@dataclasses.dataclass
class Server:
    name: str
    kind: str  # "granian", "uvicorn", "agentdir"
    workers: int
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    log_dir: Path = Path("/tmp")
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        port = str(self.port)
        if self.kind == "granian":
            return [str(VENV_BIN / "granian"), "--interface", "asgi", "--host", "127.0.0.1",
                    "--port", port, "--workers", str(self.workers), "--no-ws",
                    "--log-level", "warning", "bench.baseline_app:app"]
        if self.kind == "uvicorn":
            return [str(VENV_BIN / "uvicorn"), "--host", "127.0.0.1", "--port", port,
                    "--workers", str(self.workers), "--no-access-log", "--log-level",
                    "warning", "bench.baseline_app:app"]
        return [str(VENV_BIN / "agentdir"), "serve", "--port", port,
                "--workers", str(self.workers)]

    def start(self) -> None:
        self.port = free_port()
        log = open(self.log_dir / f"{self.name}.log", "wb")  # noqa: SIM115 - lives with proc
        env = dict(os.environ, **self.env)
        self.proc = subprocess.Popen(self.command(), env=env, stdout=log, stderr=log, cwd=REPO,
                                     start_new_session=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; "
                                   f"see {self.log_dir / (self.name + '.log')}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout} s")

    def worker_rss(self) -> list[dict[str, object]]:
        """VmHWM of every descendant process that looks like a server worker."""
        assert self.proc is not None
        rows = []
        for pid in descendants(self.proc.pid):
            cmd = cmdline(pid)
            if "resource_tracker" in cmd or "semaphore_tracker" in cmd:
                continue
            hwm = vmhwm_kib(pid)
            if hwm is not None:
                rows.append({"pid": pid, "vmhwm_kib": hwm, "cmdline": cmd[:120]})
        if not rows:  # a single-process server: the process itself is the worker
            hwm = vmhwm_kib(self.proc.pid)
            if hwm is not None:
                rows.append({"pid": self.proc.pid, "vmhwm_kib": hwm,
                             "cmdline": cmdline(self.proc.pid)[:120]})
        return rows

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
