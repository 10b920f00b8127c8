"""The floor of the GraphQL benchmark: what each question costs through stock strawberry with
no store at all, against its SPARQL.

    python -m bench.graphql.floor [--seconds 2] [--runs 200] [--only q1,q2]

A GraphQL request costs the HTTP round trip and the router's fixed work, the store queries of
its root fields, and the execution around them (graphql-core and strawberry calling the
resolvers, our rows made into objects). This takes them apart, on the store ``oos-kg load``
writes:

- in process, per question, medians of ``--runs`` executions of the schema: ``select``, the
  time inside the store's queries; ``execution``, the whole execution; ``replayed``, the
  execution with every root field's work (its queries and the assembly of its objects)
  replaced by the objects it made the first time: what strawberry and graphql-core alone cost
  on the document, the least any resolver strategy can reach; ``replayed`` of
  ``{ __typename }`` is subtracted as the fixed part already in the HTTP figure;
- over HTTP on one ``oos-kg serve``, one client (as ``python -m bench.graphql``): the p50 of
  ``POST /graphql`` with ``{ __typename }`` (the round trip and the router's fixed cost), and
  each question's SPARQL and GraphQL p50.

``floor`` = (``{ __typename }`` p50 + replayed - replayed of ``{ __typename }``) / SPARQL p50:
the ratio the question would have if its store queries and objects cost nothing. A floor over
2 means stock strawberry alone misses the target on that question. Prints a table and writes
``bench/results/graphql-floor.json``; leaves ``bench/README.md`` alone.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._client import Request, measure
from bench._servers import free_port, run_server
from bench.graphql.__main__ import BANK, ROOT, _requests
from graphql_api.context import GraphQLContext, Select
from tests.graphql.questions import parse_questions

GRAPHQL_HEADERS = {"content-type": "application/json", "accept": "application/json"}
BARE = "{ __typename }"


class Timed(GraphQLContext):
    """The context, adding up the time spent inside the store's queries."""

    inside = 0.0

    async def run(self, work: Callable[[Select], Any]) -> Any:
        def timed(select: Select) -> Any:
            def counted(query: str) -> Any:
                started = time.perf_counter()
                try:
                    return select(query)
                finally:
                    Timed.inside += time.perf_counter() - started

            return work(counted)

        return await super().run(timed)


class Replayed(GraphQLContext):
    """The context answering each root field's work with what it made the first time."""

    tape: list[Any] = []
    at = 0

    async def run(self, work: Callable[[Select], Any]) -> Any:
        del work  # replayed
        Replayed.at += 1
        return Replayed.tape[Replayed.at - 1]


def _in_process(store_path: Path, documents: dict[str, str], runs: int) -> dict[str, Any]:
    """Per document: median ms inside ``select``, of the execution, and replayed."""
    from graphql_api.schema import build_schema
    from oos_kg.settings import Settings
    from oos_kg.store import open_store

    settings = Settings(store="embedded", store_path=store_path)
    store = open_store(settings)
    schema = build_schema(settings)

    async def execute(document: str, context: GraphQLContext) -> float:
        started = time.perf_counter()
        result = await schema.execute(document, context_value=context)
        if result.errors:
            raise RuntimeError(f"{document}: {result.errors}")
        return time.perf_counter() - started

    async def record(document: str) -> None:
        tape: list[Any] = []

        class Recording(GraphQLContext):
            async def run(self, work: Callable[[Select], Any]) -> Any:
                tape.append(None)  # in the order of the calls, as replayed
                at = len(tape) - 1
                tape[at] = await super().run(work)
                return tape[at]

        await execute(document, Recording(store, settings))
        Replayed.tape = tape

    async def run() -> dict[str, Any]:
        found: dict[str, Any] = {}
        for slug, document in documents.items():
            whole, selects, replayed = [], [], []
            await record(document)
            for n in range(runs + 20):  # the first 20 warm up
                Timed.inside = 0.0
                took = await execute(document, Timed(store, settings))
                Replayed.at = 0
                again = await execute(document, Replayed(store, settings))
                if n >= 20:
                    whole.append(took)
                    selects.append(Timed.inside)
                    replayed.append(again)
            found[slug] = {
                "execution_ms": statistics.median(whole) * 1e3,
                "select_ms": statistics.median(selects) * 1e3,
                "replayed_ms": statistics.median(replayed) * 1e3,
            }
        return found

    try:
        return asyncio.run(run())
    finally:
        store.close()


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
        documents = {"bare": BARE, **{q.slug: q.graphql for q in questions}}
        in_process = _in_process(store, documents, args.runs)
        port = free_port()
        serve = [str(bin_dir / "oos-kg"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        serve += ["--store", str(store)]
        with run_server("ours", serve, port=port, probe_path="/health", log_dir=Path(tmp)) as srv:
            body = json.dumps({"query": BARE}).encode()
            bare = Request("POST", "/graphql", GRAPHQL_HEADERS, body, label="bare")

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
    base = in_process["bare"]["replayed_ms"]
    out.write(f"{BARE} over HTTP p50: {fixed:.3f} ms, replayed in process {base:.3f} ms\n")
    out.write("question  select  execution  replayed  sparql  graphql  ratio  floor\n")
    for question in questions:
        slug = question.slug
        row = {**in_process[slug], **over_http[slug], "typename_ms": fixed}
        row["ratio"] = row["graphql_ms"] / row["sparql_ms"]
        row["floor"] = (fixed + row["replayed_ms"] - base) / row["sparql_ms"]
        rows[slug] = row
        out.write(
            f"{slug:8}  {row['select_ms']:6.3f}  {row['execution_ms']:9.3f}  "
            f"{row['replayed_ms']:8.3f}  "
            f"{row['sparql_ms']:6.3f}  {row['graphql_ms']:7.3f}  {row['ratio']:5.2f}  "
            f"{row['floor']:5.2f}\n"
        )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "graphql-floor.json").write_text(json.dumps(rows, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
