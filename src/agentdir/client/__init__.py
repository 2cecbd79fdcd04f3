"""A Python client for the CloudAgent-compatible `ca_apis`: agentdir or Ozonetel's
hosted CloudAgent alike.

    from agentdir.client import BaseUrl, Client

    with Client(BaseUrl.OZONETEL_IN, user_name="acme", api_key=key) as ca:
        ca.update_agent("priya.s", email="priya@example.com", inbound=True)

See docs/client.md.
"""

from __future__ import annotations

from agentdir.client._async import AsyncClient
from agentdir.client._calls import RecordMode
from agentdir.client._core import AuthMode, WaitHook
from agentdir.client._errors import (
    AgentAlreadyDeleted,
    AgentAlreadyExists,
    AgentIdRequired,
    AgentNameRequired,
    AgentNotFound,
    ApiError,
    ApiKeyMissing,
    AuthenticationError,
    BodyTooLarge,
    ClientError,
    Conflict,
    EmailRequired,
    InternalServerError,
    InvalidAgentData,
    InvalidAgentDetails,
    InvalidEmail,
    InvalidJson,
    InvalidPasswordLength,
    InvalidRequest,
    InvalidScreenRecording,
    InvalidSipLocation,
    InvalidToken,
    InvalidUserDetails,
    NotFound,
    PasswordRequired,
    PreconditionFailed,
    RateLimited,
    ServerError,
    ServiceUnavailable,
    SkillAlreadyExists,
    TokenBudgetExhausted,
    TokenExpired,
    TokenMissing,
    UnexpectedResponse,
    UserNameMissing,
    ValidationFailed,
)
from agentdir.client._models import (
    UNSET,
    Agent,
    AgentSummary,
    BaseUrl,
    Modes,
    RateLimitState,
    Result,
    SkillAssignment,
    Token,
    UpdateResult,
)
from agentdir.client._pacing import DEFAULT_LIMITS, RetryPolicy
from agentdir.client._sync import Client

__all__ = [
    "DEFAULT_LIMITS",
    "UNSET",
    "Agent",
    "AgentAlreadyDeleted",
    "AgentAlreadyExists",
    "AgentIdRequired",
    "AgentNameRequired",
    "AgentNotFound",
    "AgentSummary",
    "ApiError",
    "ApiKeyMissing",
    "AsyncClient",
    "AuthMode",
    "AuthenticationError",
    "BaseUrl",
    "BodyTooLarge",
    "Client",
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
    "Modes",
    "NotFound",
    "PasswordRequired",
    "PreconditionFailed",
    "RateLimitState",
    "RateLimited",
    "RecordMode",
    "Result",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailable",
    "SkillAlreadyExists",
    "SkillAssignment",
    "Token",
    "TokenBudgetExhausted",
    "TokenExpired",
    "TokenMissing",
    "UnexpectedResponse",
    "UpdateResult",
    "UserNameMissing",
    "ValidationFailed",
    "WaitHook",
]

for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("agentdir.client."):
        _obj.__module__ = "agentdir.client"  # show the public path in reprs and docs
del _name, _obj
