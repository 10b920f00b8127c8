"""``oos-kg export``: write the named graphs (inferred included) in an RDF format, or a release."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

from oos_kg.cli import app
from oos_kg.cli.check import ROOT_HELP
from oos_kg.errors import OosKgError


class ExportFormat(StrEnum):
    """Formats ``oos-kg export`` writes."""

    nquads = "nquads"
    trig = "trig"
    turtle = "turtle"
    jsonld = "jsonld"


_RELEASE_STEPS = 16
"""Steps a release reports: parse x4, infer, write, read, 8 files, describe."""


def write_release_with_progress(root: Path | None, directory: Path) -> list[Path]:
    """Build the release from the Turtle files (in an in-memory store, as the server reads
    its own) and write it into ``directory``, showing a progress bar on stderr.

    Raises:
        InputError, RdfSyntaxError: bad sources. OSError: the folder cannot be written.
    """
    from oos_kg.linked_data import build_release, write_release
    from oos_kg.loading import load_store
    from oos_kg.resources import graph_sources
    from oos_kg.settings import Settings
    from oos_kg.store import open_store

    store = open_store(Settings(store="memory"))
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as progress:
            task = progress.add_task("release", total=_RELEASE_STEPS)

            def step(description: str) -> None:
                progress.update(task, description=description, advance=1)

            load_store(store, graph_sources(root), step)
            release = build_release(store, step)
            step("write the files")
            return write_release(release, directory)
    finally:
        store.close()


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
    release: Annotated[
        Path | None,
        typer.Option(
            "--release",
            help="Write the release set into this folder instead: every graph as N-Quads, "
            "TriG and JSON-LD, each graph as Turtle, SHA256SUMS and the VoID/DCAT "
            "description void.ttl (what the server's /download/ serves).",
        ),
    ] = None,
) -> None:
    """Export every named graph of the knowledge graph, built from the Turtle files.

    N-Quads, TriG and JSON-LD keep the named graphs (ontology, products, regulations,
    shapes, inferred); Turtle has no graphs, so it writes their union.
    """
    from oos_kg.export import serialize_graphs
    from oos_kg.kgfiles import build_named_graphs
    from oos_kg.resources import graph_sources

    if release is not None:
        if output is not None:
            typer.echo("error: give either --release or --output", err=True)
            raise typer.Exit(2)
        try:
            written = write_release_with_progress(root, release)
        except (OosKgError, FileNotFoundError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except OSError as exc:
            typer.echo(f"error: {release}: {exc.strerror}", err=True)
            raise typer.Exit(2) from None
        for path in written:
            typer.echo(f"{path.stat().st_size:>12,}  {path}")
        return
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
