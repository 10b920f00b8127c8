"""``/sparql``: the SPARQL 1.1 Protocol query operation, on every backend."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
from urllib.parse import quote

import httpx
import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from store_support import Client

from oos_kg.app import create_app
from oos_kg.namespaces import GRAPH, OOS
from oos_kg.settings import Settings
from oos_kg.store import KgStore

COUNT_SUBSTANCES = f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a <{OOS.ActiveSubstance}> }}"
SUBSTANCES = (
    f"CONSTRUCT {{ ?s a <{OOS.ActiveSubstance}> }} WHERE {{ ?s a <{OOS.ActiveSubstance}> }}"
)
PRODUCT_LABELS = (
    f"SELECT ?label WHERE {{ ?p a <{OOS.RegenerativeMedicineProduct}> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
)


def count_of(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_get_select_answers_sparql_json_over_the_union_of_the_graphs(client: Client) -> None:
    response = client.get("/sparql", params={"query": COUNT_SUBSTANCES})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert count_of(response.content) == 2


def test_post_form_and_post_query_body_answer_like_get(client: Client) -> None:
    form = client.post("/sparql", data={"query": COUNT_SUBSTANCES})
    direct = client.post(
        "/sparql",
        content=COUNT_SUBSTANCES,
        headers={"content-type": "application/sparql-query; charset=utf-8"},
    )
    assert form.status_code == direct.status_code == 200
    assert count_of(form.content) == count_of(direct.content) == 2


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            QueryResultsFormat.JSON,
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            QueryResultsFormat.XML,
        ),
        ("text/tab-separated-values", "text/tab-separated-values", QueryResultsFormat.TSV),
        ("application/json", "application/sparql-results+json", QueryResultsFormat.JSON),
    ],
)
def test_select_results_come_in_the_accepted_format(
    client: Client, accept: str, media: str, fmt: QueryResultsFormat
) -> None:
    response = client.get("/sparql", params={"query": PRODUCT_LABELS}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    labels = [s["label"].value for s in parse_query_results(response.content, format=fmt)]
    assert labels == ["Fixture Alpha", "Fixture Beta"]


def test_select_as_csv_has_a_header_row(client: Client) -> None:
    response = client.get(
        "/sparql", params={"query": PRODUCT_LABELS}, headers={"accept": "text/csv"}
    )
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [["label"], ["Fixture Alpha"], ["Fixture Beta"]]


def test_ask_answers_a_boolean(client: Client) -> None:
    response = client.get("/sparql", params={"query": f"ASK {{ ?s a <{OOS.Jurisdiction}> }}"})
    assert response.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", RdfFormat.RDF_XML),
    ],
)
def test_construct_comes_in_the_accepted_rdf_format(
    client: Client, accept: str, fmt: RdfFormat
) -> None:
    response = client.get("/sparql", params={"query": SUBSTANCES}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    assert len(list(parse(response.content, format=fmt))) == 2


def test_construct_defaults_to_turtle_and_select_to_json(client: Client) -> None:
    construct = client.get("/sparql", params={"query": SUBSTANCES}, headers={"accept": "*/*"})
    select = client.get("/sparql", params={"query": PRODUCT_LABELS}, headers={"accept": "*/*"})
    assert construct.headers["content-type"].startswith("text/turtle")
    assert select.headers["content-type"] == "application/sparql-results+json"


def test_no_fitting_format_is_406(client: Client) -> None:
    graph_only = client.get(
        "/sparql", params={"query": PRODUCT_LABELS}, headers={"accept": "text/turtle"}
    )
    nothing = client.get(
        "/sparql", params={"query": PRODUCT_LABELS}, headers={"accept": "image/png"}
    )
    assert graph_only.status_code == nothing.status_code == 406
    assert graph_only.json()["error"]["code"] == "not_acceptable"


def test_default_graph_uri_narrows_the_dataset(client: Client) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    regulations = client.get(
        "/sparql", params={"query": query, "default-graph-uri": str(GRAPH.regulations)}
    )
    everything = client.get("/sparql", params={"query": query})
    assert count_of(regulations.content) == 2
    assert count_of(everything.content) > 2


def test_from_one_of_our_graphs_is_honoured(client: Client) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH.regulations}> WHERE {{ ?s ?p ?o }}"
    assert count_of(client.get("/sparql", params={"query": query}).content) == 2


def test_named_graphs_are_visible_to_graph_patterns(client: Client) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    body = client.get("/sparql", params={"query": query}).json()
    graphs = {b["g"]["value"] for b in body["results"]["bindings"]}
    assert {str(GRAPH.ontology), str(GRAPH.products), str(GRAPH.regulations)} <= graphs


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("SELECT * WHERE { ?s ?p }", "malformed query"),
        ("SELECT * {} SELECT * {}", "malformed query"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "/sparql/update"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", "127.0.0.1:9/g"),
        ("SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", "127.0.0.1:9/g"),
        ("SELECT * WHERE " + "{" * 3000 + "}" * 3000, "nest"),
    ],
    ids=["syntax", "two-queries", "update", "service", "service-var", "from", "from-named", "deep"],
)
def test_bad_or_refused_queries_are_400_with_a_message(
    client: Client, query: str, needle: str
) -> None:
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "query_error"
    assert needle in error["message"]
    assert "Traceback" not in response.text


def test_foreign_default_graph_uri_is_refused(client: Client) -> None:
    response = client.get(
        "/sparql", params={"query": "ASK {}", "default-graph-uri": "http://127.0.0.1:9/g"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"params": {"query": ["ASK {}", "ASK {}"]}}, 400),
        ({"params": {"update": "CLEAR ALL"}}, 400),
        ({"content": "CLEAR ALL", "headers": {"content-type": "application/sparql-update"}}, 400),
        ({"data": {"update": "CLEAR ALL"}}, 400),
        ({"content": "ASK {}", "headers": {"content-type": "text/plain"}}, 415),
        ({"content": b"\xff\xfe", "headers": {"content-type": "application/sparql-query"}}, 400),
        ({"data": {"nothing": "here"}}, 400),
    ],
    ids=[
        "two-query-params",
        "update-param",
        "update-body",
        "update-form",
        "text-plain",
        "not-utf8",
        "form-without-query",
    ],
)
def test_protocol_violations(client: Client, kwargs: dict[str, object], status: int) -> None:
    method = "GET" if set(kwargs) == {"params"} else "POST"
    response = client.request(method, "/sparql", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    assert set(response.json()["error"]) == {"code", "message"}


def test_no_query_gives_the_service_description_with_graph_sizes(client: Client) -> None:
    response = client.get("/sparql", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    from pyoxigraph import Store

    described = Store()
    described.load(response.content, format=RdfFormat.TURTLE)
    rows = described.query(
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
        "PREFIX void: <http://rdfs.org/ns/void#> "
        "SELECT ?name ?n WHERE { ?s sd:defaultDataset/sd:namedGraph [ sd:name ?name ; "
        "sd:graph/void:triples ?n ] }"
    )
    sizes = {row["name"].value: int(row["n"].value) for row in rows}  # type: ignore[index]
    assert sizes[str(GRAPH.regulations)] == 2
    assert sizes[str(GRAPH.ontology)] > 0


def test_a_browser_gets_an_html_page(client: Client) -> None:
    response = client.get(
        "/sparql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/static/yasgui/yasgui.min.js" in response.text  # YASGUI, from the package


def test_query_in_url_encoded_get_survives_reserved_characters(client: Client) -> None:
    query = 'SELECT ?x WHERE { BIND("a&b=c#d+e" AS ?x) }'
    response = client.get(f"/sparql?query={quote(query, safe='')}")
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "a&b=c#d+e"


EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_slow_query_gets_503_on_time_while_a_cheap_one_is_answered(
    backend: tuple[Settings, KgStore],
) -> None:
    """The embedded store's workers; a remote engine over the limit (a 504, the engine left
    idle, a quick query answered) is tests/integration/test_remote_time_limits.py's."""
    settings, store = backend
    app = create_app(settings.model_copy(update={"query_timeout_s": 4.0}), store=store)

    async def both() -> tuple[httpx.Response, httpx.Response, float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            slow = asyncio.create_task(client.get("/sparql", params={"query": EXPLOSIVE}))
            await asyncio.sleep(0.3)
            started = time.monotonic()
            cheap = await client.get("/sparql", params={"query": COUNT_SUBSTANCES})
            cheap_time = time.monotonic() - started
            assert not slow.done(), (await slow).text
            return await slow, cheap, cheap_time

    started = time.monotonic()
    slow, cheap, cheap_time = asyncio.run(both())
    assert 3.9 < time.monotonic() - started < 7.0
    assert slow.status_code == 503
    assert slow.json()["error"]["code"] == "query_timeout"
    assert cheap.status_code == 200
    assert cheap_time < 3.0  # far from the slow query's 4 s, even on a busy machine
