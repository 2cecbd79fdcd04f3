"""Operator commands: accounts and the catalog (skills, groups, SIP locations)."""

from __future__ import annotations

import json

import click

from agentdir.accounts import service as accounts
from agentdir.accounts.models import Account, AuthMode
from agentdir.catalog.service import add_catalog_entry
from agentdir.cli.context import run_with_db, settings_of
from agentdir.clock import SystemClock

__all__ = ["account", "group", "sip_location", "skill"]


def _print_key(account: Account, api_key: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(
            {"userName": account.user_name, "apiKey": api_key, "auth": account.auth_mode.value}
        ))
    else:
        click.echo(f"userName: {account.user_name}")
        click.echo(f"apiKey:   {api_key}")
        click.echo(f"auth:     {account.auth_mode.value}")
        click.echo("The apiKey is shown only now; store it safely.", err=True)


@click.group()
def account() -> None:
    """Create accounts, switch their auth mode, rotate their apiKeys."""


@account.command("create")
@click.argument("user_name", metavar="USERNAME")
@click.option("--auth", "auth", type=click.Choice(["token", "basic"]), default="token",
              show_default=True, help="API authentication mode.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def account_create(ctx: click.Context, user_name: str, auth: str, as_json: bool) -> None:
    """Create an account and print its apiKey (once)."""
    created, api_key = run_with_db(
        settings_of(ctx),
        lambda db: accounts.create_account(
            db, user_name=user_name, auth_mode=AuthMode.from_cli(auth), clock=SystemClock()
        ),
    )
    _print_key(created, api_key, as_json)


@account.command("set-auth")
@click.argument("user_name", metavar="USERNAME")
@click.argument("mode", type=click.Choice(["token", "basic"]))
@click.pass_context
def account_set_auth(ctx: click.Context, user_name: str, mode: str) -> None:
    """Switch an account between TOKEN_AUTH and BASIC_AUTH."""
    auth_mode = AuthMode.from_cli(mode)
    run_with_db(
        settings_of(ctx),
        lambda db: accounts.set_auth_mode(db, user_name=user_name, auth_mode=auth_mode),
    )
    click.echo(f"{user_name}: {auth_mode.value}")


@account.command("rotate-key")
@click.argument("user_name", metavar="USERNAME")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def account_rotate_key(ctx: click.Context, user_name: str, as_json: bool) -> None:
    """Issue a new apiKey; the old one stops working at once."""
    rotated, api_key = run_with_db(
        settings_of(ctx), lambda db: accounts.rotate_api_key(db, user_name=user_name)
    )
    _print_key(rotated, api_key, as_json)


def _catalog_command(kind: str, verb: str, noun: str) -> click.Group:
    @click.group(name=kind, help=f"Manage an account's {noun}s.")
    def group_() -> None:
        pass

    @group_.command(verb, help=f"Add a {noun} to an account.")
    @click.argument("user_name", metavar="USERNAME")
    @click.argument("name", metavar=noun.upper().replace(" ", ""))
    @click.pass_context
    def add(ctx: click.Context, user_name: str, name: str) -> None:
        run_with_db(
            settings_of(ctx),
            lambda db: add_catalog_entry(
                db=db, clock=SystemClock(), user_name=user_name, kind=kind, name=name
            ),
        )
        click.echo(f"{user_name}: {noun} {name!r} added")

    return group_


skill = _catalog_command("skill", "create", "skill")
group = _catalog_command("group", "create", "group")
sip_location = _catalog_command("sip-location", "add", "SIP location")
