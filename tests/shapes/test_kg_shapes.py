"""The graph conforms to shapes/kg.ttl, and the shapes catch the mistakes they exist for."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from oos_kg.checking import validate_kg
from oos_kg.kgfiles import read_graphs
from oos_kg.namespaces import OOS, OOSSH


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    return read_graphs()


@pytest.fixture(scope="module")
def data(graphs: dict[str, Graph]) -> Graph:
    return graphs["ontology"] + graphs["products"] + graphs["regulations"]


def test_whole_graph_conforms_to_its_shapes(data: Graph, graphs: dict[str, Graph]) -> None:
    problems = validate_kg(data, graphs["shapes"])
    assert not problems, "\n".join(str(p) for p in problems)


def _first(graph: Graph, cls: URIRef) -> URIRef:
    subject = next(iter(sorted(graph.subjects(RDF.type, cls))))
    assert isinstance(subject, URIRef)
    return subject


def _bad_nct(g: Graph) -> None:
    program = _first(g, OOS.ExpandedAccessProgram)
    g.set((program, OOS.registryId, Literal("NCT123")))


def _no_source(g: Graph) -> None:
    trial = _first(g, OOS.ClinicalTrial)
    g.remove((trial, DCTERMS.source, None))


def _two_origins(g: Graph) -> None:
    product = _first(g, OOS.RegenerativeMedicineProduct)
    g.add((product, OOS.origin, OOS["origin-allogeneic"]))
    g.add((product, OOS.origin, OOS["origin-autologous"]))


def _reversed_ci(g: Graph) -> None:
    measurement = next(iter(sorted(g.subjects(OOS.ciLow, None))))
    g.set((measurement, OOS.ciLow, Literal("99.9", datatype=XSD.decimal)))


def _obligation_without_clause(g: Graph) -> None:
    obligation = _first(g, OOS.Obligation)
    g.remove((obligation, OOS.statedBy, None))


def _missing_ja_label(g: Graph) -> None:
    term = OOS.ClinicalTrial
    for label in list(g.objects(term, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))):
        if isinstance(label, Literal) and label.language == "ja":
            g.remove((term, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), label))


def _jrct_in_wrong_registry(g: Graph) -> None:
    trial = next(
        s for s, o in g.subject_objects(OOS.registryId) if str(o).lower().startswith("jrct")
    )
    g.set((trial, OOS.registry, OOS["registry-clinicaltrials-gov"]))


@pytest.mark.parametrize(
    ("mutate", "shape"),
    [
        (_bad_nct, "KG-13-expanded-access-program"),
        (_no_source, "KG-30-source"),
        (_two_origins, "KG-10-product"),
        (_reversed_ci, "KG-16-outcome-measurement"),
        (_obligation_without_clause, "KG-20-obligation"),
        (_missing_ja_label, "KG-02-term-labels"),
        (_jrct_in_wrong_registry, "KG-12-clinical-trial"),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)).strip("_"),
)
def test_shape_fires_on_its_mistake(
    data: Graph, graphs: dict[str, Graph], mutate: Callable[[Graph], None], shape: str
) -> None:
    broken = Graph() + data
    mutate(broken)
    problems = validate_kg(broken, graphs["shapes"])
    fired = {p.shape.removeprefix(str(OOSSH)) for p in problems}
    assert any(s.startswith(shape) for s in fired), f"{shape} did not fire; fired: {fired}"
