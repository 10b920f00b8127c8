"""Literals come back from a remote engine as the embedded store gives them, in every result
format: Virtuoso keeps xsd:boolean as 1/0 and xsd:duration as a number of months or seconds,
and writes ASK as a one-column SELECT; the remote store writes them back as Oxigraph does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from store_support import Client

from oos_kg.namespaces import GRAPH
from oos_kg.settings import Settings
from oos_kg.sparql.negotiation import RESULTS_TYPES
from oos_kg.store import KgStore
from oos_kg.store.memory import MemoryStore

PROBE = str(GRAPH["literal-probe"])
XSD = "http://www.w3.org/2001/XMLSchema#"
TRIPLES = (
    "".join(
        f'<urn:probe> <urn:p{index}> "{value}"^^<{XSD}{datatype}> .\n'
        for index, (value, datatype) in enumerate(
            [
                ("true", "boolean"),
                ("false", "boolean"),
                ("P2D", "duration"),
                ("PT1H30M", "duration"),
                ("P30D", "duration"),
                ("P1Y", "duration"),
                ("P1Y2M", "yearMonthDuration"),
                ("2020-01-01", "date"),
                ("2020-01-01T10:00:00Z", "dateTime"),
                ("48", "integer"),
            ]
        )
    )
    + '<urn:probe> <urn:label> "Probe"@en .\n<urn:probe> <urn:name> "plain" .\n'
)
QUERY = "SELECT ?p ?o WHERE { <urn:probe> ?p ?o } ORDER BY ?p"
"""One object per predicate: SPARQL leaves the order of a plain and a language-tagged literal
open, and Oxigraph and Virtuoso order them differently."""

REMOTE = pytest.mark.parametrize(
    "backend",
    [pytest.param(kind, marks=pytest.mark.integration) for kind in ("remote", "virtuoso")],
    indirect=True,
)


@pytest.fixture()
def probe(backend: tuple[Settings, KgStore]) -> Iterator[KgStore]:
    """The backend's store with the probe graph (loaded as ``oos-kg load`` loads), dropped
    afterwards."""
    store = backend[1]
    store.replace_graphs({PROBE: TRIPLES.encode()})
    yield store
    store.update(f"DROP SILENT GRAPH <{PROBE}>")


@pytest.fixture(scope="module")
def reference() -> MemoryStore:
    """The same triples in an in-memory pyoxigraph store."""
    store = MemoryStore()
    store.replace_graphs({PROBE: TRIPLES.encode()})
    return store


@REMOTE
@pytest.mark.parametrize("media", RESULTS_TYPES)
def test_literals_come_back_as_the_embedded_store_gives_them(
    probe: KgStore, reference: MemoryStore, media: str
) -> None:
    got = probe.query_serialized(QUERY, [media], default_graph_uris=[PROBE])
    assert got == reference.query_serialized(QUERY, [media], default_graph_uris=[PROBE])


@REMOTE
@pytest.mark.parametrize("media", RESULTS_TYPES)
@pytest.mark.parametrize("ask", ["ASK { ?s ?p ?o }", "ASK { <urn:nothing> ?p ?o }"])
def test_ask_answers_a_boolean_in_every_format(
    client: Client, reference: MemoryStore, media: str, ask: str
) -> None:
    response = client.post("/sparql", data={"query": ask}, headers={"accept": media})
    assert response.status_code == 200, response.text
    expected = reference.query_serialized(ask, [media])
    assert response.content == expected[1]
