"""The dataset describes itself (VoID, DCAT, schema.org) and can be downloaded and released."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyshacl
import rdflib
from pyoxigraph import RdfFormat, parse
from store_support import Client
from typer.testing import CliRunner

from oos_kg.cli import app as cli
from oos_kg.linked_data import KG_GRAPHS, dataset_jsonld
from oos_kg.settings import Settings
from oos_kg.store import KgStore

ROOT = Path(__file__).resolve().parents[2]
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


def void_graph(client: Client) -> rdflib.Graph:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.content, format="turtle")


def conforms(graph: rdflib.Graph) -> tuple[bool, str]:
    shapes = rdflib.Graph().parse(ROOT / "shapes" / "dcat.ttl")
    ok, _, text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=False, do_owl_imports=False
    )
    return bool(ok), str(text)


def test_the_description_validates_against_the_dcat_ap_shape(client: Client) -> None:
    ok, report = conforms(void_graph(client))
    assert ok, report


def test_the_dcat_shape_fires_on_a_distribution_without_access_url(client: Client) -> None:
    graph = void_graph(client)
    graph.remove((None, DCAT.accessURL, None))
    ok, report = conforms(graph)
    assert not ok
    assert "DCAT-03-distribution-access-url" in report


def test_triple_counts_are_the_stores(client: Client, paper_store: KgStore) -> None:
    graph = void_graph(client)
    sizes = paper_store.graph_sizes()
    for named in KG_GRAPHS:
        counted = graph.value(rdflib.URIRef(named.value), VOID.triples)
        assert counted is not None and int(counted) == sizes[named.value], named
    total = [int(o) for s, o in graph.subject_objects(VOID.triples) if str(s).endswith("#oos-kg")]
    assert total == [sum(sizes[g.value] for g in KG_GRAPHS)]


def test_sizes_and_checksums_are_those_of_the_files_served(client: Client) -> None:
    graph = void_graph(client)
    distributions = list(graph.subjects(rdflib.RDF.type, DCAT.Distribution))
    assert len(distributions) == 3 + len(KG_GRAPHS)
    for dist in distributions:
        path = str(dist).split("/oos-kg", 1)[1]
        body = client.get(path).content
        assert int(graph.value(dist, DCAT.byteSize)) == len(body), path
        checksum = graph.value(dist, SPDX.checksum)
        assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
    sums = client.get("/download/SHA256SUMS").text.splitlines()
    assert len(sums) == len(distributions)


def test_the_listing_page_names_every_file(client: Client) -> None:
    page = client.get("/download/", headers={"Accept": "text/html"}).text
    for name in ("oos-kg.nq", "oos-kg.trig", "oos-kg.jsonld", "graph-ontology.ttl"):
        assert f'href="/download/{name}"' in page
    assert client.get("/download/nothing.zip").status_code == 404


def test_the_service_description_carries_the_dataset_description(client: Client) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (None, VOID.sparqlEndpoint, None) in graph
    assert len(list(graph.subjects(rdflib.RDF.type, DCAT.Distribution))) == 3 + len(KG_GRAPHS)


def test_schema_org_dataset_counts_come_from_the_store(paper_store: KgStore) -> None:
    value = dataset_jsonld(paper_store, Settings(store="memory"))
    assert value["@type"] == "Dataset"
    sizes = paper_store.graph_sizes()
    assert value["size"] == f"{sum(sizes[g.value] for g in KG_GRAPHS)} triples"
    assert value["version"] and value["license"].startswith("https://creativecommons.org/")


def test_a_case_graph_is_neither_counted_nor_downloaded(paper_store: KgStore) -> None:
    from oos_kg.linked_data import build_release

    before = build_release(paper_store)
    paper_store.update(
        "INSERT DATA { GRAPH <https://w3id.org/oos-kg/cases/c1> { "
        "<https://example.org/case> <https://example.org/p> 'secret' } }"
    )
    try:
        after = build_release(paper_store)
    finally:
        paper_store.update("DROP SILENT GRAPH <https://w3id.org/oos-kg/cases/c1>")
    assert [d.size for d in after.downloads] == [d.size for d in before.downloads]
    assert b"secret" not in after.downloads[0].data


def test_export_release_writes_the_served_set_with_its_description(
    client: Client, tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli, ["export", "--release", str(tmp_path / "rel")])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "rel").iterdir())
    served = [line.split()[1] for line in client.get("/download/SHA256SUMS").text.splitlines()]
    assert written == sorted([*served, "SHA256SUMS", "void.ttl"])
    for line in (tmp_path / "rel" / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((tmp_path / "rel" / name).read_bytes()).hexdigest() == digest
    for name in served:  # same statements as the server's files (blank node labels aside)
        fmt = RdfFormat.from_extension(name.rsplit(".", 1)[1])
        assert fmt is not None
        mine = list(parse((tmp_path / "rel" / name).read_bytes(), format=fmt))
        theirs = list(parse(client.get(f"/download/{name}").content, format=fmt))
        assert len(mine) == len(theirs) > 0, name
    ok, report = conforms(rdflib.Graph().parse(tmp_path / "rel" / "void.ttl"))
    assert ok, report


def test_export_refuses_release_with_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["export", "--release", str(tmp_path), "--output", str(tmp_path / "x")]
    )
    assert result.exit_code == 2


def test_the_description_answers_each_rdf_format_and_sends_browsers_to_the_listing(
    client: Client,
) -> None:
    for media, fmt in (("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")):
        response = client.get("/.well-known/void", headers={"Accept": media})
        assert response.headers["content-type"].startswith(media)
        assert (None, VOID.triples, None) in rdflib.Graph().parse(data=response.content, format=fmt)
    page = client.get("/.well-known/void", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/download/"
