"""Time each kind of resource answer of a served ``oos-kg`` on the paper's graph.

``oos-kg serve`` runs on its embedded on-disk store (as ``make serve`` does) on a free
loopback port; one keep-alive client asks each path in turn, after a warm-up, and the p50 of
each is compared with ``GET /health`` (the bare framework) in the same run. Target: every
resource answer at most 20 ms at p50.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench._client import check_loopback
from bench._servers import free_port, run_server
from bench.report import Row, write_results

TARGET_MS = 20.0
PATHS = (
    ("/id/product-kymriah", "text/turtle"),
    ("/id/product-kymriah", "application/ld+json"),
    ("/id/substance-tisagenlecleucel", "text/html"),
    ("/id/clause-cfr-21-312-315", "application/rdf+xml"),
    ("/id/obligation-eu-mah-risk-assessment", "application/n-triples"),
    ("/source/paper-table-3", "text/html"),
    ("/graph/products", "text/turtle"),
    ("/ontology", "text/turtle"),
    ("/ontology", "text/html"),
    ("/.well-known/void", "text/turtle"),
    ("/id/no-such-thing", "text/turtle"),
)
COMMAND = "python -m bench.resources"


def _p50(client: httpx.Client, path: str, accept: str, n: int) -> float:
    for _ in range(5):
        client.get(path, headers={"Accept": accept})
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path, headers={"Accept": accept})
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code >= 500:
            raise RuntimeError(f"{path}: {response.status_code}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 when a resource answer misses the target."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__)
    parser.add_argument("--quick", action="store_true", help="50 requests per path, not 300")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md alone")
    args = parser.parse_args(argv)
    n = 50 if args.quick else 300
    started = datetime.now(UTC)
    rows, raw = [], {}
    with tempfile.TemporaryDirectory(prefix="bench-resources-") as tmp:
        port = free_port()
        command = [
            str(Path(sys.executable).parent / "oos-kg"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--store",
            str(Path(tmp) / "store"),
        ]
        with run_server(
            "oos-kg", command, port=port, probe_path="/ready", log_dir=Path(tmp) / "logs"
        ) as server:
            check_loopback(server.base_url)
            with httpx.Client(base_url=server.base_url, timeout=30) as client:
                anchor = _p50(client, "/health", "application/json", n)
                for path, accept in PATHS:
                    p50 = _p50(client, path, accept, n)
                    raw[f"{path} {accept}"] = p50
                    rows.append(
                        Row(
                            benchmark="resources",
                            what=f"GET {path} ({accept}), paper's graph, 1 client",
                            command=COMMAND,
                            figure=f"p50 {p50:.2f} ms",
                            anchor=f"GET /health: p50 {anchor:.2f} ms",
                            ratio=p50 / anchor,
                            ratio_of="p50",
                            target=f"p50 <= {TARGET_MS:.0f} ms",
                            met=p50 <= TARGET_MS,
                        )
                    )
                    print(f"{path:40} {accept:22} p50 {p50:7.2f} ms", file=sys.stderr)  # noqa: T201
    write_results(
        "resources",
        rows,
        raw,
        command=COMMAND,
        started=started,
        readme=None if args.no_readme else Path(__file__).resolve().parents[1] / "README.md",
    )
    return 0 if all(row.met for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
