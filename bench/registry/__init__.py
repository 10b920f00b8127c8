"""The case registry: submissions per second with validation, and follow-up and reports over
100,000 cases, both through a real ``oos-kg serve`` on the embedded store.

Submissions: 50 concurrent clients ``POST /cases`` generated cases (``oos-kg generate-cases``,
seed 1, five frameworks, half breaking one rule); the anchor is the same server validating
the same cases with the same clients through ``POST /validate`` (validation alone, nothing
stored). Reports: the registry's store is bulk-loaded with 100,000 cases (copies of 300 cases
the registry itself stored and validated, each copy under its own id and blank nodes with its
times a second per copy later, and the profiles they name), then ``GET /cases?status=
overdue``, ``GET /obligations/due`` and each ``GET /reports/{kind}`` are timed; the anchor is
the same query run by pyoxigraph in this process on the same store (opened read-only: the
floor of any API).

    .venv/bin/python -m bench.registry                 # 20 s of submissions, 100k cases
    .venv/bin/python -m bench.registry --quick         # 8 s of submissions, 10k cases
    .venv/bin/python -m bench.registry --only reports  # the 100k rows alone
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from bench._client import Request, run_mix
from bench._servers import RunningServer, free_port, run_server
from bench.report import Row, format_ms, write_results

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLIENTS = 50
WORKERS = 2
"""The default of ``OOS_KG_REGISTRY_WORKERS`` (:class:`oos_kg.settings.Settings`)."""
PERIOD = {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _server_cpu_s(session: int) -> tuple[float, float]:
    """CPU seconds (user + system) used so far by the live processes of a server's session:
    the server process itself, and the processes it started (its workers)."""
    own = others = 0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session:  # field 6 of stat(5): the session id
            ticks = int(fields[11]) + int(fields[12])  # utime, stime
            if int(stat.parent.name) == session:
                own += ticks
            else:
                others += ticks
    return own / tick, others / tick


def _hammer(
    server: RunningServer, token: str, cases: list[tuple[str, bytes]], seconds: float, path: str
) -> dict[str, Any]:
    """Keep :data:`CLIENTS` concurrent clients sending ``path`` requests for ``seconds``,
    with the lean asyncio client (its own CPU is measured too: it shares the machine)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    requests = [
        Request("POST", f"{path}?framework={framework}", headers, body) for framework, body in cases
    ]
    (own, others), client_cpu = _server_cpu_s(server.process.pid), time.process_time()
    tallies, elapsed = run_mix(
        server.base_url, requests, concurrency=CLIENTS, duration_s=seconds, timeout_s=120
    )
    own_after, others_after = _server_cpu_s(server.process.pid)
    own, others = own_after - own, others_after - others
    client_cpu = time.process_time() - client_cpu
    (tally,) = tallies.values()
    times = sorted(tally.latencies_ms)
    n = len(times)
    return {
        "per_s": n / elapsed,
        "p50_ms": statistics.median(times),
        "p99_ms": _percentile(times, 0.99),
        "n": n,
        "errors": tally.errors,
        "statuses": {int(k): v for k, v in tally.statuses.items()},
        "server_cpu_ms": (own + others) * 1000 / max(n, 1),
        "server_process_cpu_ms": own * 1000 / max(n, 1),
        "worker_cpu_ms": others * 1000 / max(n, 1),
        "client_cpu_ms": client_cpu * 1000 / max(n, 1),
        "load_1min": os.getloadavg()[0],
    }


def _tokens(work: Path) -> dict[str, str]:
    from oos_kg.registry import TokenStore

    store = TokenStore(work / "tokens.json")
    return {
        "institution": store.add("institution", org="https://example.org/bench-hospital")[0],
        "admin": store.add("admin")[0],
        "authority": store.add("authority", jurisdiction="eu")[0],
    }


def _serve(
    work: Path, name: str, workers: int | None = None
) -> tuple[list[str], int, dict[str, str]]:
    port = free_port()
    argv = [str(BIN / "oos-kg"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--store", str(work / "store")]
    env = {
        "OOS_KG_TOKENS_PATH": str(work / "tokens.json"),
        "OOS_KG_REGISTRY_PATH": str(work / name),
    }
    if workers is not None:
        env["OOS_KG_REGISTRY_WORKERS"] = str(workers)
    return argv, port, env


def _submissions(
    work: Path, cases: list[tuple[str, bytes]], seconds: float, workers: int
) -> dict[str, Any]:
    token = _tokens(work)["institution"]
    argv, port, env = _serve(work, f"registry-submissions-{workers}", workers)
    with run_server(
        "oos-kg", argv, port=port, probe_path="/health", log_dir=work / "logs", env=env
    ) as srv:
        warm = _hammer(srv, token, cases, 3, "/cases")
        anchor = _hammer(srv, token, cases, seconds, "/validate")
        figure = _hammer(srv, token, cases, seconds, "/cases")
    return {"warm_up": warm, "cases": figure, "validate": anchor}


# ---- 100k cases -----------------------------------------------------------------------------
_ID = re.compile(r"graph/case/([0-9a-f]{16})")


def _stages(work: Path, cases: list[tuple[str, bytes]]) -> dict[str, float]:
    """CPU milliseconds per case of each stage of a submission, in this process, on an
    on-disk registry store: where the floor of ``POST /cases`` is (its HTTP layer aside)."""
    from oos_kg.loading import load_store
    from oos_kg.registry import LocalBackend, parse_content, validation_check
    from oos_kg.registry._profile import profile_of
    from oos_kg.registry._write import Sender, first_version
    from oos_kg.store.memory import MemoryStore
    from oos_kg.validation import CaseValidator, facts_from_store, get_framework

    kg = MemoryStore()
    load_store(kg)
    check = validation_check(CaseValidator(facts_from_store(kg)))
    backend = LocalBackend(work / "registry-stages")
    at = datetime(2024, 6, 1, tzinfo=UTC)
    sender = Sender("https://example.org/bench-hospital", "bench")
    spent = dict.fromkeys(("parse", "validate", "quads", "store write"), 0.0)
    profiles: set[str] = set()  # as the registry: each profile written once
    rounds = 3
    for r in range(rounds + 1):  # the first round warms up (shapes compiled)
        for k, (framework, body) in enumerate(cases):
            code = get_framework(framework).code
            t0 = time.process_time()
            content = parse_content(body, "turtle")
            t1 = time.process_time()
            verdict = check(content, code, at)
            t2 = time.process_time()
            profile = profile_of(code, content, verdict, ())
            quads = first_version(
                f"{r:04x}{k:012x}",
                code,
                None,
                content,
                verdict,
                sender,
                at,
                "n",
                (),
                profile,
                new_profile=profile.iri not in profiles,
            )
            profiles.add(profile.iri)
            t3 = time.process_time()
            backend.insert(quads)  # RocksDB's own threads count too (process CPU time)
            t4 = time.process_time()
            if r:
                for name, took in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                    spent[name] += took
    backend.close()
    return {name: took * 1000 / (rounds * len(cases)) for name, took in spent.items()}


def _templates(cases: list[tuple[str, bytes]], count: int) -> tuple[list[str], str]:
    """Store ``count`` cases through the registry itself (validated, on clocks spread over
    2024 so that some obligations are pending, some past due); return each case graph as
    N-Quads, and the profiles graph they named."""
    from oos_kg.loading import load_store
    from oos_kg.registry import Caller, LocalBackend, Registry, validation_check
    from oos_kg.registry._vocab import PROFILES
    from oos_kg.store.memory import MemoryStore
    from oos_kg.validation import CaseValidator, facts_from_store

    kg = MemoryStore()
    load_store(kg)
    facts = facts_from_store(kg)
    backend = LocalBackend(None)
    now = [datetime(2024, 1, 1, tzinfo=UTC)]
    registry = Registry(
        backend,
        kg,
        validation_check(CaseValidator(facts)),
        clock=lambda: now[0],
    )
    caller = Caller("bench", "institution", "https://example.org/bench-hospital", None)
    ids = []
    for k in range(count):
        framework, body = cases[k % len(cases)]
        now[0] = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=37 * k)
        try:
            ids.append(registry.submit(caller, body, "turtle", framework).case_id)
        except Exception:  # a generated case the registry refuses (e.g. two case nodes)
            continue

    def nquads(graph: str) -> str:
        quads = backend.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")

    return [nquads(f"https://w3id.org/oos-kg/graph/case/{i}") for i in ids], nquads(PROFILES)


_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
_PIECES = re.compile(
    r"graph/case/([0-9a-f]{16})|(_:)|(?<!\\)\"(\d{4}-[^\"\\]+)\"\^\^<" + re.escape(_DATETIME) + ">"
)


_ID, _BLANK = "\x00id", "\x00blank"
"""Where a copy puts its own case id and its blank node labels."""


def _pieces(template: str) -> list[str | datetime]:
    """Split a case's N-Quads into text and the places each copy changes: its id, its blank
    node labels, and the dateTimes of the registry's triples and of the case (not the ones
    quoted inside ``reg:content``)."""
    out: list[str | datetime] = []
    last = 0
    for match in _PIECES.finditer(template):
        out.append(template[last : match.start()])
        if match.group(1):
            out.append(_ID)
        elif match.group(2):
            out.append(_BLANK)
        elif match.group(3).startswith("9999"):  # "never": stays so
            out.append(match.group(0))
        else:
            out.append(datetime.fromisoformat(match.group(3).replace("Z", "+00:00")))
        last = match.end()
    out.append(template[last:])
    return out


def _copy(pieces: list[str | datetime], i: int) -> str:
    """Copy ``i`` of a case: its own id and blank nodes, every time ``i`` seconds later (so
    that copies share neither a receipt time nor a due time, as real cases would not)."""
    shift = timedelta(seconds=i)
    own = {_ID: f"graph/case/{i:016x}", _BLANK: f"_:n{i}x"}
    parts = []
    for piece in pieces:
        if isinstance(piece, datetime):
            text = (piece + shift).isoformat().replace("+00:00", "Z")
            parts.append(f'"{text}"^^<{_DATETIME}>')
        else:
            parts.append(own.get(piece, piece))
    return "".join(parts)


def _fill(path: Path, templates: list[str], profiles: str, n: int) -> float:
    """Bulk-load ``n`` copies of the templates, each under a fresh id, blank nodes and times,
    into a store at ``path`` with the profiles they name; return the seconds it took."""
    started = time.perf_counter()
    split = [_pieces(text) for text in templates]
    store = ox.Store(str(path))
    store.bulk_load(profiles.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    step = 5000
    for first in range(0, n, step):
        chunk = "".join(_copy(split[i % len(split)], i) for i in range(first, min(n, first + step)))
        store.bulk_load(chunk.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    store.flush()
    del store
    return time.perf_counter() - started


_LISTS = ("rows", "cases", "obligations")
"""The key of each answer's list of rows."""

REQUESTS = {
    "overdue list": ("/cases", {"status": "overdue", "limit": "100"}),
    "obligations due": ("/obligations/due", {"before": "2100-01-01T00:00:00Z"}),
    **{
        f"report {kind}": (f"/reports/{kind}", PERIOD)
        for kind in ("supplies", "failed-tests", "obligations", "frameworks")
    },
}


def _in_process(path: Path, repeats: int) -> dict[str, float]:
    """The same queries on the same store in this process (the anchor)."""
    from oos_kg.registry import LocalBackend, Registry, make_report
    from oos_kg.registry._tokens import Caller

    admin = Caller("bench", "admin", None, None)
    backend = LocalBackend.__new__(LocalBackend)
    store = ox.Store.read_only(str(path))
    figures = {}

    class _ReadOnly:
        shares_kg_store = False

        def select(self, query: str) -> Any:
            from oos_kg.store._execute import select_trusted

            return select_trusted(store, query)

    del backend
    registry = Registry(_ReadOnly(), None, None)  # type: ignore[arg-type]
    calls = {
        "overdue list": lambda: registry.cases(admin, status="overdue", limit=100),
        "obligations due": lambda: registry.due(admin, datetime(2100, 1, 1, tzinfo=UTC)),
        **{
            f"report {kind}": (
                lambda kind=kind: make_report(
                    registry,
                    admin,
                    kind,
                    datetime(2000, 1, 1, tzinfo=UTC),
                    datetime(2100, 1, 1, tzinfo=UTC),
                )
            )
            for kind in ("supplies", "failed-tests", "obligations", "frameworks")
        },
    }
    for name, call in calls.items():
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        figures[name] = statistics.median(times)
    return figures


def _reports(work: Path, cases: list[tuple[str, bytes]], n: int, repeats: int) -> dict[str, Any]:
    started = time.perf_counter()
    templates, profiles = _templates(cases, 300)
    templates_s = time.perf_counter() - started
    registry_dir = work / "registry-reports"
    fill_s = _fill(registry_dir, templates, profiles, n)
    anchor = _in_process(registry_dir, repeats)
    tokens = _tokens(work) if not (work / "tokens.json").exists() else None
    from oos_kg.registry import TokenStore

    admin = tokens["admin"] if tokens else TokenStore(work / "tokens.json").add("admin")[0]
    argv, port, env = _serve(work, "registry-reports")
    figures: dict[str, dict[str, float]] = {}
    with (
        run_server(
            "oos-kg", argv, port=port, probe_path="/health", log_dir=work / "logs-reports", env=env
        ) as srv,
        httpx.Client(
            base_url=srv.base_url,
            headers={"Authorization": f"Bearer {admin}"},
            timeout=120,
            trust_env=False,
        ) as http,
    ):
        for name, (path, params) in REQUESTS.items():
            times = []
            for i in range(repeats + 1):
                started = time.perf_counter()
                response = http.get(path, params=params)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{name}: {response.status_code} {response.text[:300]}")
                if i:  # the first one warms the server up
                    times.append(elapsed)
            figures[name] = {
                "p50_ms": statistics.median(times),
                "p99_ms": _percentile(times, 0.99),
                "n": len(times),
                "rows": len(next(v for k, v in response.json().items() if k in _LISTS)),
                "load_1min": os.getloadavg()[0],
            }
    return {
        "cases": n,
        "templates_s": templates_s,
        "fill_s": fill_s,
        "http": figures,
        "in_process_p50_ms": anchor,
    }


def _cases(work: Path, n: int) -> list[tuple[str, bytes]]:
    out = work / "generated"
    subprocess.run(
        [str(BIN / "oos-kg"), "generate-cases", str(n), "--seed", "1", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return [(p.parent.name, p.read_bytes()) for p in sorted(out.glob("*/*.ttl"))]


def _submission_rows(
    command: str, submitted: dict[str, dict[str, Any]], stages: dict[str, float]
) -> list[Row]:
    """One row per worker count (``submitted`` by count), then the stages of the first."""
    rows = []
    for workers, run in submitted.items():
        sub, val = run["cases"], run["validate"]
        rows.append(
            Row(
                benchmark="registry",
                what=f"POST /cases with validation, {CLIENTS} clients, embedded store, "
                f"{workers} validation worker{'s' if workers != '1' else ''}",
                command=command,
                figure=f"{sub['per_s']:.0f} cases/s, p50 {format_ms(sub['p50_ms'])}, "
                f"p99 {format_ms(sub['p99_ms'])}; CPU a case: server "
                f"{sub['server_cpu_ms']:.1f} ms ({sub['server_process_cpu_ms']:.1f} in its "
                f"process, {sub['worker_cpu_ms']:.1f} in its workers), client "
                f"{sub['client_cpu_ms']:.1f} ms (n={sub['n']}, {sub['statuses']}; "
                f"load {sub['load_1min']:.2f})",
                anchor=f"same server, POST /validate (nothing stored): {val['per_s']:.0f} "
                f"req/s, p50 {format_ms(val['p50_ms'])}, server CPU "
                f"{val['server_cpu_ms']:.1f} ms a request",
                ratio=sub["per_s"] / val["per_s"],
                ratio_of="req/s",
                target=">= 200 cases/s",
                met=sub["per_s"] >= 200 and set(sub["statuses"]) == {201} and not sub["errors"],
            )
        )
    first, run = next(iter(submitted.items()))
    sub = run["cases"]
    in_process = sum(stages.values())
    rows.append(
        Row(
            benchmark="registry",
            what="one submission's CPU by stage, in process, on-disk registry store",
            command=command,
            figure=", ".join(f"{name} {ms:.2f} ms" for name, ms in stages.items())
            + f": {in_process:.1f} ms a case (load {os.getloadavg()[0]:.2f})",
            anchor=f"POST /cases above ({first} validation workers): server CPU "
            f"{sub['server_cpu_ms']:.1f} ms a case",
            ratio=in_process / sub["server_cpu_ms"],
            ratio_of="CPU ms",
            target="<= 9.5 ms CPU a case in all (200/s on 2 cores)",
            met=sub["server_cpu_ms"] + sub["client_cpu_ms"] <= 9.5,
        )
    )
    return rows


def _report_rows(command: str, n: int, reports: dict[str, Any]) -> list[Row]:
    rows = []
    for name, figure in reports["http"].items():
        floor = reports["in_process_p50_ms"][name]
        rows.append(
            Row(
                benchmark="registry",
                what=f"{n // 1000}k cases, {name} (admin token)",
                command=command,
                figure=f"p50 {format_ms(figure['p50_ms'])}, p99 {format_ms(figure['p99_ms'])} "
                f"(n={figure['n']}, {figure['rows']} rows; load {figure['load_1min']:.2f})",
                anchor=f"same query, pyoxigraph in process: p50 {format_ms(floor)}",
                ratio=figure["p50_ms"] / floor,
                ratio_of="p50",
                target="p50 <= 1 s",
                met=figure["p50_ms"] <= 1000,
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, write its results and README rows; 0 when every target is met.

    Raises:
        RuntimeError: a server or request failed.
    """
    parser = argparse.ArgumentParser(prog="python -m bench.registry", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="8 s of submissions, 10k cases")
    parser.add_argument(
        "--only",
        choices=("submissions", "reports"),
        help="measure only these rows (the others stay in the README as they are)",
    )
    parser.add_argument("--seconds", type=float, help="of each submission run: 20 (quick 8)")
    parser.add_argument("--cases", type=int, help="cases for the reports (100000; quick 10000)")
    parser.add_argument("--repeats", type=int, default=10, help="timed requests per report")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md alone")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[WORKERS],
        help=f"OOS_KG_REGISTRY_WORKERS of the submission runs, one run each ({WORKERS})",
    )
    args = parser.parse_args(argv)
    seconds = args.seconds or (8.0 if args.quick else 20.0)
    n = args.cases or (10_000 if args.quick else 100_000)
    started = datetime.now(UTC)
    command = "python -m bench.registry" + (" --quick" if args.quick else "")
    command += f" --only {args.only}" if args.only else ""
    if args.workers != [WORKERS]:
        command += " --workers " + " ".join(map(str, args.workers))
    raw: dict[str, Any] = {}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp:
        work = Path(tmp)
        subprocess.run(
            [str(BIN / "oos-kg"), "load", "--store", str(work / "store")],
            check=True,
            capture_output=True,
        )
        cases = _cases(work, 400)
        if args.only != "reports":
            raw["stages_cpu_ms"] = _stages(work, cases)
            raw["submissions"] = {
                str(w): _submissions(work, cases, seconds, w) for w in args.workers
            }
            rows += _submission_rows(command, raw["submissions"], raw["stages_cpu_ms"])
        if args.only != "submissions":
            raw["reports"] = _reports(work, cases, n, args.repeats)
            rows += _report_rows(command, n, raw["reports"])
    write_results(
        "registry",
        rows,
        raw,
        command=command,
        started=started,
        readme=None if args.no_readme else ROOT / "bench" / "README.md",
        partial=args.only is not None,
    )
    for row in rows:
        sys.stdout.write(" | ".join(row.cells()) + "\n")
    return 0 if all(row.met is not False for row in rows) else 1
