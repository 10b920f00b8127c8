"""``oos-kg cases submit|show|list``: the case registry of a running server."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from oos_kg.cli import app
from oos_kg.cli._client import ServerOption, TokenOption, fail_on, server_client
from oos_kg.errors import UnsupportedMediaType
from oos_kg.validation import INPUT_FORMATS, format_for_path

__all__ = ["cases_app"]

cases_app = typer.Typer(
    help="Submit, show and list cases of the case registry on a running server.",
    no_args_is_help=True,
)
app.add_typer(cases_app, name="cases")


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and _known(p))
        elif path.is_file():
            found.append(path)
        else:
            typer.echo(f"error: {path}: no such file or folder", err=True)
            raise typer.Exit(2)
    return found


def _known(path: Path) -> bool:
    try:
        format_for_path(path)
    except UnsupportedMediaType:
        return False
    return True


def _submit_one(
    client: httpx.Client, path: Path, framework: str
) -> tuple[Path, int, dict[str, object]]:
    try:
        media = INPUT_FORMATS[format_for_path(path)][0]
    except UnsupportedMediaType as exc:
        return path, 415, {"error": {"message": exc.message}}
    response = client.post(
        "/cases",
        params={"framework": framework},
        content=path.read_bytes(),
        headers={"Content-Type": media},
    )
    try:
        body = response.json()
    except ValueError:
        body = {"error": {"message": response.text[:200]}}
    return path, response.status_code, body


@cases_app.command("submit")
def submit(
    paths: Annotated[list[Path], typer.Argument(help="case files or folders of them")],
    framework: Annotated[str, typer.Option(help="framework code: us, eu, pics, jp, jp-proposed")],
    token: TokenOption,
    server: ServerOption = None,
    jobs: Annotated[int, typer.Option(min=1, max=64, help="submissions at once")] = 8,
) -> None:
    """Submit each file as a new case; print its id, or why it was refused.

    Shows progress on stderr. Exit 0 when every case was stored and conforms, 1 when one
    was stored with findings, 2 when one was refused (bad input, or a token that may not
    submit).
    """
    files = _files(paths)
    worst = 0
    with (
        server_client(server, token) as client,
        Progress(
            TextColumn("submit"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as progress,
        ThreadPoolExecutor(jobs) as pool,
    ):
        task = progress.add_task("submit", total=len(files))
        for path, status, body in pool.map(lambda p: _submit_one(client, p, framework), files):
            progress.advance(task)
            if status == 201:
                findings = int(str(body.get("findings", 0)))
                typer.echo(f"{path}\t{body['id']}\t{findings} finding(s)")
                worst = max(worst, 1 if findings else 0)
            else:
                error = body.get("error")
                message = error.get("message") if isinstance(error, dict) else body
                typer.echo(f"{path}\trefused ({status}): {message}", err=True)
                worst = 2
    raise typer.Exit(worst)


@cases_app.command("show")
def show(
    case_id: Annotated[str, typer.Argument(help="the case id")],
    token: TokenOption,
    server: ServerOption = None,
    version: Annotated[int | None, typer.Option(min=1, help="an earlier version")] = None,
    history: Annotated[bool, typer.Option("--history", help="every version instead")] = False,
    turtle: Annotated[bool, typer.Option("--turtle", help="the case graph in Turtle")] = False,
) -> None:
    """Print a case (JSON summary, or the graph with --turtle), or its history.

    Exit 2 when there is no such case that the token may see.
    """
    with server_client(server, token) as client:
        if history:
            typer.echo(json.dumps(fail_on(client.get(f"/cases/{case_id}/history")), indent=1))
            return
        params = {"version": version} if version else {}
        accept = "text/turtle" if turtle else "application/json"
        response = client.get(f"/cases/{case_id}", params=params, headers={"Accept": accept})
        if turtle and response.is_success:
            typer.echo(response.text)
            return
        typer.echo(json.dumps(fail_on(response), indent=1, ensure_ascii=False))


@cases_app.command("list")
def list_cases(
    token: TokenOption,
    server: ServerOption = None,
    status: Annotated[str | None, typer.Option(help="overdue, pending, open or closed")] = None,
    framework: Annotated[str | None, typer.Option(help="a framework code")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """List the token's cases with their follow-up status."""
    params = {k: v for k, v in {"status": status, "framework": framework}.items() if v}
    with server_client(server, token) as client:
        body = fail_on(client.get("/cases", params=params))
    if as_json:
        typer.echo(json.dumps(body, indent=1))
        return
    for row in body["cases"]:
        typer.echo(
            f"{row['id']}\t{row['framework']}\tv{row['version']}\t{row['status']}\t"
            f"{row['overdue']} overdue\t{row['pending']} pending"
        )
