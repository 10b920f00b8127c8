"""The SPARQL files in docs/queries/tables/ rebuild Tables 2, 5, 6, Fig. 1 and the PIC/S quotation.

Expected rows are read off the paper; each query file is run as written, from its path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import Store

QUERIES = Path(__file__).resolve().parents[2] / "docs" / "queries" / "tables"
OWNED = ("table-2.rq", "table-5.rq", "table-6.rq", "figure-1.rq", "pics-annex-2a.rq")

Rows = list[dict[str, str]]


def run(kg: Store, name: str) -> Rows:
    """Run the query file ``name`` over the union graph; values as strings.

    Raises:
        FileNotFoundError: when the query file is missing.
        SyntaxError: when it does not parse.
    """
    solutions = kg.query(
        (QUERIES / name).read_text(encoding="utf-8"), use_default_graph_as_union=True
    )
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    rows = []
    for solution in solutions:  # type: ignore[union-attr]
        rows.append({n: solution[n].value for n in names if solution[n] is not None})
    return rows


def check_table_2(rows: Rows) -> None:
    """Seven rows in the paper's order, three cells each."""
    assert [r["aspect"] for r in rows] == [
        "Legal handling of the OOS product",
        "Regulatory mechanism of OOS product provision",
        "Eligible patients",
        "Responsibilities of the HAs",
        "Responsibilities of the MAH",
        "Responsibilities of treatment physicians",
        "Responsibilities of medical institutes",
    ]
    for row in rows:
        assert {"unitedStates", "europeanUnion", "japan"} <= row.keys(), row["aspect"]
    assert (rows[0]["unitedStates"], rows[0]["europeanUnion"], rows[0]["japan"]) == (
        "Unapproved product",
        "Commercial product",
        "Unapproved product",
    )
    assert (rows[1]["unitedStates"], rows[1]["japan"]) == ("Expanded access", "Clinical trial")
    assert "(within 48 h from the supply)" in rows[3]["europeanUnion"]
    assert rows[6]["japan"].startswith("Conduct IRB review for conducting an OOS trial")


def check_table_5(rows: Rows) -> None:
    """33 items, grouped by timing then party then verdict, each group numbered from 1."""
    assert len(rows) == 33
    assert rows[0]["item"] == (
        "Preparation of Investigational Brochures (IB) may be substituted with the package inserts"
    )
    assert rows[0]["canBeStreamlined"] == "true"
    assert rows[-1]["item"] == "Safety information evaluation, reporting to sponsor"
    assert rows[-1]["canBeStreamlined"] == "false"
    groups: list[tuple[str, str, str]] = []
    for row in rows:
        key = (row["timing"], row["party"], row["canBeStreamlined"])
        if not groups or groups[-1] != key:
            assert key not in groups, f"group {key} split by the ordering"
            groups.append(key)
            expected = 1
        assert int(row["itemNumber"]) == expected, row
        expected += 1
    assert len({g[0] for g in groups}) == 3
    assert len(groups) == 11  # 3 timings x 2 parties x 2 verdicts, less the "None" cell


def check_table_6(rows: Rows) -> None:
    """Twelve rows in the paper's order."""
    assert [r["item"] for r in rows] == [
        "Purpose and objective",
        "Necessary regulatory compliance",
        "Legal handling of OOS products",
        "Definition and standards of OOS products that can be provided",
        "Indications",
        "HA interaction",
        "Supply flow of OOS products",
        "Monitoring system for the use of OOS products",
        "Reports from MAHs",
        "Safety information collection and reporting system",
        "Safety and efficacy data collection",
        "Contract between Medical institutions and MAHs",
    ]
    assert rows[0]["proposition"] == "Compassionate use for patient treatment"
    assert rows[2]["proposition"] == "Commercial products"
    assert rows[2]["aspect"] == "Legal handling of the OOS product"


def check_figure_1(rows: Rows) -> None:
    """Consecutive steps, each pointing at the next, the last at none."""
    numbers = [int(r["stepNumber"]) for r in rows]
    assert numbers == list(range(1, len(rows) + 1))
    for row in rows[:-1]:
        assert int(row["nextStepNumber"]) == int(row["stepNumber"]) + 1
    assert "nextStepNumber" not in rows[-1]
    assert all(r["role"] and r["description"] for r in rows)


def check_pics(rows: Rows) -> None:
    """The six quoted clauses; the lettered items belong to 6.12."""
    assert [(r["number"], r.get("parentNumber")) for r in rows] == [
        ("6.11", None),
        ("6.12", None),
        ("6.12(A)", "6.12"),
        ("6.12(B)", "6.12"),
        ("6.12(C)", "6.12"),
        ("6.13", None),
    ]
    assert rows[0]["text"].startswith("Where authorised by national law")


CHECKS: dict[str, Callable[[Rows], None]] = {
    "table-2.rq": check_table_2,
    "table-5.rq": check_table_5,
    "table-6.rq": check_table_6,
    "figure-1.rq": check_figure_1,
    "pics-annex-2a.rq": check_pics,
}


def test_each_query_file_opens_with_what_it_rebuilds() -> None:
    """Every owned query exists and its first line is a comment naming what it rebuilds."""
    found = {p.name for p in QUERIES.glob("*.rq")}
    assert set(OWNED) <= found
    for name in OWNED:
        first = (QUERIES / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# Rebuilds "), name


@pytest.mark.parametrize("name", OWNED)
def test_query_rebuilds_its_table(kg: Store, name: str) -> None:
    """Run the file as written and compare its rows with the paper."""
    CHECKS[name](run(kg, name))
