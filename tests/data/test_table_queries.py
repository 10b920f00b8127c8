"""The SPARQL files that rebuild Tables 1, 3 and 4 and the Background evidence from the graph.

Each query runs on the loaded graph and its rows are compared with the table parsed from the
paper's own text (the seed beside the repository), cell by cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Store

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "docs" / "queries" / "tables"
SEED = ROOT.parent / "shared" / "seed" / "000_c0e6017da1bb52c3.txt"
XSD = "http://www.w3.org/2001/XMLSchema#"
OOS = "https://w3id.org/oos-kg/ontology#"

# The files this module checks; other files in the folder are tested elsewhere.
OWN_QUERIES = {
    "table-1.rq": "Table 1",
    "table-3.rq": "Table 3",
    "table-4.rq": "Table 4",
    "evidence.rq": "Background",
}

Value = str | int | Decimal | date | None
Row = dict[str, Value]


def _python(term: object) -> Value:
    """Return the Python value of a result term (IRIs and plain literals as strings)."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype == XSD + "integer":
            return int(term.value)
        if datatype == XSD + "decimal":
            return Decimal(term.value)
        if datatype == XSD + "date":
            return date.fromisoformat(term.value)
        return term.value
    raise TypeError(f"unexpected term {term!r}")


def run(kg: Store, name: str) -> list[Row]:
    """Run the query file ``name`` over the union graph and return its rows."""
    result = kg.query((QUERIES / name).read_text(encoding="utf-8"), use_default_graph_as_union=True)
    names = [variable.value for variable in result.variables]  # type: ignore[union-attr]
    return [{n: _python(row[n]) for n in names} for row in result]  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def paper() -> str:
    """The source paper's text."""
    if not SEED.is_file():
        pytest.fail(f"the paper is expected at {SEED} (beside the repository)")
    return SEED.read_text(encoding="utf-8")


def table_rows(paper: str, header: str) -> Iterator[list[str]]:
    """Yield the tab-separated rows following every occurrence of a table header line."""
    lines = paper.splitlines()
    width = header.count("\t") + 1
    for i, line in enumerate(lines):
        if line.strip() != header:
            continue
        for row in lines[i + 1 :]:
            cells = row.split("\t")
            if len(cells) != width:
                break
            yield [c.strip() for c in cells]


def squash(text: object) -> str:
    """Letters and digits only, lower case: for names printed with varying punctuation."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


# ---- the files ----


@pytest.mark.parametrize("name", sorted(OWN_QUERIES), ids=sorted(OWN_QUERIES))
def test_query_file_opens_with_a_comment_naming_what_it_rebuilds(name: str) -> None:
    text = (QUERIES / name).read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# ")
    assert OWN_QUERIES[name] in first


# ---- Table 1 ----


def test_table_1_rebuilt_cell_by_cell(kg: Store, paper: str) -> None:
    header = "No\tProduct/responsible party\tSummary\tClinicalTrials.gov identifier"
    expected = [
        (int(no), party, summary, nct) for no, party, summary, nct in table_rows(paper, header)
    ]
    assert len(expected) == 6
    got = [
        (r["no"], r["productResponsibleParty"], r["summary"], r["identifier"])
        for r in run(kg, "table-1.rq")
    ]
    assert got == expected


# ---- Table 3 ----

T3_HEADER = (
    "Approval date\tBy approval\tMAHs\tBrand name\tCommon name\tOrigin of ingredients\t"
    "Provision of non-standard products"
)


def printed_date(text: str) -> date:
    """Parse Table 3's two date styles ("2019/3/26" and "June 11, 2021")."""
    for fmt in ("%Y/%m/%d", "%B %d, %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def origin_key(text: object) -> tuple[str, str]:
    """Reduce an origin cell to (kind, note): "Allogenic" and "others (...)" as printed too."""
    match = re.fullmatch(r"(\w+)(?: \((.*)\))?", str(text))
    assert match, text
    word = match.group(1).lower()
    kind = "allogeneic" if word.startswith("allogen") else word
    return kind, match.group(2) or ""


def test_table_3_rebuilt_cell_by_cell(kg: Store, paper: str) -> None:
    printed = list(table_rows(paper, T3_HEADER))
    assert len(printed) == 21
    rows = run(kg, "table-3.rq")
    assert len(rows) == 21
    by_brand = {str(r["brandName"]): r for r in rows}
    for when, kind, mah, brand, common, origin, provision in printed:
        row = by_brand[brand.rstrip("*")]
        assert row["approvalDate"] == printed_date(when), brand
        assert row["byApproval"] == kind, brand
        assert squash(row["mah"]) == squash(mah), brand
        assert row["commonName"] == common, brand
        assert origin_key(row["origin"]) == origin_key(origin), brand
        assert row["provision"] == provision, brand
        # the asterisk marks the two approvals the footnote reports withdrawn
        assert (row["withdrawnOn"] is not None) == brand.endswith("*"), brand


def test_table_3_rows_come_in_order_of_approval(kg: Store, paper: str) -> None:
    printed = [printed_date(cells[0]) for cells in table_rows(paper, T3_HEADER)]
    assert printed == sorted(printed)
    assert [r["approvalDate"] for r in run(kg, "table-3.rq")] == printed


# ---- Table 4 ----


def test_table_4_rebuilt_cell_by_cell(kg: Store, paper: str) -> None:
    header = "No\tCommon name\tOverview of the study\tTarget patients\tSource"
    expected = []
    no, common = "", ""
    for cells in table_rows(paper, header):
        # a row continuing the previous one leaves No and Common name empty
        no, common = cells[0] or no, cells[1] or common
        expected.append((int(no), common, *cells[2:]))
    assert len(expected) == 7
    got = [
        (r["no"], r["commonName"], r["overview"], r["targetPatients"], r["source"])
        for r in run(kg, "table-4.rq")
    ]
    assert got == expected


# ---- Background evidence (references 11-16) ----

SAFETY = (OOS + "measure-crs-grade-3-4", OOS + "measure-icans-grade-3-4")
NUMBER = r"\d+(?:\.\d+)?"


def evidence_segments(paper: str) -> list[tuple[int, bool, str]]:
    """Split the two evidence paragraphs into (reference, is_safety, text) per citation mark."""
    body = paper.split("## Background", 1)[1].split("Although MAHs strive", 1)[0]
    safety_part, efficacy_part = body.split("Furthermore,", 1)
    segments = []
    for part, is_safety in ((safety_part, True), (efficacy_part, False)):
        pieces = re.split(r"\[([\d–, ]+)\]", part)
        for text, mark in zip(pieces[0::2], pieces[1::2], strict=False):
            if mark.isdigit() and 11 <= int(mark) <= 16 and re.search(NUMBER + "%", text):
                segments.append((int(mark), is_safety, text))
    return segments


def without_parentheses(text: str) -> str:
    """Drop every parenthesised aside (confidence intervals, p-values, patient counts)."""
    while True:
        shorter = re.sub(r"\([^()]*\)", "", text)
        if shorter == text:
            return text
        text = shorter


def test_evidence_segments_cover_references_11_to_16(paper: str) -> None:
    refs = sorted({ref for ref, _, _ in evidence_segments(paper)})
    assert refs == [11, 12, 13, 14, 15, 16]


def test_evidence_rebuilt_figure_by_figure(kg: Store, paper: str) -> None:
    """Values, arms, n, confidence intervals and p-values match the Background's sentences.

    The paper reports per citation "A vs. B (and C vs. D, respectively)" with OOS first and
    CRS before ICANS, then the patients as "(n OOS vs. n commercial)".
    """
    rows = run(kg, "evidence.rq")
    segments = evidence_segments(paper)
    seen = 0
    for ref, is_safety, text in segments:
        mine = [r for r in rows if r["reference"] == ref and (r["measure"] in SAFETY) == is_safety]
        mine.sort(key=lambda r: (str(r["measure"]) != SAFETY[0], r["armKind"] != OOS + "arm-oos"))
        seen += len(mine)
        where = f"reference {ref}, {'safety' if is_safety else 'efficacy'}"

        figures = re.findall(rf"(?<![\d.])({NUMBER})(?=%| and \d)", without_parentheses(text))
        assert [r["value"] for r in mine] == [Decimal(f) for f in figures], where
        assert {r["unit"] for r in mine} == {"%"}, where

        intervals = re.findall(rf"CI\]?: ({NUMBER})–({NUMBER})%", text)
        with_ci = [(r["ciLow"], r["ciHigh"]) for r in mine if r["ciLow"] is not None]
        assert with_ci == [(Decimal(lo), Decimal(hi)) for lo, hi in intervals], where

        p_values = re.findall(rf"p=({NUMBER})", text)
        mine_p = list(dict.fromkeys(r["pValue"] for r in mine if r["pValue"] is not None))
        assert mine_p == [Decimal(p) for p in p_values], where

        patients = re.search(r"\((\d+) patients(?: vs\. (\d+) patients)?\)", text)
        for r in mine:
            arm = 1 if r["armKind"] == OOS + "arm-oos" else 2
            expected_n = int(patients.group(arm)) if patients and patients.group(arm) else None
            assert r["patients"] == expected_n, (where, r["measurement"])
    assert seen == len(rows) == 29


def test_evidence_names_the_country_of_each_study(kg: Store) -> None:
    countries = {r["reference"]: r["country"] for r in run(kg, "evidence.rq")}
    # "reports from the United States ... Italy ... United Kingdom ... Japan"
    assert countries == {11: "US", 12: "US", 13: "IT", 14: "US", 15: "GB", 16: "JP"}
