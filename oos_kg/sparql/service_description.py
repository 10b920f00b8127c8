"""The SPARQL 1.1 Service Description of ``/sparql``: endpoint, formats, graphs and sizes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from oos_kg.sparql.negotiation import GRAPH_TYPES, RESULTS_TYPES

__all__ = ["service_description"]

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_FORMATS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
}


def _sd(local: str) -> NamedNode:
    return NamedNode(SD + local)


def service_description(
    endpoint: str,
    graph_sizes: Mapping[str, int],
    description: Sequence[Triple] = (),
    dataset_iri: str | None = None,
) -> bytes:
    """Return the service description in Turtle.

    Args:
        endpoint: the absolute URL of the query endpoint.
        graph_sizes: named graph IRI -> number of triples.
        description: the VoID/DCAT description of the dataset the service serves, added as it is.
        dataset_iri: the described dataset, linked from the service (``void:inDataset``).

    Returns:
        Turtle bytes.

    Raises:
        ValueError: ``endpoint`` is not an IRI.
    """
    service = NamedNode(endpoint)
    dataset = BlankNode()
    default = BlankNode()
    triples = [
        Triple(service, RDF_TYPE, _sd("Service")),
        Triple(service, _sd("endpoint"), service),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        Triple(service, _sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, _sd("Dataset")),
        Triple(dataset, _sd("defaultGraph"), default),
        Triple(default, RDF_TYPE, _sd("Graph")),
        Triple(default, NamedNode(VOID + "triples"), Literal(sum(graph_sizes.values()))),
    ]
    if dataset_iri is not None:
        triples.append(Triple(service, NamedNode(VOID + "inDataset"), NamedNode(dataset_iri)))
    triples += description
    for media in (*RESULTS_TYPES, *GRAPH_TYPES):
        triples.append(Triple(service, _sd("resultFormat"), NamedNode(_FORMATS[media])))
    for iri, size in sorted(graph_sizes.items()):
        named, graph = BlankNode(), BlankNode()
        triples += [
            Triple(dataset, _sd("namedGraph"), named),
            Triple(named, RDF_TYPE, _sd("NamedGraph")),
            Triple(named, _sd("name"), NamedNode(iri)),
            Triple(named, _sd("graph"), graph),
            Triple(graph, RDF_TYPE, _sd("Graph")),
            Triple(graph, NamedNode(VOID + "triples"), Literal(size)),
        ]
    return (
        serialize(
            triples,
            format=RdfFormat.TURTLE,
            prefixes={"sd": SD, "void": VOID, "dcat": DCAT, "dcterms": DCT},
        )
        or b""
    )
