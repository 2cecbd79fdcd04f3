"""`agentdir`: the console script."""

from __future__ import annotations

import sys

import click

from agentdir import __version__
from agentdir.cli.agents_io import agents
from agentdir.cli.audit import audit
from agentdir.cli.operator import account, group, sip_location, skill
from agentdir.cli.serve import migrate, serve
from agentdir.errors import AgentdirError
from agentdir.settings import SettingsError, load_settings
from agentdir.storage.migrate import SchemaTooNew

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


for command in (serve, migrate, account, skill, group, sip_location, audit, agents):
    cli.add_command(command)


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
    except (AgentdirError, SettingsError, SchemaTooNew) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
