"""Answers a remote store must never relay as whole, from a loopback server that sends exactly
what the engines were seen to send: a 206, a document cut short, Oxigraph's cancellation text
after a 200 body, Virtuoso's partial-result headers and its row cap, a connection dropped
mid-body, an error status. Each is a 502 or 504 with the reason over HTTP and exit 1 from the
CLI with nothing on standard output; GraphQL's reads (``select``) and the case registry's
refuse them too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from store_support import Client
from typer.testing import CliRunner

from oos_kg.app import create_app
from oos_kg.cli import app as cli
from oos_kg.errors import IncompleteAnswer, OosKgError, RemoteTimeout, StoreError
from oos_kg.settings import Settings
from oos_kg.store.remote import RemoteStore

JSON = "application/sparql-results+json"
ROWS = (
    b'{"head":{"vars":["s"]},"results":{"bindings":['
    b'{"s":{"type":"uri","value":"urn:a"}},{"s":{"type":"uri","value":"urn:b"}},'
    b'{"s":{"type":"uri","value":"urn:c"}}]}}'
)
CANCELLED = b"The SPARQL operation has been cancelled"


@dataclass
class Canned:
    """What the loopback server answers next: status, headers, body, and whether to drop the
    connection after ``cut_at`` bytes of a body announced whole."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": JSON})
    body: bytes = ROWS
    cut_at: int | None = None


class _Handler(BaseHTTPRequestHandler):
    canned = Canned()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        canned = self.canned
        self.send_response(canned.status)
        for name, value in canned.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(canned.body)))
        self.end_headers()
        self.wfile.write(canned.body if canned.cut_at is None else canned.body[: canned.cut_at])
        if canned.cut_at is not None:
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: ARG002
        return


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A loopback HTTP server answering every POST with ``_Handler.canned``."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    finally:
        httpd.shutdown()
        httpd.server_close()


VIRTUOSO_TIMEOUT = {
    "Content-Type": JSON,
    "X-SQL-State": "S1TAT",
    "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by result timeout.",
    "X-Exec-DB-Activity": "34.19K rnd  495.7M seq",
}

CASES = {
    "206": (Canned(status=206), 502, "answered 206"),
    "cut-short": (Canned(body=ROWS[:70]), 502, "does not parse to its end"),
    "oxigraph-cancelled": (Canned(body=ROWS[:70] + CANCELLED), 504, "has been cancelled"),
    "virtuoso-anytime": (Canned(headers=VIRTUOSO_TIMEOUT), 504, "interrupted by result timeout"),
    "virtuoso-activity": (
        Canned(headers={"Content-Type": JSON, "X-Exec-DB-Activity": "1 rnd"}),
        502,
        "marked its answer as partial",
    ),
    "dropped": (Canned(cut_at=60), 502, "broke off before its end"),
    "error-timeout": (
        Canned(status=500, headers={"Content-Type": "text/plain"}, body=b"S1T00: timeout"),
        504,
        "S1T00",
    ),
    "error-other": (
        Canned(status=500, headers={"Content-Type": "text/plain"}, body=b"out of memory"),
        502,
        "out of memory",
    ),
    "wrong-type": (
        Canned(headers={"Content-Type": "text/csv"}, body=b"s\r\nurn:a\r\n"),
        502,
        "csv",
    ),
}


@pytest.mark.parametrize(("canned", "status", "reason"), CASES.values(), ids=list(CASES))
def test_an_answer_that_is_not_whole_is_a_502_or_504_never_a_200(
    server: str, canned: Canned, status: int, reason: str
) -> None:
    _Handler.canned = canned
    client = Client(create_app(Settings(store="remote", remote_query_url=server)))
    try:
        response = client.post("/sparql", data={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    finally:
        client.app.state.store.close()
    assert response.status_code == status, response.text
    assert reason in response.json()["error"]["message"]
    assert "urn:a" not in response.text


@pytest.mark.parametrize(("canned", "status", "reason"), CASES.values(), ids=list(CASES))
def test_the_case_registrys_reads_refuse_them_too(
    server: str, canned: Canned, status: int, reason: str
) -> None:
    _Handler.canned = canned
    store = RemoteStore(server)
    try:
        with pytest.raises(OosKgError) as caught:
            store.select_all_graphs("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }")
    finally:
        store.close()
    assert caught.value.status == status
    assert reason in caught.value.message


def test_a_refusal_of_the_registrys_own_query_or_update_is_not_the_callers_400(
    server: str,
) -> None:
    _Handler.canned = Canned(
        status=400, headers={"Content-Type": "text/plain"}, body=b"SP030: syntax error"
    )
    store = RemoteStore(server, update_url=server)
    try:
        with pytest.raises(StoreError, match="refused a query of ours: .*SP030") as query:
            store.select_all_graphs("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }")
        with pytest.raises(StoreError, match="refused an update of ours: .*SP030") as update:
            store.update_unchecked("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    finally:
        store.close()
    assert query.value.status == update.value.status == 503


def test_a_result_as_long_as_virtuosos_row_cap_is_refused(server: str) -> None:
    _Handler.canned = Canned()
    capped = RemoteStore(server, engine="virtuoso", max_rows=3)
    roomy = RemoteStore(server, engine="virtuoso", max_rows=4)
    try:
        with pytest.raises(IncompleteAnswer, match="result cap"):
            capped.query_serialized("SELECT ?s { ?s ?p ?o }", [JSON])
        with pytest.raises(IncompleteAnswer, match="result cap"):
            capped.select("SELECT ?s { ?s ?p ?o }")  # what GraphQL reads
        assert len(roomy.select("SELECT ?s { ?s ?p ?o }")) == 3
    finally:
        capped.close()
        roomy.close()


def test_an_answer_over_the_size_held_for_checking_is_refused(server: str) -> None:
    _Handler.canned = Canned()
    store = RemoteStore(server, max_answer_bytes=len(ROWS) - 1)
    try:
        with pytest.raises(IncompleteAnswer, match="runs past"):
            store.query_serialized("SELECT ?s { ?s ?p ?o }", [JSON])
    finally:
        store.close()


def test_a_cancelled_graph_is_a_504(server: str) -> None:
    _Handler.canned = Canned(
        headers={"Content-Type": "application/n-triples"},
        body=b"<urn:a> <urn:b> <urn:c> .\n" + CANCELLED,
    )
    store = RemoteStore(server)
    try:
        with pytest.raises(RemoteTimeout, match="own time limit"):
            store.query_serialized("CONSTRUCT WHERE { ?s ?p ?o }", ["text/turtle"])
    finally:
        store.close()


def test_the_cli_exits_1_with_the_reason_and_prints_no_row(server: str) -> None:
    _Handler.canned = Canned(body=ROWS[:70] + CANCELLED)
    env = {"OOS_KG_STORE": "remote", "OOS_KG_REMOTE_QUERY_URL": server}
    result = CliRunner().invoke(
        cli, ["query", "--remote", "--format", "csv", "SELECT ?s { ?s ?p ?o }"], env=env
    )
    assert result.exit_code == 1
    assert "has been cancelled" in result.stderr
    assert result.stdout == ""
