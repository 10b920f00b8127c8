"""What the registry commands share: a client of a running server, with the token."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import typer

__all__ = ["ServerOption", "TokenOption", "fail_on", "server_client"]

ServerOption = Annotated[
    str | None,
    typer.Option("--server", help="server URL (default: http://OOS_KG_HOST:OOS_KG_PORT)"),
]
TokenOption = Annotated[
    str,
    typer.Option(
        "--token",
        envvar="OOS_KG_TOKEN",
        help="registry token (or OOS_KG_TOKEN)",
        show_default=False,
    ),
]


def server_client(server: str | None, token: str, timeout_s: float = 60.0) -> httpx.Client:
    """Return an HTTP client of the server with the bearer token.

    Raises:
        typer.Exit: 2 when the settings are invalid.
    """
    if server is None:
        from oos_kg.cli._store import settings_for

        settings = settings_for()
        server = f"http://{settings.host}:{settings.port}"
    return httpx.Client(
        base_url=server.rstrip("/"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeout_s,
    )


def fail_on(response: httpx.Response) -> Any:
    """Return the JSON of a 2xx answer; print the server's message and exit otherwise.

    Raises:
        typer.Exit: 2 for a 4xx (bad input, refused), 1 for anything else.
    """
    if response.is_success:
        return response.json()
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = response.text[:300]
    typer.echo(f"error: {response.status_code}: {message}", err=True)
    raise typer.Exit(2 if 400 <= response.status_code < 500 else 1)
