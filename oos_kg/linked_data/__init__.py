"""Linked Data: resolvable IRIs with content negotiation, the ontology documented for people,
the dataset described (VoID, DCAT, schema.org) and downloadable.

Only the knowledge graph's own named graphs (:data:`KG_GRAPHS`) are described and exported;
case graphs kept in other named graphs never are.
"""

from __future__ import annotations

from oos_kg.linked_data._cache import PerVersion
from oos_kg.linked_data._queries import KG_GRAPHS
from oos_kg.linked_data._view import Link
from oos_kg.linked_data.describe import (
    Description,
    Statement,
    adescribe,
    describe,
    iri_of_path,
    serialize_triples,
)
from oos_kg.linked_data.downloads import Download, build_downloads, read_kg_graphs
from oos_kg.linked_data.negotiation import FORMATS, HTML, Format, choose_format, link_header
from oos_kg.linked_data.ontology_doc import OntologyDoc, ontology_doc, ontology_rows
from oos_kg.linked_data.release import Release, build_release, current_release, write_release
from oos_kg.linked_data.resource_page import resource_page
from oos_kg.linked_data.void import dataset_jsonld, subset_statements, void_triples

__all__ = [
    "FORMATS",
    "HTML",
    "KG_GRAPHS",
    "Description",
    "Download",
    "Format",
    "Link",
    "OntologyDoc",
    "PerVersion",
    "Release",
    "Statement",
    "adescribe",
    "build_downloads",
    "build_release",
    "choose_format",
    "current_release",
    "dataset_jsonld",
    "describe",
    "iri_of_path",
    "link_header",
    "ontology_doc",
    "ontology_rows",
    "read_kg_graphs",
    "resource_page",
    "serialize_triples",
    "subset_statements",
    "void_triples",
    "write_release",
]
