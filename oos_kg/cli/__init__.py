"""The ``oos-kg`` command line; each subcommand lives in its own module of this package."""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(
    name="oos-kg",
    help=(
        "Knowledge graph of out-of-specification (OOS) regenerative-medicine products:"
        " check and load the graph, query it with SPARQL, validate OOS provision cases,"
        " and serve SPARQL, GraphQL and validation over HTTP."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


@app.callback()
def main() -> None:
    """Knowledge graph of OOS regenerative-medicine products (see ``oos-kg COMMAND --help``)."""


# Subcommand modules register themselves on `app` when imported; one line each.
from oos_kg.cli import (  # noqa: E402,F401
    _version,
    cases,
    check,
    export,
    generate,
    load,
    query,
    report,
    serve,
    tokens,
    validate,
)
