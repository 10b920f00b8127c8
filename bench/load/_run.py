"""Run the load test: many clients mixing SPARQL, GraphQL and validation on one real server."""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench._client import Request, Tally, check_loopback, percentile, run_mix
from bench._servers import free_port, run_server
from bench.report import BENCH_DIR, RESULTS_DIR, Row, format_ms, write_results

__all__ = [
    "EndpointStats",
    "LoadResult",
    "Settings",
    "build_mix",
    "main",
    "parse_args",
    "probe",
    "run",
]

logger = logging.getLogger("bench.load")

REQUESTS_DIR = Path(__file__).resolve().parent / "requests"
ROOT = BENCH_DIR.parent
_BIN = Path(sys.executable).parent
DEFAULT_LOAD = "{bin}/oos-kg load --store {store}"
DEFAULT_SERVE = "{bin}/oos-kg serve --host 127.0.0.1 --port {port} --store {store}"
ENDPOINTS = ("sparql", "graphql", "validate")


@dataclass(frozen=True, slots=True)
class Settings:
    """One run of the load test."""

    clients: int = 50
    duration_s: float = 60.0
    timeout_s: float = 30.0
    url: str | None = None
    load: str = DEFAULT_LOAD
    serve: str = DEFAULT_SERVE
    probe_path: str = "/ready"
    readme: bool = True
    results_dir: Path = RESULTS_DIR
    command: str = "python -m bench.load"


@dataclass(frozen=True, slots=True)
class EndpointStats:
    """The figures of one endpoint over the whole run (times in milliseconds)."""

    endpoint: str
    sent: int
    answered: int
    unanswered: int
    status_counts: dict[str, int]
    error_kinds: dict[str, int]
    p50_ms: float
    p99_ms: float
    throughput_rps: float

    @property
    def server_errors(self) -> int:
        """Responses with a 5xx status."""
        return sum(n for status, n in self.status_counts.items() if status.startswith("5"))


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The outcome of a run: per-endpoint figures and the endpoints left out, with why."""

    clients: int
    duration_s: float
    endpoints: list[EndpointStats]
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No 5xx and no request left unanswered, on any endpoint."""
        return all(e.server_errors == 0 and e.unanswered == 0 for e in self.endpoints)


def _sparql(path: Path) -> Request:
    return Request(
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        path.read_bytes(),
        label=f"sparql:{path.stem}",
    )


def _graphql(path: Path) -> Request:
    body = json.dumps({"query": path.read_text(encoding="utf-8")}).encode()
    return Request(
        "POST",
        "/graphql",
        {"Content-Type": "application/json", "Accept": "application/json"},
        body,
        label=f"graphql:{path.stem}",
    )


def _validate(path: Path) -> Request:
    framework = path.parent.name
    return Request(
        "POST",
        f"/validate?framework={framework}",
        {"Content-Type": "text/turtle", "Accept": "application/json"},
        path.read_bytes(),
        label=f"validate:{framework}/{path.stem}",
    )


def build_mix(root: Path = ROOT) -> list[Request]:
    """Return the request mix: the SPARQL and GraphQL files here and the example cases.

    Validation sends each framework's ``examples/cases/<fw>/conforms.ttl`` when present.

    Raises:
        OSError: a request file is unreadable.
    """
    mix = [_sparql(p) for p in sorted(REQUESTS_DIR.glob("*.rq"))]
    mix += [_graphql(p) for p in sorted(REQUESTS_DIR.glob("*.graphql"))]
    mix += [_validate(p) for p in sorted((root / "examples" / "cases").glob("*/conforms.ttl"))]
    return mix


def probe(base_url: str, requests: Sequence[Request]) -> tuple[list[Request], dict[str, str]]:
    """Send each request once; keep those the server serves, say why the others are left out.

    A 404 or 405 means the endpoint is not in this build (not on main yet); any other 4xx
    means the request no longer fits the endpoint (fix the request file). A 5xx is kept: the
    run will count it.

    Raises:
        ValueError: non-loopback URL.
    """
    check_loopback(base_url)
    kept: list[Request] = []
    skipped: dict[str, str] = {}
    for req in requests:
        http = urllib.request.Request(
            base_url + req.path, data=req.body, headers=dict(req.headers), method=req.method
        )
        try:
            with urllib.request.urlopen(http, timeout=60) as response:  # loopback only
                response.read()
            kept.append(req)
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                kept.append(req)
            elif error.code in (404, 405):
                skipped[req.label] = f"{req.path.split('?')[0]} not served by this build"
            else:
                detail = error.read()[:200].decode("utf-8", "replace")
                skipped[req.label] = f"answered {error.code}: {detail}"
        except (urllib.error.URLError, OSError) as error:
            skipped[req.label] = f"no answer: {error}"
    return kept, skipped


def summarise(tallies: dict[str, Tally], elapsed_s: float) -> list[EndpointStats]:
    """Pool the tallies of each endpoint's requests into one :class:`EndpointStats` each."""
    stats = []
    for endpoint in ENDPOINTS:
        parts = [t for label, t in tallies.items() if label.split(":")[0] == endpoint]
        if not parts:
            continue
        latencies = sorted(x for t in parts for x in t.latencies_ms)
        statuses: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        for t in parts:
            statuses.update(t.statuses)
            kinds.update(t.error_kinds)
        sent = sum(t.sent for t in parts)
        stats.append(
            EndpointStats(
                endpoint=endpoint,
                sent=sent,
                answered=len(latencies),
                unanswered=sent - len(latencies),
                status_counts=dict(statuses),
                error_kinds=dict(kinds),
                p50_ms=round(percentile(latencies, 50), 3),
                p99_ms=round(percentile(latencies, 99), 3),
                throughput_rps=round(len(latencies) / elapsed_s, 1) if elapsed_s else 0.0,
            )
        )
    return stats


def _argv(template: str, **values: object) -> list[str]:
    filled = {"python": sys.executable, "bin": _BIN, **values}
    return [word.format(**filled) for word in shlex.split(template)]


@contextmanager
def _server(settings: Settings) -> Iterator[str]:
    """Yield the base URL of the server under test, starting one unless given a URL."""
    if settings.url:
        check_loopback(settings.url)
        yield settings.url.rstrip("/")
        return
    with tempfile.TemporaryDirectory(prefix="oos-kg-load-") as tmp:
        store = Path(tmp) / "store"
        env = {"OOS_KG_STORE": "embedded", "OOS_KG_STORE_PATH": str(store)}
        if settings.load:
            argv = _argv(settings.load, store=store)
            done = subprocess.run(argv, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"{shlex.join(argv)} failed: {done.stderr[-1000:]}")
        port = free_port()
        argv = _argv(settings.serve, store=store, port=port)
        with run_server(
            "load-server",
            argv,
            port=port,
            probe_path=settings.probe_path,
            log_dir=settings.results_dir / "logs",
            env=env,
        ) as server:
            yield server.base_url


def run(settings: Settings) -> LoadResult:
    """Start (or reach) the server, probe the mix, drive it, and return the figures.

    Raises:
        RuntimeError: the server did not start, or no request of the mix is served.
    """
    with _server(settings) as base_url:
        mix, skipped = probe(base_url, build_mix())
        for label, why in skipped.items():
            logger.warning("left out %s: %s", label, why)
        if not mix:
            raise RuntimeError(f"no request of the mix is served by {base_url}: {skipped}")
        tallies, elapsed = run_mix(
            base_url,
            mix,
            concurrency=settings.clients,
            duration_s=settings.duration_s,
            timeout_s=settings.timeout_s,
        )
    return LoadResult(settings.clients, round(elapsed, 2), summarise(tallies, elapsed), skipped)


def rows_of(result: LoadResult, command: str) -> list[Row]:
    """Return one README row per endpoint measured, and one per endpoint left out."""
    rows = []
    for e in result.endpoints:
        rows.append(
            Row(
                benchmark="load",
                what=f"{result.clients} clients mixed, {result.duration_s:g} s, /{e.endpoint}",
                command=command,
                figure=(
                    f"{e.throughput_rps:g} req/s, p50 {format_ms(e.p50_ms)}, "
                    f"p99 {format_ms(e.p99_ms)} (n={e.answered}, 5xx={e.server_errors}, "
                    f"unanswered={e.unanswered})"
                ),
                anchor="none",
                target="0 5xx, 0 unanswered",
                met=e.server_errors == 0 and e.unanswered == 0,
            )
        )
    left_out = sorted({label.split(":")[0] for label in result.skipped})
    measured = {e.endpoint for e in result.endpoints}
    for endpoint in (x for x in left_out if x not in measured):
        why = "; ".join(
            sorted({w for k, w in result.skipped.items() if k.startswith(endpoint + ":")})
        )
        rows.append(
            Row(
                benchmark="load",
                what=f"/{endpoint}: not measured",
                command=command,
                figure=f"left out: {why}",
            )
        )
    return rows


def parse_args(argv: Sequence[str] | None = None) -> Settings:
    """Parse the command line of ``python -m bench.load``.

    Raises:
        SystemExit: on bad arguments (argparse).
    """
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="Clients mixing SPARQL, GraphQL and validation against one real server "
        "on loopback; throughput and p50/p99 per endpoint; fails on any 5xx or lost request.",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="10 s instead of 60 s; README left alone"
    )
    parser.add_argument("--quick", action="store_true", help="20 s instead of 60 s")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, help="seconds (default 60)")
    parser.add_argument("--url", help="test a running server on loopback instead of starting one")
    parser.add_argument("--load", default=DEFAULT_LOAD, help="store preparation command template")
    parser.add_argument("--serve", default=DEFAULT_SERVE, help="server command template")
    parser.add_argument("--probe", default="/ready", help="path answered once ready")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md alone")
    args = parser.parse_args(argv)
    duration = args.duration or (10.0 if args.smoke else 20.0 if args.quick else 60.0)
    words = list(argv if argv is not None else sys.argv[1:])
    return Settings(
        clients=args.clients,
        duration_s=duration,
        url=args.url,
        load=args.load,
        serve=args.serve,
        probe_path=args.probe,
        readme=not (args.no_readme or args.smoke),
        command=".venv/bin/python -m bench.load " + shlex.join(words),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bench.load``: 0 when no 5xx and nothing was lost, else 1.

    Raises:
        SystemExit: on bad arguments.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = parse_args(argv)
    started = datetime.now(UTC)
    result = run(settings)
    for e in result.endpoints:
        logger.info("%s", e)
    path = write_results(
        "load",
        rows_of(result, settings.command.strip()),
        {
            "clients": result.clients,
            "duration_s": result.duration_s,
            "endpoints": [_as_dict(e) for e in result.endpoints],
            "skipped": result.skipped,
            "ok": result.ok,
        },
        command=settings.command,
        started=started,
        readme=BENCH_DIR / "README.md" if settings.readme else None,
        results_dir=settings.results_dir,
    )
    logger.info("results in %s", path)
    return 0 if result.ok else 1


def _as_dict(stats: EndpointStats) -> dict[str, object]:
    return {name: getattr(stats, name) for name in stats.__slots__}
