"""Run the GraphQL benchmark: each question's GraphQL against its SPARQL on one server.

Both requests go to the same ``oos-kg serve`` (embedded store loaded by ``oos-kg load``), so
the only difference is the route: ``POST /graphql`` (JSON) against ``POST /sparql``
(``application/sparql-query``, SPARQL JSON results). Each pair is first checked to give the
recorded answer, then measured in ABBA order at one client. Target: GraphQL p50 within 2x of
the SPARQL p50.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench._client import Measurement, Request, combine, measure
from bench._servers import free_port, run_server
from bench.report import Row, write_results
from oos_kg.store._results import parse_select
from tests.graphql.questions import Question, as_table, flatten, parse_questions

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "docs" / "questions.md"
TARGET = 2.0


def _requests(question: Question) -> tuple[Request, Request]:
    graphql = Request(
        "POST",
        "/graphql",
        {"content-type": "application/json", "accept": "application/json"},
        json.dumps({"query": question.graphql}).encode(),
        label=f"{question.slug} graphql",
    )
    sparql = Request(
        "POST",
        "/sparql",
        {
            "content-type": "application/sparql-query",
            "accept": "application/sparql-results+json",
        },
        question.sparql.encode(),
        label=f"{question.slug} sparql",
    )
    return graphql, sparql


def _fetch(base_url: str, request: Request) -> bytes:
    req = urllib.request.Request(
        base_url + request.path, data=request.body, headers=dict(request.headers), method="POST"
    )
    with urllib.request.urlopen(req, timeout=60) as response:  # loopback only
        body: bytes = response.read()
    return body


def _answers_match(base_url: str, question: Question, graphql: Request, sparql: Request) -> bool:
    from tests.graphql.questions import solutions_table

    recorded = as_table(
        [dict(zip(question.columns, row, strict=True)) for row in question.rows], question.columns
    )
    data = json.loads(_fetch(base_url, graphql)).get("data")
    by_graphql = as_table(flatten(data), question.columns)
    by_sparql = as_table(solutions_table(parse_select(_fetch(base_url, sparql))), question.columns)
    return by_graphql == recorded == by_sparql


def _abba(
    base_url: str, first: Request, second: Request, seconds: float
) -> tuple[Measurement, ...]:
    half = seconds / 2
    a1 = measure(base_url, first, concurrency=1, duration_s=half, client="asyncio")
    b1 = measure(base_url, second, concurrency=1, duration_s=half, client="asyncio")
    b2 = measure(base_url, second, concurrency=1, duration_s=half, client="asyncio")
    a2 = measure(base_url, first, concurrency=1, duration_s=half, client="asyncio")
    return combine([a1, a2]), combine([b1, b2])


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 when every question met the target, else 1.

    Raises:
        SystemExit: on bad arguments.
    """
    parser = argparse.ArgumentParser(prog="python -m bench.graphql", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 s per question and route")
    parser.add_argument("--seconds", type=float, default=None, help="per question and route")
    parser.add_argument("--only", help="comma-separated question ids (q01...)")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md alone")
    args = parser.parse_args(argv)
    seconds = args.seconds or (2.0 if args.quick else 6.0)
    questions = parse_questions(BANK)
    if args.only:
        questions = [q for q in questions if q.slug in args.only.split(",")]
    started = datetime.now(UTC)
    command = "python -m bench.graphql" + (" --quick" if args.quick else "")
    bin_dir = Path(sys.executable).parent
    rows: list[Row] = []
    raw: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="oos-bench-graphql-") as tmp:
        store = Path(tmp) / "store"
        subprocess.run([str(bin_dir / "oos-kg"), "load", "--store", str(store)], check=True)
        port = free_port()
        serve = [
            str(bin_dir / "oos-kg"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--store",
            str(store),
        ]
        with run_server("ours", serve, port=port, probe_path="/health", log_dir=Path(tmp)) as srv:
            for question in questions:
                graphql, sparql = _requests(question)
                # the client cancels the requests in flight at the end of each timed run, and
                # the server replaces a worker whose query was cancelled: let that settle
                time.sleep(1.0)
                if not _answers_match(srv.base_url, question, graphql, sparql):
                    rows.append(
                        Row("graphql", question.slug, command, "answers differ: not comparable")
                    )
                    continue
                g, s = _abba(srv.base_url, graphql, sparql, seconds)
                ratio = g.p50_ms / s.p50_ms if s.p50_ms else None
                raw[question.slug] = {"graphql": g.as_dict(), "sparql": s.as_dict()}
                rows.append(
                    Row(
                        benchmark="graphql",
                        what=f"{question.slug.upper()} {question.title.split('. ', 1)[-1][:50]}",
                        command=f"{command} --only {question.slug}",
                        figure=f"/graphql p50 {g.p50_ms:.2f} ms, p99 {g.p99_ms:.2f} ms; "
                        f"{g.p50_ms - s.p50_ms:+.2f} ms p50",
                        anchor=f"/sparql p50 {s.p50_ms:.2f} ms, p99 {s.p99_ms:.2f} ms",
                        ratio=round(ratio, 2) if ratio else None,
                        ratio_of="p50",
                        target=f"<= {TARGET:g}",
                        met=ratio is not None and ratio <= TARGET,
                    )
                )
    write_results(
        "graphql",
        rows,
        raw,
        command=command,
        started=started,
        readme=None if args.no_readme else ROOT / "bench" / "README.md",
        partial=bool(args.only),
    )
    for row in rows:
        sys.stdout.write(f"{row.what}: {row.figure} | {row.anchor} | ratio {row.ratio}\n")
    return 0 if all(row.met for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
