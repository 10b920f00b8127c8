"""Linked Data: every IRI under the base resolves here, by content negotiation.

``/id/...``, ``/source/...``, ``/shapes/...`` and ``/graph/...`` answer a resource's bounded
description in Turtle, JSON-LD, N-Triples or RDF/XML, or a page for people (a product's page
is ``/products/{slug}``: 303 See Other). ``/ontology`` answers the whole ontology (its terms
are hash IRIs) or its documentation; ``/ontology/{version}`` the version its ``owl:versionIRI``
names. ``/.well-known/void`` describes the dataset (VoID, DCAT); ``/download/`` lists the
files of the release and serves them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import NamedNode, Triple
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from oos_kg.linked_data import (
    FORMATS,
    HTML,
    KG_GRAPHS,
    Format,
    Link,
    OntologyDoc,
    PerVersion,
    adescribe,
    choose_format,
    current_release,
    iri_of_path,
    link_header,
    ontology_doc,
    ontology_rows,
    read_kg_graphs,
    resource_page,
    serialize_triples,
    subset_statements,
)
from oos_kg.linked_data.negotiation import quote_path
from oos_kg.linked_data.release import CHECKSUMS, VOID_FILE
from oos_kg.namespaces import BASE, GRAPH
from oos_kg.pages import LANGUAGES, page_language, render_page
from oos_kg.routes.deps import StoreDep
from oos_kg.store.base import KgStore
from oos_kg.ui import PAGE_HEADERS

__all__ = ["create_router"]

_Endpoint = Callable[..., Awaitable[Response]]

_PRODUCT = "/id/product-"
"""HEAD too: crawlers and ``curl -I`` check an IRI resolves without its body."""
_RENDERED_KEPT = 16
"""Documentation pages kept per version of the data (one per query string asked)."""
_ONTOLOGY_GRAPH = NamedNode(str(GRAPH["ontology"]))


@dataclass(frozen=True, slots=True)
class _Ontology:
    """The ontology graph, its version IRIs, and its files as written so far (by format)."""

    triples: list[Triple]
    versions: frozenset[str]
    written: dict[str, bytes] = field(default_factory=dict)


def _ontology(store: KgStore) -> _Ontology:
    triples = sorted(read_kg_graphs(store, (_ONTOLOGY_GRAPH,))["ontology"], key=str)
    versions = frozenset(
        t.object.value
        for t in triples
        if t.predicate.value == "http://www.w3.org/2002/07/owl#versionIRI"
        and isinstance(t.object, NamedNode)
    )
    return _Ontology(triples, versions)


def _version_iris(doc: OntologyDoc) -> set[str]:
    return {v.iri for v in doc.header.get("versionIRI", []) if isinstance(v, Link)}


def _headers(path: str, fmt: Format) -> dict[str, str]:
    return {"Vary": "Accept", "Link": link_header(path, fmt)}


def _rdf(triples: list[Triple], fmt: Format, path: str, status: int = 200) -> Response:
    return Response(
        serialize_triples(triples, fmt),
        status_code=status,
        media_type=fmt.content_type,
        headers=_headers(path, fmt),
    )


def _not_found(request: Request, fmt: Format, path: str) -> Response:
    """404 in the format asked: an empty graph for RDF, a page for HTML."""
    if fmt is HTML:
        return render_page(
            request,
            "ld/not_found.html",
            {"iri": BASE + path},
            title="Not found",
            status_code=404,
            headers=_headers(path, fmt),
        )
    response = _rdf([], fmt, path, status=404)
    if fmt.name in ("ttl", "nt"):  # both read "#" as a comment: say why the graph is empty
        response.body = f"# <{BASE}{quote_path(path)}> is not described here\n".encode()
        response.headers["Content-Length"] = str(len(response.body))
    return response


def _format(request: Request) -> Format:
    return choose_format(request.query_params.get("format"), request.headers.get("accept"))


def create_router() -> APIRouter:
    """Build the router; it keeps the release and the ontology per version of the data.

    Raises:
        Nothing.
    """
    router = APIRouter(tags=["linked data"])

    def get_and_head(path: str, summary: str) -> Callable[[_Endpoint], _Endpoint]:
        """Route GET and HEAD to one endpoint; only GET is described in the OpenAPI document."""

        def register(endpoint: _Endpoint) -> _Endpoint:
            router.head(path, include_in_schema=False)(endpoint)
            return router.get(path, summary=summary)(endpoint)

        return register

    ontologies: PerVersion[_Ontology] = PerVersion(_ontology)
    graph_sizes: PerVersion[dict[str, int]] = PerVersion(lambda store: store.graph_sizes())
    # the documentation page as sent, by query string (?lang=, ?format=): it is large, and the
    # same for every request of a version of the data
    rendered: PerVersion[dict[str, bytes]] = PerVersion(lambda _: {})
    documented: PerVersion[dict[str, OntologyDoc | None]] = PerVersion(
        lambda store: {
            lang: ontology_doc(rows, lang) for rows in [ontology_rows(store)] for lang in LANGUAGES
        }
    )

    async def resource(request: Request, store: KgStore, path: str) -> Response:
        fmt = _format(request)
        iri = iri_of_path(path)
        if iri is None:
            return _not_found(request, fmt, path)
        description = await adescribe(store, iri)
        if iri in KG_GRAPHS:
            sizes = await run_in_threadpool(graph_sizes.get, store)
            description = description.with_statements(
                subset_statements(iri, sizes.get(iri.value, 0))
            )
        if not description.found:
            return _not_found(request, fmt, path)
        if fmt is HTML and path.startswith(_PRODUCT) and len(path) > len(_PRODUCT):
            target = "/products/" + path[len(_PRODUCT) :]
            if "lang" in request.query_params:
                target += "?lang=" + page_language(request)
            return RedirectResponse(target, status_code=303, headers=_headers(path, fmt))
        if fmt is not HTML:
            return _rdf(description.triples(), fmt, path)
        page = resource_page(description, page_language(request))
        return render_page(
            request,
            "ld/resource.html",
            {"page": page, "formats": [f for f in FORMATS if f is not HTML], "path": path},
            title=page.heading,
            headers=_headers(path, fmt),
        )

    @get_and_head("/id/{local:path}", "A thing of the data")
    async def thing(request: Request, store: StoreDep, local: str) -> Response:
        return await resource(request, store, "/id/" + local)

    @get_and_head("/source/{local:path}", "A source location (table, section...)")
    async def source(request: Request, store: StoreDep, local: str) -> Response:
        return await resource(request, store, "/source/" + local)

    @get_and_head("/shapes/{local:path}", "A SHACL shape")
    async def shape(request: Request, store: StoreDep, local: str) -> Response:
        return await resource(request, store, "/shapes/" + local)

    @get_and_head("/graph/{local:path}", "A named graph")
    async def graph(request: Request, store: StoreDep, local: str) -> Response:
        return await resource(request, store, "/graph/" + local)

    async def ontology_answer(request: Request, store: KgStore, path: str) -> Response:
        fmt = _format(request)
        if fmt is HTML:
            pages = await run_in_threadpool(rendered.get, store)
            key = path + "?" + request.url.query
            if key in pages:
                headers = {**PAGE_HEADERS, **_headers(path, fmt)}
                return Response(pages[key], media_type=fmt.content_type, headers=headers)
            docs = await run_in_threadpool(documented.get, store)
            doc = docs[page_language(request)]
            if doc is None or (path != "/ontology" and BASE + path not in _version_iris(doc)):
                return _not_found(request, fmt, path)
            title = doc.titles.get(page_language(request)) or doc.titles.get("en") or "Ontology"
            response = render_page(
                request,
                "ld/ontology.html",
                {"doc": doc, "formats": [f for f in FORMATS if f is not HTML], "path": path},
                title=title,
                headers=_headers(path, fmt),
            )
            if len(pages) < _RENDERED_KEPT:
                pages[key] = bytes(response.body)
            return response
        kept = await run_in_threadpool(ontologies.get, store)
        if not kept.triples or (path != "/ontology" and BASE + path not in kept.versions):
            return _not_found(request, fmt, path)
        if fmt.name not in kept.written:
            kept.written[fmt.name] = serialize_triples(kept.triples, fmt)
        return Response(
            kept.written[fmt.name], media_type=fmt.content_type, headers=_headers(path, fmt)
        )

    @get_and_head("/ontology", "The ontology (its terms are hash IRIs below it)")
    async def ontology(request: Request, store: StoreDep) -> Response:
        return await ontology_answer(request, store, "/ontology")

    @get_and_head("/ontology/{version}", "A version of the ontology (owl:versionIRI)")
    async def ontology_version(request: Request, store: StoreDep, version: str) -> Response:
        return await ontology_answer(request, store, "/ontology/" + version)

    @get_and_head("/.well-known/void", "The dataset described: VoID and DCAT")
    async def void(request: Request, store: StoreDep) -> Response:
        fmt = _format(request)
        if fmt is HTML:
            return RedirectResponse("/download/", status_code=303, headers={"Vary": "Accept"})
        release = await run_in_threadpool(current_release, store)
        return _rdf(list(release.void), fmt, "/.well-known/void")

    @get_and_head("/download/", "The download files, their sizes and SHA-256 sums")
    async def downloads(request: Request, store: StoreDep) -> Response:
        release = await run_in_threadpool(current_release, store)
        return render_page(
            request,
            "ld/downloads.html",
            {"downloads": release.downloads, "checksums": CHECKSUMS, "void": VOID_FILE},
            title="ダウンロード" if page_language(request) == "ja" else "Downloads",
        )

    @get_and_head("/download/{name}", "One download file")
    async def download(store: StoreDep, name: str) -> Response:
        release = await run_in_threadpool(current_release, store)
        if name == CHECKSUMS:
            return Response(release.checksums(), media_type="text/plain; charset=utf-8")
        if name == VOID_FILE:
            return Response(release.void_turtle(), media_type="text/turtle; charset=utf-8")
        found = release.file(name)
        if found is None:
            raise HTTPException(404, f"no download called {name[:80]!r}; the list is at /download/")
        return Response(
            found.data,
            media_type=found.media_type,
            headers={"ETag": f'"{found.sha256}"'},
        )

    return router
