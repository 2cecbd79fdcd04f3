"""Typed results: the agent record (spec 11), AgentDetails items, acknowledgements."""

from __future__ import annotations

import enum
from typing import Any, Final

import msgspec

__all__ = [
    "UNSET",
    "Agent",
    "AgentSummary",
    "BaseUrl",
    "Modes",
    "RateLimitState",
    "Result",
    "SkillAssignment",
    "Token",
    "Unset",
    "UpdateResult",
]


class BaseUrl(enum.StrEnum):
    """Base URL presets. Any other URL (e.g. your own agentdir) works as well."""

    OZONETEL_IN = "https://in1-ccaas-api.ozonetel.com"
    """Ozonetel CloudAgent, domestic (India) host."""
    OZONETEL_INTL = "https://api.cloudagent.ozonetel.com"
    """Ozonetel CloudAgent, international host."""
    LOCAL = "http://127.0.0.1:8000"
    """`agentdir serve` with its default address."""


class Unset(enum.Enum):
    """Marks an optional argument that was not given (as opposed to None = clear)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET


class SkillAssignment(msgspec.Struct, frozen=True, rename="camel"):
    """A skill and its priority (1 = first)."""

    skill_name: str
    priority: int = 1


class Modes(msgspec.Struct, frozen=True, rename="camel"):
    inbound: bool = True
    manual: bool = False
    preview: bool = False
    progressive: bool = False
    chat: bool = False
    blended: bool = False
    blended_inbound: bool = False
    blended_manual: bool = False
    blended_preview: bool = False
    blended_progressive: bool = False
    blended_chat: bool = False


class Agent(msgspec.Struct, frozen=True, rename="camel"):
    """agentdir's agent record (spec section 11). Never a password."""

    agent_id: str
    agent_name: str
    email: str
    agent_data: str | None = None
    sip_location: str | None = None
    screen_recording: bool = False
    auto_answer: str | None = None
    locked: bool = False
    modes: Modes = msgspec.field(default_factory=Modes)
    call_controls: dict[str, bool] = msgspec.field(default_factory=dict)
    skills: list[SkillAssignment] = msgspec.field(default_factory=list)
    groups: list[str] = msgspec.field(default_factory=list)
    version: int = 0
    created_at: str | None = None
    updated_at: str | None = None


class AgentSummary(msgspec.Struct, frozen=True, rename="pascal"):
    """One AgentDetails item. `details` is agentdir's full record; Ozonetel's hosted
    CloudAgent does not send it (None there)."""

    agent_id: str
    agent_name: str
    state: str | None = None
    since: str | None = None
    skill: str = ""
    phone_number: str | None = None
    mode: str | None = None
    details: Agent | None = None


class RateLimitState(msgspec.Struct, frozen=True):
    """The limit state a response reported (RateLimit / X-RateLimit-* headers)."""

    limit: int | None
    window: int | None
    remaining: int
    reset: int


class Token(msgspec.Struct, frozen=True):
    """A bearer token and when it expires (epoch seconds, from its `exp` claim)."""

    token: str
    expires_at: float


class Result(msgspec.Struct, frozen=True):
    """A successful acknowledgement: the server's message, the agent's version from
    its ETag (create and update), and the limit state."""

    message: str
    version: int | None = None
    rate_limit: RateLimitState | None = None


class UpdateResult(Result, frozen=True):
    """updateAgent's answer; `agent` is set when `detailed=True` was asked."""

    agent: Agent | None = None


def convert(value: Any, type_: type[Any]) -> Any:
    """Convert decoded JSON into a result type."""
    return msgspec.convert(value, type_)
