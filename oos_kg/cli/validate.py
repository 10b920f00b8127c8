"""``oos-kg validate``: check OOS provision case graphs against a framework's clauses."""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
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
from oos_kg.validation import Engine as EngineName
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


@dataclass(frozen=True, slots=True)
class _Job:
    """What every file of one run is checked with, and how its outcome is shown."""

    input_format: str
    framework: str
    as_of: datetime
    output: str
    lang: str
    quiet: bool
    fail_on: str
    several: bool


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What the command keeps of one file, small enough to pass between processes: the
    verdict (None for bad input), the rules that fired, and the file's output, rendered
    where the file was validated (a text block, Turtle, or a JSON object; None when quiet
    hides it). The SHACL report graph never leaves the process that made it."""

    conforms: bool | None
    rules: tuple[str, ...]
    shown: str | dict[str, Any] | None


def _judge(validator: CaseValidator, path: Path, job: _Job) -> _Outcome:
    """Read, parse, validate and render one file; bad input becomes its outcome."""
    read = _read(path, job.input_format)
    try:
        if isinstance(read, OosKgError):
            raise read
        data, fmt = read
        report = validator.validate(
            parse_untrusted(data, fmt, source=str(path)), job.framework, as_of=job.as_of
        )
    except OosKgError as exc:
        if job.output == OutputFormat.json:
            return _Outcome(None, (), {"file": str(path), "error": exc.to_json()["error"]})
        return _Outcome(None, (), f"error: {exc}")
    rules = tuple(r.rule_id for r in report.results)
    conforms = report.conforms_at(job.fail_on)
    if job.output == OutputFormat.json:
        shown: str | dict[str, Any] | None = {
            "file": str(path),
            **report_to_json(report, job.lang, job.fail_on),
        }
    elif job.quiet:
        shown = None
    elif job.output == OutputFormat.turtle:
        header = f"# ---- {path} ----\n" if job.several else ""
        shown = header + report_to_rdf(report, "turtle").decode()
    else:
        shown = report_to_text(report, str(path), job.lang, job.fail_on)
    return _Outcome(conforms, rules, shown)


_WORKER: dict[tuple[str, ...], CaseValidator] = {}
"""The validator of each worker process, by its facts files and engine. A forked worker
finds the parent's (facts read and shapes compiled before the fork); another start method
builds its own on first use."""


def _key(facts: list[Path], engine: str) -> tuple[str, ...]:
    return (*(str(p) for p in facts), engine)


def _judge_chunk(
    paths: list[Path], job: _Job, facts: list[Path], engine: EngineName
) -> list[_Outcome]:
    key = _key(facts, engine)
    validator = _WORKER.get(key)
    if validator is None:
        validator = _WORKER[key] = CaseValidator(_facts_with(facts), engine=engine)
    return [_judge(validator, path, job) for path in paths]


def _run_parallel(
    validator: CaseValidator,
    files: list[Path],
    job: _Job,
    facts: list[Path],
    jobs: int,
    advance: Callable[[int], None],
) -> list[_Outcome]:
    """Validate ``files`` in ``jobs`` worker processes. The parent prepares its validator
    first, so that forked workers inherit the facts and the compiled shapes; workers get
    file paths and send back rendered outcomes."""
    validator.prepare(job.framework)
    _WORKER[_key(facts, validator.engine)] = validator
    # small chunks: when the last ones run, a core that has finished idles for at most one
    size = max(20, min(200, len(files) // (jobs * 16) or 1))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    results: list[list[_Outcome]] = [[] for _ in chunks]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # what the workers inherit is never garbage: frozen, their collector skips it (half
    # their collection time) and copies fewer shared pages (see gc.freeze in the Python docs)
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {
                pool.submit(_judge_chunk, chunk, job, facts, validator.engine): i
                for i, chunk in enumerate(chunks)
            }
            for future in as_completed(futures):
                index = futures[future]
                results[index] = future.result()
                advance(len(chunks[index]))
    finally:
        gc.unfreeze()
    return [outcome for chunk in results for outcome in chunk]


def _summary(outcomes: list[_Outcome]) -> Table:
    table = Table(title="validation summary")
    table.add_column("verdict")
    table.add_column("files", justify="right")
    verdicts = Counter(
        "bad input" if o.conforms is None else ("conforms" if o.conforms else "violates")
        for o in outcomes
    )
    for verdict in ("conforms", "violates", "bad input"):
        table.add_row(verdict, str(verdicts.get(verdict, 0)))
    rules = Counter(rule for o in outcomes for rule in o.rules)
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
    job = _Job(
        input_format.value,
        framework.value,
        when,
        output.value,
        lang.value,
        quiet,
        fail_on.value,
        len(files) > 1,
    )
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
        if workers > 1 and len(files) >= _PARALLEL_FROM:
            outcomes = _run_parallel(
                validator, files, job, facts or [], workers, lambda n: progress.advance(task, n)
            )
        else:
            outcomes = []
            for path in files:
                outcomes.append(_judge(validator, path, job))
                progress.advance(task)
    _print(outcomes, output)
    if len(files) > 1 and output is OutputFormat.text:
        Console().print(_summary(outcomes))
    if any(o.conforms is None for o in outcomes):
        raise typer.Exit(2)
    raise typer.Exit(0 if all(o.conforms for o in outcomes) else 1)


def _print(outcomes: list[_Outcome], output: OutputFormat) -> None:
    if output is OutputFormat.json:
        files = [o.shown for o in outcomes if isinstance(o.shown, dict)]
        conforms = all(o.conforms is True for o in outcomes)
        typer.echo(json.dumps({"conforms": conforms, "files": files}, ensure_ascii=False, indent=2))
        return
    for outcome in outcomes:
        if outcome.conforms is None:
            typer.echo(outcome.shown, err=True)
        elif outcome.shown is not None:
            typer.echo(outcome.shown)
