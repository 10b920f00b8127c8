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
    FastValidator,
    KgFacts,
    UnsupportedShape,
    format_for_path,
    load_kg_facts,
    parse_as_of,
    parse_case,
    parse_untrusted,
    report_to_json,
    report_to_rdf,
    report_to_text,
    resolve_as_of,
    validate_bytes,
)
from oos_kg.validation._parse import _EXTENSIONS

logger = logging.getLogger(__name__)

_GROUP = 64
"""Files read and validated together in one process between two steps of the progress bar."""

FrameworkCode = Enum("FrameworkCode", {code: code for code in FRAMEWORKS}, type=str)  # type: ignore[misc]
InputFormat = Enum("InputFormat", {n: n for n in ("auto", *INPUT_FORMATS)}, type=str)  # type: ignore[misc]
AUTO = InputFormat("auto")


class OutputFormat(StrEnum):
    """What ``validate`` prints."""

    text = "text"
    json = "json"
    turtle = "turtle"


class Engine(StrEnum):
    """Which validator runs: pyshacl, the compiled fast path, or fast unless --format turtle."""

    auto = "auto"
    pyshacl = "pyshacl"
    fast = "fast"


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
    validator: CaseValidator | FastValidator,
    path: Path,
    input_format: str,
    framework: str,
    as_of: datetime,
) -> CaseReport | OosKgError:
    read = _read(path, input_format)
    if isinstance(read, OosKgError):
        return read
    data, fmt = read
    try:
        if isinstance(validator, FastValidator):
            return validate_bytes(validator, data, fmt, framework, source=str(path), as_of=as_of)
        return validator.validate(parse_case(data, fmt, source=str(path)), framework, as_of=as_of)
    except OosKgError as exc:
        return exc


def _check_many(
    validator: FastValidator,
    paths: list[Path],
    input_format: str,
    framework: str,
    as_of: datetime,
) -> list[CaseReport | OosKgError]:
    """Parse ``paths`` and validate them together on the fast path (checks run once per
    chunk of cases); one outcome per path, in order."""
    parsed: list[Any] = []
    for path in paths:
        read = _read(path, input_format)
        if isinstance(read, OosKgError):
            parsed.append(read)
            continue
        data, fmt = read
        try:
            parsed.append(parse_untrusted(data, fmt, source=str(path), fresh_blank_nodes=True))
        except OosKgError as exc:
            parsed.append(exc)
    return validator.validate_many(parsed, framework, fresh_blank_nodes=True, as_of=as_of)


@dataclass(frozen=True, slots=True)
class _Failure:
    """A picklable stand-in for an error raised in a worker process."""

    code: str
    message: str
    exit_code: int


_WORKER: dict[tuple[str, ...], FastValidator] = {}


def _chunk_worker(
    paths: list[Path], input_format: str, framework: str, facts: list[Path], as_of: datetime
) -> list[CaseReport | _Failure]:
    key = tuple(str(p) for p in facts)
    validator = _WORKER.get(key)
    if validator is None:  # once per worker process
        validator = _WORKER[key] = FastValidator(_facts_with(facts))
    out: list[CaseReport | _Failure] = []
    for outcome in _check_many(validator, paths, input_format, framework, as_of):
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
    validator: FastValidator,
    files: list[Path],
    input_format: str,
    framework: str,
    facts: list[Path],
    jobs: int,
    advance: Callable[[int], None],
    as_of: datetime,
) -> list[CaseReport | OosKgError]:
    # Forked workers start with this process's validator, shapes already compiled.
    _WORKER[tuple(str(p) for p in facts)] = validator
    size = max(50, min(500, len(files) // (jobs * 4) or 1))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    results: list[list[CaseReport | OosKgError]] = [[] for _ in chunks]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(_chunk_worker, chunk, input_format, framework, facts, as_of): i
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


def _validator(
    facts: list[Path], framework: str, engine: Engine, output: OutputFormat
) -> CaseValidator | FastValidator:
    """Return the fast validator unless pyshacl is asked for, the report graph is wanted,
    or the framework's shapes do not compile.

    Raises:
        OosKgError: for unusable fact files or an unknown framework.
    """
    kg_facts = _facts_with(facts)
    if engine is Engine.pyshacl or (engine is Engine.auto and output is OutputFormat.turtle):
        return CaseValidator(kg_facts)
    fast = FastValidator(kg_facts)
    try:
        fast.compiled(framework)
    except UnsupportedShape as exc:
        logger.warning("fast path unavailable for %s (%s); using pyshacl", framework, exc)
        return CaseValidator(kg_facts)
    return fast


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
        Engine, typer.Option("--engine", help="validator; auto is fast unless --format turtle")
    ] = Engine.auto,
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

    Raises:
        typer.Exit: always, with the exit code.
    """
    err = Console(stderr=True)
    if output is OutputFormat.turtle and engine is Engine.fast:
        err.print("error: the SHACL report graph needs --engine pyshacl", markup=False)
        raise typer.Exit(2)
    try:
        when = parse_as_of(as_of) if as_of is not None else resolve_as_of(None)
        validator = _validator(facts or [], framework.value, engine, output)
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
        if isinstance(validator, FastValidator) and workers > 1 and len(files) >= 200:
            found = _run_parallel(
                validator,
                files,
                input_format.value,
                framework.value,
                facts or [],
                workers,
                lambda n: progress.advance(task, n),
                when,
            )
        elif isinstance(validator, FastValidator):
            found = []
            for start in range(0, len(files), _GROUP):
                group = files[start : start + _GROUP]
                found += _check_many(validator, group, input_format.value, framework.value, when)
                progress.advance(task, len(group))
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
