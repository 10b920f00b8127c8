"""``oos-kg version``: print the package and ontology versions."""

from __future__ import annotations

import typer

from oos_kg import __version__
from oos_kg.cli import app


@app.command()
def version() -> None:
    """Print the oos-kg version."""
    typer.echo(f"oos-kg {__version__}")
