"""`agentdir agents import|export`: bulk agent administration through the API.

These commands are API clients (they work against any agentdir or Ozonetel's
hosted CloudAgent): they never touch a database.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from agentdir.client import BaseUrl, Client, ClientError, RetryPolicy
from agentdir.client._bulk import (
    BulkFileError,
    Outcome,
    StateFile,
    import_rows,
    read_rows,
    write_export,
)

__all__ = ["agents"]

PRESETS = {"ozonetel-in": BaseUrl.OZONETEL_IN, "ozonetel-intl": BaseUrl.OZONETEL_INTL}


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def _client_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--base-url", required=True, metavar="URL",
                     help="API base URL, or a preset: ozonetel-in "
                          f"({BaseUrl.OZONETEL_IN}), ozonetel-intl ({BaseUrl.OZONETEL_INTL})."),
        click.option("--user", "user_name", required=True, metavar="NAME",
                     help="The account's userName."),
        click.option("--api-key-env", default="AGENTDIR_API_KEY", show_default=True,
                     metavar="VAR", help="Environment variable holding the apiKey."),
        click.option("--auth", type=click.Choice(["auto", "token", "basic"]),
                     default="auto", show_default=True,
                     help="Bearer tokens: when the server asks (auto), always, or never."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@contextmanager
def _client(base_url: str, user_name: str, api_key_env: str, auth: str,
            **kwargs: Any) -> Iterator[Client]:
    api_key = os.environ.get(api_key_env, "").strip()
    if not api_key:
        raise click.UsageError(f"set the apiKey in the environment variable {api_key_env}")
    url = PRESETS.get(base_url, base_url)
    with Client(url, user_name=user_name, api_key=api_key, auth=auth,  # type: ignore[arg-type]
                **kwargs) as client:
        yield client


@click.group()
def agents() -> None:
    """Bulk import and export of agents through the API (apiKey from the environment)."""


def _summary(console: Console, outcomes: list[Outcome]) -> int:
    counts = {a: sum(o.action == a for o in outcomes)
              for a in ("created", "updated", "skipped", "failed")}
    console.print(", ".join(f"{n} {a}" for a, n in counts.items()))
    failures = [o for o in outcomes if o.action == "failed"]
    if failures:
        table = Table(title=f"{len(failures)} row(s) failed", title_justify="left")
        table.add_column("row", justify="right")
        table.add_column("agentId")
        table.add_column("error")
        for outcome in failures:
            table.add_row(str(outcome.row.line), outcome.row.agent_id or "-", outcome.message)
        console.print(table)
    return len(failures)


@agents.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_client_options
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              help="State file of rows done [default: FILE.agentdir-state.jsonl].")
@click.option("--restart", is_flag=True, help="Forget the state file and do every row.")
@click.option("--no-pace", is_flag=True,
              help="Send at once and rely on 429 retries instead of pacing.")
@click.option("--max-wait", type=click.FloatRange(0), default=3600.0, show_default=True,
              help="Longest wait (seconds) for one request on rate limits.")
def import_command(file: Path, base_url: str, user_name: str, api_key_env: str, auth: str,
                   state_path: Path | None, restart: bool, no_pace: bool,
                   max_wait: float) -> None:
    """Create or update agents from FILE (.csv or .jsonl), honouring the rate limits.

    CSV columns are API fields (agentId, agentName, password, email, ...; skills as
    "name:priority;name2", groups comma-separated, modes as true/false). JSONL lines
    are updateAgent/createAgent bodies without userName. Existing agents are updated.
    Interrupt with Ctrl-C at any time; the same command resumes.
    """
    console = Console(stderr=True)
    try:
        rows = read_rows(file)
    except (BulkFileError, UnicodeDecodeError) as exc:
        raise click.UsageError(str(exc)) from None
    state_path = state_path or file.with_name(file.name + ".agentdir-state.jsonl")
    if restart and state_path.exists():
        state_path.unlink()
    state = StateFile(state_path)
    todo = [r for r in rows if not state.is_done(r)]
    resume = shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else ""
    console.print(f"{len(rows)} rows in {file.name}; {len(rows) - len(todo)} already done "
                  f"({state_path.name}), {len(todo)} to go.")

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.fields[eta]}"),
                  TextColumn("[dim]{task.fields[status]}"), console=console,
                  transient=False) as progress:
        task = progress.add_task("importing", total=len(rows), completed=len(rows) - len(todo),
                                 eta="", status="")
        left = [len(todo)]

        def eta(client: Client) -> str:
            count, window = client.session.pacer.limits.get("createAgent", (5, 60))
            return f"ETA ~{_duration(left[0] * window / count)}" if not no_pace else ""

        def on_wait(seconds: float, reason: str, endpoint: str) -> None:
            progress.update(task, status=f"{reason}: waiting {seconds:.0f}s for {endpoint}")

        def on_outcome(outcome: Outcome) -> None:
            if outcome.action != "skipped":
                left[0] -= 1
                progress.update(task, advance=1, status=f"row {outcome.row.line}: "
                                f"{outcome.action}", eta=eta(client))

        with _client(base_url, user_name, api_key_env, auth, pace=not no_pace,
                     retry=RetryPolicy(max_retries=20, max_wait=max_wait),
                     on_wait=on_wait) as client:
            progress.update(task, eta=eta(client))
            try:
                outcomes = import_rows(client, rows, state, on_outcome)
            except KeyboardInterrupt:
                progress.stop()
                console.print(f"[yellow]Interrupted.[/] {len(state.done)} row(s) done are "
                              f"saved in {state_path}. Resume with:\n  {resume}")
                sys.exit(130)
            except (ClientError, httpx.HTTPError) as exc:
                progress.stop()
                console.print(f"[red]Stopped:[/] {exc}. {len(state.done)} row(s) done are "
                              f"saved in {state_path}; fix the cause, then resume with:\n"
                              f"  {resume}")
                sys.exit(1)
    if _summary(console, outcomes):
        console.print(f"Fix the failed rows and run the command again: rows done "
                      f"are skipped ({state_path.name}).")
        sys.exit(1)


@agents.command("export")
@_client_options
@click.option("--output", "-o", default="-", metavar="FILE",
              help="Where to write (.jsonl or .csv); - for stdout.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None,
              help="Output format [default: from the file name, else jsonl].")
def export_command(base_url: str, user_name: str, api_key_env: str, auth: str, output: str,
                   fmt: str | None) -> None:
    """Write every agent (AgentDetails) in the import format: JSONL or CSV.

    Passwords are never returned by the API, so exported rows carry none: they
    update existing agents; add a password column to create them elsewhere.
    """
    fmt = fmt or ("csv" if output.lower().endswith(".csv") else "jsonl")
    with _client(base_url, user_name, api_key_env, auth, retry=RetryPolicy(max_wait=120)) \
            as client:
        try:
            items = client.agent_details()
        except (ClientError, httpx.HTTPError) as exc:
            raise click.ClickException(str(exc)) from None
    if output == "-":
        count = write_export(items, sys.stdout, fmt)
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            count = write_export(items, handle, fmt)
    click.echo(f"exported {count} agent(s)", err=True)
