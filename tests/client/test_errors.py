"""Every documented error body maps to its exception, whatever the status code."""

from __future__ import annotations

from typing import Any

import pytest

from agentdir import client as c
from agentdir.client._core import Reply, decode
from agentdir.client._errors import error_from_response

AGENT_DATA = ("Agent data must be between 2 and 100 characters using only letters, "
              "numbers, and special characters like ., @, _, -")


def false(message: str) -> dict[str, Any]:
    return {"status": "false", "message": message, "data": None}


def error(message: str) -> dict[str, Any]:
    return {"status": "error", "message": message}


def message_first(message: str) -> dict[str, Any]:
    return {"message": message, "status": "error"}


# (spec section/row, status, body, exception) from the contract's tables.
TABLE: list[tuple[str, int, dict[str, Any], type[c.ApiError]]] = [
    ("1 invalid json", 400, false("Invalid Json Pass Valid Json"), c.InvalidJson),
    ("1 too large", 413, false("Request body too large"), c.BodyTooLarge),
    ("1 500", 500, false("Internal Server Error"), c.InternalServerError),
    ("1 503", 503, false("Service Unavailable"), c.ServiceUnavailable),
    ("2.1 A1", 401, false("Api Key Should Not be Null or Empty."), c.ApiKeyMissing),
    ("2.1 A3", 401, false("Invalid User Details"), c.InvalidUserDetails),
    ("2.1 A4", 401, false("Token Should Not be Null or Empty."), c.TokenMissing),
    ("2.1 A5", 401, false("Token Expired"), c.TokenExpired),
    ("2.1 A6", 401, false("Invalid Token"), c.InvalidToken),
    ("3 T3", 400, false("UserName is null"), c.UserNameMissing),
    ("3 T4", 401, false("Invalid userName or apiKey"), c.InvalidUserDetails),
    ("3 T5", 429, error("Max limit exceeded"), c.RateLimited),
    ("5.2 #8", 404, error("Agent not found"), c.AgentNotFound),
    ("5.2 #10", 409, error("Agent Already Exists"), c.AgentAlreadyExists),
    ("5.2 #11", 400, error("Agent Name is required"), c.AgentNameRequired),
    ("5.2 #13", 400, message_first("Password is required"), c.PasswordRequired),
    ("5.2 #14", 400, message_first("Password length must be between 3 and 50 characters"),
     c.InvalidPasswordLength),
    ("5.2 #15", 400, message_first("Email should not be null or empty"), c.EmailRequired),
    ("5.2 #16", 400, message_first("Invalid email format"), c.InvalidEmail),
    ("5.2 #17", 400, message_first(AGENT_DATA), c.InvalidAgentData),
    ("5.2 #18", 400, message_first("Invalid sipLocation"), c.InvalidSipLocation),
    ("5.2 #19", 400, message_first("Invalid screenRecording"), c.InvalidScreenRecording),
    ("5.2 #25", 412, error("Agent was modified by another request"), c.PreconditionFailed),
    ("6 #8", 400, error("Agent Id is required"), c.AgentIdRequired),
    ("7 #8", 404, {"messages": "Invalid Agent Details", "status": "error"},
     c.InvalidAgentDetails),
    ("7 #9", 404, {"status": "error",
                   "messages": "Invalid agent details or Agent is already deleted"},
     c.AgentAlreadyDeleted),
    ("8 A1", 401, error("apiKey should not be empty"), c.ApiKeyMissing),
    ("8 A3a", 401, error("userName should not be empty"), c.UserNameMissing),
    ("8 A3b", 401, error("userName or apiKey is Invalid"), c.InvalidUserDetails),
    ("8 #7", 429, message_first("Max limit exceeded"), c.RateLimited),
    ("9 exists", 409, error("Skill Already Exists"), c.SkillAlreadyExists),
]

# Field-keyed failures: (status, body, field, message).
FIELD_TABLE: list[tuple[dict[str, Any], str, str]] = [
    ({"Status": "Fail", "Message": {"agentIdNew": "The agent id must be between 2 and 50"}},
     "agentIdNew", "The agent id must be between 2 and 50"),
    ({"Status": "Fail", "Message": {"agentName": "The agent name must not be empty"}},
     "agentName", "The agent name must not be empty"),
    ({"Status": "Fail", "Message": {"autoAnswer": "autoAnswer must be 1 to 20 letters"}},
     "autoAnswer", "autoAnswer must be 1 to 20 letters"),
    ({"Status": "Fail", "Message": {"locked": "locked must be true or false"}},
     "locked", "locked must be true or false"),
    ({"Status": "Fail", "Message": {"callControls": "unknown control 'x'"}},
     "callControls", "unknown control 'x'"),
    ({"Status": "Fail", "Message": {"assignSkills[2]": "unknown skill"}},
     "assignSkills[2]", "unknown skill"),
    ({"Status": "Fail", "Message": {"unAssignAgentGroups": "unknown group"}},
     "unAssignAgentGroups", "unknown group"),
    ({"Message": {"skillName": "skillName is required"}, "Status": "Fail"},
     "skillName", "skillName is required"),
    ({"Message": {"agents[0].priority": "agent priority must be between 1 and 100"},
      "Status": "Fail"}, "agents[0].priority", "agent priority must be between 1 and 100"),
]


@pytest.mark.parametrize(("row", "status", "body", "exc"), TABLE, ids=[r[0] for r in TABLE])
@pytest.mark.parametrize("sent_status", ["documented", 200])
def test_documented_body_maps_to_exception(
    row: str, status: int, body: dict[str, Any], exc: type[c.ApiError], sent_status: Any
) -> None:
    code = status if sent_status == "documented" else 200
    with pytest.raises(exc) as info:
        decode(Reply(code, {"retry-after": "7"}, _json(body)), "updateAgent")
    assert type(info.value) is exc
    assert info.value.status_code == code
    assert info.value.body == body
    assert info.value.retry_after == 7.0


@pytest.mark.parametrize(("body", "field", "message"), FIELD_TABLE,
                         ids=[r[1] for r in FIELD_TABLE])
@pytest.mark.parametrize("status", [400, 200])
def test_field_failures_are_validation_failed(
    body: dict[str, Any], field: str, message: str, status: int
) -> None:
    with pytest.raises(c.ValidationFailed) as info:
        decode(Reply(status, {}, _json(body)), "updateAgent")
    assert (info.value.field, info.value.message) == (field, message)
    assert field in str(info.value)


def test_named_validation_errors_carry_their_field() -> None:
    assert c.PasswordRequired("x", status_code=400).field == "password"
    assert c.InvalidEmail("x", status_code=400).field == "email"
    assert issubclass(c.InvalidSipLocation, c.ValidationFailed)


@pytest.mark.parametrize(("status", "content", "exc"), [
    (502, b"<html>bad gateway</html>", c.ServerError),
    (503, b"", c.ServiceUnavailable),
    (429, b"slow down", c.RateLimited),
    (418, b'{"status": "error", "message": "I am a teapot"}', c.UnexpectedResponse),
    (200, b'{"status": "error", "message": "Something new"}', c.UnexpectedResponse),
    (200, b"[1, 2]", c.UnexpectedResponse),
])
def test_undocumented_errors(status: int, content: bytes, exc: type[c.ApiError]) -> None:
    with pytest.raises(exc):
        decode(Reply(status, {}, content), "createAgent")


def test_success_bodies_are_not_errors() -> None:
    assert decode(Reply(200, {}, b'{"token": "t", "message": ""}'), "generateToken")
    assert decode(Reply(200, {}, b'{"Status": "Success", "Message": "ok"}'), "skill")
    assert decode(Reply(200, {}, b'{"message": [], "status": "success"}'), "AgentDetails")


def test_error_from_response_keeps_the_endpoint() -> None:
    err = error_from_response(404, error("Agent not found"), endpoint="updateAgent")
    assert err.endpoint == "updateAgent"
    assert "Agent not found" in str(err)


def _json(body: Any) -> bytes:
    import json
    return json.dumps(body).encode()
