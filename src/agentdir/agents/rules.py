"""Pure field rules of the contract (spec 5.2, 5.3, 6): no I/O, easy to property-test."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, Final

from email_validator import EmailNotValidError, validate_email

__all__ = [
    "AGENT_DATA_PATTERN",
    "AGENT_ID_PATTERN",
    "AUTO_ANSWER_PATTERN",
    "MAX_EMAIL_LENGTH",
    "MISSING",
    "Missing",
    "is_blank",
    "is_valid_agent_data",
    "is_valid_agent_id",
    "is_valid_auto_answer",
    "is_valid_email",
    "is_valid_name",
    "is_valid_password_length",
]


class Missing:
    """The key was absent from the body (distinct from a JSON null, which is None)."""

    _instance: Missing | None = None

    def __new__(cls) -> Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = Missing()

# IDs and agentData are machine identifiers: ASCII letters and digits only
# (agentdir's reading of "letters, digits" where the spec does not say "any script").
AGENT_ID_PATTERN: Final = r"^[A-Za-z0-9.@_-]{2,50}$"
AGENT_DATA_PATTERN: Final = r"^[A-Za-z0-9.@_-]{2,100}$"
AUTO_ANSWER_PATTERN: Final = r"^[A-Za-z0-9_-]{1,20}$"
MAX_EMAIL_LENGTH: Final = 254

_AGENT_ID = re.compile(AGENT_ID_PATTERN.replace("$", r"\Z"))
_AGENT_DATA = re.compile(AGENT_DATA_PATTERN.replace("$", r"\Z"))
_AUTO_ANSWER = re.compile(AUTO_ANSWER_PATTERN.replace("$", r"\Z"))
_NAME_PUNCTUATION: Final = frozenset(" .@_-")
# The ASCII subset of the name characters below; anything else takes the slow path.
_ASCII_NAME = re.compile(r"[A-Za-z0-9 .@_-]+")


def is_blank(value: Any) -> bool:
    """Blank: JSON null, or a string that is empty or only whitespace (spec 1)."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_valid_agent_id(value: Any) -> bool:
    return isinstance(value, str) and _AGENT_ID.match(value) is not None


def is_valid_agent_data(value: Any) -> bool:
    return isinstance(value, str) and _AGENT_DATA.match(value) is not None


def is_valid_auto_answer(value: Any) -> bool:
    return isinstance(value, str) and _AUTO_ANSWER.match(value) is not None


def is_name_character(char: str) -> bool:
    """Letters of any script (with their combining marks), decimal digits, and ` .@_-`.

    Marks (category M*) are allowed because many scripts cannot spell a name
    without them: "प्रिया" is letters plus vowel signs and a virama.
    """
    if char in _NAME_PUNCTUATION:
        return True
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def is_valid_name(value: Any) -> bool:
    """Spec 5.3: 2-50 name characters, not starting or ending with a space."""
    if not isinstance(value, str) or not 2 <= len(value) <= 50:
        return False
    if value[0] == " " or value[-1] == " ":
        return False
    return all(is_name_character(char) for char in value)


def is_valid_password_length(value: Any) -> bool:
    return isinstance(value, str) and 3 <= len(value) <= 50


def is_valid_email(value: Any) -> bool:
    """Syntax only (no DNS), at most 254 characters; the address is stored as sent."""
    if not isinstance(value, str) or len(value) > MAX_EMAIL_LENGTH:
        return False
    return _email_syntax_ok(value)


@functools.lru_cache(maxsize=8192)
def _email_syntax_ok(value: str) -> bool:
    # Cached: every updateAgent carries the agent's (usually unchanged) email, and
    # email-validator costs ~5 % of a request.
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
