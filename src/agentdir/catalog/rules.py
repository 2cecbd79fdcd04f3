"""Field rules of the skill endpoint (spec 9) and of catalog names."""

from __future__ import annotations

import unicodedata
from typing import Any, Final

from agentdir.agents.rules import MISSING, is_blank
from agentdir.errors import FieldRejected

__all__ = [
    "RECORD_CHOICES",
    "check_catalog_name",
    "check_priority",
    "check_record",
    "check_skill_detail",
    "check_skill_name",
]

RECORD_CHOICES: Final = (
    "Record the call in Full",
    "Record only the Conversation",
    "Do not record calls",
)
DEFAULT_RECORD: Final = "Do not record calls"


def _is_skill_character(char: str) -> bool:
    if char in " ._-":
        return True
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def check_skill_name(value: Any) -> str:
    """3-50 characters of letters (any script), digits, spaces, `.` `_` `-`."""
    if value is MISSING or is_blank(value):
        raise FieldRejected("skillName", "skillName is required")
    if not isinstance(value, str):
        raise FieldRejected("skillName", "skillName must be a string")
    if len(value) < 3:
        raise FieldRejected("skillName", "skillName must be at least 3 characters long")
    if len(value) > 50:
        raise FieldRejected("skillName", "skillName must be at most 50 characters long")
    if value != value.strip():
        raise FieldRejected("skillName", "skillName must not start or end with a space")
    if not all(_is_skill_character(c) for c in value):
        raise FieldRejected(
            "skillName", "skillName may contain only letters, digits, spaces, '.', '_' and '-'"
        )
    return value


def check_skill_detail(value: Any) -> str | None:
    if value is MISSING or value is None:
        return None
    if not isinstance(value, str) or not 3 <= len(value) <= 100:
        raise FieldRejected("skillDetail1", "skillDetail1 must be between 3 and 100 characters")
    return value


def check_record(value: Any) -> str:
    if value is MISSING or value is None:
        return DEFAULT_RECORD
    if value not in RECORD_CHOICES:
        raise FieldRejected("record", "record must be one of: " + ", ".join(RECORD_CHOICES))
    assert isinstance(value, str)
    return value


def check_priority(field: str, value: Any) -> int:
    if value is MISSING or value is None:
        return 1
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
        raise FieldRejected(field, "agent priority must be between 1 and 100")
    return value


def check_catalog_name(kind: str, value: str) -> str:
    """Group and SIP location names: 1-100 characters, no commas (group lists are
    comma-separated), no leading or trailing space."""
    if not value or len(value) > 100 or value != value.strip() or "," in value:
        raise ValueError(
            f"a {kind} name is 1-100 characters, without commas or surrounding spaces"
        )
    if any(unicodedata.category(c)[0] == "C" for c in value):
        raise ValueError(f"a {kind} name cannot contain control characters")
    return value
