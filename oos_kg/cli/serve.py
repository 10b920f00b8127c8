"""``oos-kg serve``: load the store if the sources changed, then serve HTTP with uvicorn."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Annotated

import typer

from oos_kg.cli import app
from oos_kg.cli._store import STORE_HELP, cli_errors, settings_for

__all__ = ["serve"]


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on (default: OOS_KG_HOST, 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on (default: OOS_KG_PORT, 8000).")
    ] = None,
    store: Annotated[Path | None, typer.Option("--store", help=STORE_HELP)] = None,
    load: Annotated[
        bool,
        typer.Option(
            "--load/--no-load",
            help="Load the sources first when their hash differs from what the store holds.",
        ),
    ] = True,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log every request (off by default: it adds to the time of every small query).",
        ),
    ] = False,
) -> None:
    """Serve /sparql, /sparql/update, /graphql, /validate, /health and /ready.

    With the embedded store (the default) the Turtle sources are loaded first when they
    changed since the last load. A remote store (OOS_KG_STORE=remote) is never loaded
    here: use oos-kg load --remote.
    """
    import uvicorn

    from oos_kg.app import create_app
    from oos_kg.cli.load import load_with_progress

    settings = settings_for(store=store, host=host, port=port)
    with cli_errors():
        if load and settings.store == "embedded":
            report = load_with_progress(settings, only_if_changed=True)
            typer.echo(
                "store up to date" if report.skipped else "store loaded from the sources",
                err=True,
            )
        application = create_app(settings)
        if settings.store == "memory":
            from oos_kg.loading import load_store
            from oos_kg.resources import graph_sources

            load_store(application.state.store, graph_sources(settings.resource_root))
    typer.echo(f"serving on http://{settings.host}:{settings.port}/sparql", err=True)
    # What start-up built (modules, the GraphQL schema, the app) lives as long as the
    # process: keep the garbage collector's full passes off it.
    gc.freeze()
    uvicorn.run(
        application,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        log_level="info",
        access_log=access_log,
    )
