"""Run the remote-store benchmark: the service over Virtuoso beside the service over
``oxigraph serve``, in the same run.

Both engines are started here on loopback (Virtuoso from Debian's ``virtuoso-opensource`` as a
user process with its own ini and a new database), loaded with ``oos-kg load --remote`` and the
synthetic cases (Graph Store Protocol requests of ``CHUNK`` triples), and each is put behind
its own ``oos-kg serve``. Every question of docs/questions.md is asked of both services over
``/graphql`` (after checking that both give the same answer), and the 10k-case aggregate over
``/sparql``, in ABBA order at one client. The figure is the service over Virtuoso, the anchor
the service over Oxigraph: the ratio says what the engine costs, the rest of the path being
the same. No target: these are figures to choose an engine by, not a promise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from pyoxigraph import RdfFormat, parse, serialize

from bench import casegen
from bench._client import Measurement, Request, combine, measure
from bench._servers import RunningServer, free_port, run_server
from bench._virtuoso import VIRTUOSO, write_ini
from bench.report import Row, write_results
from tests.graphql.questions import as_table, flatten, parse_questions

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "docs" / "questions.md"
AGGREGATE = (ROOT / "bench" / "sparql" / "queries" / "aggregate-48h.rq").read_text("utf-8")
BIN = Path(sys.executable).parent
SEED = 7
CHUNK = 50_000
"""Lines (triples) per Graph Store request: one PUT of 480,000 triples left Virtuoso 7.2.5 idle with
"Locks are held for a long time" in its log for over 5 minutes; 50,000 at a time load."""


@contextmanager
def _engines(tmp: Path) -> Iterator[dict[str, dict[str, str]]]:
    """Start oxigraph serve and Virtuoso; yield each one's remote-store settings."""
    with ExitStack() as stack:
        port = free_port()
        oxigraph = [str(BIN / "oxigraph"), "serve", "--location", str(tmp / "oxigraph")]
        ox = stack.enter_context(
            run_server(
                "oxigraph",
                [*oxigraph, "--bind", f"127.0.0.1:{port}"],
                port=port,
                probe_path="/query?query=ASK%7B%7D",
                log_dir=tmp,
            )
        )
        http_port = free_port()
        ini = write_ini(
            tmp / "virtuoso",
            http_port=http_port,
            sql_port=free_port(),
            max_rows=1_000_000,
            buffers=100_000,
        )
        vt = stack.enter_context(
            run_server(
                "virtuoso",
                [VIRTUOSO, "+foreground", "+configfile", str(ini)],
                port=http_port,
                probe_path="/sparql?query=ASK%7B%7D",
                log_dir=tmp,
            )
        )
        yield {
            "oxigraph": {
                "OOS_KG_REMOTE_ENGINE": "oxigraph",
                "OOS_KG_REMOTE_QUERY_URL": f"{ox.base_url}/query",
                "OOS_KG_REMOTE_UPDATE_URL": f"{ox.base_url}/update",
                "OOS_KG_REMOTE_STORE_URL": f"{ox.base_url}/store",
            },
            "virtuoso": {
                "OOS_KG_REMOTE_ENGINE": "virtuoso",
                "OOS_KG_REMOTE_QUERY_URL": f"{vt.base_url}/sparql",
                "OOS_KG_REMOTE_UPDATE_URL": f"{vt.base_url}/sparql-auth",
                "OOS_KG_REMOTE_STORE_URL": f"{vt.base_url}/sparql-graph-crud-auth",
                "OOS_KG_REMOTE_AUTH": "digest",
                "OOS_KG_REMOTE_USER": "dba",
                "OOS_KG_REMOTE_PASSWORD": "dba",
                "OOS_KG_REMOTE_MAX_ROWS": "1000000",
            },
        }


def _env(remote: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OOS_KG_")}
    return {**clean, "OOS_KG_STORE": "remote", "OOS_KG_QUERY_TIMEOUT_S": "300", **remote}


def _load(remote: dict[str, str], cases: int, tmp: Path) -> dict[str, float]:
    """``oos-kg load --remote``, then the cases by Graph Store requests; return the times."""
    started = time.monotonic()
    subprocess.run([str(BIN / "oos-kg"), "load", "--remote"], env=_env(remote), check=True)
    loaded = time.monotonic()
    triples = tmp / f"cases-{cases}.nt"
    if not triples.is_file():
        quads = tmp / f"cases-{cases}.nq"
        with quads.open("w", encoding="utf-8") as out:
            casegen.write_cases(out, cases, SEED)
        serialize(
            (q.triple for q in parse(path=str(quads), format=RdfFormat.N_QUADS)),
            str(triples),
            format=RdfFormat.N_TRIPLES,
        )
    user = remote.get("OOS_KG_REMOTE_USER")
    auth = httpx.DigestAuth(user, remote["OOS_KG_REMOTE_PASSWORD"]) if user else None
    lines = triples.read_bytes().splitlines(keepends=True)
    with httpx.Client(auth=auth, timeout=600, trust_env=False) as client:
        for first in range(0, len(lines), CHUNK):
            response = client.request(
                "PUT" if first == 0 else "POST",  # the first replaces the graph, then adds
                remote["OOS_KG_REMOTE_STORE_URL"],
                params={"graph": casegen.CASES_GRAPH},
                content=b"".join(lines[first : first + CHUNK]),
                headers={"Content-Type": "application/n-triples"},
            )
            response.raise_for_status()
    return {"load_s": loaded - started, "cases_put_s": time.monotonic() - loaded}


@contextmanager
def _service(name: str, remote: dict[str, str], tmp: Path) -> Iterator[RunningServer]:
    port = free_port()
    serve = [str(BIN / "oos-kg"), "serve", "--no-load", "--host", "127.0.0.1"]
    with run_server(
        f"ours-{name}",
        [*serve, "--port", str(port)],
        port=port,
        probe_path="/health",
        log_dir=tmp,
        env=_env(remote),
    ) as server:
        yield server


def _post(base_url: str, request: Request) -> bytes:
    req = urllib.request.Request(
        base_url + request.path, data=request.body, headers=dict(request.headers), method="POST"
    )
    with urllib.request.urlopen(req, timeout=300) as response:  # loopback only
        body: bytes = response.read()
    return body


def _abba(
    anchor: str, ours: str, request: Request, seconds: float
) -> tuple[Measurement, Measurement]:
    """Measure ``request`` on both services in ABBA order; return (ours, anchor)."""
    half = seconds / 2
    runs = {
        url: measure(url, request, concurrency=1, duration_s=half, client="asyncio")
        for url in (anchor, ours)
    }
    second = {
        url: measure(url, request, concurrency=1, duration_s=half, client="asyncio")
        for url in (ours, anchor)
    }
    return combine([runs[ours], second[ours]]), combine([runs[anchor], second[anchor]])


def _row(what: str, command: str, ours: Measurement, anchor: Measurement) -> Row:
    ratio = ours.p50_ms / anchor.p50_ms if anchor.p50_ms else None
    return Row(
        benchmark="remote",
        what=what,
        command=command,
        figure=f"over Virtuoso p50 {ours.p50_ms:.2f} ms, p99 {ours.p99_ms:.2f} ms",
        anchor=f"over oxigraph serve p50 {anchor.p50_ms:.2f} ms, p99 {anchor.p99_ms:.2f} ms",
        ratio=round(ratio, 2) if ratio else None,
        ratio_of="p50",
    )


def _graphql_request(text: str, slug: str) -> Request:
    return Request(
        "POST",
        "/graphql",
        {"content-type": "application/json", "accept": "application/json"},
        json.dumps({"query": text}).encode(),
        label=slug,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 (no targets), 1 when an answer differs between engines.

    Raises:
        SystemExit: on bad arguments.
    """
    parser = argparse.ArgumentParser(prog="python -m bench.remote", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1 s per question and engine")
    parser.add_argument("--seconds", type=float, default=None, help="per question and engine")
    parser.add_argument("--cases", type=int, default=10_000, help="synthetic cases (10,000)")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md alone")
    args = parser.parse_args(argv)
    if not Path(VIRTUOSO).is_file():
        sys.stderr.write(f"no {VIRTUOSO}: `make virtuoso` installs it\n")
        return 1
    seconds = args.seconds or (1.0 if args.quick else 4.0)
    command = "python -m bench.remote" + (" --quick" if args.quick else "")
    started = datetime.now(UTC)
    rows: list[Row] = []
    raw: dict[str, object] = {"load_average": os.getloadavg()}
    differ = False
    with tempfile.TemporaryDirectory(prefix="oos-bench-remote-") as tmp_name:
        tmp = Path(tmp_name)
        with _engines(tmp) as engines:
            raw["loads"] = {
                name: _load(remote, args.cases, tmp) for name, remote in engines.items()
            }
            with (
                _service("oxigraph", engines["oxigraph"], tmp) as anchor,
                _service("virtuoso", engines["virtuoso"], tmp) as ours,
            ):
                for question in parse_questions(BANK):
                    request = _graphql_request(question.graphql, question.slug)
                    answers = [
                        as_table(
                            flatten(json.loads(_post(s.base_url, request))["data"]),
                            question.columns,
                        )
                        for s in (anchor, ours)
                    ]
                    if answers[0] != answers[1]:
                        differ = True
                        rows.append(Row("remote", question.slug, command, "answers differ"))
                        continue
                    got, base = _abba(anchor.base_url, ours.base_url, request, seconds)
                    raw[question.slug] = {"virtuoso": got.as_dict(), "oxigraph": base.as_dict()}
                    title = question.title.split(". ", 1)[-1][:40]
                    what = f"/graphql {question.slug.upper()} {title}"
                    rows.append(_row(what, f"{command} (every question)", got, base))
                graph = urllib.parse.quote(casegen.CASES_GRAPH, safe="")
                aggregate = Request(
                    "POST",
                    f"/sparql?default-graph-uri={graph}",
                    {
                        "content-type": "application/sparql-query",
                        "accept": "application/sparql-results+json",
                    },
                    AGGREGATE.encode(),
                    label="aggregate-48h",
                )
                if _post(anchor.base_url, aggregate) != _post(ours.base_url, aggregate):
                    differ = True
                got, base = _abba(anchor.base_url, ours.base_url, aggregate, seconds * 3)
                raw["aggregate-48h"] = {"virtuoso": got.as_dict(), "oxigraph": base.as_dict()}
                what = f"/sparql {args.cases // 1000}k cases, aggregate-48h, 1 client"
                rows.append(_row(what, command, got, base))
    raw["load_average_after"] = os.getloadavg()
    write_results(
        "remote",
        rows,
        raw,
        command=command,
        started=started,
        readme=None if args.no_readme else ROOT / "bench" / "README.md",
        partial=False,
    )
    for row in rows:
        sys.stdout.write(f"{row.what}: {row.figure} | {row.anchor} | ratio {row.ratio}\n")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
