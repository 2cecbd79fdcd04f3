"""Typed errors raised by domain code; `agentdir.contract` maps each to its documented body.

    AgentdirError
    ├── RequestRejected             answered with a documented 4xx body
    │   ├── BodyTooLarge            413
    │   ├── InvalidJson             400 (A2 / T2)
    │   ├── ApiKeyMissing           401 (A1 / T1)
    │   ├── UserNameMissing         (A3 / T3 / AgentDetails A3a)
    │   ├── InvalidUserDetails      401 (A3 / T4 / AgentDetails A3b)
    │   ├── TokenMissing            401 (A4)
    │   ├── TokenExpired            401 (A5)
    │   ├── InvalidToken            401 (A6)
    │   ├── RateLimited             429 (check 7 / T5)
    │   ├── AgentNotFound           404 (check 8)
    │   ├── AgentIdRequired         400 (createAgent 8)
    │   ├── AgentAlreadyExists      409 (check 10)
    │   ├── AgentNameRequired       400 (check 11)
    │   ├── PasswordRequired        400 (check 13)
    │   ├── PasswordLength          400 (check 14)
    │   ├── EmailRequired           400 (check 15)
    │   ├── EmailInvalid            400 (check 16)
    │   ├── AgentDataInvalid        400 (check 17)
    │   ├── SipLocationInvalid      400 (check 18)
    │   ├── ScreenRecordingInvalid  400 (check 19)
    │   ├── FieldRejected           400 {"Status": "Fail", "Message": {field: text}}
    │   ├── PreconditionFailed      412 (check 25)
    │   ├── SkillAlreadyExists      409
    │   ├── DeleteUnknownAgent      404 (deleteAgent 8)
    │   └── DeleteAlreadyDeleted    404 (deleteAgent 9)
    ├── ServiceUnavailable          503: database or rate-limit store unreachable
    └── OperatorError               CLI-only: bad operator input (unknown account, ...)
"""

from __future__ import annotations

__all__ = [
    "AgentAlreadyExists",
    "AgentDataInvalid",
    "AgentIdRequired",
    "AgentNameRequired",
    "AgentNotFound",
    "AgentdirError",
    "ApiKeyMissing",
    "BodyTooLarge",
    "DeleteAlreadyDeleted",
    "DeleteUnknownAgent",
    "EmailInvalid",
    "EmailRequired",
    "FieldRejected",
    "InvalidJson",
    "InvalidToken",
    "InvalidUserDetails",
    "OperatorError",
    "PasswordLength",
    "PasswordRequired",
    "PreconditionFailed",
    "RateLimited",
    "RequestRejected",
    "ScreenRecordingInvalid",
    "ServiceUnavailable",
    "SipLocationInvalid",
    "SkillAlreadyExists",
    "TokenExpired",
    "TokenMissing",
    "UserNameMissing",
]


class AgentdirError(Exception):
    """Base of every error agentdir raises on purpose."""


class RequestRejected(AgentdirError):
    """The request breaks a documented rule; the contract says what to answer."""


class BodyTooLarge(RequestRejected):
    pass


class InvalidJson(RequestRejected):
    pass


class ApiKeyMissing(RequestRejected):
    pass


class UserNameMissing(RequestRejected):
    pass


class InvalidUserDetails(RequestRejected):
    pass


class TokenMissing(RequestRejected):
    pass


class TokenExpired(RequestRejected):
    pass


class InvalidToken(RequestRejected):
    pass


class RateLimited(RequestRejected):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited; retry after {retry_after}s")
        self.retry_after = retry_after


class AgentNotFound(RequestRejected):
    pass


class AgentIdRequired(RequestRejected):
    pass


class AgentAlreadyExists(RequestRejected):
    pass


class AgentNameRequired(RequestRejected):
    pass


class PasswordRequired(RequestRejected):
    pass


class PasswordLength(RequestRejected):
    pass


class EmailRequired(RequestRejected):
    pass


class EmailInvalid(RequestRejected):
    pass


class AgentDataInvalid(RequestRejected):
    pass


class SipLocationInvalid(RequestRejected):
    pass


class ScreenRecordingInvalid(RequestRejected):
    pass


class FieldRejected(RequestRejected):
    """A field-keyed failure: `{"Status": "Fail", "Message": {field: message}}`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PreconditionFailed(RequestRejected):
    pass


class SkillAlreadyExists(RequestRejected):
    pass


class DeleteUnknownAgent(RequestRejected):
    pass


class DeleteAlreadyDeleted(RequestRejected):
    pass


class ServiceUnavailable(AgentdirError):
    """A dependency (database, rate-limit store) cannot be reached right now."""

    def __init__(self, what: str, retry_after: int = 1) -> None:
        super().__init__(f"{what} unavailable")
        self.retry_after = retry_after


class OperatorError(AgentdirError):
    """An operator (CLI) request that cannot be carried out, with a message for stderr."""
