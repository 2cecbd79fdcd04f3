"""Concurrent writes through a real server process (spec 5.6, 6).

"Two concurrent updates of one agent never mix: the result equals one of them
applied after the other", and every success bumps `version` by exactly one.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from agentdir.agents.callcontrols import CALL_CONTROLS
from tests.e2e.server import ServerProcess, running_server

pytestmark = pytest.mark.server

MODES = [
    "inbound", "manual", "preview", "progressive", "chat", "blended", "blendedInbound",
    "blendedManual", "blendedPreview", "blendedProgressive", "blendedChat",
]
SKILLS = ["sk-alpha", "sk-beta", "sk-gamma"]
GROUPS = ["grp-a", "grp-b"]
SIP_LOCATIONS = ["site-1"]
USER = "conc"
UPDATES = 40
RACERS = 16
LIMITS = "updateAgent=1000/60,createAgent=1000/60,AgentDetails=1000/60,skill=1000/60"
UNAVAILABLE = {"status": "false", "message": "Service Unavailable", "data": None}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, str]]:
    workdir: Path = tmp_path_factory.mktemp("concurrency-server")
    with running_server(workdir, env={"AGENTDIR_RATE_LIMITS": LIMITS}, demo=False) as srv:
        created = srv.cli("account", "create", USER, "--auth", "basic", "--json")
        assert created.returncode == 0, created.stderr
        assert created.json()["auth"] == "BASIC_AUTH"
        catalog = [("skill", "create", USER, SKILLS[0]),
                   *[("group", "create", USER, g) for g in GROUPS],
                   *[("sip-location", "add", USER, s) for s in SIP_LOCATIONS]]
        # the CLI starts slowly; its commands are independent, so run them together
        with ThreadPoolExecutor(max_workers=len(catalog)) as pool:
            results = list(pool.map(lambda args: srv.cli(*args), catalog))
        for result in results:
            assert result.returncode == 0, result.stderr
        key = created.json()["apiKey"]
        for skill in SKILLS[1:]:  # the rest of the catalog through the API
            r = httpx.post(f"{srv.base_url}/ca_apis/skill", headers={"apiKey": key},
                           json={"userName": USER, "skillName": skill}, timeout=10)
            assert r.status_code == 200, r.text
        yield srv, key


def _create_body(agent_id: str) -> dict[str, Any]:
    return {"userName": USER, "agentId": agent_id, "agentName": "Seed Agent",
            "password": "seed-pw-1", "email": f"{agent_id}@example.com"}


def _request(i: int, agent_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Update number `i`: a body that fixes every field of the record, and the record
    it leads to (whatever the agent held before)."""
    rng = random.Random(i)
    modes = {m: rng.random() < 0.5 for m in MODES}
    modes["inbound"] = bool(i % 2)  # the 40 bodies differ in several fields each
    controls = {c: rng.random() < 0.5 for c in CALL_CONTROLS}
    skills = {s: rng.randint(1, 100) for s in SKILLS if rng.random() < 0.6}
    groups = sorted(g for g in GROUPS if rng.random() < 0.5)
    sip = SIP_LOCATIONS[0] if i % 3 else None
    nested_controls: dict[str, Any] = {}
    for name, value in controls.items():  # send them nested, half of the time
        if i % 2 and "_" in name:
            head, _, rest = name.partition("_")
            nested_controls.setdefault(head, {})[rest] = value
        else:
            nested_controls[name] = value
    body = {
        "userName": USER, "agentId": agent_id,
        "agentName": f"Agent Number {i}", "email": f"agent{i}@example.com",
        "agentData": f"data-{i}", "autoAnswer": f"aa_{i}", "sipLocation": sip,
        "screenRecording": bool(i % 3 == 1), "locked": bool(i % 5 == 2),
        "password": f"pw-{i}-xyz",
        **modes,
        "callControls": nested_controls,
        "assignSkills": [{"skillName": s, "priority": p} for s, p in skills.items()],
        "unAssignSkills": [s for s in SKILLS if s not in skills],
        "assignAgentGroups": ",".join(groups),
        "unAssignAgentGroups": ", ".join(g for g in GROUPS if g not in groups),
    }
    expected = {
        "agentId": agent_id, "agentName": f"Agent Number {i}",
        "email": f"agent{i}@example.com", "agentData": f"data-{i}", "sipLocation": sip,
        "screenRecording": bool(i % 3 == 1), "autoAnswer": f"aa_{i}",
        "locked": bool(i % 5 == 2), "modes": modes, "callControls": controls,
        "skills": sorted([{"skillName": s, "priority": p} for s, p in skills.items()],
                         key=lambda item: str(item["skillName"])),
        "groups": groups,
    }
    return body, expected


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    """The record without what a request does not decide (version, times), with the
    lists in a canonical order (the spec fixes no order inside the record)."""
    out = {k: v for k, v in record.items() if k not in ("version", "createdAt", "updatedAt")}
    out["skills"] = sorted(out["skills"], key=lambda item: item["skillName"])
    out["groups"] = sorted(out["groups"])
    return out


async def _details(client: httpx.AsyncClient, key: str, agent_id: str) -> httpx.Response:
    return await client.post("/ca_apis/AgentDetails", headers={"apiKey": key},
                             json={"userName": USER, "agentId": agent_id})


def _client(server: ServerProcess) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.base_url, timeout=60,
        limits=httpx.Limits(max_connections=UPDATES, max_keepalive_connections=UPDATES),
    )


def _assert_only(responses: list[httpx.Response], allowed: dict[int, Any]) -> None:
    """Every response has an allowed status and that status's body (None: any body)."""
    for r in responses:
        assert r.status_code in allowed, (r.status_code, r.text)
        if allowed[r.status_code] is not None:
            assert r.json() == allowed[r.status_code], r.text
        if r.status_code == 503:
            assert int(r.headers["retry-after"]) >= 1


async def test_concurrent_updates_never_mix(server: tuple[ServerProcess, str]) -> None:
    srv, key = server
    agent_id = "racer.one"
    requests = [_request(i, agent_id) for i in range(UPDATES)]
    expected = [_comparable(e | {"version": 0, "createdAt": "", "updatedAt": ""})
                for _, e in requests]
    assert len({repr(e) for e in expected}) == UPDATES  # every request is distinguishable

    async with _client(srv) as client:
        r = await client.post("/ca_apis/createAgent", headers={"apiKey": key},
                              json=_create_body(agent_id))
        assert r.status_code == 200, r.text
        responses = await asyncio.gather(*[
            client.put("/ca_apis/updateAgent", headers={"apiKey": key}, json=body,
                       params={"detailedResponse": "true"})
            for body, _ in requests
        ])
        final = await _details(client, key, agent_id)

    _assert_only(responses, {200: None, 503: UNAVAILABLE})
    successes = [(i, r) for i, r in enumerate(responses) if r.status_code == 200]
    assert successes, "no update succeeded"
    # each success reported its own request applied in full, with a distinct version
    versions = []
    for i, r in successes:
        body = r.json()
        assert (body["Status"], body["Message"]) == ("Success", "Agent Updated Successfully")
        assert _comparable(body["Data"]) == expected[i]
        assert r.headers["etag"] == f'"{body["Data"]["version"]}"'
        versions.append(body["Data"]["version"])
    assert sorted(versions) == list(range(2, len(successes) + 2))

    assert final.status_code == 200, final.text
    record = final.json()["message"][0]["Details"]
    assert record["version"] == len(successes) + 1
    matches = [i for i, e in enumerate(expected) if _comparable(record) == e]
    assert len(matches) == 1, f"final record matches no single request: {record}"
    # ... and it is the last one applied
    [winner] = [i for i, r in successes if r.json()["Data"]["version"] == record["version"]]
    assert matches == [winner]
    assert len(successes) == UPDATES, (
        f"only {len(successes)} of {UPDATES} concurrent updates succeeded")


async def test_concurrent_if_match_with_one_version_lets_exactly_one_through(
    server: tuple[ServerProcess, str],
) -> None:
    srv, key = server
    agent_id = "racer.two"
    async with _client(srv) as client:
        r = await client.post("/ca_apis/createAgent", headers={"apiKey": key},
                              json=_create_body(agent_id))
        assert r.status_code == 200, r.text
        r = await client.put("/ca_apis/updateAgent", headers={"apiKey": key},
                             json={"userName": USER, "agentId": agent_id,
                                   "email": "warmup@example.com"})
        assert r.headers["etag"] == '"2"'
        responses = await asyncio.gather(*[
            client.put("/ca_apis/updateAgent", headers={"apiKey": key, "If-Match": '"2"'},
                       json={"userName": USER, "agentId": agent_id,
                             "agentName": f"Racer {i}", "email": f"r{i}@example.com"})
            for i in range(RACERS)
        ])
        final = await _details(client, key, agent_id)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * (RACERS - 1), statuses
    _assert_only(responses, {
        200: {"Status": "Success", "Message": "Agent Updated Successfully"},
        412: {"status": "error", "message": "Agent was modified by another request"},
    })
    [winner] = [i for i, r in enumerate(responses) if r.status_code == 200]
    assert responses[winner].headers["etag"] == '"3"'
    details = final.json()["message"][0]["Details"]
    assert details["version"] == 3
    assert (details["agentName"], details["email"]) == (
        f"Racer {winner}", f"r{winner}@example.com")


async def test_concurrent_creates_of_one_agent_id_make_exactly_one_agent(
    server: tuple[ServerProcess, str],
) -> None:
    srv, key = server
    agent_id = "racer.three"
    async with _client(srv) as client:
        responses = await asyncio.gather(*[
            client.post("/ca_apis/createAgent", headers={"apiKey": key},
                        json={**_create_body(agent_id), "agentName": f"Creator {i}"})
            for i in range(RACERS)
        ])
        listing = await client.post("/ca_apis/AgentDetails", headers={"apiKey": key},
                                    json={"userName": USER})

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (RACERS - 1), statuses
    _assert_only(responses, {
        200: {"Status": "Success", "Message": "Agent Created Successfully"},
        409: {"status": "error", "message": "Agent Already Exists"},
    })
    [winner] = [i for i, r in enumerate(responses) if r.status_code == 200]
    items = [item for item in listing.json()["message"] if item["AgentId"] == agent_id]
    assert len(items) == 1
    assert items[0]["AgentName"] == f"Creator {winner}"
    assert items[0]["Details"]["version"] == 1
