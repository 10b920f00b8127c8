"""What the store commands share: settings from flags over the environment, error exits."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError

from oos_kg.errors import OosKgError
from oos_kg.settings import Settings

__all__ = ["REMOTE_HELP", "STORE_HELP", "cli_errors", "settings_for"]

STORE_HELP = "Embedded store directory (default: OOS_KG_STORE_PATH, else var/store)."
REMOTE_HELP = (
    "Use the remote SPARQL server of OOS_KG_REMOTE_QUERY_URL / OOS_KG_REMOTE_UPDATE_URL"
    " instead of the embedded store."
)


def settings_for(*, remote: bool = False, store: Path | None = None, **flags: Any) -> Settings:
    """Return the settings from the environment with the command's flags on top.

    Raises:
        typer.Exit: code 2 with the reason when the combination is invalid.
    """
    overrides: dict[str, Any] = {k: v for k, v in flags.items() if v is not None}
    if remote and store is not None:
        _fail("give either --remote or --store, not both", 2)
    if remote:
        overrides["store"] = "remote"
    elif store is not None:
        overrides.update(store="embedded", store_path=store)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(str(e.get("msg", "")) for e in exc.errors())
        _fail(f"invalid settings: {problems}", 2)
    raise AssertionError("unreachable")


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def cli_errors() -> Iterator[None]:
    """Turn oos-kg errors into a one-line message and the error's exit code, no traceback.

    Raises:
        typer.Exit: on any :class:`~oos_kg.errors.OosKgError`.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        yield
    except OosKgError as exc:
        _fail(exc.message, exc.exit_code)
