"""The public names of agentdir.client are pinned (like httpx's test_exported_members)."""

from __future__ import annotations

import agentdir.client
from agentdir import client as module

EXPECTED = {
    "Agent", "AgentAlreadyDeleted", "AgentAlreadyExists", "AgentIdRequired",
    "AgentNameRequired", "AgentNotFound", "AgentSummary", "ApiError", "ApiKeyMissing",
    "AsyncClient", "AuthMode", "AuthenticationError", "BaseUrl", "BodyTooLarge", "Client",
    "ClientError", "Conflict", "DEFAULT_LIMITS", "EmailRequired", "InternalServerError",
    "InvalidAgentData", "InvalidAgentDetails", "InvalidEmail", "InvalidJson",
    "InvalidPasswordLength", "InvalidRequest", "InvalidScreenRecording", "InvalidSipLocation",
    "InvalidToken", "InvalidUserDetails", "Modes", "NotFound", "PasswordRequired",
    "PreconditionFailed",
    "RateLimitState", "RateLimited", "RecordMode", "Result", "RetryPolicy", "ServerError",
    "ServiceUnavailable", "SkillAlreadyExists", "SkillAssignment", "Token",
    "TokenBudgetExhausted", "TokenExpired", "TokenMissing", "UNSET", "UnexpectedResponse",
    "UpdateResult", "UserNameMissing", "ValidationFailed", "WaitHook",
}


def test_exported_members() -> None:
    assert set(module.__all__) == EXPECTED
    for name in module.__all__:
        assert hasattr(agentdir.client, name), name


def test_public_classes_show_the_public_module() -> None:
    for name in ("Client", "AsyncClient", "AgentNotFound", "Agent", "BaseUrl"):
        assert getattr(module, name).__module__ == "agentdir.client"


def test_presets() -> None:
    assert str(module.BaseUrl.OZONETEL_IN) == "https://in1-ccaas-api.ozonetel.com"
    assert str(module.BaseUrl.OZONETEL_INTL) == "https://api.cloudagent.ozonetel.com"
