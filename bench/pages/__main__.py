"""Run the pages benchmark: every human page, one client, on the paper's graph.

One ``oos-kg serve`` over an embedded store loaded by ``oos-kg load`` (the paper's graph).
Each page is first checked to answer 200 with HTML (or CSV, or the checker's findings), then
measured at one client; ``GET /health`` (a bare route) is measured in the same run as the
anchor, so the ratio says how much of a page's time is its queries and template. Target: each
page's p50 at most 100 ms.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench._client import Measurement, Request, measure
from bench._servers import free_port, run_server
from bench.report import Row, format_ms, write_results

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "examples" / "cases" / "eu" / "violates-EU-03-report-within-48h.ttl"
TARGET_MS = 100.0
PAGES = (
    "/",
    "/products",
    "/products?origin=autologous&sort=-date",
    "/products/kymriah",
    "/comparison",
    "/comparison?lang=ja",
    "/evidence",
    "/evidence.csv",
    "/check",
    "/docs",
)


def _requests() -> list[Request]:
    requests = [Request("GET", path, {"accept": "text/html"}, label=path) for path in PAGES]
    body = urllib.parse.urlencode(
        {"case": CASE.read_text(encoding="utf-8"), "framework": "eu", "action": "check"}
    ).encode()
    headers = {"content-type": "application/x-www-form-urlencoded", "accept": "text/html"}
    requests.append(Request("POST", "/check", headers, body, label="POST /check (EU-03 case)"))
    return requests


def _answers(base_url: str, request: Request) -> bool:
    req = urllib.request.Request(
        base_url + request.path,
        data=request.body or None,
        headers=dict(request.headers),
        method=request.method,
    )
    with urllib.request.urlopen(req, timeout=60) as response:  # loopback only
        body = response.read().decode("utf-8")
        ok = response.status == 200 and len(body) > 500
    return ok and ("EU-03" in body if request.method == "POST" else True)


def _row(command: str, request: Request, page: Measurement, anchor: Measurement) -> Row:
    ratio = page.p50_ms / anchor.p50_ms if anchor.p50_ms else None
    return Row(
        benchmark="pages",
        what=f"{request.label}, 1 client",
        command=command,
        figure=f"p50 {format_ms(page.p50_ms)}, p99 {format_ms(page.p99_ms)} (n={page.requests})",
        anchor=f"GET /health p50 {format_ms(anchor.p50_ms)}",
        ratio=round(ratio, 1) if ratio else None,
        ratio_of="p50",
        target=f"p50 <= {TARGET_MS:g} ms",
        met=page.p50_ms <= TARGET_MS and page.non_2xx == 0 and page.errors == 0,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 when every page met the target, else 1.

    Raises:
        SystemExit: on bad arguments.
    """
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1 s per page")
    parser.add_argument("--seconds", type=float, default=None, help="per page")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md alone")
    args = parser.parse_args(argv)
    seconds = args.seconds or (1.0 if args.quick else 4.0)
    command = ".venv/bin/python -m bench.pages" + (" --quick" if args.quick else "")
    started = datetime.now(UTC)
    bin_dir = Path(sys.executable).parent
    rows: list[Row] = []
    raw: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="oos-bench-pages-") as tmp:
        store = Path(tmp) / "store"
        subprocess.run([str(bin_dir / "oos-kg"), "load", "--store", str(store)], check=True)
        port = free_port()
        serve = [str(bin_dir / "oos-kg"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        serve += ["--store", str(store)]
        with run_server("ours", serve, port=port, probe_path="/health", log_dir=Path(tmp)) as srv:
            health = Request("GET", "/health", label="/health")
            for request in _requests():
                time.sleep(0.5)
                if not _answers(srv.base_url, request):
                    rows.append(Row("pages", request.label, command, "wrong answer: not measured"))
                    continue
                anchor = measure(
                    srv.base_url, health, concurrency=1, duration_s=1.0, client="asyncio"
                )
                page = measure(
                    srv.base_url, request, concurrency=1, duration_s=seconds, client="asyncio"
                )
                raw[request.label] = {"page": page.as_dict(), "health": anchor.as_dict()}
                rows.append(_row(command, request, page, anchor))
    write_results(
        "pages",
        rows,
        raw,
        command=command,
        started=started,
        readme=None if args.no_readme else ROOT / "bench" / "README.md",
    )
    for row in rows:
        sys.stdout.write(f"{row.what}: {row.figure} | {row.anchor} | {row.met}\n")
    return 0 if all(row.met for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
