"""Command line of the intake API: keys of the issuing bodies (created, listed, revoked)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from limits import parse_many
from sqlalchemy import select

from ..extensions import db
from ..models import ApiKey, Issuer
from ..services.intake_api import create_key, revoke_key
from .common import refusal_stops


@click.group("intake-key")
def intake_key() -> None:
    """Keys with which an issuing body's system sends documents (POST /api/v1/intake)."""


@intake_key.command("create")
@click.option("--issuer", "issuer_name", required=True,
              help="The issuing body as in the register, e.g. \"Sở Tài chính\".")
@click.option("--rate", default="30 per minute;500 per day", show_default=True,
              help="rate limit of this key, as flask-limiter reads it")
@click.option("--name", default="", help="A label for staff (the sender's system).")
@with_appcontext
def create_command(issuer_name: str, rate: str, name: str) -> None:
    """Create a key for one issuer; printed once, only its hash is kept."""
    try:
        parse_many(rate)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--rate") from None
    with refusal_stops(LookupError):
        api_key, key = create_key(issuer_name, rate, name)
    click.echo(f"intake key #{api_key.id} for {issuer_name} (keep it; it is not shown again): "
               f"{key}")


@intake_key.command("revoke")
@click.argument("key_id", type=click.IntRange(1, 2_147_483_647))
@with_appcontext
def revoke_command(key_id: int) -> None:
    """Revoke a key: requests with it are refused from now on."""
    with refusal_stops(LookupError):
        api_key = revoke_key(key_id)
    click.echo(f"revoked key #{api_key.id} ({api_key.name})")


@intake_key.command("list")
@with_appcontext
def list_command() -> None:
    """Keys of the issuing bodies, with their state (never the key itself)."""
    rows = db.session.execute(select(ApiKey, Issuer.name).join(
        Issuer, Issuer.id == ApiKey.issuer_id).order_by(ApiKey.id)).all()
    for api_key, issuer in rows:
        state = "active" if api_key.active else "revoked"
        click.echo(f"#{api_key.id}\t{issuer}\t{state}\t{api_key.rate_limit}\t{api_key.name}")


COMMANDS = (intake_key,)
