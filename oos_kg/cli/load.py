"""``oos-kg load``: parse the Turtle sources, reason once, replace the store's named graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from oos_kg.cli import app
from oos_kg.cli._store import REMOTE_HELP, STORE_HELP, cli_errors, settings_for
from oos_kg.loading import LoadReport, load_store
from oos_kg.resources import GraphSource, graph_sources
from oos_kg.settings import Settings
from oos_kg.store import open_store

__all__ = ["load", "load_with_progress"]


def load_with_progress(settings: Settings, *, only_if_changed: bool = False) -> LoadReport:
    """Load the sources of ``settings`` into its store, showing a progress bar on stderr.

    Raises:
        InputError, RdfSyntaxError: bad sources. StoreError: the store failed.
    """
    from oos_kg.loading import ensure_loaded

    sources: tuple[GraphSource, ...] = graph_sources(settings.resource_root)
    console = Console(stderr=True)
    store = open_store(settings)
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("load", total=len(sources) + 2)

            def step(description: str) -> None:
                progress.update(task, description=description, advance=1)

            run = ensure_loaded if only_if_changed else load_store
            return run(store, sources, step)
    finally:
        store.close()


@app.command()
def load(
    remote: Annotated[bool, typer.Option("--remote", help=REMOTE_HELP)] = False,
    store: Annotated[Path | None, typer.Option("--store", help=STORE_HELP)] = None,
) -> None:
    """Load ontology, data and shapes into the store (and the inferred graph).

    Parses every Turtle file into its named graph (graph/ontology, graph/products,
    graph/regulations, graph/shapes), runs the reasoner once into graph/inferred, and
    replaces those graphs in one step: a load that fails or is killed leaves the store as
    it was. Exit 2 on a file that does not parse (file:line:column is printed).
    """
    settings = settings_for(remote=remote, store=store)
    with cli_errors():
        report = load_with_progress(settings)
    table = Table("graph", "triples", title="loaded")
    for iri, size in report.sizes.items():
        table.add_row(iri, str(size))
    Console().print(table)
