"""Exceptions raised by `agentdir.client`.

Every documented error body of the ca_apis contract maps to one class, recognised
from the body (the vendor documents bodies, not status codes), whatever the
status code. The tree:

* ClientError - anything this client raises on purpose
  + TokenBudgetExhausted - the client refuses to exceed 10 token generations an hour
  + ApiError - the server answered with an error body (`status_code`, `body`, `message`)
    + InvalidRequest - the request itself is unusable
      - InvalidJson
      - BodyTooLarge
      + ValidationFailed - a field was refused (`field`, `message`)
        - AgentIdRequired, AgentNameRequired, PasswordRequired, InvalidPasswordLength,
          EmailRequired, InvalidEmail, InvalidAgentData, InvalidSipLocation,
          InvalidScreenRecording
    + AuthenticationError
      - ApiKeyMissing
      - UserNameMissing
      - InvalidUserDetails
      - TokenMissing
      - TokenExpired
      - InvalidToken
    - RateLimited (`retry_after`)
    + NotFound
      - AgentNotFound
      - InvalidAgentDetails  (deleteAgent: never an agent of this account)
      - AgentAlreadyDeleted
    + Conflict
      - AgentAlreadyExists
      - SkillAlreadyExists
    - PreconditionFailed  (If-Match did not match: the agent was modified)
    + ServerError
      - InternalServerError
      - ServiceUnavailable (`retry_after`)
    - UnexpectedResponse - an error the contract does not document

Transport failures (connection refused, timeouts) are httpx's own exceptions
(`httpx.TransportError`) and are not wrapped.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AgentAlreadyDeleted",
    "AgentAlreadyExists",
    "AgentIdRequired",
    "AgentNameRequired",
    "AgentNotFound",
    "ApiError",
    "ApiKeyMissing",
    "AuthenticationError",
    "BodyTooLarge",
    "ClientError",
    "Conflict",
    "EmailRequired",
    "InternalServerError",
    "InvalidAgentData",
    "InvalidAgentDetails",
    "InvalidEmail",
    "InvalidJson",
    "InvalidPasswordLength",
    "InvalidRequest",
    "InvalidScreenRecording",
    "InvalidSipLocation",
    "InvalidToken",
    "InvalidUserDetails",
    "NotFound",
    "PreconditionFailed",
    "RateLimited",
    "ServerError",
    "ServiceUnavailable",
    "SkillAlreadyExists",
    "TokenBudgetExhausted",
    "TokenExpired",
    "TokenMissing",
    "UnexpectedResponse",
    "UserNameMissing",
    "ValidationFailed",
    "error_from_response",
]


class ClientError(Exception):
    """Base class of every exception this client raises on purpose."""


class TokenBudgetExhausted(ClientError):
    """Generating another token now would exceed 10 generations in an hour."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"10 tokens were generated in the last hour; the next is allowed in "
            f"{retry_after:.0f} s"
        )


class ApiError(ClientError):
    """The server answered with an error body."""

    field: str | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: Any = None,
        endpoint: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.body = body
        self.endpoint = endpoint
        self.retry_after = retry_after
        super().__init__(f"{message} (HTTP {status_code}{', ' + endpoint if endpoint else ''})")


class InvalidRequest(ApiError):
    """HTTP 400: the request cannot be processed as sent."""


class InvalidJson(InvalidRequest):
    """"Invalid Json Pass Valid Json"."""


class BodyTooLarge(InvalidRequest):
    """"Request body too large" (over 64 KiB)."""


class ValidationFailed(InvalidRequest):
    """A field was refused; `field` names it (e.g. `agentIdNew`, `assignSkills[0]`)."""

    def __init__(self, message: str, *, field: str | None = None, **kwargs: Any) -> None:
        if field is not None:
            self.field = field
        super().__init__(message, **kwargs)

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{where}{self.message} (HTTP {self.status_code})"


class AgentIdRequired(ValidationFailed):
    field = "agentId"


class AgentNameRequired(ValidationFailed):
    field = "agentName"


class PasswordRequired(ValidationFailed):
    field = "password"


class InvalidPasswordLength(ValidationFailed):
    field = "password"


class EmailRequired(ValidationFailed):
    field = "email"


class InvalidEmail(ValidationFailed):
    field = "email"


class InvalidAgentData(ValidationFailed):
    field = "agentData"


class InvalidSipLocation(ValidationFailed):
    field = "sipLocation"


class InvalidScreenRecording(ValidationFailed):
    field = "screenRecording"


class AuthenticationError(ApiError):
    """HTTP 401: the credentials were refused."""


class ApiKeyMissing(AuthenticationError):
    pass


class UserNameMissing(AuthenticationError):
    pass


class InvalidUserDetails(AuthenticationError):
    """Unknown userName, or the apiKey is not that account's."""


class TokenMissing(AuthenticationError):
    """A TOKEN_AUTH account called without a bearer token."""


class TokenExpired(AuthenticationError):
    pass


class InvalidToken(AuthenticationError):
    """Malformed, badly signed, another account's, or superseded by a newer token."""


class RateLimited(ApiError):
    """HTTP 429 "Max limit exceeded"; `retry_after` is in seconds (None if not sent)."""


class NotFound(ApiError):
    """HTTP 404."""


class AgentNotFound(NotFound):
    pass


class InvalidAgentDetails(NotFound):
    """deleteAgent: the agentId was never an agent of this account."""


class AgentAlreadyDeleted(NotFound):
    pass


class Conflict(ApiError):
    """HTTP 409."""


class AgentAlreadyExists(Conflict):
    pass


class SkillAlreadyExists(Conflict):
    pass


class PreconditionFailed(ApiError):
    """HTTP 412: `If-Match` did not match; the agent was modified by another request."""


class ServerError(ApiError):
    """HTTP 5xx."""


class InternalServerError(ServerError):
    pass


class ServiceUnavailable(ServerError):
    """HTTP 503: database or rate-limit store unreachable; retry after `retry_after`."""


class UnexpectedResponse(ApiError):
    """An error response the contract does not document."""


_AGENT_DATA_RULE = (
    "Agent data must be between 2 and 100 characters using only letters, numbers, "
    "and special characters like ., @, _, -"
)

# Every fixed message of the contract (sections 1 to 9) and its exception.
MESSAGES: dict[str, type[ApiError]] = {
    "Invalid Json Pass Valid Json": InvalidJson,
    "Request body too large": BodyTooLarge,
    "Api Key Should Not be Null or Empty.": ApiKeyMissing,
    "apiKey should not be empty": ApiKeyMissing,
    "UserName is null": UserNameMissing,
    "userName should not be empty": UserNameMissing,
    "Invalid User Details": InvalidUserDetails,
    "Invalid userName or apiKey": InvalidUserDetails,
    "userName or apiKey is Invalid": InvalidUserDetails,
    "Token Should Not be Null or Empty.": TokenMissing,
    "Token Expired": TokenExpired,
    "Invalid Token": InvalidToken,
    "Max limit exceeded": RateLimited,
    "Agent not found": AgentNotFound,
    "Agent Id is required": AgentIdRequired,
    "Agent Already Exists": AgentAlreadyExists,
    "Agent Name is required": AgentNameRequired,
    "Password is required": PasswordRequired,
    "Password length must be between 3 and 50 characters": InvalidPasswordLength,
    "Email should not be null or empty": EmailRequired,
    "Invalid email format": InvalidEmail,
    _AGENT_DATA_RULE: InvalidAgentData,
    "Invalid sipLocation": InvalidSipLocation,
    "Invalid screenRecording": InvalidScreenRecording,
    "Agent was modified by another request": PreconditionFailed,
    "Skill Already Exists": SkillAlreadyExists,
    "Invalid Agent Details": InvalidAgentDetails,
    "Invalid agent details or Agent is already deleted": AgentAlreadyDeleted,
    "Internal Server Error": InternalServerError,
    "Service Unavailable": ServiceUnavailable,
}


def _by_status(status: int) -> type[ApiError]:
    if status == 429:
        return RateLimited
    if status == 503:
        return ServiceUnavailable
    if status >= 500:
        return ServerError
    return UnexpectedResponse


def error_from_response(
    status_code: int, body: Any, *, endpoint: str = "", retry_after: float | None = None
) -> ApiError:
    """The exception for an error response, recognised from its body."""
    common: dict[str, Any] = {
        "status_code": status_code, "body": body, "endpoint": endpoint,
        "retry_after": retry_after,
    }
    if isinstance(body, dict):
        message = body.get("Message", body.get("message", body.get("messages")))
        if isinstance(message, dict) and message:
            field, text = next(iter(message.items()))
            return ValidationFailed(str(text), field=str(field), **common)
        if isinstance(message, str):
            cls = MESSAGES.get(message)
            if cls is not None:
                return cls(message, **common)
            return _by_status(status_code)(message, **common)
    text = body if isinstance(body, str) and body else f"HTTP {status_code}"
    return _by_status(status_code)(text[:200], **common)
