"""The OpenAPI 3.1 document, built from the code's own definitions (never by hand twice).

Each operation is one ordered list of checks (`openapi_fields.CHECKS`). Every error
body in the document is `contract.error_reply` applied to the error instance the
service raises for that check, so the check tables in the descriptions, the response
schemas and the examples all show exactly what the service sends.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Final, NamedTuple

from agentdir import __version__, contract
from agentdir import errors as e
from agentdir.agents.callcontrols import CALL_CONTROLS
from agentdir.agents.models import Agent, default_modes, details_item, to_record
from agentdir.api import openapi_fields as f
from agentdir.api.openapi_fields import CHECKS, Schema, Step
from agentdir.ratelimit.policy import DEFAULT_LIMITS
from agentdir.settings import MAX_BODY_BYTES
from agentdir.storage.schema import MODE_FIELDS

__all__ = ["OPERATIONS", "Operation", "openapi_document"]


class Operation(NamedTuple):
    endpoint: str
    method: str
    path: str
    summary: str
    request: Schema
    ok: Schema
    etag: bool | None = None  # ETag on 200: always (True), sometimes (False), never (None)
    parameters: tuple[Schema, ...] = ()


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _fixed(body: contract.Body) -> Schema:
    """Exactly this body: every key required, every value constant, nothing else."""
    return {"type": "object", "properties": {k: {"const": v} for k, v in body.items()},
            "required": list(body), "additionalProperties": False}


def _closed(props: Schema, **more: Any) -> Schema:
    return {"type": "object", "properties": props, "required": list(props),
            "additionalProperties": False, **more}


_UPDATED: Final = contract.success("Agent Updated Successfully")
OPERATIONS: Final = (
    Operation("generateToken", "post", "/ca_apis/CAToken/generateToken", "Issue a token",
              f.simple_body(None), _closed({
                  "token": {"type": "string", "pattern": r"^[\w-]+\.[\w-]+\.[\w-]+$",
                            "description": "HS512 JWT, valid 60 minutes; supersedes older "
                                           "tokens of the account."},
                  "message": {"const": ""}})),
    Operation("createAgent", "post", "/ca_apis/createAgent", "Create an agent",
              f.agent_body("createAgent"),
              _fixed(contract.success("Agent Created Successfully")), etag=True),
    Operation("updateAgent", "put", "/ca_apis/updateAgent", "Update an agent",
              f.agent_body("updateAgent"), {"oneOf": [_fixed(_UPDATED), _closed({
                  **_fixed(_UPDATED)["properties"], "Data": _ref("AgentRecord")})]},
              etag=True, parameters=(
        {"name": "detailedResponse", "in": "query", "schema": {"type": "string"},
         "description": "`true` (compared case-insensitively) adds `Data`, the agent record, "
                        "to the success body; any other value is ignored."},
        {"name": "If-Match", "in": "header", "schema": {"type": "string"},
         "description": "Apply only if the agent's ETag is listed (`\"3\"`, `\"2\", \"3\"`) "
                        "or the value is `*`; strong comparison (`W/\"3\"` never matches); a "
                        "blank value never matches. Checked last (check 25)."})),
    Operation("deleteAgent", "delete", "/ca_apis/deleteAgent", "Delete an agent (soft)",
              f.simple_body("required"), _closed({
                  "Status": {"const": "Success"},
                  "Message": {"type": "string", "pattern": "^Agent .+ Deleted Successfully$",
                              "description": "`Agent <agentId> Deleted Successfully`"}})),
    Operation("AgentDetails", "post", "/ca_apis/AgentDetails", "Read one or every agent",
              f.simple_body("optional"), _closed({
                  "message": {"type": "array", "items": _ref("AgentDetailsItem")},
                  "status": {"const": "success"}}), etag=False),
    Operation("skill", "post", "/ca_apis/skill", "Create a skill", f.skill_body(),
              _fixed(contract.success("Skill Created Successfully"))),
)

SAMPLE_AGENT: Final = Agent(
    pk=1, account_id=1, agent_id="priya.s", agent_name="Priya Sharma",
    email="priya@example.com", password_hash="", agent_data=None, sip_location=None,
    screen_recording=False, auto_answer=None, locked=False, modes=default_modes(),
    call_controls={"mute": True}, skills={"billing": 1}, groups=["night-shift"], version=3,
    created_at=1_796_378_400.0, updated_at=1_796_378_700.0,
)


def _sampled(props: Schema, sample: dict[str, Any]) -> Schema:
    """Exactly the keys the code sends for the sample agent, each typed by `props`;
    a key added to the read shape without a schema here fails with a KeyError."""
    return _closed({key: props[key] for key in sample}, example=sample)


def read_shapes() -> dict[str, Schema]:
    """`AgentRecord` (to_record) and `AgentDetailsItem` (details_item)."""
    text, flag, maybe = {"type": "string"}, {"type": "boolean"}, {"type": ["string", "null"]}
    stamp = {"type": "string", "format": "date-time",
             "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"}
    record = _sampled({
        "agentId": text, "agentName": text, "email": text, "agentData": maybe,
        "sipLocation": maybe, "screenRecording": flag, "autoAnswer": maybe, "locked": flag,
        "modes": _closed({m: flag for m in MODE_FIELDS}),
        "callControls": {"type": "object", "properties": {c: flag for c in CALL_CONTROLS},
                         "additionalProperties": False, "description": "Flat; set ones only."},
        "skills": {"type": "array", "description": "Ascending priority, then name.",
                   "items": _closed({"skillName": text, "priority": {
                       "type": "integer", "minimum": 1, "maximum": 100}})},
        "groups": {"type": "array", "items": text, "description": "Sorted by name."},
        "version": {"type": "integer", "minimum": 1, "description": "The ETag's number."},
        "createdAt": stamp, "updatedAt": stamp,
    }, to_record(SAMPLE_AGENT))
    record["description"] = "The agent as stored (never a password or a hash)."
    item = _sampled({
        "AgentId": text, "AgentName": text, "State": {"const": "LOGGED OUT"},
        "Since": {"const": "00:00:00"}, "PhoneNumber": {"type": "null"},
        "Skill": {"type": "string", "description": "Skill names joined by `, `, ascending "
                  "priority then name; empty when none."},
        "Mode": {"enum": ["Inbound", "Manual", "Preview", "Progressive", "Chat", "Blended",
                          "None"], "description": "The first enabled, else None."},
        "Details": _ref("AgentRecord"),
    }, details_item(SAMPLE_AGENT))
    return {"AgentRecord": record, "AgentDetailsItem": item}


_INFO: Final = f"""\
agentdir keeps the CloudAgent `ca_apis` agent-administration contract: clients change
only the base URL. Every operation's description lists its checks in the order the
service runs them; the first failure answers and nothing is written.

**Authentication.** Every `ca_apis` request names its account by `userName` in the JSON
body and proves it with the `apiKey` header. A `TOKEN_AUTH` account must also send
`Authorization: Bearer <token>` from generateToken; a `BASIC_AUTH` account's
`Authorization` header is ignored. Tokens are HS512 JWTs (`sub` = userName, `iat`,
`exp` = iat + 60 min, `gen`); issuing one invalidates every older token of the account
at once. Accounts, apiKeys, agent groups and SIP locations come from the operator
CLI; skills from the CLI or the skill operation.

**Rate limits.** Per account and endpoint, over a rolling window (defaults, which the
operator may change): {", ".join(f"{n} {lim.requests}/{lim.window_seconds}s"
                                for n, lim in DEFAULT_LIMITS.items())}. Counted after
authentication; refused requests do not count. Answers after authentication carry
`RateLimit-Policy`, `RateLimit` and `X-RateLimit-Limit/-Remaining/-Reset` (remaining
counts this request; reset is seconds until the oldest counted request leaves the
window). A 429 carries `Retry-After`.

**Conventions.** Bodies are JSON objects whatever the Content-Type; keys are
case-sensitive; unknown keys are ignored; responses are `application/json` with the
exact keys shown. A JSON null is a missing value: for userName, agentId, agentName,
agentNameNew, password and email it counts as blank, for agentData and sipLocation it
clears the value, elsewhere it means "unchanged". A value of the wrong JSON type fails
that field's own check (never a 500). Bodies over {MAX_BODY_BYTES:,} bytes answer 413.
Faults answer 500 `Internal Server Error` or, when the database or rate-limit store is
unreachable, 503 `Service Unavailable` with `Retry-After`; nothing is half-written.
Create, update and single-agent AgentDetails answers carry `ETag: "<version>"` for
`If-Match` on updateAgent. Unknown paths answer 404 and wrong methods 405, as JSON.
"""


def _limit_headers(endpoint: str, *, required: bool) -> dict[str, Schema]:
    lim, number = DEFAULT_LIMITS[endpoint], {"type": "string", "pattern": "^[0-9]+$"}
    when = "" if required else " (sent once the request is authenticated)"
    return {name: {"required": required, "description": text + when, "schema": schema}
            for name, text, schema in (
        ("RateLimit-Policy", f"The limit; default `\"{endpoint}\";q={lim.requests};"
         f"w={lim.window_seconds}`",
         {"type": "string", "pattern": f'^"{endpoint}";q=[0-9]+;w=[0-9]+$'}),
        ("RateLimit", "Remaining requests and seconds to reset",
         {"type": "string", "pattern": f'^"{endpoint}";r=[0-9]+;t=[0-9]+$'}),
        ("X-RateLimit-Limit", "Requests allowed per window", number),
        ("X-RateLimit-Remaining", "Requests left, counting this one", number),
        ("X-RateLimit-Reset", "Seconds until the oldest counted request leaves the window",
         number))}


_RETRY_AFTER: Final = {"required": True, "description": "Whole seconds, at least 1",
                       "schema": {"type": "string", "pattern": "^[1-9][0-9]*$"}}
_FAULTS: Final = {
    500: ("InternalError", contract.INTERNAL_ERROR, "Unexpected fault"),
    503: ("ServiceUnavailable", contract.SERVICE_UNAVAILABLE,
          "Database or rate-limit store unreachable"),
}


class _Components:
    """components/schemas, one per distinct body (bodies equal as JSON share one)."""

    def __init__(self) -> None:
        self.schemas: dict[str, Schema] = {}
        self._names: dict[str, str] = {}  # canonical body -> component name
        self.body("InvalidUserDetails", contract.error_reply(e.InvalidUserDetails(), None)[1])

    def body(self, name: str, body: contract.Body) -> Schema:
        key = json.dumps(body, sort_keys=True)
        if key not in self._names:
            self._names[key] = name
            self.schemas[name] = _fixed(body)
        return _ref(self._names[key])

    def error(self, endpoint: str, error: e.RequestRejected) -> Schema:
        if isinstance(error, e.FieldRejected):
            name = f"FieldFailure.{endpoint}"
            self.schemas[name] = _closed({"Status": {"const": "Fail"},
                                          "Message": f.field_failure_message(endpoint)})
            return _ref(name)
        body, cls = contract.error_reply(error, endpoint)[1], type(error).__name__
        own = body != contract.error_reply(error, None)[1]  # the endpoint words it its way
        return self.body(f"{endpoint}.{cls}" if own else cls, body)


def _error_response(parts: _Components, endpoint: str, status: int, steps: list[Step]) -> Schema:
    examples: dict[str, Schema] = {}
    if status in _FAULTS:
        name, body, what = _FAULTS[status]
        refs, examples[name] = [parts.body(name, body)], {"value": body}
    else:
        refs = []
        for i, step in enumerate(steps):
            ref = parts.error(endpoint, step.error)
            refs += [] if ref in refs else [ref]
            body = contract.error_reply(step.error, endpoint)[1]
            examples[f"{step.check}.{i}"] = {"summary": step.condition, "value": body}
        what = "; ".join(f"{s.check}: {s.condition}" for s in steps)
    headers: dict[str, Schema] = {}
    if status not in (401, 413):  # answered before the rate limit is consulted
        headers = _limit_headers(endpoint, required=status == 429)
    if status in (429, 503):
        headers["Retry-After"] = _RETRY_AFTER
    schema = refs[0] if len(refs) == 1 else {"oneOf": refs}
    return {"description": what, "headers": headers,
            "content": {"application/json": {"schema": schema, "examples": examples}}}


def _responses(parts: _Components, op: Operation) -> Schema:
    grouped: dict[int, list[Step]] = {}
    for step in CHECKS[op.endpoint]:
        grouped.setdefault(contract.error_reply(step.error, op.endpoint)[0], []).append(step)
    headers = _limit_headers(op.endpoint, required=False)
    if op.etag is not None:
        headers["ETag"] = {"required": op.etag, "schema": {"type": "string",
                                                          "pattern": '^"[0-9]+"$'},
                           "description": "`\"<version>\"` of the agent" + (
                               "" if op.etag else ", when one agent was asked for")}
    out: Schema = {"200": {"description": "Success", "headers": headers,
                           "content": {"application/json": {"schema": op.ok}}}}
    for status, steps in sorted({**grouped, 500: [], 503: []}.items()):
        out[str(status)] = _error_response(parts, op.endpoint, status, steps)
    return out


def _check_table(endpoint: str) -> str:
    rows = ["Checks, in order; the first failure answers and nothing is written:", "",
            "| # | condition | status | body |", "|---|---|---|---|"]
    for step in CHECKS[endpoint]:
        status, body = contract.error_reply(step.error, endpoint)
        rows.append(f"| {step.check} | {step.condition} | {status} | "
                    f"`{json.dumps(body, ensure_ascii=False)}` |")
    return "\n".join([*rows, "| ok | | 200 | see below |"])


def _healthz() -> Schema:
    faults = {str(status): {"description": what, "content": {"application/json": {
        "schema": _ref(name)}}} for status, (name, _, what) in _FAULTS.items()}
    faults["503"]["headers"] = {"Retry-After": _RETRY_AFTER}
    return {"get": {"operationId": "healthz", "summary": "Liveness and readiness",
                    "description": "200 when the database answers. No credentials.",
                    "tags": ["operations"], "security": [], "responses": {
        "200": {"description": "Ready", "content": {"application/json": {
            "schema": _fixed({"status": "ok"})}}}, **faults}}}


_SECURITY_SCHEMES: Final = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "apiKey",
               "description": "The account's secret key (shown once by the operator CLI)."},
    "bearerToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "TOKEN_AUTH accounts: a token from generateToken."},
}


@functools.cache
def openapi_document() -> dict[str, Any]:
    parts = _Components()
    paths: dict[str, Schema] = {}
    for op in OPERATIONS:
        request = f"{op.endpoint[0].upper()}{op.endpoint[1:]}Request"
        parts.schemas[request] = op.request
        paths[op.path] = {op.method: {
            "operationId": op.endpoint, "summary": op.summary, "tags": ["ca_apis"],
            "description": _check_table(op.endpoint),
            "security": [{"apiKey": []}] if op.endpoint == "generateToken" else
                        [{"apiKey": [], "bearerToken": []}, {"apiKey": []}],
            "parameters": list(op.parameters),
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": _ref(request)}}},
            "responses": _responses(parts, op)}}
    paths["/healthz"] = _healthz()
    parts.schemas |= f.call_control_schemas() | f.skill_item_schemas() | read_shapes()
    return {
        "openapi": "3.1.0",
        "info": {"title": "agentdir", "version": __version__, "description": _INFO,
                 "license": {"name": "MIT", "identifier": "MIT"}},
        "tags": [{"name": "ca_apis", "description": "The CloudAgent-compatible API"},
                 {"name": "operations", "description": "For load balancers and monitors"}],
        "paths": paths,
        "components": {"schemas": parts.schemas, "securitySchemes": _SECURITY_SCHEMES},
    }
