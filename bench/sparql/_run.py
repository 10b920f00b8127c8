"""Run the SPARQL benchmark: our ``/sparql`` against ``oxigraph serve`` on the same export."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import casegen
from bench._client import Measurement, Request, combine, measure
from bench._servers import RunningServer, free_port, run_server
from bench.report import RESULTS_DIR, Row, format_ms, write_results
from bench.sparql._floor import ANSWERS_ENV, WORKERS_ENV

__all__ = ["Settings", "main", "parse_args", "parse_size", "run"]

logger = logging.getLogger("bench.sparql")

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
TARGET_P50_RATIO = 1.5
TARGET_ADDED_MS = 0.5
"""For a query ``oxigraph serve`` answers in under 1 ms, at one client: at most this much added
at p50 (the worker hop is the price of a real time limit); 1.5x p50 for the others."""
_BIN = Path(sys.executable).parent

DEFAULT_OURS_LOAD = "{bin}/oos-kg load --store {store}"
DEFAULT_OURS_ADD = "{python} -m bench.sparql._store add-cases {store} {cases}"
DEFAULT_OURS_EXPORT = "{python} -m bench.sparql._store dump {store} {export}"
DEFAULT_OURS_SERVE = "{bin}/oos-kg serve --host 127.0.0.1 --port {port} --store {store}"
ANCHOR_LOAD = "{oxigraph} load --location {store} --file {export}"
ANCHOR_SERVE = "{oxigraph} serve --location {store} --bind 127.0.0.1:{port} --union-default-graph"
FLOOR_SERVE = (
    "{python} -m uvicorn bench.sparql._floor:app --host 127.0.0.1 --port {port} "
    "--loop uvloop --http httptools --no-access-log --log-level warning"
)
FLOOR_WORKERS = 2  # as many as our query workers by default
FLOOR_UP_TO_S = 0.010  # floors are measured for queries oxigraph serve answers within this
FLOORS = {  # server name -> (what its rows say, worker processes)
    "floor": ("bare uvicorn app replaying oxigraph's answer", 0),
    "floor-worker": (
        f"the same through a pipe to one of {FLOOR_WORKERS} worker processes",
        FLOOR_WORKERS,
    ),
}


def parse_size(text: str) -> int:
    """Parse a size: ``paper`` (0 cases), ``10k``, ``100k`` or a plain number of cases.

    >>> parse_size("paper"), parse_size("10k"), parse_size("250")
    (0, 10000, 250)

    Raises:
        argparse.ArgumentTypeError: for anything else.
    """
    text = text.strip().lower()
    if text == "paper":
        return 0
    try:
        return int(text[:-1]) * 1000 if text.endswith("k") else int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: paper, 10k, 100k or N") from None


def size_label(n: int) -> str:
    """Return ``paper's graph`` for 0 cases, else e.g. ``10k cases``."""
    if n == 0:
        return "paper's graph"
    return f"{n // 1000}k cases" if n % 1000 == 0 else f"{n} cases"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything one run needs; built from the command line by :func:`parse_args`."""

    sizes: tuple[int, ...]
    concurrency: tuple[int, ...]
    queries: tuple[Path, ...]
    seed: int
    base_s: float
    cap_s: float
    max_s: float
    client: str
    work_dir: Path
    ours_load: str
    ours_add: str
    ours_export: str
    ours_serve: str
    ours_query_path: str
    ours_probe: str
    readme: bool
    results_dir: Path
    keep_work: bool
    floor: bool
    command: str


def parse_args(argv: Sequence[str] | None = None) -> Settings:
    """Parse the command line of ``python -m bench.sparql``.

    Raises:
        SystemExit: on bad arguments (argparse).
    """
    parser = argparse.ArgumentParser(
        prog="python -m bench.sparql",
        description="p50/p99 latency and throughput of three SPARQL queries through our "
        "/sparql and through `oxigraph serve` holding the same export, in one run.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="paper's graph and 10k cases, short measurements"
    )
    parser.add_argument(
        "--sizes",
        type=lambda s: [parse_size(x) for x in s.split(",")],
        help="comma-separated: paper,10k,100k (default) or numbers",
    )
    parser.add_argument("--concurrency", default="1,16", help="comma-separated client counts")
    parser.add_argument("--queries", nargs="*", type=Path, help="query files (default: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--base-seconds", type=float, help="shortest measurement (default 5)")
    parser.add_argument("--cap-seconds", type=float, help="usual longest measurement (30)")
    parser.add_argument(
        "--max-seconds", type=float, help="hard limit per server for slow queries (120)"
    )
    parser.add_argument("--client", default="auto", choices=("auto", "wrk", "asyncio"))
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--work-dir", type=Path, help="stores and exports (results-dir/work)")
    parser.add_argument("--ours-load", default=DEFAULT_OURS_LOAD)
    parser.add_argument("--ours-add", default=DEFAULT_OURS_ADD)
    parser.add_argument("--ours-export", default=DEFAULT_OURS_EXPORT)
    parser.add_argument("--ours-serve", default=DEFAULT_OURS_SERVE)
    parser.add_argument("--ours-query-path", default="/sparql")
    parser.add_argument("--ours-probe", default="/ready")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md alone")
    parser.add_argument(
        "--keep-work", action="store_true", help="keep each size's stores and export (GBs)"
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also measure, in the same ABBA slots, a bare uvicorn app that answers each query "
        "with the bytes oxigraph serve answered (no parsing, no store, no serialising), and the "
        "same app passing each request through a worker process: the least any Python app "
        "served like ours adds, and the least any design that can kill a query adds; their "
        "ratios to oxigraph serve show which rows a 1.5x target leaves room for at all (only "
        "for queries oxigraph serve answers within 10 ms)",
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or ([0, 10_000] if args.quick else [0, 10_000, 100_000])
    queries = args.queries or sorted(QUERIES_DIR.glob("*.rq"))
    if not queries:
        parser.error(f"no query files in {QUERIES_DIR}")
    return Settings(
        sizes=tuple(sizes),
        concurrency=tuple(int(c) for c in args.concurrency.split(",")),
        queries=tuple(queries),
        seed=args.seed,
        base_s=args.base_seconds or (2.0 if args.quick else 5.0),
        cap_s=args.cap_seconds or (8.0 if args.quick else 30.0),
        max_s=args.max_seconds or (30.0 if args.quick else 120.0),
        client=args.client,
        work_dir=args.work_dir or args.results_dir / "work",
        ours_load=args.ours_load,
        ours_add=args.ours_add,
        ours_export=args.ours_export,
        ours_serve=args.ours_serve,
        ours_query_path=args.ours_query_path,
        ours_probe=args.ours_probe,
        readme=not args.no_readme,
        results_dir=args.results_dir,
        keep_work=args.keep_work,
        floor=args.floor,
        command="python -m bench.sparql " + shlex.join(argv if argv is not None else sys.argv[1:]),
    )


def _argv(template: str, values: Mapping[str, object]) -> list[str]:
    """Split a command template, then fill each word (paths with spaces stay one word)."""
    return [word.format(**values) for word in shlex.split(template)]


def _run(template: str, values: Mapping[str, object], env: Mapping[str, str]) -> float:
    """Run a preparation command; return its wall time in seconds.

    Raises:
        RuntimeError: when it fails (with its output's tail).
    """
    argv = _argv(template, values)
    start = time.perf_counter()
    done = subprocess.run(
        argv, capture_output=True, text=True, check=False, env={**os.environ, **env}
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{shlex.join(argv)} failed ({done.returncode}):\n{(done.stdout + done.stderr)[-1500:]}"
        )
    return round(time.perf_counter() - start, 2)


def _cases_file(settings: Settings, n: int) -> Path:
    """Return the cached N-Quads file of ``n`` cases, generating it when missing."""
    path = (
        settings.results_dir
        / "data"
        / f"cases-{n}-seed{settings.seed}-v{casegen.GENERATOR_VERSION}.nq"
    )
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            casegen.write_cases(out, n, settings.seed)
        partial.replace(path)
    return path


def _ours_env(store: Path) -> dict[str, str]:
    """Our server's settings: the embedded store at ``store``, and a query time limit far
    above any benchmark query (with 16 clients a query waits for a worker; the default 10 s
    limit would turn queueing at 100k cases into 503s, and ``oxigraph serve`` has none)."""
    return {
        "OOS_KG_STORE": "embedded",
        "OOS_KG_STORE_PATH": str(store),
        "OOS_KG_QUERY_TIMEOUT_S": "300",
    }


def _values(**extra: object) -> dict[str, object]:
    return {"python": sys.executable, "bin": _BIN, "oxigraph": _BIN / "oxigraph", **extra}


def _prepare(settings: Settings, n: int) -> tuple[Path, Path, dict[str, float]]:
    """Build our store and the anchor's store for ``n`` cases; return them and load times.

    Raises:
        RuntimeError: a preparation command failed.
    """
    work = settings.work_dir / f"size-{n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ours, anchor, export = work / "ours-store", work / "oxigraph-store", work / "export.nq"
    env = _ours_env(ours)
    times: dict[str, float] = {}
    times["ours_load_s"] = _run(settings.ours_load, _values(store=ours), env)
    if n:
        cases = _cases_file(settings, n)
        times["ours_add_cases_s"] = _run(settings.ours_add, _values(store=ours, cases=cases), env)
    times["export_s"] = _run(settings.ours_export, _values(store=ours, export=export), env)
    times["anchor_load_s"] = _run(ANCHOR_LOAD, _values(store=anchor, export=export), {})
    return ours, anchor, times


def _request(path: str, query: str) -> Request:
    return Request(
        "POST",
        path,
        {
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
        query.encode(),
    )


def _fetch(base_url: str, request: Request, timeout_s: float = 300) -> tuple[float, bytes]:
    """Send one request; return (seconds, body).

    Raises:
        urllib.error.URLError: on failure or a non-2xx answer.
    """
    req = urllib.request.Request(
        base_url + request.path,
        data=request.body,
        headers=dict(request.headers),
        method=request.method,
    )
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=timeout_s) as response:  # loopback only
        body = response.read()
    return time.perf_counter() - start, body


def _solutions(body: bytes) -> list[str]:
    """Return the solutions of a SPARQL JSON result as sorted canonical strings."""
    bindings = json.loads(body)["results"]["bindings"]
    return sorted(json.dumps(b, sort_keys=True) for b in bindings)


def _duration(settings: Settings, single_s: float, concurrency: int) -> float:
    """Return the seconds to measure one server (two halves of ABBA together).

    About 15 single-query times (scaled by clients per CPU) within [base, cap]; but never so
    short that each half could not finish one and a half rounds of all its clients' queries,
    so a slow query at 16 clients still yields answers (at least one per client) rather than
    an empty run; and never longer than the hard limit ``max_s``, where a slow server may
    then answer fewer requests than it has clients (the row shows n).
    """
    cpus = os.cpu_count() or 1
    per_round = single_s * max(1.0, concurrency / cpus)
    wanted = min(settings.cap_s, max(settings.base_s, 15 * per_round))
    return round(min(settings.max_s, max(wanted, 2 * 1.5 * per_round)), 1)


def _group_cpu_s(pgid: int) -> float:
    """Return the CPU seconds used so far by the live processes of process group ``pgid``."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[2]) == pgid:  # fields: state ppid pgrp ... utime(11) stime(12)
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _settle(server: RunningServer, limit_s: float = 120.0) -> float:
    """Wait until ``server`` (its whole process group) is idle; return the seconds waited.

    When a measurement stops, requests still in flight go on: ``oxigraph serve`` finishes the
    ones it runs, ours the ones its workers run or queue. Without this wait that leftover
    work would run during the other server's measurement and be charged to it.
    """
    started = time.monotonic()
    pgid = server.process.pid  # started with start_new_session: its own group
    before = _group_cpu_s(pgid)
    while time.monotonic() - started < limit_s:
        time.sleep(0.5)
        now = _group_cpu_s(pgid)
        if now - before < 0.05:  # under a tenth of a core
            break
        before = now
    return round(time.monotonic() - started, 1)


def _clients(concurrency: int) -> str:
    return f"{concurrency} client" + ("s" if concurrency > 1 else "")


def _figure(m: Measurement) -> str:
    if not m.requests:
        return f"no answer within {m.duration_s:g} s at {_clients(m.concurrency)}"
    return (
        f"p50 {format_ms(m.p50_ms)}, p99 {format_ms(m.p99_ms)}, "
        f"{m.throughput_rps:g} req/s (n={m.requests})"
    )


def _measure_query(
    settings: Settings,
    servers: Sequence[tuple[RunningServer, Request]],
    n: int,
    name: str,
) -> tuple[list[Row], dict[str, object]]:
    """Check both servers agree on ``name``'s results, then measure each concurrency.

    ``servers`` is ours, the anchor, and optionally the floors (:mod:`bench.sparql._floor`),
    measured in the same ABBA slots against the same anchor.
    """
    ours, anchor = servers[0][0], servers[1][0]
    floors = [server for server, _ in servers[2:]]
    single: dict[str, float] = {}
    answers: dict[str, list[str]] = {}
    for server, req in servers:
        times = []
        for _ in range(3):
            seconds, body = _fetch(server.base_url, req)
            times.append(seconds)
        single[server.name] = min(times)
        answers[server.name] = _solutions(body)
    if floors and single[anchor.name] > FLOOR_UP_TO_S:
        logger.info(
            "%s on %s: floors not measured (oxigraph serve takes %.0f ms; they matter only "
            "where the query costs less than what they add)",
            name,
            size_label(n),
            single[anchor.name] * 1e3,
        )
        servers = servers[:2]
        floors = []
    same = answers[ours.name] == answers[anchor.name]
    if not same:
        logger.warning(
            "%s on %s: results differ (%d vs %d rows); figures not comparable",
            name,
            size_label(n),
            len(answers[ours.name]),
            len(answers[anchor.name]),
        )
    runs: list[dict[str, object]] = []
    raw: dict[str, object] = {
        "rows_ours": len(answers[ours.name]),
        "rows_anchor": len(answers[anchor.name]),
        "same_results": same,
        "floors_same_results": {
            floor.name: answers[floor.name] == answers[anchor.name] for floor in floors
        },
        "single_s": single,
        "runs": runs,
    }
    rows = []
    for concurrency in settings.concurrency:
        duration = _duration(settings, max(single.values()), concurrency)
        halves: dict[str, list[Measurement]] = {server.name: [] for server, _ in servers}
        settled: list[float] = []
        # ABBA: each server twice for half the time, so a drift of the machine cancels out
        for server, req in [*servers, *reversed(servers)]:
            halves[server.name].append(
                measure(
                    server.base_url,
                    req,
                    concurrency=concurrency,
                    duration_s=duration / 2,
                    timeout_s=120,
                    client=settings.client,
                )
            )
            settled.append(_settle(server))
        got = {server: combine(parts) for server, parts in halves.items()}
        for server_name, m in got.items():
            logger.info(
                "%s %s c=%d %s: %s", size_label(n), name, concurrency, server_name, _figure(m)
            )
        mine, theirs = got[ours.name], got[anchor.name]
        ratio = mine.p50_ms / theirs.p50_ms if theirs.requests and mine.requests else None
        clean = not (mine.non_2xx or mine.errors or theirs.non_2xx or theirs.errors)
        note = "" if same else " (results differ: not comparable)"
        for side, m in (("ours", mine), ("oxigraph", theirs)):
            if m.non_2xx:
                note += f" ({side}: {m.non_2xx} non-2xx answers)"
            if m.errors:
                note += f" ({side}: {m.errors} requests failed or over the 120 s client limit)"
        if not mine.requests:
            note += " (ours answered none in the time)"
        added = mine.p50_ms - theirs.p50_ms
        fast = concurrency == 1 and theirs.requests and theirs.p50_ms < 1.0
        within = (
            added <= TARGET_ADDED_MS if fast else ratio is not None and ratio <= TARGET_P50_RATIO
        )
        rows.append(
            Row(
                benchmark="sparql",
                what=f"{size_label(n)}, {name}, {_clients(concurrency)}{note}",
                command=f".venv/bin/python -m bench.sparql --sizes {n or 'paper'}",
                figure=f"{_figure(mine)}; +{added:.2f} ms p50",
                anchor=f"oxigraph serve: {_figure(theirs)}",
                ratio=round(ratio, 3) if ratio is not None else None,
                ratio_of="p50",
                target=f"p50 +{TARGET_ADDED_MS} ms at most"
                if fast
                else f"p50 <= {TARGET_P50_RATIO}x",
                met=(within and same and clean)
                if ratio is not None
                else (False if theirs.requests else None),
            )
        )
        rows += [_floor_row(n, name, concurrency, f.name, got[f.name], theirs) for f in floors]
        runs.append(
            {
                "concurrency": concurrency,
                "duration_s": duration,
                "settled_s": settled,
                "ours": mine.as_dict(),
                "anchor": theirs.as_dict(),
                **{floor.name: got[floor.name].as_dict() for floor in floors},
                "halves": {k: [m.as_dict() for m in v] for k, v in halves.items()},
            }
        )
    return rows, raw


def _floor_row(
    n: int, name: str, concurrency: int, server: str, floor: Measurement, anchor: Measurement
) -> Row:
    """A floor's row: no target of its own; its ratio is the least ours could reach."""
    ratio = floor.p50_ms / anchor.p50_ms if floor.requests and anchor.requests else None
    failed = floor.non_2xx + floor.errors
    return Row(
        benchmark="sparql",
        what=f"{size_label(n)}, {name}, {_clients(concurrency)}: {server}, {FLOORS[server][0]}"
        + (f" ({failed} failed)" if failed else ""),
        command=f".venv/bin/python -m bench.sparql --floor --sizes {n or 'paper'}",
        figure=_figure(floor),
        anchor=f"oxigraph serve: {_figure(anchor)}",
        ratio=round(ratio, 3) if ratio is not None else None,
        ratio_of="p50",
        target="none: the least a Python app adds",
    )


def _recorded_answers(anchor: RunningServer, queries: Sequence[str], path: Path) -> Path:
    """Record ``oxigraph serve``'s answer to each query in the floor's answer file."""
    entries = []
    for text in queries:
        _, body = _fetch(anchor.base_url, _request("/query", text))
        entries.append([text, "application/sparql-results+json", body.decode()])
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


def _measure_size(settings: Settings, n: int) -> tuple[list[Row], dict[str, object]]:
    ours_store, anchor_store, load_times = _prepare(settings, n)
    logs = settings.work_dir / f"size-{n}" / "logs"
    ours_port, anchor_port = free_port(), free_port()
    env = _ours_env(ours_store)
    rows: list[Row] = []
    per_query: dict[str, object] = {}
    raw: dict[str, object] = {"cases": n, "load": load_times, "queries": per_query}
    with (
        run_server(
            "ours",
            _argv(settings.ours_serve, _values(store=ours_store, port=ours_port)),
            port=ours_port,
            probe_path=settings.ours_probe,
            log_dir=logs,
            env=env,
        ) as ours,
        run_server(
            "oxigraph",
            _argv(ANCHOR_SERVE, _values(store=anchor_store, port=anchor_port)),
            port=anchor_port,
            probe_path="/query?query=ASK%7B%7D",
            log_dir=logs,
        ) as anc,
    ):
        texts = [(path, path.read_text(encoding="utf-8")) for path in settings.queries]
        with ExitStack() as stack:
            floors: list[RunningServer] = []
            if settings.floor:
                answers = _recorded_answers(
                    anc, [text for _, text in texts], logs / "floor-answers.json"
                )
                for floor_name, (_, workers) in FLOORS.items():
                    floor_port = free_port()
                    floors.append(
                        stack.enter_context(
                            run_server(
                                floor_name,
                                _argv(FLOOR_SERVE, _values(port=floor_port)),
                                port=floor_port,
                                probe_path="/health",
                                log_dir=logs,
                                env={ANSWERS_ENV: str(answers), WORKERS_ENV: str(workers)},
                            )
                        )
                    )
            for path, text in texts:
                servers = [
                    (ours, _request(settings.ours_query_path, text)),
                    (anc, _request("/query", text)),
                    *((floor, _request("/sparql", text)) for floor in floors),
                ]
                query_rows, query_raw = _measure_query(settings, servers, n, path.stem)
                rows += query_rows
                per_query[path.stem] = query_raw
    return rows, raw


def run(settings: Settings) -> list[Row]:
    """Measure every size and write results (and the README table unless told not to).

    Raises:
        RuntimeError: a preparation command or a server failed.
    """
    started = datetime.now(UTC)
    rows: list[Row] = []
    per_size: dict[str, object] = {}
    raw: dict[str, object] = {
        "settings": {
            "sizes": list(settings.sizes),
            "concurrency": list(settings.concurrency),
            "queries": [p.name for p in settings.queries],
            "seed": settings.seed,
            "ours_serve": settings.ours_serve,
            "client": settings.client,
        },
        "sizes": per_size,
    }
    raw["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    for n in settings.sizes:
        logger.info("preparing %s", size_label(n))
        try:
            size_rows, size_raw = _measure_size(settings, n)
        finally:
            if not settings.keep_work:
                for part in ("ours-store", "oxigraph-store", "export.nq"):
                    target = settings.work_dir / f"size-{n}" / part
                    if target.is_dir():
                        shutil.rmtree(target, ignore_errors=True)
                    else:
                        target.unlink(missing_ok=True)
        rows += size_rows
        per_size[str(n)] = size_raw
        # after each size, so a run stopped half-way keeps what it measured
        path = write_results(
            "sparql",
            rows,
            raw,
            command=settings.command,
            started=started,
            readme=None if not settings.readme else RESULTS_DIR.parent / "README.md",
            results_dir=settings.results_dir,
            partial=True,
        )
        logger.info("results in %s", path)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bench.sparql``; returns 0, or 1 when a target was missed.

    Raises:
        SystemExit: on bad arguments.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    rows = run(parse_args(argv))
    return 0 if all(row.met is not False for row in rows) else 1
