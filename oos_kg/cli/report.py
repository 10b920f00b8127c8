"""``oos-kg report KIND --from --to``: a registry report from a running server."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from oos_kg.cli import app
from oos_kg.cli._client import ServerOption, TokenOption, fail_on, server_client
from oos_kg.registry import REPORT_KINDS

__all__ = ["report"]


@app.command()
def report(
    kind: Annotated[str, typer.Argument(help=f"one of: {', '.join(REPORT_KINDS)}")],
    start: Annotated[datetime, typer.Option("--from", help="supplied from (inclusive)")],
    end: Annotated[datetime, typer.Option("--to", help="supplied before (exclusive)")],
    token: TokenOption,
    server: ServerOption = None,
    output: Annotated[str, typer.Option("--format", help="table, json or csv")] = "table",
) -> None:
    """Print a report of the case registry over cases supplied in [from, to).

    The same report as ``GET /reports/KIND``. Exit 2 on an unknown kind or a refused token.
    """
    if output not in ("table", "json", "csv"):
        typer.echo("error: --format is table, json or csv", err=True)
        raise typer.Exit(2)
    params = {"from": start.isoformat(), "to": end.isoformat()}
    with server_client(server, token) as client:
        if output == "csv":
            response = client.get(f"/reports/{kind}", params={**params, "format": "csv"})
            if response.is_success:
                typer.echo(response.text, nl=False)
                return
            fail_on(response)
        body = fail_on(client.get(f"/reports/{kind}", params=params))
    if output == "json":
        typer.echo(json.dumps(body, indent=1))
        return
    table = Table(*body["columns"], title=f"{kind} {body['from']} .. {body['to']}")
    hidden = "<" + str(body["minimumCellSize"]) if body["minimumCellSize"] else ""
    for row in body["rows"]:
        table.add_row(*(hidden if row[c] is None else str(row[c]) for c in body["columns"]))
    Console().print(table)
