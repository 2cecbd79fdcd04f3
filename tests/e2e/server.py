"""Run the real `agentdir` console script as a server process, for end-to-end tests.

The server is started exactly as the README's `scripts/serve` does (`agentdir serve
--demo`), on a fresh SQLite file and a free port, with every AGENTDIR_* variable of
the test environment removed so that only what a test sets reaches the server.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
AGENTDIR = REPO_ROOT / ".venv" / "bin" / "agentdir"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
CLI_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test process's environment without AGENTDIR_*, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTDIR_")}
    env.update(extra or {})
    return env


@dataclasses.dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclasses.dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    base_url: str
    database_url: str
    workdir: Path
    stdout_path: Path
    stderr_path: Path
    env: dict[str, str]

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def demo_api_key(self) -> str:
        match = re.search(r"^\s*apiKey:\s+(\S+)\s*$", self.stdout, re.MULTILINE)
        assert match is not None, f"no demo apiKey in the server's output:\n{self.stdout}"
        return match.group(1)

    def cli(self, *args: str) -> CliResult:
        """Run `agentdir --database-url <this server's database> ARGS`."""
        return run_cli("--database-url", self.database_url, *args, env=self.env,
                       cwd=self.workdir)

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM the server; return its exit status (raises if it does not stop)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


def run_cli(*args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None
            ) -> CliResult:
    completed = subprocess.run(
        [str(AGENTDIR), *args],
        env=dict(env) if env is not None else clean_env(),
        cwd=cwd,
        capture_output=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    return CliResult(
        completed.returncode,
        completed.stdout.decode("utf-8", errors="replace"),
        completed.stderr.decode("utf-8", errors="replace"),
    )


def _wait_until_healthy(server: ServerProcess) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"server exited with {server.process.returncode} before serving\n"
                f"stdout:\n{server.stdout}\nstderr:\n{server.stderr}"
            )
        try:
            response = httpx.get(f"{server.base_url}/healthz", timeout=1.0)
            if response.status_code == 200:
                return
        except httpx.HTTPError as exc:
            last_error = exc
        time.sleep(0.05)  # readiness polling, not time-based logic
    raise RuntimeError(
        f"server not healthy within {STARTUP_TIMEOUT}s ({last_error!r})\n"
        f"stdout:\n{server.stdout}\nstderr:\n{server.stderr}"
    )


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Last-resort cleanup of the server we started (its own process group)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def running_server(
    workdir: Path, *, env: Mapping[str, str] | None = None, demo: bool = True
) -> Iterator[ServerProcess]:
    """Start `agentdir serve` in `workdir` on a fresh database; stop it afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{workdir / 'db.sqlite3'}"
    port = free_port()
    full_env = clean_env(env)
    stdout_path = workdir / "server.stdout"
    stderr_path = workdir / "server.stderr"
    args = [str(AGENTDIR), "--database-url", database_url, "serve", "--port", str(port)]
    if demo:
        args.append("--demo")
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(
            args, cwd=workdir, env=full_env, stdout=out, stderr=err,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    server = ServerProcess(
        process=process,
        base_url=f"http://127.0.0.1:{port}",
        database_url=database_url,
        workdir=workdir,
        stdout_path=stdout_path,
        stderr_path=stderr_path,
        env=full_env,
    )
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        try:
            if process.poll() is None:
                server.stop()
        except subprocess.TimeoutExpired:
            print("agentdir server ignored SIGTERM; killing it", file=sys.stderr)
        finally:
            _kill(process)
