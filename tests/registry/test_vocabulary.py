"""Every term the registry writes or queries is declared in ontology/registry.ttl, which
/ontology serves."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from registry_support import ROOT, Tokens, eu_case, revise, submit
from store_support import Client

from oos_kg.registry import REG, Registry

VOCABULARY = ROOT / "ontology" / "registry.ttl"
PACKAGE = ROOT / "oos_kg" / "registry"
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)


def _declared() -> set[str]:
    graph = Graph().parse(VOCABULARY, format="turtle")
    return {str(s) for kind in KINDS for s in graph.subjects(RDF.type, kind)}


def _sources() -> list[Path]:
    found = sorted(
        p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".rq", ".ru") and p.is_file()
    )
    assert len(found) > 20, found
    return found


def test_every_registry_term_in_the_code_and_queries_is_declared() -> None:
    used: dict[str, set[str]] = {}
    for path in _sources():
        text = path.read_text("utf-8")
        names = re.findall(r"(?<![\w/#])reg:([A-Za-z]\w*)", text)
        names += re.findall(r"\{REG\}([A-Za-z]\w*)", text)
        names += re.findall(r'_reg\("([A-Za-z]\w*)"\)', text)
        for name in names:
            used.setdefault(REG + name, set()).add(path.name)
    assert len(used) > 35
    missing = {term: sorted(files) for term, files in used.items() if term not in _declared()}
    assert not missing, f"registry terms used but not declared in {VOCABULARY.name}: {missing}"


def test_every_registry_term_in_the_store_is_declared(
    client: Client, tokens: Tokens, registry: Registry
) -> None:
    case_id = submit(client, tokens, body=eu_case(notified=False))
    revise(client, tokens, case_id)
    period = {"from": "2024-01-01T00:00:00Z", "to": "2025-01-01T00:00:00Z"}
    assert client.get("/reports/supplies", params=period, headers=tokens.header("admin")).json()
    store: ox.Store = registry.backend.store  # type: ignore[attr-defined]
    written = {
        term.value
        for quad in store
        for term in (quad.subject, quad.predicate, quad.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(REG)
    }
    assert len(written) > 40
    assert not written - _declared(), sorted(written - _declared())


def test_each_term_has_a_label_a_comment_and_a_range_where_it_has_values() -> None:
    graph = Graph().parse(VOCABULARY, format="turtle")
    problems = []
    for term in sorted(_declared()):
        node = URIRef(term)
        for predicate in (RDFS.label, RDFS.comment):
            values = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
            if [v.language for v in values] != ["en"]:
                problems.append(f"{term}: {predicate} {values}")
        if (node, RDFS.isDefinedBy, URIRef(REG.rstrip("#"))) not in graph:
            problems.append(f"{term}: rdfs:isDefinedBy")
        if (node, RDF.type, OWL.DatatypeProperty) in graph and not list(
            graph.objects(node, RDFS.range)
        ):
            problems.append(f"{term}: a datatype property with no range")
    assert not problems, "\n".join(problems)


def test_the_ontology_document_serves_the_registry_terms(client: Client) -> None:
    response = client.get("/ontology", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert f"<{REG}CaseVersion> <{RDF.type}> <{OWL.Class}>" in response.text
    assert f"<{REG}lateFrom> <{RDFS.range}>" in response.text
