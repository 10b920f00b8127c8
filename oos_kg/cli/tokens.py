"""``oos-kg tokens add|list|revoke``: the case registry's bearer tokens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from oos_kg.cli import app
from oos_kg.cli._store import cli_errors, settings_for
from oos_kg.registry import ROLES, TokenStore

__all__ = ["tokens_app"]

tokens_app = typer.Typer(
    help="Create, list and revoke the case registry's bearer tokens (kept as SHA-256 digests).",
    no_args_is_help=True,
)
app.add_typer(tokens_app, name="tokens")

_FILE_HELP = "Tokens file (default: OOS_KG_TOKENS_PATH, else tokens.json beside the store)."
FileOption = Annotated[Path | None, typer.Option("--file", help=_FILE_HELP)]


def _tokens(path: Path | None) -> TokenStore:
    return TokenStore(path or settings_for().tokens_file)


@tokens_app.command("add")
def add(
    role: Annotated[str, typer.Argument(help=f"one of: {', '.join(ROLES)}")],
    org: Annotated[
        str | None,
        typer.Option(help="organisation IRI, or a name such as org-sanbio (mah, institution)"),
    ] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="us, eu or jp (authority)")] = None,
    label: Annotated[str, typer.Option(help="a note for people (who holds it)")] = "",
    file: FileOption = None,
) -> None:
    """Create a token and print it once: it is not kept, only its digest is.

    mah tokens see their products' cases, institution tokens the cases they sent,
    authority tokens their jurisdiction's cases, researcher tokens aggregate reports only,
    admin tokens everything. Exit 2 on a bad role, organisation or jurisdiction.
    """
    with cli_errors():
        token, record = _tokens(file).add(role, org=org, jurisdiction=jurisdiction, label=label)
    typer.echo(token)
    typer.echo(f"id {record.id}: keep the token above; it is not shown again", err=True)


@tokens_app.command("list")
def list_tokens(
    file: FileOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """List tokens (id, role, organisation, jurisdiction, created, revoked); never secrets."""
    with cli_errors():
        records = _tokens(file).list()
    fields = ("id", "role", "org", "jurisdiction", "label", "created", "revoked")
    if as_json:
        rows = [{name: getattr(r, name) for name in fields} for r in records]
        typer.echo(json.dumps(rows, indent=1))
        return
    table = Table(*fields, title="registry tokens")
    for r in records:
        table.add_row(*(str(getattr(r, name) or "") for name in fields))
    Console().print(table)


@tokens_app.command("revoke")
def revoke(
    token_id: Annotated[str, typer.Argument(help="the id `tokens add` printed")],
    file: FileOption = None,
) -> None:
    """Revoke a token at once (the server re-reads the file). Exit 1 when no such token."""
    with cli_errors():
        found = _tokens(file).revoke(token_id)
    if not found:
        typer.echo(f"error: no active token {token_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {token_id}")
