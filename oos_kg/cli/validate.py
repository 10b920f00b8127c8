"""``oos-kg validate``: check OOS provision case graphs against a framework's clauses."""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rdflib import Graph
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from oos_kg.cli import app
from oos_kg.errors import InputError, OosKgError
from oos_kg.validation import (
    FRAMEWORKS,
    INPUT_FORMATS,
    CaseReport,
    CaseValidator,
    KgFacts,
    format_for_path,
    load_kg_facts,
    parse_as_of,
    parse_case,
    parse_untrusted,
    report_to_json,
    report_to_rdf,
    report_to_text,
    resolve_as_of,
)
from oos_kg.validation._parse import _EXTENSIONS

logger = logging.getLogger(__name__)

_PARALLEL_FROM = 100
"""From this many files, ``validate`` runs a worker process per core (``--jobs``); below,
starting the workers costs more than it saves."""

FrameworkCode = Enum("FrameworkCode", {code: code for code in FRAMEWORKS}, type=str)  # type: ignore[misc]
InputFormat = Enum("InputFormat", {n: n for n in ("auto", *INPUT_FORMATS)}, type=str)  # type: ignore[misc]
AUTO = InputFormat("auto")


class OutputFormat(StrEnum):
    """What ``validate`` prints."""

    text = "text"
    json = "json"
    turtle = "turtle"


class Engine(StrEnum):
    """Which engine runs: pyshacl-turbo (the default) or pyshacl (the reference)."""

    turbo = "turbo"
    pyshacl = "pyshacl"


class FailOn(StrEnum):
    """The least severe result that makes a case non-conforming (exit 1)."""

    violation = "violation"
    warning = "warning"
    info = "info"


class Lang(StrEnum):
    """Language of the messages."""

    en = "en"
    ja = "ja"


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _EXTENSIONS
            )
        else:
            files.append(path)
    return files


def _facts_with(extra: list[Path]) -> KgFacts:
    facts = load_kg_facts()
    if not extra:
        return facts
    graph = Graph(bind_namespaces="none")
    graph += facts.graph
    for path in extra:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from None
        graph += parse_case(data, format_for_path(path), source=str(path))
    return KgFacts(graph=graph, clauses=facts.clauses)


def _read(path: Path, input_format: str) -> tuple[bytes, str] | OosKgError:
    try:
        fmt = format_for_path(path) if input_format == "auto" else input_format
        return path.read_bytes(), fmt
    except OosKgError as exc:
        return exc
    except OSError as exc:
        return InputError(f"{path}: {exc.strerror or exc}")


def _check_one(
    validator: CaseValidator, path: Path, input_format: str, framework: str, as_of: datetime
) -> CaseReport | OosKgError:
    read = _read(path, input_format)
    if isinstance(read, OosKgError):
        return read
    data, fmt = read
    try:
        case = parse_untrusted(data, fmt, source=str(path))
        return validator.validate(case, framework, as_of=as_of)
    except OosKgError as exc:
        return exc


@dataclass(frozen=True, slots=True)
class _Failure:
    """A picklable stand-in for an error raised in a worker process."""

    code: str
    message: str
    exit_code: int


_WORKER: dict[tuple[str, ...], CaseValidator] = {}


def _chunk_worker(
    paths: list[Path],
    input_format: str,
    framework: str,
    facts: list[Path],
    as_of: datetime,
    engine: Engine,
) -> list[CaseReport | _Failure]:
    key = (*(str(p) for p in facts), engine.value)
    validator = _WORKER.get(key)
    if validator is None:  # once per worker process
        validator = _WORKER[key] = CaseValidator(_facts_with(facts), engine=engine.value)
    out: list[CaseReport | _Failure] = []
    for path in paths:
        outcome = _check_one(validator, path, input_format, framework, as_of)
        if isinstance(outcome, OosKgError):
            out.append(_Failure(outcome.code, str(outcome), outcome.exit_code))
        else:
            out.append(replace(outcome, report_graph=None))  # type: ignore[arg-type]
    return out


def _restore(outcome: CaseReport | _Failure) -> CaseReport | OosKgError:
    if isinstance(outcome, CaseReport):
        return outcome
    error = InputError(outcome.message)
    error.code = outcome.code
    error.exit_code = outcome.exit_code
    return error


def _run_parallel(
    files: list[Path],
    input_format: str,
    framework: str,
    facts: list[Path],
    jobs: int,
    advance: Callable[[int], None],
    as_of: datetime,
    engine: Engine,
) -> list[CaseReport | OosKgError]:
    """Validate ``files`` in ``jobs`` worker processes, one validator each (built once per
    worker: the engine's compiled shapes are not shared across a fork)."""
    size = max(50, min(500, len(files) // (jobs * 4) or 1))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    results: list[list[CaseReport | OosKgError]] = [[] for _ in chunks]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(_chunk_worker, chunk, input_format, framework, facts, as_of, engine): i
            for i, chunk in enumerate(chunks)
        }
        for future in as_completed(futures):
            index = futures[future]
            results[index] = [_restore(o) for o in future.result()]
            advance(len(chunks[index]))
    return [outcome for chunk in results for outcome in chunk]


def _summary(outcomes: list[tuple[Path, CaseReport | OosKgError]], fail_on: str) -> Table:
    table = Table(title="validation summary")
    table.add_column("verdict")
    table.add_column("files", justify="right")
    verdicts = Counter(
        "bad input"
        if isinstance(o, OosKgError)
        else ("conforms" if o.conforms_at(fail_on) else "violates")
        for _, o in outcomes
    )
    for verdict in ("conforms", "violates", "bad input"):
        table.add_row(verdict, str(verdicts.get(verdict, 0)))
    rules = Counter(r.rule_id for _, o in outcomes if isinstance(o, CaseReport) for r in o.results)
    for rule, count in sorted(rules.items()):
        table.add_row(f"  {rule}", str(count))
    return table


@app.command()
def validate(
    cases: Annotated[
        list[Path], typer.Argument(help="case files or directories", show_default=False)
    ],
    framework: Annotated[FrameworkCode, typer.Option("--framework", "-f", help="framework")],
    output: Annotated[OutputFormat, typer.Option("--format", help="output")] = OutputFormat.text,
    lang: Annotated[Lang, typer.Option("--lang", help="message language")] = Lang.en,
    input_format: Annotated[
        InputFormat, typer.Option("--input-format", help="parser; auto picks by extension")
    ] = AUTO,
    facts: Annotated[
        list[Path] | None, typer.Option("--facts", help="extra fact files (e.g. notified items)")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print only the summary")] = False,
    engine: Annotated[
        Engine, typer.Option("--engine", help="SHACL engine (pyshacl: the reference, slower)")
    ] = Engine.turbo,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, help="worker processes for many files (0: cores)")
    ] = 0,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on", help="least severe result that fails a case (exit 1, conforms false)"
        ),
    ] = FailOn.violation,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="judge deadlines at this ISO 8601 date-time with offset (default: now)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate OOS provision case graphs; exit 0 when all conform, 1 when a case has a result
    as severe as --fail-on (a Violation by default), 2 on bad input.
    """
    err = Console(stderr=True)
    try:
        when = parse_as_of(as_of) if as_of is not None else resolve_as_of(None)
        validator = CaseValidator(_facts_with(facts or []), engine=engine.value)
    except OosKgError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    files = _expand(cases)
    if not files:
        err.print("error: no case files found", markup=False)
        raise typer.Exit(2)
    workers = jobs or os.cpu_count() or 1
    with Progress(
        TextColumn("validating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=len(files) < 2,
    ) as progress:
        task = progress.add_task("validate", total=len(files))
        parallel = workers > 1 and len(files) >= _PARALLEL_FROM
        if parallel and output is not OutputFormat.turtle:
            found = _run_parallel(
                files,
                input_format.value,
                framework.value,
                facts or [],
                workers,
                lambda n: progress.advance(task, n),
                when,
                engine,
            )
        else:
            found = []
            for path in files:
                found.append(_check_one(validator, path, input_format.value, framework.value, when))
                progress.advance(task)
    outcomes = list(zip(files, found, strict=True))
    _print(outcomes, output, lang.value, quiet, fail_on.value)
    if len(files) > 1 and output is OutputFormat.text:
        Console().print(_summary(outcomes, fail_on.value))
    if any(isinstance(o, OosKgError) for _, o in outcomes):
        raise typer.Exit(2)
    raise typer.Exit(
        0 if all(isinstance(o, CaseReport) and o.conforms_at(fail_on) for _, o in outcomes) else 1
    )


def _print(
    outcomes: list[tuple[Path, CaseReport | OosKgError]],
    output: OutputFormat,
    lang: str,
    quiet: bool,
    fail_on: str,
) -> None:
    if output is OutputFormat.json:
        files: list[dict[str, Any]] = []
        for path, outcome in outcomes:
            if isinstance(outcome, OosKgError):
                files.append({"file": str(path), "error": outcome.to_json()["error"]})
            else:
                files.append({"file": str(path), **report_to_json(outcome, lang, fail_on)})
        conforms = all(f.get("conforms") is True for f in files)
        typer.echo(json.dumps({"conforms": conforms, "files": files}, ensure_ascii=False, indent=2))
        return
    for path, outcome in outcomes:
        if isinstance(outcome, OosKgError):
            typer.echo(f"error: {outcome}", err=True)
        elif quiet:
            continue
        elif output is OutputFormat.turtle:
            if len(outcomes) > 1:
                typer.echo(f"# ---- {path} ----")
            typer.echo(report_to_rdf(outcome, "turtle").decode())
        else:
            typer.echo(report_to_text(outcome, str(path), lang, fail_on))
