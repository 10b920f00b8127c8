"""The dataset's description of itself: VoID and DCAT (DCAT-AP's required properties) in RDF,
and schema.org ``Dataset`` JSON-LD for dataset search engines.

Sizes, version, dates, licence, example resources and vocabularies come from the store; only
the titles and descriptions below are written here. Only the knowledge graph's own named graphs
are counted and described.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from oos_kg.linked_data._queries import KG_GRAPHS, bind, load_query
from oos_kg.linked_data.describe import Statement
from oos_kg.linked_data.downloads import DOWNLOAD_PATH, Download
from oos_kg.namespaces import BASE, GRAPH
from oos_kg.settings import Settings
from oos_kg.store.base import Bindings, KgStore

__all__ = [
    "DATASET",
    "VOID_PATH",
    "dataset_jsonld",
    "subset_statements",
    "void_triples",
]

VOID_PATH = "/.well-known/void"
"""Where the description is served (RFC 8615 well-known location, as VoID asks)."""

DATASET = NamedNode(f"{BASE}{VOID_PATH}#oos-kg")
CATALOG = NamedNode(f"{BASE}{VOID_PATH}#catalog")
PUBLISHER = NamedNode(f"{BASE}{VOID_PATH}#publisher")
SPARQL_SERVICE = NamedNode(f"{BASE}{VOID_PATH}#sparql")
GRAPHQL_SERVICE = NamedNode(f"{BASE}{VOID_PATH}#graphql")

TITLE = "oos-kg: compassionate use of out-of-specification autologous products"
DESCRIPTION = (
    "A knowledge graph of the rules under which an out-of-specification batch of an "
    "autologous regenerative medicine product may still reach the patient it was made for in "
    "the United States, the European Union and Japan: products, trials, expanded access "
    "programs, evidence studies, regulatory frameworks with their clauses and obligations, "
    "the OWL ontology that models them and the SHACL shapes that check cases against them."
)
_GRAPH_DESCRIPTIONS = {
    "ontology": "The OWL 2 ontology: classes, properties and controlled vocabularies.",
    "products": "Products, substances, organisations, trials, programs, evidence studies and "
    "the source locations every fact cites.",
    "regulations": "Jurisdictions, frameworks, instruments, clauses and obligations.",
    "shapes": "SHACL shapes for the graph's own data quality and for OOS provision cases.",
    "inferred": "The types and super-properties that follow from the ontology, materialised.",
}

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DCT = "http://purl.org/dc/terms/"
_DCAT = "http://www.w3.org/ns/dcat#"
_VOID = "http://rdfs.org/ns/void#"
_FOAF = "http://xmlns.com/foaf/0.1/"
_SPDX = "http://spdx.org/rdf/terms#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_IANA = "http://www.iana.org/assignments/media-types/"
_TYPE = NamedNode(_RDF + "type")


def _n(namespace: str, local: str) -> NamedNode:
    return NamedNode(namespace + local)


def _en(text: str) -> Literal:
    return Literal(text, language="en")


def _kg_sizes(store: KgStore) -> dict[NamedNode, int]:
    sizes = store.graph_sizes()
    return {g: sizes.get(g.value, 0) for g in KG_GRAPHS}


def _metadata(store: KgStore) -> Bindings:
    rows = store.select(load_query("dataset-metadata"))
    return rows[0] if rows else {}


def _vocabularies(store: KgStore) -> list[NamedNode]:
    namespaces = set()
    for row in store.select(bind(load_query("vocabularies"), {"g": KG_GRAPHS})):
        iri = row["term"].value
        cut = max(iri.rfind("#"), iri.rfind("/")) + 1
        if cut and not iri.startswith(BASE + "/id/"):
            namespaces.add(iri[:cut])
    return [NamedNode(n) for n in sorted(namespaces)]


def _examples(store: KgStore) -> list[NamedNode]:
    rows = store.select(bind(load_query("examples"), {"g": KG_GRAPHS}))
    return [NamedNode(row["example"].value) for row in rows]


def subset_statements(graph: NamedNode, size: int) -> list[Statement]:
    """The dataset description's statements about one named graph (a VoID subset).

    Args:
        graph: a named graph of the knowledge graph.
        size: its number of triples.

    Returns:
        Type, title, description, size and download of the graph.

    Raises:
        KeyError: ``graph`` is not one of the knowledge graph's named graphs.
    """
    name = graph.value[len(str(GRAPH)) :]
    dump = NamedNode(f"{BASE}{DOWNLOAD_PATH}graph-{name}.ttl")
    triples: list[tuple[NamedNode, NamedNode | Literal]] = [
        (_TYPE, _n(_VOID, "Dataset")),
        (_TYPE, _n(_DCAT, "Dataset")),
        (_n(_DCT, "title"), _en(f"oos-kg graph/{name}")),
        (_n(_DCT, "description"), _en(_GRAPH_DESCRIPTIONS[name])),
        (_n(_VOID, "triples"), Literal(size)),
        (_n(_VOID, "dataDump"), dump),
        (_n(_DCAT, "distribution"), dump),
    ]
    return [Statement(graph, p, o, None) for p, o in triples]


def _distribution(download: Download) -> list[Triple]:
    node, checksum = NamedNode(download.url), BlankNode()
    return [
        Triple(node, _TYPE, _n(_DCAT, "Distribution")),
        Triple(node, _n(_DCT, "title"), _en(download.title)),
        Triple(node, _n(_DCAT, "accessURL"), NamedNode(BASE + DOWNLOAD_PATH)),
        Triple(node, _n(_DCAT, "downloadURL"), node),
        Triple(node, _n(_DCAT, "mediaType"), NamedNode(_IANA + download.media_type)),
        Triple(
            node,
            _n(_DCAT, "byteSize"),
            Literal(str(download.size), datatype=_xsd("nonNegativeInteger")),
        ),
        Triple(node, _n(_SPDX, "checksum"), checksum),
        Triple(checksum, _TYPE, _n(_SPDX, "Checksum")),
        Triple(checksum, _n(_SPDX, "algorithm"), _n(_SPDX, "checksumAlgorithm_sha256")),
        Triple(
            checksum,
            _n(_SPDX, "checksumValue"),
            Literal(download.sha256, datatype=_xsd("hexBinary")),
        ),
    ]


def _xsd(local: str) -> NamedNode:
    return NamedNode(_XSD + local)


def _service(node: NamedNode, title: str, endpoint: str, standard: str) -> list[Triple]:
    return [
        Triple(node, _TYPE, _n(_DCAT, "DataService")),
        Triple(node, _n(_DCT, "title"), _en(title)),
        Triple(node, _n(_DCAT, "endpointURL"), NamedNode(BASE + endpoint)),
        Triple(node, _n(_DCT, "conformsTo"), NamedNode(standard)),
        Triple(node, _n(_DCAT, "servesDataset"), DATASET),
    ]


def void_triples(store: KgStore, downloads: Sequence[Download]) -> list[Triple]:
    """Return the VoID + DCAT description of the dataset and its downloads.

    Args:
        store: the store, read for sizes, version, dates, licence, examples, vocabularies.
        downloads: the download set, described with media type, size and SHA-256.

    Returns:
        The triples (blank nodes only for the checksums).

    Raises:
        QueryTimeout, StoreUnavailable: from the store.
    """
    meta = _metadata(store)
    sizes = _kg_sizes(store)
    d = DATASET
    out = [
        Triple(CATALOG, _TYPE, _n(_DCAT, "Catalog")),
        Triple(CATALOG, _n(_DCT, "title"), _en(TITLE)),
        Triple(CATALOG, _n(_DCT, "description"), _en(DESCRIPTION)),
        Triple(CATALOG, _n(_DCT, "publisher"), PUBLISHER),
        Triple(CATALOG, _n(_DCAT, "dataset"), d),
        Triple(CATALOG, _n(_DCAT, "service"), SPARQL_SERVICE),
        Triple(CATALOG, _n(_DCAT, "service"), GRAPHQL_SERVICE),
        Triple(d, _TYPE, _n(_VOID, "Dataset")),
        Triple(d, _TYPE, _n(_DCAT, "Dataset")),
        Triple(d, _n(_DCT, "title"), _en(TITLE)),
        Triple(d, _n(_DCT, "description"), _en(DESCRIPTION)),
        Triple(d, _n(_DCT, "publisher"), PUBLISHER),
        Triple(d, _n(_DCAT, "landingPage"), NamedNode(BASE + "/")),
        Triple(d, _n(_VOID, "sparqlEndpoint"), NamedNode(BASE + "/sparql")),
        Triple(d, _n(_VOID, "uriSpace"), Literal(BASE + "/")),
        Triple(d, _n(_VOID, "triples"), Literal(sum(sizes.values()))),
        Triple(d, _n(_DCAT, "accessService"), SPARQL_SERVICE),
        Triple(d, _n(_DCAT, "accessService"), GRAPHQL_SERVICE),
        *_service(
            SPARQL_SERVICE,
            "SPARQL 1.1 endpoint",
            "/sparql",
            "https://www.w3.org/TR/sparql11-protocol/",
        ),
        *_service(GRAPHQL_SERVICE, "GraphQL endpoint", "/graphql", "https://spec.graphql.org/"),
    ]
    if "creator" in meta:
        out += [
            Triple(PUBLISHER, _TYPE, _n(_FOAF, "Agent")),
            Triple(PUBLISHER, _n(_FOAF, "name"), Literal(meta["creator"].value)),
        ]
    optional = {
        "version": (_n(_DCAT, "version"), _n(_OWL, "versionInfo")),
        "modified": (_n(_DCT, "modified"),),
        "created": (_n(_DCT, "created"),),
        "license": (_n(_DCT, "license"),),
        "paper": (_n(_DCT, "source"),),
        "ontology": (_n(_DCT, "conformsTo"),),
    }
    for key, predicates in optional.items():
        if key in meta:
            out += [Triple(d, p, meta[key]) for p in predicates]
    if "license" in meta:
        out.append(Triple(CATALOG, _n(_DCT, "license"), meta["license"]))
    paper = meta.get("paper")
    if isinstance(paper, NamedNode):
        if "citation" in meta:
            out.append(Triple(paper, _n(_DCT, "bibliographicCitation"), meta["citation"]))
        if "paperTitle" in meta:
            out.append(Triple(paper, _n(_DCT, "title"), meta["paperTitle"]))
    out += [Triple(d, _n(_VOID, "exampleResource"), e) for e in _examples(store)]
    out += [Triple(d, _n(_VOID, "vocabulary"), v) for v in _vocabularies(store)]
    for graph, size in sizes.items():
        out.append(Triple(d, _n(_VOID, "subset"), graph))
        out += [s.triple for s in subset_statements(graph, size)]
    for download in downloads:
        out.append(Triple(d, _n(_DCAT, "distribution"), NamedNode(download.url)))
        out += _distribution(download)
    whole = next((x for x in downloads if x.name.endswith(".nq")), None)
    if whole is not None:
        out.append(Triple(d, _n(_VOID, "dataDump"), NamedNode(whole.url)))
    return out


def dataset_jsonld(store: KgStore, settings: Settings) -> dict[str, Any]:
    """Return schema.org ``Dataset`` JSON-LD of the knowledge graph for the front page.

    Args:
        store: the store, read for sizes, version, dates and licence.
        settings: the service settings (the query time limit).

    Returns:
        A JSON-serialisable dict (``json.dumps`` it into a
        ``<script type="application/ld+json">`` element, escaping ``<``).

    Raises:
        QueryTimeout, StoreUnavailable: from the store.
    """
    rows = store.select(load_query("dataset-metadata"), timeout_s=settings.query_timeout_s)
    meta = rows[0] if rows else {}
    sizes = _kg_sizes(store)
    value: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": DATASET.value,
        "name": TITLE,
        "description": DESCRIPTION,
        "url": BASE + "/",
        "sameAs": BASE + VOID_PATH,
        "isAccessibleForFree": True,
        "size": f"{sum(sizes.values())} triples",
        "hasPart": [
            {
                "@type": "Dataset",
                "@id": graph.value,
                "name": f"oos-kg graph/{graph.value[len(str(GRAPH)) :]}",
                "size": f"{size} triples",
            }
            for graph, size in sizes.items()
        ],
        "distribution": [
            {
                "@type": "DataDownload",
                "contentUrl": BASE + DOWNLOAD_PATH + name,
                "encodingFormat": media,
            }
            for name, media in (
                ("oos-kg.nq", "application/n-quads"),
                ("oos-kg.trig", "application/trig"),
                ("oos-kg.jsonld", "application/ld+json"),
            )
        ],
    }
    fields = {
        "version": "version",
        "modified": "dateModified",
        "created": "dateCreated",
        "license": "license",
        "creator": "creator",
    }
    for key, name in fields.items():
        if key in meta:
            value[name] = meta[key].value
    if "citation" in meta:
        value["isBasedOn"] = {"@type": "ScholarlyArticle", "citation": meta["citation"].value}
        if "paperTitle" in meta:
            value["isBasedOn"]["name"] = meta["paperTitle"].value
    return value
