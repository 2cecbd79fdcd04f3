"""Bulk import and export of agents (the engine behind `agentdir agents import|export`).

Rows come from CSV (columns named after API fields) or JSONL (API bodies without
userName). Each row is created, or updated when the agent already exists. A
state file records every row done (line number + content hash) so that a run
that was interrupted can resume without doing a row twice.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from agentdir.client import _calls as calls
from agentdir.client import _errors as errors
from agentdir.client._core import AGENT_FIELDS, MODE_FIELDS
from agentdir.client._models import AgentSummary
from agentdir.client._sync import Client

__all__ = ["BulkFileError", "Outcome", "Row", "StateFile", "export_body", "import_rows",
           "read_rows", "write_export"]

# API fields an import row may carry (an import describes agents, it does not rename them).
IMPORT_FIELDS = {f: k for k, f in AGENT_FIELDS.items()
                 if f not in ("agentIdNew", "agentNameNew", "unAssignSkills",
                              "unAssignAgentGroups")}
CSV_ALIASES = {"skills": "assignSkills", "groups": "assignAgentGroups"}
BOOLEAN_FIELDS = frozenset({"screenRecording", "locked", *MODE_FIELDS})
CSV_COLUMNS = ["agentId", "agentName", "password", "email", "agentData", "sipLocation",
               "screenRecording", "autoAnswer", "locked", *MODE_FIELDS, "callControls",
               "skills", "groups"]
# Errors that stop the whole run (the rest are reported against their row).
FATAL = (errors.AuthenticationError, errors.RateLimited, errors.ServerError,
         errors.TokenBudgetExhausted, errors.InvalidJson, errors.UnexpectedResponse)


class BulkFileError(ValueError):
    """The input file cannot be read as a whole (bad header, unknown columns)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    line: int
    digest: str
    agent_id: str
    fields: dict[str, Any]  # keyword arguments of Client.create_agent / update_agent
    error: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    row: Row
    action: str  # "created", "updated", "skipped" or "failed"
    message: str = ""


def _bool(value: str, field: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "yes", "1", "y"):
        return True
    if lowered in ("false", "no", "0", "n"):
        return False
    raise ValueError(f"{field}: expected true or false, got {value!r}")


def _csv_value(field: str, value: str) -> Any:
    if field in BOOLEAN_FIELDS:
        return _bool(value, field)
    if field == "assignSkills":
        skills: list[Any] = []
        for item in filter(None, (s.strip() for s in value.split(";"))):
            name, _, priority = item.partition(":")
            if priority and not priority.strip().isdigit():
                raise ValueError(f"skills: bad priority in {item!r} (expected name:1-100)")
            skills.append({"skillName": name.strip(), "priority": int(priority)}
                          if priority else name.strip())
        return skills
    if field == "callControls":
        controls: dict[str, bool] = {}
        for item in filter(None, (s.strip() for s in value.split(";"))):
            name, sep, flag = item.partition("=")
            controls[name.strip()] = _bool(flag, f"callControls.{name}") if sep else True
        return controls
    return value


def _row(line: int, raw: dict[str, Any], convert: Callable[[str, Any], Any]) -> Row:
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:16]
    agent_id = str(raw.get("agentId") or "")
    fields: dict[str, Any] = {}
    try:
        for field, value in raw.items():
            field = CSV_ALIASES.get(field, field)
            if field == "userName":
                continue
            if field not in IMPORT_FIELDS:
                raise ValueError(f"unknown field {field!r}")
            fields[IMPORT_FIELDS[field]] = convert(field, value)
    except ValueError as exc:
        return Row(line, digest, agent_id, {}, str(exc))
    return Row(line, digest, agent_id, fields)


def _read_csv(handle: TextIO) -> Iterator[Row]:
    reader = csv.DictReader(handle)
    unknown = [c for c in reader.fieldnames or []
               if CSV_ALIASES.get(c, c) not in IMPORT_FIELDS]
    if unknown:
        raise BulkFileError(f"unknown column(s): {', '.join(unknown)}; "
                            f"known: {', '.join(CSV_COLUMNS)}")
    for record in reader:
        raw = {k: v for k, v in record.items() if k is not None and v not in (None, "")}
        if raw:
            yield _row(reader.line_num, raw, _csv_value)


def _read_jsonl(handle: TextIO) -> Iterator[Row]:
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except ValueError:
            raw = None
        if not isinstance(raw, dict):
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            yield Row(line, digest, "", {}, "not a JSON object")
            continue
        yield _row(line, raw, lambda _field, value: value)


def read_rows(path: Path) -> list[Row]:
    """Read a .csv or .jsonl file; rows that cannot be read carry their `error`."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if path.suffix.lower() == ".csv":
            return list(_read_csv(handle))
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            return list(_read_jsonl(handle))
    raise BulkFileError(f"{path.name}: expected a .csv or .jsonl file")


class StateFile:
    """The rows already done, as JSON lines {"line", "hash", "agentId", "action"}."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: set[tuple[int, str]] = set()
        if path.exists():
            for text in path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(text)
                    self.done.add((int(entry["line"]), str(entry["hash"])))
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a crash: that row is simply redone

    def is_done(self, row: Row) -> bool:
        return (row.line, row.digest) in self.done

    def record(self, row: Row, action: str) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"line": row.line, "hash": row.digest,
                                     "agentId": row.agent_id, "action": action}) + "\n")
        self.done.add((row.line, row.digest))


def _apply(client: Client, row: Row) -> str:
    try:
        client._call(calls.create_agent(row.fields))
        return "created"
    except errors.AgentAlreadyExists:
        fields = dict(row.fields)
        agent_id = fields.pop("agent_id")
        client._call(calls.update_agent({"agent_id": agent_id, **fields}, detailed=False,
                                       if_match=None))
        return "updated"


def import_rows(client: Client, rows: Iterable[Row], state: StateFile,
                on_outcome: Callable[[Outcome], None] = lambda _o: None) -> list[Outcome]:
    """Create or update every row not yet done. Fatal errors (authentication, limits
    beyond the retry budget, server faults) propagate; the state file is up to date."""
    outcomes = []
    for row in rows:
        if state.is_done(row):
            outcome = Outcome(row, "skipped")
        elif row.error is not None:
            outcome = Outcome(row, "failed", row.error)
        else:
            try:
                action = _apply(client, row)
            except FATAL:
                raise
            except errors.ApiError as exc:
                outcome = Outcome(row, "failed", str(exc))
            else:
                state.record(row, action)
                outcome = Outcome(row, action)
        outcomes.append(outcome)
        on_outcome(outcome)
    return outcomes


def export_body(item: AgentSummary) -> dict[str, Any]:
    """An AgentDetails item as an import row (an API body without userName)."""
    agent = item.details
    if agent is None:
        return {"agentId": item.agent_id, "agentName": item.agent_name}
    body: dict[str, Any] = {
        "agentId": agent.agent_id, "agentName": agent.agent_name, "email": agent.email,
        "agentData": agent.agent_data, "sipLocation": agent.sip_location,
        "screenRecording": agent.screen_recording, "locked": agent.locked,
    }
    if agent.auto_answer is not None:
        body["autoAnswer"] = agent.auto_answer
    for mode in MODE_FIELDS:
        body[mode] = getattr(agent.modes, IMPORT_FIELDS[mode])
    body["callControls"] = dict(agent.call_controls)
    body["assignSkills"] = [{"skillName": s.skill_name, "priority": s.priority}
                            for s in agent.skills]
    body["assignAgentGroups"] = ",".join(agent.groups)
    return body


def _csv_cell(field: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if field == "assignSkills":
        return ";".join(f"{s['skillName']}:{s['priority']}" for s in value)
    if field == "callControls":
        return ";".join(f"{k}={'true' if v else 'false'}" for k, v in value.items())
    return str(value)


def write_export(items: Iterable[AgentSummary], handle: TextIO, fmt: str) -> int:
    """Write agents as JSONL or CSV in the import format; returns how many."""
    count = 0
    writer = csv.DictWriter(handle, CSV_COLUMNS, extrasaction="ignore") if fmt == "csv" \
        else None
    if writer is not None:
        writer.writeheader()
    for item in items:
        body = export_body(item)
        if writer is not None:
            writer.writerow({CSV_ALIASES_BACK.get(k, k): _csv_cell(k, v)
                             for k, v in body.items()})
        else:
            handle.write(json.dumps(body) + "\n")
        count += 1
    return count


CSV_ALIASES_BACK = {v: k for k, v in CSV_ALIASES.items()}
