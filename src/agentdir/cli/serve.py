"""`agentdir serve` and `agentdir migrate`."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

import click

from agentdir.cli.context import run_with_db, settings_of
from agentdir.cli.demo import demo_instructions, seed_demo
from agentdir.errors import ServiceUnavailable
from agentdir.settings import Settings
from agentdir.storage.database import Database, is_unavailable_error
from agentdir.storage.migrate import current_revision, head_revision

__all__ = ["migrate", "serve"]


@click.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Apply the database migrations up to this version's schema."""
    settings = settings_of(ctx)

    async def run(db: Database) -> str | None:
        return await current_revision(db)

    revision = run_with_db(settings, run)
    click.echo(f"schema at revision {revision} (head {head_revision()})")


def _check_worker_setup(settings: Settings, workers: int) -> None:
    if workers > 1 and settings.redis_url is None:
        raise click.UsageError(
            "--workers above 1 needs AGENTDIR_REDIS_URL: rate limits must be shared by all "
            "workers to be exact, and the in-memory store is per process"
        )


def worker_environment(settings: Settings, workers: int, environ: Mapping[str, str],
                       cpus: int) -> dict[str, str]:
    """What the workers' environment must add: the database URL as resolved here, and,
    unless the operator chose, the cores shared out among the workers' hash threads.
    Argon2id is memory-hard: more concurrent hashes than cores only thrash the caches."""
    env = {"AGENTDIR_DATABASE_URL": settings.database_url}
    if "AGENTDIR_HASH_THREADS" not in environ:
        env["AGENTDIR_HASH_THREADS"] = str(max(1, cpus // workers))
    return env


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--demo", is_flag=True,
              help="On an empty database, create a demo account and print how to call it.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, demo: bool) -> None:
    """Migrate the schema if needed and serve HTTP."""
    from granian import Granian
    from granian.constants import Interfaces

    settings = settings_of(ctx)
    _check_worker_setup(settings, workers)

    async def prepare(db: Database) -> str | None:
        return await seed_demo(db, settings) if demo else None

    try:
        api_key = run_with_db(settings, prepare)
    except Exception as exc:
        # Startup must check (and migrate) the schema; say plainly that the database
        # is the problem instead of printing a bare driver error.
        if isinstance(exc, ServiceUnavailable) or is_unavailable_error(exc):
            raise click.ClickException(
                f"cannot reach the database to check its schema ({type(exc).__name__}: "
                f"{exc}); start agentdir serve again once the database answers"
            ) from None
        raise
    base_url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"  # noqa: S104
    if api_key is not None:
        click.echo(demo_instructions(base_url, api_key))
    elif demo:
        click.echo("The database already has accounts; no demo account was created. "
                   "`agentdir account rotate-key demo` prints a new apiKey for it.")
    # Workers are separate processes: they read their settings from the environment.
    os.environ.update(worker_environment(settings, workers, os.environ, os.cpu_count() or 1))
    click.echo(f"agentdir serving on {base_url} with {workers} worker(s)")
    sys.stdout.flush()
    Granian(
        "agentdir.app:app_from_environment",
        address=host,
        port=port,
        workers=workers,
        interface=Interfaces.ASGI,
        factory=True,
        log_access=False,
        workers_kill_timeout=30,
        respawn_failed_workers=True,
    ).serve()


