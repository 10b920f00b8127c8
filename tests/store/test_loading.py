"""Loading: graphs from the sources, the inferred graph, the hash that skips reloading."""

from __future__ import annotations

import shutil
import sys
import types
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from oos_kg.errors import InputError, RdfSyntaxError
from oos_kg.loading import build_graphs, ensure_loaded, load_store
from oos_kg.namespaces import GRAPH, OOS
from oos_kg.resources import GraphSource, graph_sources
from oos_kg.store.memory import MemoryStore

RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def copy_tree(sources: tuple[GraphSource, ...], target: Path) -> Path:
    root = sources[0].files[0].parent.parent
    shutil.copytree(root, target)
    return target


def test_each_source_fills_its_named_graph(sources: tuple[GraphSource, ...]) -> None:
    store = MemoryStore()
    report = load_store(store, sources)
    sizes = store.graph_sizes()
    assert sizes[str(GRAPH.regulations)] == 2
    assert sizes[str(GRAPH.ontology)] > 0
    assert {k: v for k, v in report.sizes.items() if v} == sizes


def test_inferred_graph_holds_what_the_reasoner_returns(
    sources: tuple[GraphSource, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, int] = {}

    def infer(ontology: Graph, data: Graph) -> Graph:
        seen["ontology"], seen["data"] = len(ontology), len(data)
        out = Graph()
        for product in data.subjects(RDF_TYPE, URIRef(str(OOS.RegenerativeMedicineProduct))):
            out.add((product, RDF_TYPE, URIRef("urn:x:Inferred")))
        return out

    fake = types.ModuleType("oos_kg.reasoning")
    fake.infer = infer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "oos_kg.reasoning", fake)
    graphs = build_graphs(sources)
    assert graphs[str(GRAPH.inferred)].count(b"\n") == 2
    assert 0 < seen["ontology"] < seen["data"]


def test_inferred_graph_is_empty_without_a_reasoner(
    sources: tuple[GraphSource, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "oos_kg.reasoning", None)
    graphs = build_graphs(sources)
    assert graphs[str(GRAPH.inferred)] == b""
    assert graphs[str(GRAPH.products)]


def test_unchanged_sources_are_not_reloaded(
    sources: tuple[GraphSource, ...], tmp_path: Path
) -> None:
    tree = copy_tree(sources, tmp_path / "src")
    store = MemoryStore()
    assert not ensure_loaded(store, graph_sources(tree)).skipped
    assert ensure_loaded(store, graph_sources(tree)).skipped
    with open(tree / "data" / "regulations.ttl", "a", encoding="utf-8") as out:
        out.write("\noosd:jurisdiction-fixture rdfs:comment 'changed'@en .\n")
    assert not ensure_loaded(store, graph_sources(tree)).skipped
    assert store.graph_sizes()[str(GRAPH.regulations)] == 3


def test_syntax_error_names_file_line_and_column_and_keeps_the_store(
    sources: tuple[GraphSource, ...], tmp_path: Path
) -> None:
    store = MemoryStore()
    load_store(store, sources)
    before = store.graph_sizes()
    tree = copy_tree(sources, tmp_path / "src")
    (tree / "data" / "regulations.ttl").write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n  ex:d .\n", "utf-8"
    )
    with pytest.raises(RdfSyntaxError) as caught:
        load_store(store, graph_sources(tree))
    assert str(caught.value).startswith("regulations.ttl:3:")
    assert store.graph_sizes() == before


def test_missing_source_file_is_an_input_error(
    sources: tuple[GraphSource, ...], tmp_path: Path
) -> None:
    tree = copy_tree(sources, tmp_path / "src")
    (tree / "data" / "products.ttl").unlink()
    with pytest.raises(InputError, match="products.ttl: source file not found"):
        load_store(MemoryStore(), graph_sources(tree))
