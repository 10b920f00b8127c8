"""Closed-loop HTTP load generators: ``wrk`` when installed, else a lean asyncio client.

Both keep ``concurrency`` keep-alive connections busy for a bounded time, each connection
sending its next request as soon as the previous answer is read, and return a
:class:`Measurement` (latency percentiles, throughput, status counts). Loopback only: the URL's
host must be a loopback address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

__all__ = [
    "Measurement",
    "Request",
    "Tally",
    "check_loopback",
    "combine",
    "measure",
    "measure_asyncio",
    "measure_wrk",
    "percentile",
    "run_mix",
    "wrk_path",
]


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request to send again and again."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    label: str = ""


@dataclass(frozen=True, slots=True)
class Measurement:
    """What one closed-loop run measured (times in milliseconds)."""

    client: str
    concurrency: int
    duration_s: float
    requests: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    throughput_rps: float
    non_2xx: int
    errors: int
    status_counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Return the measurement as a JSON-ready dict."""
        return {name: getattr(self, name) for name in self.__slots__}


def check_loopback(url: str) -> None:
    """Refuse any URL whose host is not a loopback address or ``localhost``.

    >>> check_loopback("http://127.0.0.1:8000/sparql")

    Raises:
        ValueError: for another host.
    """
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"benchmarks run on loopback only, not against {host!r}")


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Return the nearest-rank percentile of already sorted values (0.0 when empty).

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.0
    >>> percentile([1.0, 2.0, 3.0, 4.0], 99)
    4.0

    Raises:
        ValueError: for a percentile outside (0, 100].
    """
    if not 0 < pct <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {pct}")
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def wrk_path() -> str | None:
    """Return the path of ``wrk`` when it is installed."""
    return shutil.which("wrk")


_WRK_SCRIPT = """
wrk.method = {method}
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write("WRK-JSON ", string.format(
    '{{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,'
    .. '"timeout":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.3f,"max_us":%d}}',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max), "\\n")
end
"""


def _lua_string(text: str) -> str:
    """Quote ``text`` as a Lua long string that cannot be closed early."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    eq = "=" * level
    return f"[{eq}[\n{text}]{eq}]"


def measure_wrk(
    base_url: str, request: Request, *, concurrency: int, duration_s: float, timeout_s: float
) -> Measurement:
    """Run ``wrk`` against ``base_url + request.path`` and parse its summary.

    Raises:
        ValueError: non-loopback URL. RuntimeError: wrk missing or its output unreadable.
    """
    check_loopback(base_url)
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed (Debian package 'wrk')")
    headers = "\n".join(
        f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in request.headers.items()
    )
    script = _WRK_SCRIPT.format(
        method=_lua_string(request.method),
        body=_lua_string(request.body.decode()) if request.body else "nil",
        headers=headers,
    )
    threads = max(1, min(concurrency, 2))
    with tempfile.TemporaryDirectory(prefix="oos-kg-wrk-") as tmp:
        script_path = Path(tmp) / "request.lua"
        script_path.write_text(script, encoding="utf-8")
        out = subprocess.run(
            [
                wrk,
                f"-t{threads}",
                f"-c{concurrency}",
                f"-d{max(1, round(duration_s))}s",
                f"--timeout={max(1, math.ceil(timeout_s))}s",
                "-s",
                str(script_path),
                base_url.rstrip("/") + request.path,
            ],
            capture_output=True,
            text=True,
            timeout=duration_s + timeout_s + 30,
            check=False,
        )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRK-JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr.strip()[:500]}")
    data = json.loads(line.removeprefix("WRK-JSON "))
    seconds = data["duration_us"] / 1e6
    errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return Measurement(
        client="wrk",
        concurrency=concurrency,
        duration_s=round(seconds, 3),
        requests=data["requests"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        mean_ms=round(data["mean_us"] / 1000, 4),
        max_ms=data["max_us"] / 1000,
        throughput_rps=round(data["requests"] / seconds, 2) if seconds else 0.0,
        non_2xx=data["status"],
        errors=errors,
    )


@dataclass(slots=True)
class Tally:
    """What the asyncio client saw for one label: latencies, statuses, failures."""

    sent: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)

    @property
    def answered(self) -> int:
        """Requests that got a whole HTTP response, whatever its status."""
        return len(self.latencies_ms)


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (Content-Length or chunked); return its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (ln.partition(":") for ln in lines[1:] if ln)
    }
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status


def _encode(host: str, port: int, request: Request) -> bytes:
    headers = {"Host": f"{host}:{port}", "Content-Length": str(len(request.body))}
    headers.update(request.headers)
    head = f"{request.method} {request.path} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()
    )
    return head.encode("latin-1") + b"\r\n" + request.body


async def _worker(
    host: str,
    port: int,
    payloads: Sequence[tuple[str, bytes]],
    deadline: float,
    timeout_s: float,
    tallies: dict[str, Tally],
    offset: int,
) -> None:
    """One client: a keep-alive connection, one request at a time until the deadline."""
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    turn = offset
    while time.perf_counter() < deadline:
        label, payload = payloads[turn % len(payloads)]
        tally = tallies[label]
        turn += 1
        try:
            if writer is None or reader is None:
                reader, writer = await asyncio.open_connection(host, port)
            start = time.perf_counter()
            writer.write(payload)
            tally.sent += 1
            status = await asyncio.wait_for(_read_response(reader), timeout_s)
            tally.latencies_ms.append((time.perf_counter() - start) * 1000)
            tally.statuses[str(status)] += 1
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as error:
            tally.errors += 1
            tally.error_kinds[type(error).__name__] += 1
            if writer is not None:
                writer.close()
            writer = reader = None
    if writer is not None:
        writer.close()


async def _run_asyncio(
    base_url: str,
    requests: Sequence[Request],
    concurrency: int,
    duration_s: float,
    timeout_s: float,
) -> tuple[dict[str, Tally], float]:
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    prefix = parts.path.rstrip("/")
    payloads = [
        (r.label, _encode(host, port, Request(r.method, prefix + r.path, r.headers, r.body)))
        for r in requests
    ]
    tallies = {label: Tally() for label, _ in payloads}
    start = time.perf_counter()
    deadline = start + duration_s
    await asyncio.gather(
        *(
            _worker(host, port, payloads, deadline, timeout_s, tallies, i)
            for i in range(concurrency)
        )
    )
    return tallies, time.perf_counter() - start


def run_mix(
    base_url: str,
    requests: Sequence[Request],
    *,
    concurrency: int,
    duration_s: float,
    timeout_s: float,
) -> tuple[dict[str, Tally], float]:
    """Keep ``concurrency`` clients cycling through ``requests`` for ``duration_s``.

    Each client starts at a different place in the list, so the mix is even at every moment;
    requests in flight at the deadline are waited for (up to ``timeout_s``), never dropped.

    Returns:
        A :class:`Tally` per request label, and the elapsed seconds.

    Raises:
        ValueError: non-loopback URL or no requests.
    """
    check_loopback(base_url)
    if not requests:
        raise ValueError("no requests to send")
    return asyncio.run(_run_asyncio(base_url, requests, concurrency, duration_s, timeout_s))


def measure_asyncio(
    base_url: str, request: Request, *, concurrency: int, duration_s: float, timeout_s: float
) -> Measurement:
    """Measure with the built-in asyncio client (used when ``wrk`` is absent).

    Raises:
        ValueError: non-loopback URL.
    """
    check_loopback(base_url)
    tallies, elapsed = asyncio.run(
        _run_asyncio(base_url, [request], concurrency, duration_s, timeout_s)
    )
    (tally,) = tallies.values()
    lat = sorted(tally.latencies_ms)
    ok = sum(n for s, n in tally.statuses.items() if s.startswith("2"))
    return Measurement(
        client="asyncio",
        concurrency=concurrency,
        duration_s=round(elapsed, 3),
        requests=len(lat),
        p50_ms=round(percentile(lat, 50), 4),
        p99_ms=round(percentile(lat, 99), 4),
        mean_ms=round(sum(lat) / len(lat), 4) if lat else 0.0,
        max_ms=round(lat[-1], 4) if lat else 0.0,
        throughput_rps=round(len(lat) / elapsed, 2) if elapsed else 0.0,
        non_2xx=len(lat) - ok,
        errors=tally.errors,
        status_counts=dict(tally.statuses),
    )


def combine(parts: Sequence[Measurement]) -> Measurement:
    """Combine runs of the same request: mean of percentiles, pooled counts and throughput.

    Raises:
        ValueError: for no parts.
    """
    if not parts:
        raise ValueError("nothing to combine")
    if len(parts) == 1:
        return parts[0]
    seconds = sum(p.duration_s for p in parts)
    requests = sum(p.requests for p in parts)
    statuses: Counter[str] = Counter()
    for part in parts:
        statuses.update(part.status_counts)
    return Measurement(
        client=parts[0].client,
        concurrency=parts[0].concurrency,
        duration_s=round(seconds, 3),
        requests=requests,
        p50_ms=round(sum(p.p50_ms for p in parts) / len(parts), 4),
        p99_ms=round(sum(p.p99_ms for p in parts) / len(parts), 4),
        mean_ms=round(sum(p.mean_ms * p.requests for p in parts) / requests, 4) if requests else 0,
        max_ms=max(p.max_ms for p in parts),
        throughput_rps=round(requests / seconds, 2) if seconds else 0.0,
        non_2xx=sum(p.non_2xx for p in parts),
        errors=sum(p.errors for p in parts),
        status_counts=dict(statuses),
    )


def measure(
    base_url: str,
    request: Request,
    *,
    concurrency: int,
    duration_s: float,
    timeout_s: float = 60.0,
    client: str = "auto",
) -> Measurement:
    """Measure with ``client`` ("wrk", "asyncio", or "auto": wrk when installed).

    Raises:
        ValueError: non-loopback URL or unknown client. RuntimeError: wrk failed.
    """
    if client == "auto":
        client = "wrk" if wrk_path() else "asyncio"
    if client == "wrk":
        return measure_wrk(
            base_url,
            request,
            concurrency=concurrency,
            duration_s=duration_s,
            timeout_s=timeout_s,
        )
    if client == "asyncio":
        return measure_asyncio(
            base_url,
            request,
            concurrency=concurrency,
            duration_s=duration_s,
            timeout_s=timeout_s,
        )
    raise ValueError(f"unknown client {client!r}: use wrk, asyncio or auto")
