"""A record the filter lines of its type query may drop (a measurement of one measure or arm)
is there when it passes them, whatever its selected fields hold: found by the row of no
pattern its passing gives (``PRESENT``), not by reading its type."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pyoxigraph import NamedNode

from graphql_api._records import RecordLoaders, StoreRunner
from graphql_api._sparql import PRESENT, record_query
from oos_kg.namespaces import OOS

MEASURE = NamedNode(str(OOS["measure-crs-grade-3-4"]))
ARM = NamedNode(str(OOS["arm-oos"]))


def _every_measurement(store: Any) -> dict[str, set[str]]:
    """Each measurement's measure and arm kind, as the data says."""
    rows = store.select(
        "PREFIX oos: <https://w3id.org/oos-kg/ontology#> SELECT ?m ?measure ?arm WHERE {"
        " ?m oos:measure ?measure ; oos:ofArm/oos:armKind ?arm }"
    )
    return {row["m"].value: {row["measure"].value, row["arm"].value} for row in rows}


@pytest.mark.parametrize(
    "filters", [(("measure", MEASURE),), (("arm", ARM),), (("measure", MEASURE), ("arm", ARM))]
)
@pytest.mark.parametrize("keys", [frozenset(), frozenset({"ciLevel"}), frozenset({"value"})])
def test_filtered_records_are_there_whatever_their_fields_hold(
    served: Any, filters: tuple[tuple[str, NamedNode], ...], keys: frozenset[str]
) -> None:
    every = _every_measurement(served)
    wanted = {m for m, tags in every.items() if all(v.value in tags for _, v in filters)}
    assert 0 < len(wanted) < len(every)
    loaders = RecordLoaders(StoreRunner(served, 10.0))
    found = asyncio.run(loaders.records("measurement", sorted(every), keys, filters, known=True))
    assert {record.iri for record in found} == wanted
    if "ciLevel" in keys:  # some have one, some none: both kinds were kept
        levels = {bool(record.terms("ciLevel")) for record in found}
        assert levels == {True, False}


def test_the_presence_row_reads_nothing() -> None:
    text = record_query("measurement", frozenset({PRESENT}), frozenset({"measure"}))
    assert f'BIND("{PRESENT}" AS ?key)' in text and "?s oos:measure ?measure" in text
    assert "?value ." not in text and "?s a " not in text  # no pattern reads a value
