"""The documented response bodies of the ca_apis contract, defined once.

Every body the API sends comes from this module. Keys are kept in the order
the contract shows them: clients compare parsed JSON, but people diff bodies.
"""

from __future__ import annotations

from typing import Any, Final

from agentdir import errors as e

__all__ = ["Body", "error_reply", "success"]

Body = dict[str, Any]

def _status_false(message: str) -> Body:
    return {"status": "false", "message": message, "data": None}


def _status_error(message: str) -> Body:
    return {"status": "error", "message": message}


def _message_first(message: str) -> Body:
    return {"message": message, "status": "error"}


INVALID_JSON: Final = _status_false("Invalid Json Pass Valid Json")
BODY_TOO_LARGE: Final = _status_false("Request body too large")
INTERNAL_ERROR: Final = _status_false("Internal Server Error")
SERVICE_UNAVAILABLE: Final = _status_false("Service Unavailable")
RATE_LIMITED: Final = _status_error("Max limit exceeded")

# Error class -> (status, body) for every endpoint that does not word it otherwise.
_DEFAULT: Final[dict[type[e.RequestRejected], tuple[int, Body]]] = {
    e.BodyTooLarge: (413, BODY_TOO_LARGE),
    e.InvalidJson: (400, INVALID_JSON),
    e.ApiKeyMissing: (401, _status_false("Api Key Should Not be Null or Empty.")),
    e.UserNameMissing: (401, _status_false("Invalid User Details")),
    e.InvalidUserDetails: (401, _status_false("Invalid User Details")),
    e.TokenMissing: (401, _status_false("Token Should Not be Null or Empty.")),
    e.TokenExpired: (401, _status_false("Token Expired")),
    e.InvalidToken: (401, _status_false("Invalid Token")),
    e.RateLimited: (429, RATE_LIMITED),
    e.AgentNotFound: (404, _status_error("Agent not found")),
    e.AgentIdRequired: (400, _status_error("Agent Id is required")),
    e.AgentAlreadyExists: (409, _status_error("Agent Already Exists")),
    e.AgentNameRequired: (400, _status_error("Agent Name is required")),
    e.PasswordRequired: (400, _message_first("Password is required")),
    e.PasswordLength: (400, _message_first("Password length must be between 3 and 50 characters")),
    e.EmailRequired: (400, _message_first("Email should not be null or empty")),
    e.EmailInvalid: (400, _message_first("Invalid email format")),
    e.AgentDataInvalid: (
        400,
        _message_first(
            "Agent data must be between 2 and 100 characters using only letters, numbers, "
            "and special characters like ., @, _, -"
        ),
    ),
    e.SipLocationInvalid: (400, _message_first("Invalid sipLocation")),
    e.ScreenRecordingInvalid: (400, _message_first("Invalid screenRecording")),
    e.PreconditionFailed: (412, _status_error("Agent was modified by another request")),
    e.SkillAlreadyExists: (409, _status_error("Skill Already Exists")),
    e.DeleteUnknownAgent: (404, {"messages": "Invalid Agent Details", "status": "error"}),
    e.DeleteAlreadyDeleted: (
        404,
        {"status": "error", "messages": "Invalid agent details or Agent is already deleted"},
    ),
}

# Endpoints that word an error their own way (spec sections 3 and 8).
_OVERRIDES: Final[dict[tuple[str, type[e.RequestRejected]], tuple[int, Body]]] = {
    ("generateToken", e.UserNameMissing): (400, _status_false("UserName is null")),
    ("generateToken", e.InvalidUserDetails): (401, _status_false("Invalid userName or apiKey")),
    ("AgentDetails", e.ApiKeyMissing): (401, _status_error("apiKey should not be empty")),
    ("AgentDetails", e.UserNameMissing): (401, _status_error("userName should not be empty")),
    ("AgentDetails", e.InvalidUserDetails): (401, _status_error("userName or apiKey is Invalid")),
    ("AgentDetails", e.RateLimited): (429, _message_first("Max limit exceeded")),
}

# Messages of the field-keyed failures that the contract fixes word for word.
AGENT_ID_RULE: Final = (
    "The agent id must be between 2 and 50 characters using only letters, numbers, "
    "and special characters like ., @, _, -"
)
AGENT_NAME_RULE: Final = (
    "The agent name must not be empty and it should be between 2 and 50 alphanumeric "
    "characters and allow special characters such as., @, _, -"
)
AUTO_ANSWER_RULE: Final = "autoAnswer must be 1 to 20 letters, digits, _ or -"


def error_reply(error: e.RequestRejected, endpoint: str | None) -> tuple[int, Body]:
    """The documented (status, body) for `error` as `endpoint` words it."""
    if isinstance(error, e.FieldRejected):
        if endpoint == "skill":
            return 400, {"Message": {error.field: error.message}, "Status": "Fail"}
        return 400, {"Status": "Fail", "Message": {error.field: error.message}}
    for cls in type(error).__mro__:
        if endpoint is not None and (endpoint, cls) in _OVERRIDES:
            return _OVERRIDES[(endpoint, cls)]
        if cls in _DEFAULT:
            return _DEFAULT[cls]
    raise LookupError(f"no documented body for {type(error).__name__}")


def success(message: str, data: Any = None, *, with_data: bool = False) -> Body:
    body: Body = {"Status": "Success", "Message": message}
    if with_data:
        body["Data"] = data
    return body
