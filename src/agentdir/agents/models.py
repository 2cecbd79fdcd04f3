"""The agent as stored, and its read shapes (spec 8 and 11)."""

from __future__ import annotations

import dataclasses
from typing import Any

from agentdir.agents.callcontrols import CALL_CONTROLS
from agentdir.clock import utc_iso
from agentdir.storage.schema import MODE_FIELDS

__all__ = [
    "Agent",
    "default_modes",
    "details_item",
    "ordered_skills",
    "record_fields",
    "to_record",
]

# AgentDetails' "Mode": the first enabled of these, by its vendor label.
_MODE_LABELS = (
    ("inbound", "Inbound"),
    ("manual", "Manual"),
    ("preview", "Preview"),
    ("progressive", "Progressive"),
    ("chat", "Chat"),
    ("blended", "Blended"),
)


def default_modes() -> dict[str, bool]:
    """Spec 6: a new agent takes inbound calls and nothing else."""
    return {field: field == "inbound" for field in MODE_FIELDS}


@dataclasses.dataclass(frozen=True, slots=True)
class Agent:
    pk: int
    account_id: int
    agent_id: str
    agent_name: str
    email: str
    password_hash: str = dataclasses.field(repr=False)
    agent_data: str | None
    sip_location: str | None
    screen_recording: bool
    auto_answer: str | None
    locked: bool
    modes: dict[str, bool]
    call_controls: dict[str, bool]
    skills: dict[str, int]  # skill name -> priority
    groups: list[str]
    version: int
    created_at: float
    updated_at: float


def ordered_skills(skills: dict[str, int]) -> list[tuple[str, int]]:
    """Ascending priority number, then name (spec 8)."""
    return sorted(skills.items(), key=lambda item: (item[1], item[0]))


def to_record(agent: Agent) -> dict[str, Any]:
    """The agent record of spec 11. Never a password or a hash."""
    return {
        **record_fields(agent),
        "version": agent.version,
        "createdAt": utc_iso(agent.created_at),
        "updatedAt": utc_iso(agent.updated_at),
    }


def record_fields(agent: Agent) -> dict[str, Any]:
    """The record's data fields: everything but version and timestamps."""
    return {
        "agentId": agent.agent_id,
        "agentName": agent.agent_name,
        "email": agent.email,
        "agentData": agent.agent_data,
        "sipLocation": agent.sip_location,
        "screenRecording": agent.screen_recording,
        "autoAnswer": agent.auto_answer,
        "locked": agent.locked,
        "modes": {field: agent.modes[field] for field in MODE_FIELDS},
        "callControls": {c: agent.call_controls[c] for c in CALL_CONTROLS
                         if c in agent.call_controls},
        "skills": [{"skillName": n, "priority": p} for n, p in ordered_skills(agent.skills)],
        "groups": list(agent.groups),
    }


def details_item(agent: Agent) -> dict[str, Any]:
    """One AgentDetails item: the vendor's keys first, then the record (spec 8)."""
    mode = next((label for field, label in _MODE_LABELS if agent.modes[field]), "None")
    return {
        "AgentId": agent.agent_id,
        "AgentName": agent.agent_name,
        "State": "LOGGED OUT",
        "Since": "00:00:00",
        "Skill": ", ".join(name for name, _ in ordered_skills(agent.skills)),
        "PhoneNumber": None,
        "Mode": mode,
        "Details": to_record(agent),
    }
