"""``oos-kg query``: run one SPARQL query against the store and print the answer."""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from oos_kg.cli import app
from oos_kg.cli._store import REMOTE_HELP, STORE_HELP, cli_errors, settings_for
from oos_kg.errors import NotAcceptable
from oos_kg.sparql.negotiation import GRAPH_TYPES, RESULTS_TYPES
from oos_kg.store import open_store

__all__ = ["OutputFormat", "query"]


class OutputFormat(enum.StrEnum):
    """What ``--format`` offers."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    turtle = "turtle"


_MEDIA = {
    OutputFormat.table: (RESULTS_TYPES[0], GRAPH_TYPES[0]),
    OutputFormat.json: (RESULTS_TYPES[0], "application/ld+json"),
    OutputFormat.csv: ("text/csv",),
    OutputFormat.tsv: ("text/tab-separated-values",),
    OutputFormat.turtle: ("text/turtle",),
}


def _print_table(body: bytes) -> None:
    results = json.loads(body)
    if "boolean" in results:
        typer.echo("true" if results["boolean"] else "false")
        return
    names = results["head"]["vars"]
    table = Table(*names)
    for row in results["results"]["bindings"]:
        table.add_row(*(row.get(name, {}).get("value", "") for name in names))
    Console().print(table)
    typer.echo(f"{len(results['results']['bindings'])} row(s)", err=True)


@app.command()
def query(
    text: Annotated[
        str, typer.Argument(help="The SPARQL query, or '-' to read it from standard input.")
    ],
    output: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (default; CONSTRUCT prints Turtle), json, csv or tsv for SELECT/ASK;"
            " turtle (or json for JSON-LD) for CONSTRUCT/DESCRIBE.",
        ),
    ] = OutputFormat.table,
    remote: Annotated[bool, typer.Option("--remote", help=REMOTE_HELP)] = False,
    store: Annotated[Path | None, typer.Option("--store", help=STORE_HELP)] = None,
) -> None:
    """Run a SPARQL query over the union of the named graphs and print the results.

    The same rules as the /sparql endpoint apply: no SERVICE, no foreign FROM, the query
    time limit. Exit 2 on a malformed or refused query.

    Example: oos-kg query 'SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g'
    """
    settings = settings_for(remote=remote, store=store, query_workers=1)
    sparql = sys.stdin.read() if text == "-" else text
    with cli_errors():
        kg = open_store(settings)
        try:
            media, body = kg.query_serialized(sparql, _MEDIA[output])
        except NotAcceptable as exc:
            raise NotAcceptable(f"--format {output.value} does not fit this query: {exc}") from None
        finally:
            kg.close()
    if output is OutputFormat.table and media == RESULTS_TYPES[0]:
        _print_table(body)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
