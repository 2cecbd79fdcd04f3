"""`agentdir audit`: print an account's audit trail."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from agentdir.audit.query import list_audit, parse_since
from agentdir.cli.context import run_with_db, settings_of
from agentdir.clock import SystemClock, utc_iso

__all__ = ["audit"]


def _describe(changes: dict[str, object]) -> str:
    parts = []
    for field, change in changes.items():
        if isinstance(change, dict) and "new" in change:
            parts.append(f"{field}: {json.dumps(change.get('old'))} -> {json.dumps(change['new'])}")
        else:
            parts.append(f"{field}: {change}")
    return "\n".join(parts)


@click.command()
@click.argument("user_name", metavar="USERNAME")
@click.option("--agent", "agent_id", help="Only this agentId.")
@click.option("--since", help="ISO time (2026-12-04T10:00:00Z) or a span ago (90m, 2h, 7d).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def audit(
    ctx: click.Context, user_name: str, agent_id: str | None, since: str | None, as_json: bool
) -> None:
    """Print who changed which agent, when, and what (old and new values)."""
    since_at = parse_since(since, SystemClock().now()) if since else None
    entries = run_with_db(
        settings_of(ctx),
        lambda db: list_audit(db, user_name=user_name, agent_id=agent_id, since=since_at),
    )
    if as_json:
        for e in entries:
            click.echo(json.dumps({"at": utc_iso(e.at), "agentId": e.agent_id,
                                   "action": e.action, "actor": e.actor, "changes": e.changes}))
        return
    table = Table(title=f"audit trail of {user_name}")
    for column in ("at", "agentId", "action", "actor", "changes"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(utc_iso(e.at), e.agent_id, e.action, e.actor, _describe(e.changes))
    Console().print(table)
