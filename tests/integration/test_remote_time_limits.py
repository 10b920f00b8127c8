"""A query over the time limit on a real remote engine: 504 with the engine's own reason over
HTTP, exit 1 from ``oos-kg query --remote``, never a row of the partial answer; and the engine
is left idle afterwards (its CPU time stops growing; a quick query answers at once).

``oxigraph serve --timeout-s`` cancels at its own limit and appends "The SPARQL operation has
been cancelled" to a 200 answer; Virtuoso takes the limit as the ``timeout`` parameter and
answers 200 with what it found so far, marked only in its X-SQL-State header.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from store_support import (
    Client,
    RemoteServer,
    assert_idle,
    hold,
    make_source_tree,
    oxigraph_process,
    oxigraph_remote,
)
from typer.testing import CliRunner

from oos_kg.app import create_app
from oos_kg.cli import app as cli
from oos_kg.resources import graph_sources
from oos_kg.settings import Settings

pytestmark = pytest.mark.integration

STREAMED = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""Rows from the first moment on: a cut answer would have many."""
COUNTED = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""One row at the end: a cut answer would be a wrong count."""
QUICK = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture source tree."""
    return make_source_tree(tmp_path_factory.mktemp("sources"))


def load_remote(server: RemoteServer, tree: Path) -> None:
    """``oos-kg load --remote`` into ``server``, as an operator would run it."""
    env = {**server.env(), "OOS_KG_RESOURCE_ROOT": str(tree)}
    result = CliRunner().invoke(cli, ["load", "--remote"], env=env)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def oxigraph_with_limit(
    tmp_path_factory: pytest.TempPathFactory, sources: Path
) -> Iterator[RemoteServer]:
    """A loaded ``oxigraph serve --timeout-s 1``."""
    location = tmp_path_factory.mktemp("oxigraph-limited")
    with oxigraph_process(location, timeout_s=1) as (base, process):
        server = oxigraph_remote(base)
        server = replace(server, pid=process.pid)
        load_remote(server, sources)
        yield server


@pytest.fixture(scope="module")
def loaded_virtuoso(virtuoso: RemoteServer, sources: Path) -> RemoteServer:
    """The session's Virtuoso holding the fixture graphs (loaded by ``oos-kg load --remote``
    unless it holds them already)."""
    return hold(virtuoso, graph_sources(sources), load=lambda: load_remote(virtuoso, sources))


UNBOUNDED = str(2**40)
"""An answer size no test reaches: the time limit is what these tests are about."""


def check_over_the_limit(server: RemoteServer, limit_s: float, query: str, reason: str) -> None:
    """The 504 over HTTP and exit 1 from the CLI, each with ``reason``; no rows; then idle."""
    assert server.pid is not None
    settings = Settings(
        **server.settings(), query_timeout_s=limit_s, remote_max_answer_bytes=int(UNBOUNDED)
    )
    client = Client(create_app(settings))
    try:
        response = client.post("/sparql", data={"query": query})
        assert response.status_code == 504, response.text[:500]
        error = response.json()["error"]
        assert error["code"] == "query_timeout"
        assert reason in error["message"]
        assert list(response.json()) == ["error"]  # not one row
        assert_idle(server.pid)
        started = time.monotonic()
        quick = client.post("/sparql", data={"query": QUICK})
        assert quick.status_code == 200, quick.text
        assert time.monotonic() - started < 2.0
    finally:
        client.app.state.store.close()
    env = {
        **server.env(),
        "OOS_KG_QUERY_TIMEOUT_S": str(limit_s),
        "OOS_KG_REMOTE_MAX_ANSWER_BYTES": UNBOUNDED,
    }
    result = CliRunner().invoke(cli, ["query", "--remote", "--format", "csv", query], env=env)
    assert result.exit_code == 1, result.output[:500]
    assert reason in result.output
    assert result.stdout == ""  # not one row, not even a header
    assert_idle(server.pid)


def test_oxigraph_server_cancelling_at_its_limit_is_a_504_not_a_short_answer(
    oxigraph_with_limit: RemoteServer,
) -> None:
    check_over_the_limit(
        oxigraph_with_limit, 20.0, COUNTED, "The SPARQL operation has been cancelled"
    )


def test_a_stream_the_engine_does_not_stop_is_cut_at_our_limit_and_stops(
    oxigraph_with_limit: RemoteServer,
) -> None:
    """``oxigraph serve --timeout-s 1`` goes on streaming these rows (190 MB in 15 s here):
    our limit ends the wait with a 504 and no row, and dropping the connection stops it."""
    check_over_the_limit(oxigraph_with_limit, 2.0, STREAMED, "still sending its answer")


def test_virtuoso_over_the_limit_passed_to_it_is_a_504_not_its_anytime_answer(
    loaded_virtuoso: RemoteServer,
) -> None:
    check_over_the_limit(loaded_virtuoso, 1.0, COUNTED, "query interrupted by result timeout")


def test_our_own_limit_holds_when_the_engine_takes_none(tmp_path: Path, sources: Path) -> None:
    """``oxigraph serve`` without ``--timeout-s``: we stop waiting at the limit (and a second)
    and say so; the server is ended by the test, not left to compute for ever."""
    with oxigraph_process(tmp_path / "oxigraph") as (base, _):
        server = oxigraph_remote(base)
        load_remote(server, sources)
        settings = Settings(**server.settings(), query_timeout_s=1.0)
        client = Client(create_app(settings))
        try:
            started = time.monotonic()
            response = client.post("/sparql", data={"query": COUNTED})
            elapsed = time.monotonic() - started
        finally:
            client.app.state.store.close()
    assert response.status_code == 504, response.text
    assert "did not answer within 2 s" in response.json()["error"]["message"]
    assert elapsed < 4.0
