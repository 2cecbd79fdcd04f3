"""Bulk import/export: the engine in-process with the default limits and fake time,
and the `agentdir agents` commands against a real server."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from agentdir import client as c
from agentdir.app import create_app
from agentdir.bootstrap import Services
from agentdir.client._bulk import Outcome, StateFile, import_rows, read_rows
from agentdir.settings import Settings
from tests.client.conftest import AGENTDIR, RAISED_LIMITS, BridgeTransport, FakeTime, Server
from tests.conftest import Api

BAD_ROWS = {  # row index -> (cells to change, why it fails)
    7: ({"email": "not-an-email"}, "Invalid email format"),
    13: ({"agentId": "has space"}, "agentId"),
    21: ({"password": ""}, "Password is required"),
    30: ({"skills": "no-such-skill"}, "assignSkills[0]"),
    44: ({"inbound": "maybe"}, "inbound: expected true or false"),
}


def write_csv(path: Path, count: int = 50, prefix: str = "ag") -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["agentId", "agentName", "password", "email",
                                         "skills", "groups", "inbound", "manual"])
        writer.writeheader()
        for i in range(count):
            row = {"agentId": f"{prefix}{i:03d}", "agentName": f"Agent {i}",
                   "password": "pw-123", "email": f"{prefix}{i}@example.com",
                   "skills": "billing:2" if i % 2 else "", "groups": "day" if i % 3 else "",
                   "inbound": "true", "manual": "false" if i % 5 else "true"}
            row.update(BAD_ROWS.get(i, ({}, ""))[0])
            writer.writerow(row)
    return path


@pytest.fixture
async def bridge(settings: Settings, services: Services) -> BridgeTransport:
    return BridgeTransport(create_app(settings, services=services),
                           asyncio.get_running_loop())


async def test_import_50_rows_default_limits_interrupt_and_resume(
    make_api: Any, make_client: Any, bridge: BridgeTransport, fake_time: FakeTime,
    tmp_path: Path,
) -> None:
    api: Api = await make_api("token", token=False)
    await api.add("skill", "billing")
    await api.add("group", "day")
    await api.seed_agent("ag000")  # already there: updated, not created
    rows = read_rows(write_csv(tmp_path / "agents.csv"))
    state_path = tmp_path / "agents.csv.agentdir-state.jsonl"
    sleeps = [0]

    def interrupting_sleep(seconds: float) -> None:
        sleeps[0] += 1
        if sleeps[0] == 4:  # Ctrl-C during the 4th rate-limit wait
            raise KeyboardInterrupt
        fake_time.sleep(seconds)

    waits: list[str] = []

    def run(sleep: Any) -> list[Outcome] | None:
        with c.Client("http://agentdir.test", user_name=api.user_name, api_key=api.api_key,
                      transport=bridge, clock=fake_time.clock.now, sleep=sleep,
                      pace=True, on_wait=lambda _s, reason, _e: waits.append(reason)) as client:
            try:
                return import_rows(client, rows, StateFile(state_path))
            except KeyboardInterrupt:
                return None

    assert await asyncio.to_thread(run, interrupting_sleep) is None
    assert set(waits) == {"pacing"}  # pacing kept the run under the limit: no 429
    done_ids = {json.loads(line)["agentId"] for line in state_path.read_text().splitlines()}
    done_first = len(done_ids)
    assert 15 <= done_first <= 20
    bridge.requests.clear()

    outcomes = await asyncio.to_thread(run, fake_time.sleep)
    assert outcomes is not None
    by_action: dict[str, list[int]] = {}
    for o in outcomes:
        by_action.setdefault(o.action, []).append(o.row.line)
    assert len(by_action["skipped"]) == done_first
    assert "updated" not in by_action
    state = [json.loads(line) for line in state_path.read_text().splitlines()]
    assert len(state) == len({(e["line"], e["hash"]) for e in state}) == 50 - len(BAD_ROWS)
    assert [e["line"] for e in state if e["action"] == "updated"] == [2]  # ag000
    failures = {o.row.line - 2: o.message for o in outcomes if o.action == "failed"}
    assert set(failures) == set(BAD_ROWS)
    for index, (_, why) in BAD_ROWS.items():
        assert why in failures[index]

    # Nothing was done twice: no row done in the first run is sent again.
    again = {body.get("agentId") for endpoint, body in bridge.requests
             if endpoint != "generateToken"}
    assert not done_ids & again
    # A resumed run learns the limit's state from its first answer (one 429 at most).
    assert waits.count("rate limited") <= 1
    assert fake_time.clock.now() - 1_796_000_000 > 8 * 60

    async with make_client(api) as ca:
        listing = await ca.agent_details()
    assert len(listing) == 50 - len(BAD_ROWS)
    versions = {a.agent_id: a.details.version for a in listing if a.details}
    assert versions.pop("ag000") == 2
    assert set(versions.values()) == {1}
    ag001 = next(a for a in listing if a.agent_id == "ag001")
    assert ag001.details is not None
    assert ag001.details.skills == [c.SkillAssignment("billing", 2)]
    assert ag001.details.groups == ["day"]


def test_jsonl_rows_and_unknown_fields(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"userName": "x", "agentId": "a1", "agentName": "A", "inbound": false}\n'
                    '\n[1]\n{"agentId": "a2", "agentNme": "typo"}\n')
    rows = read_rows(path)
    assert [(r.line, r.error) for r in rows] == [
        (1, None), (3, "not a JSON object"), (4, "unknown field 'agentNme'")]
    assert rows[0].fields == {"agent_id": "a1", "agent_name": "A", "inbound": False}


def _cli(server: Server, *args: str, api_key: str, **kwargs: Any) -> Any:
    env = dict(server.env, AGENTDIR_API_KEY=api_key, COLUMNS="120")
    return subprocess.run([AGENTDIR, "agents", *args, "--base-url", server.base_url],
                          env=env, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.mark.server
def test_cli_import_and_export_against_a_real_server(server: Server, tmp_path: Path) -> None:
    user = f"bulk-{uuid.uuid4().hex[:8]}"
    key = server.account(user)
    with c.Client(server.base_url, user_name=user, api_key=key) as ca:
        ca.create_skill("billing")
    subprocess.run([AGENTDIR, "--database-url", server.database_url, "group", "create",
                    user, "day"], env=server.env, check=True, capture_output=True)
    source = write_csv(tmp_path / "agents.csv")
    started = time.monotonic()
    result = _cli(server, "import", str(source), "--user", user, api_key=key)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "45 created, 0 updated, 0 skipped, 5 failed" in result.stderr
    for index in BAD_ROWS:
        assert f"ag{index:03d}" in result.stderr or str(index + 2) in result.stderr
    print(f"50-row import through the CLI: {elapsed:.1f}s")

    again = _cli(server, "import", str(source), "--user", user, api_key=key)
    assert again.returncode == 1
    assert "0 created, 0 updated, 45 skipped, 5 failed" in again.stderr

    out = tmp_path / "export.jsonl"
    exported = _cli(server, "export", "--user", user, "-o", str(out), api_key=key)
    assert exported.returncode == 0, exported.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 45
    assert lines[1]["assignSkills"] == [
        {"skillName": "billing", "priority": 2}]
    csv_out = _cli(server, "export", "--user", user, "--format", "csv", api_key=key)
    assert csv_out.stdout.splitlines()[0].startswith("agentId,agentName,password,email")
    assert len(csv_out.stdout.splitlines()) == 46


@pytest.mark.server
def test_cli_ctrl_c_then_resume_without_duplicates(fresh_server: Server,
                                                   tmp_path: Path) -> None:
    user = f"resume-{uuid.uuid4().hex[:8]}"
    key = fresh_server.account(user, "basic")
    fresh_server.start()  # the default limits: 5 creates a minute
    source = tmp_path / "agents.jsonl"
    source.write_text("".join(
        json.dumps({"agentId": f"r{i:02d}", "agentName": f"Agent {i}", "password": "pw-123",
                    "email": f"r{i}@example.com"}) + "\n" for i in range(8)))
    state = tmp_path / "agents.jsonl.agentdir-state.jsonl"
    env = dict(fresh_server.env, AGENTDIR_API_KEY=key)
    process = subprocess.Popen(
        [AGENTDIR, "agents", "import", str(source), "--user", user, "--base-url",
         fresh_server.base_url], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # five rows, then the pacing wait
        if state.exists() and len(state.read_text().splitlines()) == 5:
            break
        time.sleep(0.1)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Interrupted" in stderr
    assert "Resume with" in stderr
    assert len(state.read_text().splitlines()) == 5

    fresh_server.stop()
    fresh_server.start(RAISED_LIMITS)
    result = subprocess.run(
        [AGENTDIR, "agents", "import", str(source), "--user", user, "--base-url",
         fresh_server.base_url], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "3 created, 0 updated, 5 skipped, 0 failed" in result.stderr
    done = [json.loads(line) for line in state.read_text().splitlines()]
    assert sorted(d["agentId"] for d in done) == [f"r{i:02d}" for i in range(8)]
    with c.Client(fresh_server.base_url, user_name=user, api_key=key) as ca:
        agents = ca.agent_details()
    assert [a.agent_id for a in agents] == [f"r{i:02d}" for i in range(8)]
    assert {a.details.version for a in agents if a.details} == {1}  # none done twice
    assert os.path.getsize(state) > 0
