"""Checks 13-24 of spec 5.2, shared by createAgent and updateAgent, in the spec's order.

Each check raises the typed error of its table row; the first failure answers.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from agentdir.agents import rules
from agentdir.agents.assignments import (
    GroupChanges,
    SkillChanges,
    parse_group_changes,
    parse_skill_changes,
    split_group_list,
)
from agentdir.agents.callcontrols import CallControlsError, flatten_call_controls
from agentdir.agents.models import Agent
from agentdir.agents.rules import MISSING, is_blank
from agentdir.catalog.repository import existing_names
from agentdir.contract import AGENT_NAME_RULE, AUTO_ANSWER_RULE
from agentdir.errors import (
    AgentDataInvalid,
    EmailInvalid,
    EmailRequired,
    FieldRejected,
    PasswordLength,
    PasswordRequired,
    ScreenRecordingInvalid,
    SipLocationInvalid,
)
from agentdir.storage.database import Connection
from agentdir.storage.schema import MODE_FIELDS

__all__ = ["Edits", "apply_edits", "check_fields_15_to_24", "check_name", "check_password",
           "is_given"]

SWITCH_FIELDS = (*MODE_FIELDS, "locked")


def is_given(value: Any) -> bool:
    """Present with a non-null value: for optional fields null means "unchanged"."""
    return value is not MISSING and value is not None


@dataclasses.dataclass(slots=True)
class Edits:
    """What one request asks to change, once every check has passed."""

    agent_id: str | None = None
    agent_name: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)
    email: str | None = None
    scalars: dict[str, Any] = dataclasses.field(default_factory=dict)
    modes: dict[str, bool] = dataclasses.field(default_factory=dict)
    call_controls: dict[str, bool] | None = None
    skills: SkillChanges | None = None
    groups: GroupChanges | None = None


def check_name(field: str, value: Any) -> None:
    """Check 12 for one present, non-blank name field."""
    if not rules.is_valid_name(value):
        raise FieldRejected(field, AGENT_NAME_RULE)


def check_password(value: Any, *, required: bool) -> str | None:
    """Checks 13 and 14. Returns the new password, or None when not sent."""
    if value is MISSING and not required:
        return None
    if value is MISSING or is_blank(value):
        raise PasswordRequired()
    if not rules.is_valid_password_length(value):
        raise PasswordLength()
    assert isinstance(value, str)
    return value


async def check_fields_15_to_24(
    conn: Connection, account_id: int, body: dict[str, Any], edits: Edits
) -> None:
    """Checks 15 (email) to 24 (groups), filling `edits`."""
    email = body.get("email", MISSING)
    if email is MISSING or is_blank(email):  # 15
        raise EmailRequired()
    if not rules.is_valid_email(email):  # 16
        raise EmailInvalid()
    edits.email = email

    agent_data = body.get("agentData", MISSING)  # 17
    if agent_data is not MISSING:
        if agent_data is not None and not rules.is_valid_agent_data(agent_data):
            raise AgentDataInvalid()
        edits.scalars["agent_data"] = agent_data

    sip = body.get("sipLocation", MISSING)  # 18
    if sip is not MISSING:
        if sip is not None and (
            not isinstance(sip, str) or not await existing_names(conn, "sip-location",
                                                                 account_id, [sip])
        ):
            raise SipLocationInvalid()
        edits.scalars["sip_location"] = sip

    screen = body.get("screenRecording", MISSING)  # 19
    if is_given(screen):
        if not isinstance(screen, bool):
            raise ScreenRecordingInvalid()
        edits.scalars["screen_recording"] = screen

    auto_answer = body.get("autoAnswer", MISSING)  # 20
    if is_given(auto_answer):
        if not rules.is_valid_auto_answer(auto_answer):
            raise FieldRejected("autoAnswer", AUTO_ANSWER_RULE)
        edits.scalars["auto_answer"] = auto_answer

    for field in SWITCH_FIELDS:  # 21
        value = body.get(field, MISSING)
        if is_given(value):
            if not isinstance(value, bool):
                raise FieldRejected(field, f"{field} must be true or false")
            if field == "locked":
                edits.scalars["locked"] = value
            else:
                edits.modes[field] = value

    controls = body.get("callControls", MISSING)  # 22
    if is_given(controls):
        try:
            edits.call_controls = flatten_call_controls(controls)
        except CallControlsError as exc:
            raise FieldRejected("callControls", str(exc)) from None

    assign, unassign = body.get("assignSkills", MISSING), body.get("unAssignSkills", MISSING)
    if is_given(assign) or is_given(unassign):  # 23
        names = _skill_names(assign) | _skill_names(unassign)
        known = await existing_names(conn, "skill", account_id, names)
        edits.skills = parse_skill_changes(assign, unassign, known)

    add_groups = body.get("assignAgentGroups", MISSING)
    remove_groups = body.get("unAssignAgentGroups", MISSING)
    if is_given(add_groups) or is_given(remove_groups):  # 24
        names = _group_names(add_groups) | _group_names(remove_groups)
        known = await existing_names(conn, "group", account_id, names)
        edits.groups = parse_group_changes(add_groups, remove_groups, known)


def _skill_names(items: Any) -> set[str]:
    if not isinstance(items, list):
        return set()
    names = set()
    for item in items:
        name = item.get("skillName") if isinstance(item, dict) else item
        if isinstance(name, str):
            names.add(name)
    return names


def _group_names(value: Any) -> set[str]:
    return set(split_group_list(value)) if isinstance(value, str) else set()


def apply_edits(agent: Agent, edits: Edits, *, password_hash: str | None, now: float) -> Agent:
    """The agent after `edits`, one version later."""
    changes: dict[str, Any] = dict(edits.scalars)
    if edits.agent_id is not None:
        changes["agent_id"] = edits.agent_id
    if edits.agent_name is not None:
        changes["agent_name"] = edits.agent_name
    if edits.email is not None:
        changes["email"] = edits.email
    if password_hash is not None:
        changes["password_hash"] = password_hash
    if edits.modes:
        changes["modes"] = {**agent.modes, **edits.modes}
    if edits.call_controls:
        changes["call_controls"] = {**agent.call_controls, **edits.call_controls}
    if edits.skills is not None:
        changes["skills"] = edits.skills.apply(agent.skills)
    if edits.groups is not None:
        changes["groups"] = edits.groups.apply(agent.groups)
    return dataclasses.replace(agent, **changes, version=agent.version + 1, updated_at=now)
