"""The package's surface, and that it describes exactly the graphs the loader writes."""

from __future__ import annotations

from store_support import Client

import oos_kg.linked_data as linked_data
from oos_kg.linked_data import KG_GRAPHS
from oos_kg.loading import build_graphs
from oos_kg.resources import graph_sources


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions (ruff's RUF022 order)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_every_name_exists() -> None:
    assert linked_data.__all__ == sorted(linked_data.__all__, key=_isort_key)
    for name in linked_data.__all__:
        assert hasattr(linked_data, name), name


def test_the_described_graphs_are_those_the_loader_writes() -> None:
    written = set(build_graphs(graph_sources()))
    assert {g.value for g in KG_GRAPHS} == written


def test_the_ontology_page_kept_is_the_page_rendered(client: Client) -> None:
    first = client.get("/ontology", params={"lang": "ja"}, headers={"Accept": "text/html"})
    again = client.get("/ontology", params={"lang": "ja"}, headers={"Accept": "text/html"})
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    for name in ("content-type", "content-security-policy", "vary", "link"):
        assert first.headers[name] == again.headers[name], name
    english = client.get("/ontology", params={"lang": "en"}, headers={"Accept": "text/html"})
    assert english.content != first.content
