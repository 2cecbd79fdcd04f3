"""`agentdir`: the console script."""

from __future__ import annotations

import importlib
import sys

import click

from agentdir import __version__
from agentdir.errors import AgentdirError
from agentdir.settings import SettingsError, load_settings

__all__ = ["cli", "main"]


class LazyGroup(click.Group):
    """Imports a subcommand's module only when that command runs, so `agentdir
    account create` does not pay for the HTTP client or the server (click's
    documented lazy-loading pattern)."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, name = self.lazy[cmd_name].rpartition(".")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command


COMMANDS = {
    "serve": "agentdir.cli.serve.serve",
    "migrate": "agentdir.cli.serve.migrate",
    "account": "agentdir.cli.operator.account",
    "skill": "agentdir.cli.operator.skill",
    "group": "agentdir.cli.operator.group",
    "sip-location": "agentdir.cli.operator.sip_location",
    "audit": "agentdir.cli.audit.audit",
    "agents": "agentdir.cli.agents_io.agents",
}


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="agentdir")
@click.option("--database-url", envvar=None, default=None,
              help="Overrides AGENTDIR_DATABASE_URL (sqlite:///PATH or postgresql://...).")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """agentdir: CloudAgent-compatible agent administration."""
    settings = load_settings()
    if database_url:
        settings = settings.with_overrides(database_url=database_url)
        settings.async_database_url  # noqa: B018 - validate the scheme now
    ctx.obj = settings


def main() -> None:
    """Entry point: operator errors go to stderr with exit status 1, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (AgentdirError, SettingsError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
