"""HermiT finds the graph consistent, catches contradictions, agrees with the inferred graph."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from oos_kg.errors import InconsistentGraph
from oos_kg.kgfiles import build_named_graphs
from oos_kg.namespaces import OOS, OOSD
from oos_kg.reasoning import check_consistency, infer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def named() -> dict[str, Graph]:
    return build_named_graphs()


@pytest.fixture(scope="module")
def facts(named: dict[str, Graph]) -> Graph:
    return named["products"] + named["regulations"]


def test_hermit_finds_ontology_and_data_consistent(named: dict[str, Graph], facts: Graph) -> None:
    check_consistency(named["ontology"], facts)


def _product_with_origin(origin: str) -> URIRef:
    return URIRef(str(OOS[f"origin-{origin}"]))


def test_product_both_autologous_and_allogeneic_is_inconsistent(
    named: dict[str, Graph], facts: Graph
) -> None:
    broken = Graph() + facts
    kymriah = next(
        s
        for s in broken.subjects(OOS.origin, _product_with_origin("autologous"))
        if "kymriah" in str(s)
    )
    broken.add((kymriah, OOS.origin, _product_with_origin("allogeneic")))
    with pytest.raises(InconsistentGraph, match="inconsistent"):
        check_consistency(named["ontology"], broken)


def test_inferred_graph_types_car_t_products_up_the_hierarchy(named: dict[str, Graph]) -> None:
    inferred = named["inferred"]
    kymriah = OOSD["product-kymriah"]
    types = set(inferred.objects(kymriah, RDF.type))
    assert OOS.AutologousProduct in types
    assert OOS.CarTCellTherapyProduct in types
    assert OOS.AllogeneicProduct not in types
    assert OOS.RegenerativeMedicineProduct not in types, "asserted types are not repeated"


def test_every_autologous_product_is_inferred_autologous(named: dict[str, Graph]) -> None:
    data = named["products"]
    autologous = set(data.subjects(OOS.origin, _product_with_origin("autologous")))
    inferred_autologous = set(named["inferred"].subjects(RDF.type, OOS.AutologousProduct))
    assert autologous, "no autologous products found in the data"
    assert autologous == inferred_autologous


def test_materialised_types_include_everything_hermit_infers(
    named: dict[str, Graph], facts: Graph
) -> None:
    import owlready2

    ontology = named["ontology"]
    union = ontology + facts
    world = owlready2.World()
    try:
        onto = world.get_ontology("https://w3id.org/oos-kg/check#")
        import io

        onto.load(
            fileobj=io.BytesIO(union.serialize(format="nt", encoding="utf-8")), format="ntriples"
        )
        owlready2.sync_reasoner_hermit(
            world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
        )
        ours = infer(ontology, union)
        missing = []
        for product in set(facts.subjects(RDF.type, OOS.RegenerativeMedicineProduct)):
            individual = world[str(product)]
            hermit = {
                URIRef(c.iri)
                for c in individual.INDIRECT_is_a
                if hasattr(c, "iri") and c.iri.startswith(str(OOS))
            }
            have = set(ours.objects(product, RDF.type)) | set(union.objects(product, RDF.type))
            missing += [f"{product} a {c}" for c in hermit - have]
        assert not missing, "HermiT infers types the inferred graph lacks:\n" + "\n".join(missing)
    finally:
        world.close()
