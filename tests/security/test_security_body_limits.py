"""Bodies over the limits get 413 quickly, with or without a Content-Length.

A chunked body with no Content-Length must be cut off by counting the streamed bytes; the
raw-socket probe keeps sending and checks the service answers 413 long before the sender is
done, so the service never buffers an unbounded body.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from live_service import ADMIN_TOKEN, LIMITS, Service

TYPES = {
    "/sparql": "application/sparql-query",
    "/sparql/update": "application/sparql-update",
    "/validate?framework=eu": "text/turtle",
    "/graphql": "application/json",
}
TOKEN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PATHS = ["/sparql", "/sparql/update", "/graphql"]
QUICK_S = 5.0


def limit_of(path: str) -> int:
    return LIMITS[path.split("?")[0]]


def headers(path: str) -> dict[str, str]:
    return {"Content-Type": TYPES[path], **TOKEN}


def over(path: str) -> bytes:
    """A body just over the limit (a comment or whitespace, valid up to the cut)."""
    size = limit_of(path) + 1
    if path == "/graphql":
        return b'{"query": "{ __typename }", "x": "' + b"a" * size + b'"}'
    return b"# " + b"a" * size


@pytest.mark.parametrize("path", PATHS)
def test_body_over_the_limit_with_a_content_length_is_413(server: Service, path: str) -> None:
    started = time.monotonic()
    response = server.post(path, content=over(path), headers=headers(path))
    assert response.status_code == 413, response.text[:300]
    assert str(limit_of(path)) in response.text
    assert time.monotonic() - started < QUICK_S


@pytest.mark.parametrize("path", PATHS)
def test_chunked_body_over_the_limit_is_413(server: Service, path: str) -> None:
    body = over(path)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    started = time.monotonic()
    response = server.post(path, content=chunks(), headers=headers(path))
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 413, response.text[:300]
    assert time.monotonic() - started < QUICK_S


@pytest.mark.parametrize("path", PATHS)
def test_body_at_the_limit_is_not_refused_for_its_size(server: Service, path: str) -> None:
    if path == "/graphql":
        pad = limit_of(path) - len(b'{"query": "{ __typename }", "x": ""}')
        body = b'{"query": "{ __typename }", "x": "' + b"a" * pad + b'"}'
    else:
        body = b"ASK {} " + b" " * (limit_of(path) - 7)
        if path == "/sparql/update":
            body = b"CLEAR SILENT GRAPH <urn:x:none> " + b" " * (limit_of(path) - 32)
    assert len(body) == limit_of(path)
    response = server.post(path, content=body, headers=headers(path))
    assert response.status_code in (200, 204), response.text[:300]


def endless_chunked_post(service: Service, path: str, give_up_after: int) -> tuple[int, int]:
    """Stream a chunked body until the service answers; return (status, bytes sent).

    Raises:
        AssertionError: when the service has not answered after ``give_up_after`` bytes.
    """
    parts = urlsplit(service.url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: {TYPES[path]}\r\n"
        f"Authorization: Bearer {ADMIN_TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    sock.sendall(head)
    chunk = b"2000\r\n" + b"#" * 0x2000 + b"\r\n"
    sent = 0
    try:
        while sent < give_up_after:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += 0x2000
        deadline = time.monotonic() + QUICK_S
        answer = b""
        while b"\r\n" not in answer and time.monotonic() < deadline:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 "), f"no answer after {sent} bytes"
    return int(answer.split()[1]), sent


@pytest.mark.parametrize("path", PATHS)
def test_an_endless_chunked_body_is_cut_off(server: Service, path: str) -> None:
    status, sent = endless_chunked_post(server, path, give_up_after=100 * limit_of(path))
    assert status == 413
    assert sent < 100 * limit_of(path)
