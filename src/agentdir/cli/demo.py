"""The demo seed of `agentdir serve --demo`: an account to try the API with at once."""

from __future__ import annotations

import shlex

from agentdir.accounts import repository as accounts
from agentdir.accounts.models import AuthMode
from agentdir.accounts.service import create_account
from agentdir.agents.lifecycle import create_agent
from agentdir.auth.service import Caller
from agentdir.bootstrap import make_hasher
from agentdir.catalog.service import add_catalog_entry
from agentdir.clock import SystemClock
from agentdir.settings import Settings
from agentdir.storage.database import Database

__all__ = ["DEMO_USER", "seed_demo"]

DEMO_USER = "demo"
DEMO_SKILLS = ("billing", "support", "sales")
DEMO_GROUPS = ("day-shift", "night-shift")
DEMO_SIP = "mumbai-1"


async def seed_demo(db: Database, settings: Settings) -> str | None:
    """On an empty database, create the demo account and return its apiKey; else None."""
    async with db.read() as conn:
        if await accounts.any_account(conn):
            return None
    clock = SystemClock()
    account, api_key = await create_account(
        db, user_name=DEMO_USER, auth_mode=AuthMode.TOKEN, clock=clock
    )
    for kind, names in (("skill", DEMO_SKILLS), ("group", DEMO_GROUPS),
                        ("sip-location", (DEMO_SIP,))):
        for name in names:
            await add_catalog_entry(db=db, clock=clock, user_name=DEMO_USER, kind=kind, name=name)
    hasher = make_hasher(settings)
    try:
        await create_agent(
            db=db,
            hasher=hasher,
            clock=clock,
            caller=Caller(account, "cli"),
            body={
                "agentId": "priya.s",
                "agentName": "Priya Sharma",
                "password": "change-me-123",
                "email": "priya@example.com",
                "assignSkills": ["support"],
                "assignAgentGroups": "day-shift",
            },
        )
    finally:
        hasher.close()
    return api_key


def demo_instructions(base_url: str, api_key: str) -> str:
    """Ready-to-paste curl lines for generateToken and updateAgent."""
    key = shlex.quote(f"apiKey: {api_key}")
    update_body = (
        '{"userName": "demo", "agentId": "priya.s", "agentName": "Priya Sharma", '
        '"email": "priya.sharma@example.com", "assignSkills": [{"skillName": "billing", '
        '"priority": 2}], "assignAgentGroups": "night-shift", "sipLocation": "mumbai-1"}'
    )
    return "\n".join([
        "",
        "Demo account created (the apiKey is printed only this once):",
        f"  userName: {DEMO_USER}",
        f"  apiKey:   {api_key}",
        "",
        "Try it:",
        f"  TOKEN=$(curl -s -X POST {base_url}/ca_apis/CAToken/generateToken \\",
        f"    -H {key} -H 'Content-Type: application/json' \\",
        "    -d '{\"userName\": \"demo\"}' | python3 -c 'import json,sys; "
        "print(json.load(sys.stdin)[\"token\"])')",
        "",
        f"  curl -s -X PUT '{base_url}/ca_apis/updateAgent?detailedResponse=true' \\",
        f"    -H {key} -H \"Authorization: Bearer $TOKEN\" \\",
        "    -H 'Content-Type: application/json' \\",
        f"    -d '{update_body}'",
        "",
        f"  API docs: {base_url}/docs",
        "",
    ])
