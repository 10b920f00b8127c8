"""Every kind of IRI under the base resolves, in each RDF format and as a page."""

from __future__ import annotations

import html
import json

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode
from store_support import Client

from oos_kg.linked_data import FORMATS, HTML
from oos_kg.namespaces import BASE
from oos_kg.store import KgStore

RDF_FORMATS = [f for f in FORMATS if f is not HTML]
RDFLIB_NAMES = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}

# path below the base -> kind; ontology terms are hash IRIs answered by /ontology
RESOURCES = {
    "/id/product-kymriah": "product",
    "/id/substance-tisagenlecleucel": "substance",
    "/id/trial-jrct1080224903": "trial",
    "/id/program-nct03601442": "program",
    "/id/clause-cfr-21-312-315": "clause",
    "/id/obligation-eu-mah-risk-assessment": "obligation",
    "/id/study-ref-11": "study",
    "/id/jurisdiction-jp": "jurisdiction (en + ja labels)",
    "/source/paper-table-3": "source location",
    "/shapes/EU-03-report-within-48h": "shape",
    "/graph/products": "named graph",
    "/graph/ontology": "named graph",
}
TERMS = {
    "ontology#Clause": "class",
    "ontology#activeSubstance": "property",
    "ontology#modality-car-t-cell-therapy": "concept",
    "ontology#scheme-modality": "concept scheme",
}


def own_statements(store: KgStore, iri: str) -> set[tuple[str, str]]:
    """(predicate, object) of the resource's statements in the store, blank objects left out."""
    rows = store.select(
        f"SELECT ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} FILTER(!isBlank(?o)) }}"
    )
    return {(r["p"].value, r["o"].value) for r in rows}


def parse(body: bytes, name: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=body, format=RDFLIB_NAMES[name])
    return graph


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("path", list(RESOURCES), ids=list(RESOURCES.values()))
def test_each_format_parses_and_holds_the_resources_statements(
    client: Client, paper_store: KgStore, path: str, fmt: object
) -> None:
    response = client.get(path, headers={"Accept": fmt.media_type})  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(fmt.media_type)  # type: ignore[attr-defined]
    assert response.headers["vary"] == "Accept"
    assert 'rel="alternate"' in response.headers["link"]
    graph = parse(response.content, fmt.name)  # type: ignore[attr-defined]
    iri = BASE + path
    expected = own_statements(paper_store, iri)
    got = {(str(p), str(o)) for p, o in graph.predicate_objects(rdflib.URIRef(iri))}
    if path.startswith("/graph/"):
        assert ("http://rdfs.org/ns/void#triples", str(paper_store.graph_sizes()[iri])) in got
    assert expected <= got, expected - got


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("term", list(TERMS), ids=list(TERMS.values()))
def test_ontology_terms_are_in_the_ontology_document(
    client: Client, paper_store: KgStore, term: str, fmt: object
) -> None:
    response = client.get("/ontology", params={"format": fmt.name})  # type: ignore[attr-defined]
    assert response.status_code == 200
    graph = parse(response.content, fmt.name)  # type: ignore[attr-defined]
    iri = f"{BASE}/{term}"
    got = {(str(p), str(o)) for p, o in graph.predicate_objects(rdflib.URIRef(iri))}
    expected = own_statements(paper_store, iri)
    assert expected and expected <= got


def labels_of(store: KgStore, iri: str) -> list[Literal]:
    rows = store.select(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}"
    )
    return [r["l"] for r in rows if isinstance(r["l"], Literal)]


@pytest.mark.parametrize(
    "path", [p for p in RESOURCES if not p.startswith("/id/product-")], ids=str
)
def test_the_page_names_the_resource_in_every_language_it_has(
    client: Client, paper_store: KgStore, path: str
) -> None:
    response = client.get(path, headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for label in labels_of(paper_store, BASE + path):
        assert label.value in html.unescape(response.text), label


def test_the_page_shows_english_and_japanese_labels(client: Client) -> None:
    page = client.get("/id/jurisdiction-jp", headers={"Accept": "text/html"}).text
    assert "<dt>English</dt>" in page and "<dt>日本語</dt>" in page
    assert 'lang="ja"' in page
    ja = client.get("/id/jurisdiction-jp", params={"lang": "ja"}, headers={"Accept": "text/html"})
    assert "記述" in ja.text  # the page's own headings follow ?lang=


def test_the_page_links_every_resource_it_names_to_this_server(client: Client) -> None:
    page = client.get("/id/substance-tisagenlecleucel", headers={"Accept": "text/html"}).text
    assert 'href="/id/product-kymriah"' in page
    assert 'href="/ontology#ActiveSubstance"' in page
    assert 'href="/source/paper-table-3"' in page
    assert 'href="/graph/products"' in page


def test_a_product_page_is_the_products_page(client: Client) -> None:
    response = client.get(
        "/id/product-kymriah", headers={"Accept": "text/html"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/products/kymriah"
    assert response.headers["vary"] == "Accept"


def test_the_ontology_page_documents_every_term_in_both_languages(
    client: Client, paper_store: KgStore
) -> None:
    page = client.get("/ontology", headers={"Accept": "text/html"}).text
    rows = paper_store.select(
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?t ?l WHERE { GRAPH <https://w3id.org/oos-kg/graph/ontology> { "
        "?t a ?k ; rdfs:label ?l VALUES ?k { owl:Class owl:ObjectProperty "
        "owl:DatatypeProperty owl:AnnotationProperty skos:ConceptScheme skos:Concept } "
        'FILTER(STRSTARTS(STR(?t), "https://w3id.org/oos-kg/ontology#")) } }'
    )
    assert len(rows) > 100
    for row in rows:
        anchor = row["t"].value.split("#", 1)[1]
        assert f'id="{anchor}"' in page, anchor
        assert row["l"].value.replace("'", "&#39;") in page, row["l"]
    assert "有効成分" in page  # oos:activeSubstance's Japanese label
    assert 'href="#ActiveSubstance"' in page or 'href="/ontology#ActiveSubstance"' in page


def test_the_version_iri_resolves_to_that_version(client: Client) -> None:
    whole = client.get("/ontology", params={"format": "nt"}).content
    version = parse(whole, "nt").value(rdflib.URIRef(BASE + "/ontology"), rdflib.OWL.versionIRI)
    assert version is not None
    response = client.get(str(version)[len(BASE) :], params={"format": "nt"})
    assert response.status_code == 200
    assert response.content == whole
    assert client.get("/ontology/0.0.0-none", params={"format": "nt"}).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_an_unknown_iri_is_404_in_the_format_asked(client: Client, fmt: object) -> None:
    media = fmt.media_type  # type: ignore[attr-defined]
    response = client.get("/id/product-no-such-thing", headers={"Accept": media})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(media)
    if fmt is HTML:
        assert "product-no-such-thing" in response.text
    else:
        assert len(parse(response.content, fmt.name)) == 0  # type: ignore[attr-defined]


def test_a_format_nobody_serves_is_406(client: Client) -> None:
    response = client.get("/id/substance-tisagenlecleucel", headers={"Accept": "application/pdf"})
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"
    assert client.get("/ontology", params={"format": "docx"}).status_code == 406


def test_format_parameter_wins_over_accept(client: Client) -> None:
    response = client.get(
        "/id/substance-tisagenlecleucel",
        params={"format": "jsonld"},
        headers={"Accept": "text/html"},
    )
    assert response.headers["content-type"].startswith("application/ld+json")
    assert json.loads(response.content)


def test_a_case_graph_is_never_described(paper_store: KgStore) -> None:
    from oos_kg.linked_data import describe

    store_iri = BASE + "/id/substance-tisagenlecleucel"
    paper_store.update(
        f"INSERT DATA {{ GRAPH <{BASE}/cases/test-case> {{ <{store_iri}> "
        '<http://example.org/secret> "case data" } }'
    )
    try:
        found = describe(paper_store, NamedNode(store_iri))
        assert all(s.graph is None or "/cases/" not in s.graph.value for s in found.statements)
        assert "case data" not in {s.object.value for s in found.statements}
    finally:
        paper_store.update(f"DROP SILENT GRAPH <{BASE}/cases/test-case>")


def test_a_path_that_is_no_iri_is_404_not_an_error(client: Client) -> None:
    for path in ("/id/a%3Eb", "/id/a%20b", "/id/%1F", "/shapes/%7B%7D", "/graph/" + "x" * 5000):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 404, path
        assert all(0x20 <= ord(c) < 0x7F for c in response.headers["link"]), path


def test_a_404_in_turtle_stays_turtle_whatever_the_path(client: Client) -> None:
    response = client.get("/id/x%3E%20.%0D%3Ca%3E", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert len(parse(response.content, "ttl")) == 0
