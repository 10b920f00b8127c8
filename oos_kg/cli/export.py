"""``oos-kg export``: write the named graphs (inferred included) in an RDF format."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from oos_kg.cli import app
from oos_kg.cli.check import ROOT_HELP
from oos_kg.errors import OosKgError


class ExportFormat(StrEnum):
    """Formats ``oos-kg export`` writes."""

    nquads = "nquads"
    trig = "trig"
    turtle = "turtle"
    jsonld = "jsonld"


@app.command()
def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExportFormat.nquads,
    root: Annotated[Path | None, typer.Option("--root", help=ROOT_HELP)] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write; standard output when omitted."),
    ] = None,
) -> None:
    """Export every named graph of the knowledge graph, built from the Turtle files.

    N-Quads, TriG and JSON-LD keep the named graphs (ontology, products, regulations,
    shapes, inferred); Turtle has no graphs, so it writes their union.
    """
    from oos_kg.export import serialize_graphs
    from oos_kg.kgfiles import build_named_graphs
    from oos_kg.resources import graph_sources

    try:
        data = serialize_graphs(build_named_graphs(graph_sources(root)), fmt.value)
    except (OosKgError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        typer.echo(f"wrote {len(data):,} bytes to {output}", err=True)
