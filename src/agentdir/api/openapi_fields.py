"""The ca_apis request fields for the OpenAPI document: body schemas and check tables.

Patterns, limits, choices and messages come from the modules that enforce them
(agents.rules, contract, callcontrols, catalog.rules, storage.schema), and every
check is the error instance the service raises for it. Request schemas describe a
VALID request: the service checks by hand in the contract's order, so a value of
the wrong type is answered by that field's own check row, never by a schema error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, NamedTuple

from agentdir import errors as e
from agentdir.agents import rules
from agentdir.agents.callcontrols import CALL_CONTROLS
from agentdir.catalog import rules as catalog
from agentdir.contract import AGENT_ID_RULE, AGENT_NAME_RULE, AUTO_ANSWER_RULE
from agentdir.settings import MAX_BODY_BYTES
from agentdir.storage.schema import MODE_FIELDS

__all__ = ["CHECKS", "SWITCH_FIELDS", "Schema", "Step", "agent_body", "call_control_schemas",
           "field_failure_message", "simple_body", "skill_body", "skill_item_schemas"]

Schema = dict[str, Any]
SWITCH_FIELDS: Final = (*MODE_FIELDS, "locked")
NOT_BLANK: Final = r"\S"  # at least one non-whitespace character
# Names: a necessary condition only. Letters of every script cannot be written in a
# pattern that both ECMA-262 and Python read alike; the description states the rule.
NAME_EDGES: Final = r"^[^ ].*[^ ]$"
PRIORITY: Final[Schema] = {"type": ["integer", "null"], "minimum": 1, "maximum": 100,
                           "default": 1, "description": "A JSON whole number written "
                           "without a fraction (`2.0` is refused); null: 1."}


class Step(NamedTuple):
    check: str  # the contract's row, e.g. "A3", "12", "T5"
    condition: str
    error: e.RequestRejected


def _rejected(rule: Callable[..., Any], *args: Any) -> e.FieldRejected:
    """The FieldRejected a catalog rule raises for `args`: its message, verbatim."""
    try:
        rule(*args)
    except e.FieldRejected as exc:
        return exc
    raise AssertionError(f"{rule.__name__}{args!r} was accepted")


def _auth(endpoint: str) -> list[Step]:
    token = endpoint != "generateToken"

    def n(row: int) -> str:
        return f"A{row}" if token else f"T{row}"

    steps = [
        Step("-", f"body over {MAX_BODY_BYTES:,} bytes (exactly {MAX_BODY_BYTES:,} is "
             "accepted)", e.BodyTooLarge()),
        Step(n(1), "`apiKey` header missing or blank", e.ApiKeyMissing()),
        Step(n(2), "body not a JSON object (empty, malformed, array, string...)",
             e.InvalidJson()),
        Step(n(3), "`userName` missing, null or blank", e.UserNameMissing()),
        Step("A3" if token else "T4", "`userName` not a string or unknown, or the apiKey "
             "is not that account's", e.InvalidUserDetails()),
    ]
    if token:
        steps += [
            Step("A4", "TOKEN_AUTH account: no `Authorization` header, or `Bearer` with an "
                 "empty value", e.TokenMissing()),
            Step("A5", "TOKEN_AUTH account: token signed here but expired", e.TokenExpired()),
            Step("A6", "TOKEN_AUTH account: token malformed, badly signed, of another "
                 "account, superseded by a newer one, or not `Bearer`", e.InvalidToken()),
        ]
    return [*steps, Step("7" if token else "T5", "over the rate limit", e.RateLimited(1))]


def _checks_13_to_24(*, create: bool) -> list[Step]:
    fr = e.FieldRejected
    return [
        Step("13", "`password` " + ("missing, null or blank" if create else
                                    "present and null or blank"), e.PasswordRequired()),
        Step("14", "`password` not a string, or not 3-50 characters", e.PasswordLength()),
        Step("15", "`email` missing, null or blank", e.EmailRequired()),
        Step("16", "`email` not a string, not a valid address (syntax only, no DNS), or over "
             f"{rules.MAX_EMAIL_LENGTH} characters", e.EmailInvalid()),
        Step("17", "`agentData` not null and not 2-100 ASCII letters, digits, `.@_-`",
             e.AgentDataInvalid()),
        Step("18", "`sipLocation` not null and not one of the account's SIP locations",
             e.SipLocationInvalid()),
        Step("19", "`screenRecording` not null and not a JSON boolean",
             e.ScreenRecordingInvalid()),
        Step("20", "`autoAnswer` not null and not 1-20 ASCII letters, digits, `_` `-`",
             fr("autoAnswer", AUTO_ANSWER_RULE)),
        Step("21", "a mode switch or `locked` not null and not a JSON boolean (key: the "
             "first such field of " + ", ".join(SWITCH_FIELDS) + ")",
             fr("inbound", "inbound must be true or false")),
        Step("22", "`callControls` not null and not an object, an unknown control, a "
             "non-boolean value, or one control twice with different values",
             fr("callControls", "unknown control 'pause'")),
        Step("23", "`assignSkills`/`unAssignSkills` not an array, a malformed item, a skill "
             "the account lacks, a priority outside 1-100, one skill twice with different "
             "priorities or in both lists (key: field and index of the first bad item)",
             fr("assignSkills[0]", "skill 'billing' does not exist in this account")),
        Step("24", "`assignAgentGroups`/`unAssignAgentGroups` not a string, a group the "
             "account lacks, or one group in both",
             fr("assignAgentGroups", "group 'night-shift' does not exist in this account")),
    ]


_ID_RULE_CHECK = "breaks the ID rule (2-50 ASCII letters, digits, `.@_-`)"
_NAME_CHECK = "breaks the name rule (2-50 letters, marks, digits, spaces, `.@_-`; no " \
    "space at either end)"
# Every operation's checks after authentication, in the order the service runs them.
CHECKS: Final[dict[str, list[Step]]] = {
    "generateToken": _auth("generateToken"),
    "createAgent": [*_auth("createAgent"),
        Step("8", "`agentId` missing, null or blank", e.AgentIdRequired()),
        Step("9", f"`agentId` not a string or {_ID_RULE_CHECK}",
             e.FieldRejected("agentId", AGENT_ID_RULE)),
        Step("10", "a live agent has this `agentId`", e.AgentAlreadyExists()),
        Step("11", "`agentName` missing, null or blank", e.AgentNameRequired()),
        Step("12", f"`agentName` {_NAME_CHECK}", e.FieldRejected("agentName", AGENT_NAME_RULE)),
        *_checks_13_to_24(create=True)],
    "updateAgent": [*_auth("updateAgent"),
        Step("8", "`agentId` missing, not a string, blank, or not a live agent of the account",
             e.AgentNotFound()),
        Step("9", f"`agentIdNew` not null and {_ID_RULE_CHECK}",
             e.FieldRejected("agentIdNew", AGENT_ID_RULE)),
        Step("10", "`agentIdNew` names another live agent", e.AgentAlreadyExists()),
        Step("11", "`agentName` or `agentNameNew` present and null or blank",
             e.AgentNameRequired()),
        Step("12", f"`agentName` or `agentNameNew` {_NAME_CHECK} (key: the bad field, "
             "agentName first)", e.FieldRejected("agentName", AGENT_NAME_RULE)),
        *_checks_13_to_24(create=False),
        Step("25", "`If-Match` sent (even blank) and neither `*` nor a list holding the "
             "current ETag (strong comparison)", e.PreconditionFailed())],
    "deleteAgent": [*_auth("deleteAgent"),
        Step("8", "`agentId` missing, not a string, blank, or never an agent of the account",
             e.DeleteUnknownAgent()),
        Step("9", "the agent was already deleted", e.DeleteAlreadyDeleted())],
    "AgentDetails": [*_auth("AgentDetails"),
        Step("8", "`agentId` given (not null or blank) and not a live agent of the account",
             e.AgentNotFound())],
    "skill": [*_auth("skill"),
        Step("S1", "`skillName` missing, null or blank", _rejected(catalog.check_skill_name, None)),
        Step("S1", "`skillName` not a string", _rejected(catalog.check_skill_name, 7)),
        Step("S1", "`skillName` shorter than 3", _rejected(catalog.check_skill_name, "ab")),
        Step("S1", "`skillName` longer than 50", _rejected(catalog.check_skill_name, "a" * 51)),
        Step("S1", "`skillName` starts or ends with a space",
             _rejected(catalog.check_skill_name, " ab")),
        Step("S1", "`skillName` has a character other than letters, marks, digits, spaces, "
             "`._-`", _rejected(catalog.check_skill_name, "a!b")),
        Step("S2", "`skillDetail1` not null and not a string of 3-100 characters",
             _rejected(catalog.check_skill_detail, "ab")),
        Step("S3", "`record` not null and not one of the choices",
             _rejected(catalog.check_record, "x")),
        Step("S4", "`agents` not null and not an array",
             e.FieldRejected("agents", "agents must be an array")),
        Step("S4", "an item not an object",
             e.FieldRejected("agents[0]", "each item must be an object {agentId, priority}")),
        Step("S4", "an item's `agentId` missing, not a string or blank",
             e.FieldRejected("agents[0].agentId", "agentId is required")),
        Step("S4", "an `agentId` listed twice",
             e.FieldRejected("agents[1].agentId", "agent 'priya.s' is listed twice")),
        Step("S4", "a `priority` not null and not a whole number 1-100",
             _rejected(catalog.check_priority, "agents[0].priority", 0)),
        Step("S5", "an `agentId` that is not a live agent",
             e.FieldRejected("agents[0].agentId", "agent 'priya.s' not found")),
        Step("S6", "the account already has a skill of that name", e.SkillAlreadyExists())],
}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _field(kind: str, check: str, text: str, *, null: bool = True, **rules: Any) -> Schema:
    """A body field; `null` also accepts JSON null (unchanged, cleared or default)."""
    return {"type": [kind, "null"] if null else kind, **rules,
            "description": f"{text} (check {check})."}


def _name(text: str) -> Schema:
    return _field("string", "11, 12", f"{text} 2-50 letters of any script with their "
                  "combining marks, decimal digits, spaces and `.@_-`, no space at either end",
                  null=False, minLength=2, maxLength=50, pattern=NAME_EDGES)


def agent_body(endpoint: str) -> Schema:
    """createAgent's or updateAgent's body."""
    create = endpoint == "createAgent"
    keep = "default" if create else "unchanged"
    props: Schema = {"userName": _field("string", "A3", "The account", null=False,
                                        pattern=NOT_BLANK)}
    if create:
        props["agentId"] = _field("string", "8-10", "The new agent's unique ID: 2-50 ASCII "
                                  "letters, digits, `.@_-`; a deleted agent's ID may be "
                                  "reused", null=False, pattern=rules.AGENT_ID_PATTERN)
        props["agentName"] = _name("Required.")
    else:
        props["agentId"] = _field("string", "8", "The live agent to change", null=False,
                                  pattern=NOT_BLANK)
        props["agentIdNew"] = _field("string", "9, 10", "A new ID for the agent; null: "
                                     "unchanged", pattern=rules.AGENT_ID_PATTERN)
        props["agentName"] = _name("The new name unless agentNameNew is sent (then only "
                                   "checked).")
        props["agentNameNew"] = _name("The new name.")
    props["password"] = _field(
        "string", "13, 14", ("Required" if create else "Absent: unchanged") + "; stored only "
        "as an Argon2id hash, never returned", null=False, minLength=3, maxLength=50,
        pattern=NOT_BLANK, writeOnly=True)
    props["email"] = _field("string", "15, 16", "Required on every create and update; "
                            "syntax only, stored as sent", null=False, format="email",
                            maxLength=rules.MAX_EMAIL_LENGTH)
    props["agentData"] = _field("string", "17", "Free metadata; null clears it",
                                pattern=rules.AGENT_DATA_PATTERN)
    props["sipLocation"] = _field("string", "18", "One of the account's SIP locations, "
                                  "exact match; null clears it")
    props["screenRecording"] = _field("boolean", "19", f"null: {keep} (false)")
    props["autoAnswer"] = _field("string", "20", f"Auto-answer mode; null: {keep}",
                                 pattern=rules.AUTO_ANSWER_PATTERN)
    for field in SWITCH_FIELDS:
        default = "true" if field == "inbound" else "false"
        props[field] = _field("boolean", "21", f"null: {keep} ({default})")
    props["callControls"] = {"oneOf": [_ref("CallControls"), {"type": "null"}],
                             "description": f"Call-control permissions; null: {keep}."}
    props["assignSkills"] = _field(
        "array", "23", "Skills to add or re-prioritise; each must exist in the account; a "
        "skill twice with different priorities is an error", items=_ref("SkillAssignment"))
    props["unAssignSkills"] = _field(
        "array", "23", "Skills to remove; each must exist in the account, but the agent "
        "need not have it; none may also be in assignSkills", items=_ref("SkillRemoval"))
    for field, verb in (("assignAgentGroups", "add"), ("unAssignAgentGroups", "remove")):
        props[field] = _field("string", "24", f"Comma-separated groups to {verb}; spaces "
                              "around names and empty entries are ignored; each must exist "
                              "in the account; none in both lists")
    required = ["userName", "agentId", *(("agentName", "password") if create else ()), "email"]
    return {"type": "object", "required": required, "properties": props,
            "description": "Unknown fields are ignored."}


def skill_body() -> Schema:
    return {"type": "object", "required": ["userName", "skillName"], "properties": {
        "userName": _field("string", "A3", "The account", null=False, pattern=NOT_BLANK),
        "skillName": _field("string", "S1, S6", "3-50 letters of any script with combining "
                            "marks, digits, spaces, `._-`, no space at either end; unique in "
                            "the account", null=False, minLength=3, maxLength=50,
                            pattern=r"^[^\s](.*[^\s])?$"),
        "skillDetail1": _field("string", "S2", "Free text", minLength=3, maxLength=100),
        "record": {"enum": [*catalog.RECORD_CHOICES, None], "default": catalog.DEFAULT_RECORD,
                   "description": "Call recording (check S3); null: the default."},
        "agents": _field("array", "S4, S5", "Live agents to give the new skill, each at "
                         "most once", items={"type": "object", "required": ["agentId"],
                                             "properties": {"agentId": {
                                                 "type": "string", "pattern": NOT_BLANK},
                                                 "priority": PRIORITY}}),
    }, "description": "Unknown fields are ignored."}


def simple_body(agent_id: str | None) -> Schema:
    """generateToken's (agent_id None), deleteAgent's ("required") and AgentDetails'."""
    props: Schema = {"userName": _field("string", "A3/T3", "The account", null=False,
                                        pattern=NOT_BLANK)}
    if agent_id == "required":
        props["agentId"] = _field("string", "8, 9", "The live agent to delete", null=False,
                                  pattern=NOT_BLANK)
    elif agent_id == "optional":
        props["agentId"] = _field("string", "8", "One live agent; absent, null or blank: "
                                  "every live agent, ordered by agentId")
    return {"type": "object", "required": ["userName", *(["agentId"] if agent_id ==
                                                          "required" else [])],
            "properties": props}


def call_control_schemas() -> dict[str, Schema]:
    """`CallControls` plus one component per nesting prefix (`CallControls.transfer`...)."""
    nodes: dict[str, set[str]] = {}  # prefix ("" = top) -> keys it accepts
    for control in CALL_CONTROLS:
        parts = control.split("_")
        for depth in range(len(parts)):
            for end in range(depth + 1, len(parts) + 1):
                nodes.setdefault("_".join(parts[:depth]), set()).add("_".join(parts[depth:end]))
    schemas: dict[str, Schema] = {}
    for prefix, keys in nodes.items():
        props: Schema = {}
        for key in sorted(keys, key=lambda k: (k.count("_"), k)):
            full = f"{prefix}_{key}" if prefix else key
            props[key] = {"type": "boolean"} if full in CALL_CONTROLS else _ref(
                f"CallControls.{full}")
        name = f"CallControls.{prefix}" if prefix else "CallControls"
        schemas[name] = {"type": "object", "properties": props, "additionalProperties": False}
    schemas["CallControls"]["description"] = (
        "Check 22. Controls: " + ", ".join(CALL_CONTROLS) + ". Flat (`{\"transfer_agent_"
        "warm\": true}`) or nested, stopping at any level (`{\"transfer\": {\"agent\": "
        "{\"warm\": true}}}`, `{\"transfer_agent\": {\"warm\": true}}`): all mean the same. "
        "Controls sent override the stored ones; others stay. One control given twice with "
        "different values is an error.")
    return schemas


def skill_item_schemas() -> dict[str, Schema]:
    name = {"type": "string", "pattern": NOT_BLANK}
    item = {"type": "object", "required": ["skillName"], "properties": {"skillName": name}}
    return {
        "SkillAssignment": {"oneOf": [name, {**item, "properties": {
            "skillName": name, "priority": PRIORITY}}]},
        "SkillRemoval": {"oneOf": [name, item]},
    }


def field_failure_message(endpoint: str) -> Schema:
    """The `Message` object of the field-keyed 400 `{"Status": "Fail", ...}` answers."""
    text: Schema = {"type": "string"}
    if endpoint == "skill":
        fixed = {f: text for f in ("skillName", "skillDetail1", "record", "agents")}
        patterns = {r"^agents\[\d+\](\.agentId|\.priority)?$": text}
    else:
        names = ("agentName",) if endpoint == "createAgent" else ("agentName", "agentNameNew")
        fixed = {"agentId" if endpoint == "createAgent" else "agentIdNew":
                 {"const": AGENT_ID_RULE}}
        fixed |= {field: {"const": AGENT_NAME_RULE} for field in names}
        fixed["autoAnswer"] = {"const": AUTO_ANSWER_RULE}
        fixed |= {f: {"const": f"{f} must be true or false"} for f in SWITCH_FIELDS}
        fixed |= {f: text for f in ("callControls", "assignSkills", "unAssignSkills",
                                    "assignAgentGroups", "unAssignAgentGroups")}
        patterns = {r"^(assignSkills|unAssignSkills)\[\d+\]$": text}
    return {"type": "object", "minProperties": 1, "maxProperties": 1, "properties": fixed,
            "patternProperties": patterns, "additionalProperties": False}
