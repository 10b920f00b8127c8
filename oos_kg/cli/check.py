"""``oos-kg check``: parse the files, validate the graph, run the reasoner, print the counts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from oos_kg.cli import app
from oos_kg.errors import OosKgError

ROOT_HELP = "Folder holding ontology/, data/ and shapes/ (default: the package's)."


@app.command()
def check(
    reason: Annotated[
        bool, typer.Option("--reason/--no-reason", help="Run HermiT (needs Java; takes seconds).")
    ] = True,
    root: Annotated[Path | None, typer.Option("--root", help=ROOT_HELP)] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON instead of a table.")
    ] = False,
    show_missing: Annotated[
        bool,
        typer.Option("--missing-translations", help="List data resources with no Japanese label."),
    ] = False,
) -> None:
    """Check the knowledge graph and print a summary of what it holds.

    Parses every Turtle file (errors name file:line:column), validates the graph against
    shapes/kg.ttl, checks consistency with the HermiT reasoner and prints the counts of
    products, trials, programs, clauses, obligations and studies. Exits 1 with the reasons
    when anything fails, 2 when a file does not parse.
    """
    from oos_kg.checking import run_check
    from oos_kg.kgfiles import read_graphs
    from oos_kg.resources import graph_sources

    out = Console(soft_wrap=True)
    err = Console(stderr=True, soft_wrap=True)
    try:
        with err.status("parsing the Turtle files"):
            graphs = read_graphs(graph_sources(root))
        with err.status("validating against shapes/kg.ttl and reasoning"):
            report = run_check(graphs, reason=reason)
    except (OosKgError, FileNotFoundError) as exc:
        err.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None
    except ValueError as exc:  # shapes that cannot run
        err.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        out.print_json(
            data={
                "ok": report.ok,
                "counts": report.counts,
                "problems": [str(p) for p in report.problems],
                "reasoner": (report.reasoner_error or "consistent") if reason else None,
                "missingTranslations": report.missing_ja,
            }
        )
    else:
        table = Table(title="oos-kg: what the graph holds")
        table.add_column("facts")
        table.add_column("count", justify="right")
        for key, n in report.counts.items():
            table.add_row(key, str(n))
        out.print(table)
        out.print(f"SHACL (shapes/kg.ttl): {'conforms' if not report.problems else 'VIOLATIONS'}")
        for problem in report.problems:
            out.print(f"  {problem}", markup=False, highlight=False)
        if reason:
            out.print(f"HermiT: {report.reasoner_error or 'consistent'}", markup=False)
        missing = len(report.missing_ja)
        out.print(f"data resources with no Japanese label (reported, not guessed): {missing}")
        if show_missing:
            for iri in report.missing_ja:
                out.print(f"  {iri}", markup=False, highlight=False)
    if not report.ok:
        raise typer.Exit(1)
