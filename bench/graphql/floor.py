"""The floor of the GraphQL benchmark: each question's ratio with no GraphQL execution at all.

    python -m bench.graphql.floor [--seconds 2] [--only q1,q2]

A GraphQL request here costs the HTTP round trip and the schema's fixed work, the store
queries its resolvers run (one per type and level), and the execution around them (graphql-core,
the resolvers, building records and objects). This measures the first two apart, on the store
``oos-kg load`` writes:

- in process, per question: the time spent inside the store's ``select`` while the schema
  executes the document, the whole execution, and the execution with every store answer
  served from a cache (the same query text answered as the first time: execution alone);
  medians of ``--runs`` runs;
- over HTTP on one ``oos-kg serve``, one client (as ``python -m bench.graphql``): the p50 of
  ``POST /graphql`` with ``{ __typename }`` (the round trip and the schema's fixed cost: no
  store query, one field), and each question's SPARQL and GraphQL p50.

floor = (``{ __typename }`` p50 + time inside ``select``) / SPARQL p50: the ratio the question
would have if executing the document cost nothing beyond its store queries. Prints a table and
writes ``bench/results/graphql-floor.json``; leaves ``bench/README.md`` alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._client import Request, measure
from bench._servers import free_port, run_server
from bench.graphql.__main__ import BANK, ROOT, _requests
from tests.graphql.questions import Question, parse_questions

GRAPHQL_HEADERS = {"content-type": "application/json", "accept": "application/json"}


def _in_process(store_path: Path, questions: list[Question], runs: int) -> dict[str, Any]:
    """Per question: median ms inside ``select`` and median ms of the whole execution."""
    from graphql_api.context import GraphQLContext
    from graphql_api.schema import build_schema
    from oos_kg.settings import Settings
    from oos_kg.store import open_store

    settings = Settings(store="embedded", store_path=store_path)
    store = open_store(settings)
    schema = build_schema(settings)
    select = store.select
    inside = [0.0]

    def timed(query: str, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return select(query, **kwargs)
        finally:
            inside[0] += time.perf_counter() - started

    answers: dict[str, Any] = {}

    def cached(query: str, **kwargs: Any) -> Any:
        if query not in answers:
            answers[query] = select(query, **kwargs)
        return answers[query]

    found: dict[str, Any] = {}

    async def execute(question: Question) -> float:
        started = time.perf_counter()
        result = await schema.execute(
            question.graphql, context_value=GraphQLContext(store, settings)
        )
        if result.errors:
            raise RuntimeError(f"{question.slug}: {result.errors}")
        return time.perf_counter() - started

    async def run() -> None:
        for question in questions:
            whole: list[float] = []
            selects: list[float] = []
            alone: list[float] = []
            store.select = timed  # type: ignore[method-assign]
            for n in range(runs + 20):  # the first 20 warm up
                inside[0] = 0.0
                took = await execute(question)
                if n >= 20:
                    whole.append(took)
                    selects.append(inside[0])
            store.select = cached  # type: ignore[method-assign]
            for n in range(runs + 20):
                took = await execute(question)
                if n >= 20:
                    alone.append(took)
            answers.clear()
            found[question.slug] = {
                "execution_ms": statistics.median(whole) * 1e3,
                "select_ms": statistics.median(selects) * 1e3,
                "execution_cached_ms": statistics.median(alone) * 1e3,
            }

    try:
        asyncio.run(run())
    finally:
        store.close()
    return found


def main(argv: list[str] | None = None) -> int:
    """Measure and print the floor of every question.

    Raises:
        SystemExit: on bad arguments.
    """
    parser = argparse.ArgumentParser(prog="python -m bench.graphql.floor", description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="per request over HTTP")
    parser.add_argument("--runs", type=int, default=200, help="in-process runs per question")
    parser.add_argument("--only", help="comma-separated question ids (q1,q2...)")
    args = parser.parse_args(argv)
    questions = parse_questions(BANK)
    if args.only:
        questions = [q for q in questions if q.slug in args.only.split(",")]
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="oos-bench-floor-") as tmp:
        store = Path(tmp) / "store"
        subprocess.run([str(bin_dir / "oos-kg"), "load", "--store", str(store)], check=True)
        in_process = _in_process(store, questions, args.runs)
        port = free_port()
        serve = [str(bin_dir / "oos-kg"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        serve += ["--store", str(store)]
        with run_server("ours", serve, port=port, probe_path="/health", log_dir=Path(tmp)) as srv:
            bare = Request(
                "POST", "/graphql", GRAPHQL_HEADERS, b'{"query": "{ __typename }"}', label="bare"
            )

            def p50(request: Request) -> float:
                got = measure(
                    srv.base_url, request, concurrency=1, duration_s=args.seconds, client="asyncio"
                )
                return got.p50_ms

            fixed = p50(bare)
            over_http: dict[str, Any] = {}
            for question in questions:
                graphql, sparql = _requests(question)
                over_http[question.slug] = {"sparql_ms": p50(sparql), "graphql_ms": p50(graphql)}
            fixed = (fixed + p50(bare)) / 2  # before and after, for a drift of the machine
    rows: dict[str, Any] = {}
    out = sys.stdout
    out.write(f"{{ __typename }} over HTTP p50: {fixed:.3f} ms\n")
    out.write("question  select  execution  cached  sparql  graphql  ratio  floor\n")
    for question in questions:
        slug = question.slug
        row = {**in_process[slug], **over_http[slug], "typename_ms": fixed}
        row["ratio"] = row["graphql_ms"] / row["sparql_ms"]
        row["floor"] = (fixed + row["select_ms"]) / row["sparql_ms"]
        rows[slug] = row
        out.write(
            f"{slug:8}  {row['select_ms']:6.3f}  {row['execution_ms']:9.3f}  "
            f"{row['execution_cached_ms']:6.3f}  "
            f"{row['sparql_ms']:6.3f}  {row['graphql_ms']:7.3f}  {row['ratio']:5.2f}  "
            f"{row['floor']:5.2f}\n"
        )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "graphql-floor.json").write_text(json.dumps(rows, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
