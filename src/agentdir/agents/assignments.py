"""Skill and group assignment lists (spec 5.5), checked against the account's catalog."""

from __future__ import annotations

import dataclasses
from collections.abc import Set
from typing import Any

from agentdir.agents.rules import MISSING
from agentdir.errors import FieldRejected

__all__ = ["GroupChanges", "SkillChanges", "parse_group_changes", "parse_skill_changes",
           "split_group_list"]


@dataclasses.dataclass(frozen=True, slots=True)
class SkillChanges:
    assign: dict[str, int]  # skill name -> priority
    unassign: frozenset[str]

    def apply(self, current: dict[str, int]) -> dict[str, int]:
        result = {name: p for name, p in current.items() if name not in self.unassign}
        result.update(self.assign)
        return result


@dataclasses.dataclass(frozen=True, slots=True)
class GroupChanges:
    assign: tuple[str, ...]
    unassign: frozenset[str]

    def apply(self, current: list[str]) -> list[str]:
        kept = [g for g in current if g not in self.unassign]
        return sorted(set(kept).union(self.assign))


def _is_priority(value: Any) -> bool:
    # JSON true/false decode to Python bools, which are ints; they are not priorities.
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 100


def _skill_item(field: str, index: int, item: Any, *, with_priority: bool) -> tuple[str, int]:
    key = f"{field}[{index}]"
    if isinstance(item, str):
        name, priority = item, 1
    elif isinstance(item, dict):
        name = item.get("skillName", MISSING)
        if name is MISSING or name is None:
            raise FieldRejected(key, "skillName is required")
        if not isinstance(name, str):
            raise FieldRejected(key, "skillName must be a string")
        priority = 1
        if with_priority:
            raw = item.get("priority", MISSING)
            if raw is not MISSING and raw is not None:
                if not _is_priority(raw):
                    raise FieldRejected(key, "priority must be a whole number between 1 and 100")
                priority = raw
    else:
        expected = "a skill name or {skillName, priority}" if with_priority else (
            "a skill name or {skillName}"
        )
        raise FieldRejected(key, f"each item must be {expected}")
    if not name.strip():
        raise FieldRejected(key, "skillName is required")
    return name, priority


def parse_skill_changes(assign: Any, unassign: Any, known: Set[str]) -> SkillChanges | None:
    """Check 23. `known` is the account's skill names. None when neither list is sent."""
    if assign in (MISSING, None) and unassign in (MISSING, None):
        return None
    assigned: dict[str, int] = {}
    removed: set[str] = set()
    for field, raw, with_priority in (
        ("assignSkills", assign, True),
        ("unAssignSkills", unassign, False),
    ):
        if raw is MISSING or raw is None:
            continue
        if not isinstance(raw, list):
            raise FieldRejected(field, f"{field} must be an array")
        for index, item in enumerate(raw):
            name, priority = _skill_item(field, index, item, with_priority=with_priority)
            key = f"{field}[{index}]"
            if name not in known:
                raise FieldRejected(key, f"skill {name!r} does not exist in this account")
            if with_priority:
                if name in assigned and assigned[name] != priority:
                    raise FieldRejected(key, f"skill {name!r} is listed twice")
                assigned[name] = priority
            else:
                if name in assigned:
                    raise FieldRejected(key, f"skill {name!r} is in both assignSkills and "
                                             "unAssignSkills")
                removed.add(name)
    return SkillChanges(assign=assigned, unassign=frozenset(removed))


def split_group_list(value: str) -> list[str]:
    """`"a, b,,c "` -> `["a", "b", "c"]`: spaces around commas and empty entries ignored."""
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_group_changes(assign: Any, unassign: Any, known: Set[str]) -> GroupChanges | None:
    """Check 24. `known` is the account's group names. None when neither list is sent."""
    if assign in (MISSING, None) and unassign in (MISSING, None):
        return None
    lists: dict[str, list[str]] = {}
    for field, raw in (("assignAgentGroups", assign), ("unAssignAgentGroups", unassign)):
        if raw is MISSING or raw is None:
            lists[field] = []
            continue
        if not isinstance(raw, str):
            raise FieldRejected(field, f"{field} must be a comma-separated string of group names")
        lists[field] = split_group_list(raw)
        for name in lists[field]:
            if name not in known:
                raise FieldRejected(field, f"group {name!r} does not exist in this account")
    both = set(lists["assignAgentGroups"]) & set(lists["unAssignAgentGroups"])
    if both:
        name = next(g for g in lists["unAssignAgentGroups"] if g in both)
        raise FieldRejected(
            "unAssignAgentGroups",
            f"group {name!r} is in both assignAgentGroups and unAssignAgentGroups",
        )
    return GroupChanges(
        assign=tuple(dict.fromkeys(lists["assignAgentGroups"])),
        unassign=frozenset(lists["unAssignAgentGroups"]),
    )
