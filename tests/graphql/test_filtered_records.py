"""A record the filter lines of its type query may drop (a measurement of one measure or arm,
an obligation of one role) is there when it passes them, whatever its selected fields hold.
When the filter's own key is fetched, that key answers for it and its type is not read: the
filter ``?x`` of a type query must read what its key ``x`` reads."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pyoxigraph import NamedNode

from graphql_api._records import RecordLoaders, StoreRunner, fetched_keys
from graphql_api._sparql import load_query

TYPES = {"measurement": "OutcomeMeasurement", "obligation": "Obligation"}
PATHS = {"measure": "oos:measure", "arm": "oos:ofArm/oos:armKind", "role": "oos:bearer"}


def _members(store: Any, kind: str) -> list[str]:
    rows = store.select(
        f"PREFIX oos: <https://w3id.org/oos-kg/ontology#> SELECT ?s {{ ?s a oos:{TYPES[kind]} }}"
    )
    return sorted(row["s"].value for row in rows)


def _values(store: Any, name: str) -> list[NamedNode]:
    rows = store.select(
        "PREFIX oos: <https://w3id.org/oos-kg/ontology#>"
        f" SELECT DISTINCT ?v {{ ?s {PATHS[name]} ?v }} ORDER BY ?v"
    )
    return [row["v"] for row in rows]


def _found(store: Any, kind: str, iris: list[str], keys: frozenset[str], filters: Any) -> set[str]:
    loaders = RecordLoaders(StoreRunner(store, 10.0))
    records = asyncio.run(loaders.records(kind, iris, keys, filters, known=True))
    return {record.iri for record in records}


@pytest.mark.parametrize(
    ("kind", "name"), [("measurement", "measure"), ("measurement", "arm"), ("obligation", "role")]
)
def test_a_filters_own_key_finds_what_the_type_finds(served: Any, kind: str, name: str) -> None:
    assert f"# when ?{name}" in load_query(kind)
    iris = _members(served, kind)
    values = _values(served, name)
    assert len(iris) > 10 and len(values) > 1
    for value in values:
        filters = ((name, value),)
        by_type = _found(served, kind, iris, frozenset({"type"}), filters)
        assert 0 < len(by_type) < len(iris), value
        assert _found(served, kind, iris, frozenset({name}), filters) == by_type, value
        assert fetched_keys(frozenset({name}), filters, known=True)[0] == {name}  # no type
        # selecting what some have and some lack: the type tells they are there
        for sometimes in ("ciLevel", "deadline", "source"):
            found = _found(served, kind, iris, frozenset({sometimes}), filters)
            assert found == by_type, (value, sometimes)
