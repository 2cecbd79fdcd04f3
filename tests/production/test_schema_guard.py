"""`agentdir serve` refuses to start on a database it cannot use."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from tests.e2e.server import free_port
from tests.production.processes import (
    AGENTDIR,
    REDIS_URL,
    PgDatabase,
    server_env,
)

pytestmark = pytest.mark.server


async def test_serve_refuses_an_unknown_schema_revision(
    database: PgDatabase, tmp_path: Path
) -> None:
    await database.execute("UPDATE alembic_version SET version_num = '9999'")
    port = free_port()
    completed = await asyncio.to_thread(
        subprocess.run,
        [str(AGENTDIR), "serve", "--port", str(port), "--workers", "2"],
        env=server_env(database.url, REDIS_URL), cwd=tmp_path, capture_output=True,
        timeout=60, check=False, stdin=subprocess.DEVNULL,
    )
    stderr = completed.stderr.decode(errors="replace")
    assert completed.returncode != 0
    assert "9999" in stderr
    assert "revision" in stderr
    assert "Traceback" not in stderr
    assert "serving on" not in stderr + completed.stdout.decode(errors="replace")
    # Nothing was touched: the newer schema's revision is still there.
    rows = await database.fetch("SELECT version_num FROM alembic_version")
    assert [r["version_num"] for r in rows] == ["9999"]


async def test_serve_without_a_reachable_database_says_so(tmp_path: Path) -> None:
    """At startup the schema must be checked, so with PostgreSQL unreachable `serve`
    exits non-zero with a plain message. (A running server answers 503 instead and
    recovers by itself: test_faults.)"""
    completed = await asyncio.to_thread(
        subprocess.run,
        [str(AGENTDIR), "serve", "--port", str(free_port())],
        env=server_env("postgresql://127.0.0.1:1/x", REDIS_URL), cwd=tmp_path,
        capture_output=True, timeout=60, check=False, stdin=subprocess.DEVNULL,
    )
    stderr = completed.stderr.decode(errors="replace")
    assert completed.returncode != 0
    assert "cannot reach the database" in stderr
    assert "Traceback" not in stderr
