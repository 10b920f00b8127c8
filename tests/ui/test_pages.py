"""The human pages over HTTP (no browser): addresses, filters, refusals, downloads, the checker."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from rdflib import Graph
from rdflib.namespace import SH

from oos_kg.app import create_app
from oos_kg.linked_data import KG_GRAPHS
from oos_kg.loading import load_store
from oos_kg.resources import graph_sources
from oos_kg.settings import Settings
from oos_kg.store import open_store

ROOT = Path(__file__).resolve().parents[2]
EU_48H = ROOT / "examples" / "cases" / "eu" / "violates-EU-03-report-within-48h.ttl"
EU_OK = ROOT / "examples" / "cases" / "eu" / "conforms.ttl"
LIMIT = 20_000


@pytest.fixture(scope="module")
def app() -> Iterator[FastAPI]:
    settings = Settings(store="memory", validate_body_limit=LIMIT)
    store = open_store(settings)
    load_store(store, graph_sources())
    yield create_app(settings, store=store)
    store.close()


def call(app: FastAPI, method: str, path: str, **kwargs: object) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pages.test") as c:
            return await c.request(method, path, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(go())


def product_links(page: str) -> list[str]:
    return re.findall(r'href="/products/([a-z0-9-]+)\?', page)


def test_every_table_3_product_has_a_page_at_its_iri_local_name(app: FastAPI) -> None:
    listing = call(app, "GET", "/products")
    slugs = product_links(listing.text)

    assert listing.status_code == 200
    assert len(slugs) == 21
    for slug in slugs:
        page = call(app, "GET", f"/products/{slug}")
        assert page.status_code == 200, slug
        assert f"https://w3id.org/oos-kg/id/product-{slug}" in page.text


def test_product_filters_combine_and_unknown_values_match_nothing(app: FastAPI) -> None:
    both = call(app, "GET", "/products?origin=autologous&provision=clinical-trial")
    nothing = call(app, "GET", "/products?origin=martian")

    assert set(product_links(both.text)) >= {"kymriah", "yescarta"}
    assert len(product_links(both.text)) < 13
    assert product_links(nothing.text) == []
    assert "No product matches" in nothing.text


@pytest.mark.parametrize("query", ["sort=colour", "year=20x5"])
def test_a_bad_listing_parameter_is_a_400_page(app: FastAPI, query: str) -> None:
    response = call(app, "GET", f"/products?{query}")

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text


def test_an_unknown_product_is_a_404_page(app: FastAPI) -> None:
    response = call(app, "GET", "/products/no-such-product")

    assert response.status_code == 404
    assert "/products" in response.text


def test_the_pages_carry_the_content_policy_and_no_cdn(app: FastAPI) -> None:
    for path in ("/", "/products", "/comparison", "/evidence", "/check", "/docs", "/redoc"):
        response = call(app, "GET", path)
        assert response.status_code == 200, path
        assert "default-src 'none'" in response.headers["content-security-policy"], path
        assert "cdn" not in response.text.lower(), path
        assert "<script>" not in response.text, path  # no inline script: the policy forbids it


def test_the_evidence_csv_has_one_row_per_figure_of_the_paper(app: FastAPI) -> None:
    response = call(app, "GET", "/evidence.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    ref_11_crs = {
        r["arm"]: r
        for r in rows
        if r["reference"] == "11" and r["outcome"].startswith("incidence of cytokine")
    }

    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert len(rows) == 29
    assert (ref_11_crs["OOS"]["value"], ref_11_crs["OOS"]["ci_low"]) == ("21", "9")
    assert ref_11_crs["commercial"]["patients"] == "212"


def form(case: str, framework: str = "eu", action: str = "check") -> dict[str, str]:
    return {"case": case, "framework": framework, "format": "turtle", "action": action}


def test_the_checker_shows_each_finding_with_its_clause(app: FastAPI) -> None:
    response = call(app, "POST", "/check?lang=ja", data=form(EU_48H.read_text(encoding="utf-8")))

    assert response.status_code == 200
    assert "EU-03-report-within-48h" in response.text
    assert "EMA/CAT/224381/2019" in response.text
    assert "48時間" in response.text  # the message in Japanese


def test_the_checker_reads_an_uploaded_file_and_says_when_a_case_conforms(app: FastAPI) -> None:
    files = {"file": ("conforms.ttl", EU_OK.read_bytes(), "application/octet-stream")}
    response = call(app, "POST", "/check", data={"framework": "eu"}, files=files)

    assert response.status_code == 200
    assert "conforms to the framework" in response.text


def test_the_checker_downloads_the_shacl_report(app: FastAPI) -> None:
    response = call(
        app, "POST", "/check", data=form(EU_48H.read_text(encoding="utf-8"), action="report")
    )
    report = Graph().parse(data=response.text, format="turtle")

    assert response.headers["content-type"].startswith("text/turtle")
    assert "attachment" in response.headers["content-disposition"]
    assert (None, SH.conforms, None) in report
    assert any(report.subjects(SH.resultSeverity, SH.Violation))


@pytest.mark.parametrize(
    ("data", "status", "says"),
    [
        (form("this is not turtle ."), 400, "line"),
        (form(""), 400, "no case graph"),
        (form("<a> <b> <c> .", framework="mars"), 400, "unknown framework"),
        ({**form("{}"), "format": "n3"}, 400, "unknown format"),
        (
            {**form('{"@context": "http://127.0.0.1:9/ctx", "@id": "x"}'), "format": "jsonld"},
            400,
            "context",
        ),
        (form("#" * (LIMIT + 10)), 413, "over"),
    ],
    ids=["bad-turtle", "empty", "framework", "format", "remote-context", "too-large"],
)
def test_the_checker_refuses_as_post_validate_does(
    app: FastAPI, data: dict[str, str], status: int, says: str
) -> None:
    response = call(app, "POST", "/check", data=data)

    assert response.status_code == status
    if response.headers["content-type"].startswith("text/html"):
        assert says in response.text.lower()
        assert "Traceback" not in response.text


def test_the_pages_follow_an_update_of_the_data() -> None:
    settings = Settings(store="memory")
    store = open_store(settings)
    load_store(store, graph_sources())
    app = create_app(settings, store=store)
    before = call(app, "GET", "/products/kymriah")
    store.update(
        "PREFIX src: <https://w3id.org/oos-kg/source/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "DELETE { GRAPH ?g { ?s rdfs:label ?l } }\n"
        "INSERT { GRAPH ?g { ?s rdfs:label 'Table 3 (renamed)'@en } }\n"
        "WHERE { BIND(src:paper-table-3 AS ?s) GRAPH ?g { ?s rdfs:label ?l } }"
    )
    after = call(app, "GET", "/products/kymriah")
    store.close()

    assert "Table 3: List of approved" in before.text
    assert "Table 3 (renamed)" in after.text  # labels and sources are read again
    assert "Table 3: List of approved" not in after.text


def test_a_browser_asking_for_a_product_iri_lands_on_its_page(app: FastAPI) -> None:
    redirect = call(app, "GET", "/id/product-kymriah?lang=ja", headers={"Accept": "text/html"})
    page = call(app, "GET", redirect.headers["location"])

    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/products/kymriah?lang=ja"
    assert page.status_code == 200
    assert '<html lang="ja">' in page.text


def test_the_front_page_describes_the_dataset_for_dataset_search(app: FastAPI) -> None:
    page = call(app, "GET", "/").text
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found, "no JSON-LD on the front page"
    data = json.loads(found[1])
    assert data["@type"] == "Dataset" and data["@context"] == "https://schema.org/"
    store = app.state.store
    sizes = store.graph_sizes()
    triples = sum(sizes.get(g.value, 0) for g in KG_GRAPHS)
    assert data["size"] == f"{triples} triples"
    assert "</" not in found[1]  # nothing in a value can close the element
