"""callControls (spec 5.4): flat and nested forms, one flat meaning."""

from __future__ import annotations

from typing import Any, Final

__all__ = ["CALL_CONTROLS", "CallControlsError", "flatten_call_controls"]

CALL_CONTROLS: Final = (
    "mute",
    "hold",
    "endcall",
    "answer",
    "decline",
    "transfer_agent_warm",
    "transfer_agent_blind",
    "transfer_skill_warm",
    "transfer_skill_blind",
    "transfer_phone_warm",
    "transfer_phone_blind",
    "transfer_ivr_warm",
    "transfer_ivr_blind",
    "conference_agent",
    "conference_phone",
)
_KNOWN: Final = frozenset(CALL_CONTROLS)
# Every proper prefix of a control, e.g. "transfer", "transfer_agent".
_PREFIXES: Final = frozenset(
    "_".join(name.split("_")[:i]) for name in CALL_CONTROLS for i in range(1, name.count("_") + 1)
)


class CallControlsError(ValueError):
    """The callControls value is not a valid set of controls; the message says why."""


def flatten_call_controls(value: Any) -> dict[str, bool]:
    """Turn `{"transfer": {"agent": {"warm": true}}}` into `{"transfer_agent_warm": True}`.

    Nesting may stop at any level (`{"transfer_agent": {"warm": true}}` is the
    same control). Sending one control twice with different values is an error.
    """
    if not isinstance(value, dict):
        raise CallControlsError("callControls must be an object")
    flat: dict[str, bool] = {}
    _walk(value, "", flat)
    return {name: flat[name] for name in CALL_CONTROLS if name in flat}


def _walk(node: dict[str, Any], prefix: str, flat: dict[str, bool]) -> None:
    for key, item in node.items():
        name = f"{prefix}_{key}" if prefix else key
        if name in _KNOWN:
            if not isinstance(item, bool):
                raise CallControlsError(f"{name} must be true or false")
            if flat.get(name, item) != item:
                raise CallControlsError(f"{name} is given twice with different values")
            flat[name] = item
        elif name in _PREFIXES:
            if not isinstance(item, dict):
                raise CallControlsError(f"{name} must be an object of controls")
            _walk(item, name, flat)
        else:
            raise CallControlsError(f"unknown control {name!r}")
