"""The project's base IRI and the namespaces every module and Turtle file uses."""

from __future__ import annotations

from rdflib import Namespace

__all__ = [
    "BASE",
    "DCAT",
    "DCTERMS",
    "ELI",
    "GRAPH",
    "GRAPH_NAMES",
    "OOS",
    "OOSD",
    "OOSSH",
    "PROV",
    "SCHEMA",
    "SKOS",
    "SRC",
    "TIME",
]

BASE = "https://w3id.org/oos-kg"
"""The project base IRI; the only place it is written in Python."""

OOS = Namespace(f"{BASE}/ontology#")
OOSD = Namespace(f"{BASE}/id/")
SRC = Namespace(f"{BASE}/source/")
OOSSH = Namespace(f"{BASE}/shapes/")
GRAPH = Namespace(f"{BASE}/graph/")

GRAPH_NAMES = ("ontology", "products", "regulations", "shapes", "inferred")
"""Named graphs of the store; the default graph of a query is their union."""

SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
TIME = Namespace("http://www.w3.org/2006/time#")
