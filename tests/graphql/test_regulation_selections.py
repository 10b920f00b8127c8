"""The regulation roots read only what a document selects, and answer the same whatever it
selects: any part of a selection answers what the whole selection answers for that part."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from oos_kg.namespaces import DCTERMS, OOS, OOSD
from tests.graphql.conftest import RDF_TYPE, RDFS_LABEL, CountingStore

DIFF_PARTS = {
    "role": "role { code label }",
    "fromCount": "fromCount",
    "toCount": "toCount",
    "fromObligations": "fromObligations { id action clause { label } role { code } }",
    "toObligations": "toObligations { id deadline clause { number } framework { code } }",
}
DIFF_FRAMEWORKS = {"fromFramework": "fromFramework { code }", "toFramework": "toFramework { code }"}


def _project(found: Any, like: Any) -> Any:
    """``found`` cut down to the keys of ``like`` (key -> what below it, ``None``: all)."""
    if like is None:
        return found
    if isinstance(found, list):
        return [_project(item, like) for item in found]
    return {key: _project(found[key], below) for key, below in like.items()}


@pytest.mark.parametrize(
    "arguments",
    [
        "from: JP, to: JP_PROPOSED",
        "from: JP, to: JP_PROPOSED, role: MAH",
        "from: US, to: EU",
        "from: JP_PROPOSED, to: JP, role: MEDICAL_INSTITUTION",
    ],
)
def test_the_framework_diff_answers_each_part_of_a_selection_as_the_whole(
    served: Any, run: Any, arguments: str
) -> None:
    every = " ".join(DIFF_PARTS.values())
    frameworks = " ".join(DIFF_FRAMEWORKS.values())
    whole = run(
        served, f"{{ frameworkDiff({arguments}) {{ roles {{ {every} }} {frameworks} }} }}"
    ).data["frameworkDiff"]
    assert any(r["fromObligations"] and r["toObligations"] for r in whole["roles"])
    source, target = (part.split(": ")[1] for part in arguments.split(", ")[:2])
    listed = "query($r: RoleCode, $j: JurisdictionCode) { obligations(role: $r, jurisdiction: $j)"
    for row in whole["roles"]:  # the whole selection against the obligations root
        for side, code in (("fromObligations", source), ("toObligations", target)):
            fields = DIFF_PARTS[side].split("{", 1)[1].rsplit("}", 1)[0]
            given = {"r": row["role"]["code"], "j": code}
            alone = run(served, f"{listed} {{ {fields} }} }}", given)
            by_id = sorted(alone.data["obligations"], key=lambda o: o["id"])
            assert row[side] == by_id, (side, row["role"]["code"])
    names = list(DIFF_PARTS)
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(names, size):
            for framework in ((), ("fromFramework",), ("toFramework",)):
                roles = f"roles {{ {' '.join(DIFF_PARTS[n] for n in chosen)} }}" if chosen else ""
                extra = " ".join(DIFF_FRAMEWORKS[n] for n in framework)
                if not roles and not extra:
                    continue
                document = f"{{ frameworkDiff({arguments}) {{ {roles} {extra} }} }}"
                part = run(served, document)
                assert part.errors is None, document
                like = dict.fromkeys(framework)
                if chosen:
                    like["roles"] = dict.fromkeys(chosen)
                assert part.data["frameworkDiff"] == _project(whole, like), document


EVERY_CODE = ["US", "EU", "JP", "JP_PROPOSED"]
ROW = "aspect { id label tableRow } cells { id jurisdiction text }"


@pytest.mark.parametrize(
    "text",
    [
        "legal handling",
        "LEGAL HANDLING",
        "Legal",
        "responsibilities",
        "RESPONSIBILITIES OF THE",
        "of",
        "",
        "zzz",
        "İ",
        "ı",
        "ß",
        "eligible patients ",
        "https://w3id.org/oos-kg/id/aspect-legal-handling",
        "https://w3id.org/oos-kg/id/ASPECT-LEGAL-HANDLING",
        "aspect-legal-handling",
    ],
)
def test_aspects_asked_by_text_are_the_rows_whose_label_holds_it_in_any_case(
    served: Any, run: Any, text: str
) -> None:
    codes = ", ".join(EVERY_CODE)
    every = run(served, f"{{ compareJurisdictions(jurisdictions: [{codes}]) {{ {ROW} }} }}")
    rows = every.data["compareJurisdictions"]
    assert len(rows) == 7 and all(r["cells"] for r in rows)
    for wanted in ([text], [text, "regulatory mechanism"], [text.upper(), text.lower()]):
        document = "query($a: [String!]) { compareJurisdictions(aspects: $a, jurisdictions: "
        found = run(served, f"{document}[{codes}]) {{ {ROW} }} }}", {"a": wanted})
        expected = [
            r
            for r in rows
            if any(
                w == r["aspect"]["id"] or w.lower() in r["aspect"]["label"].lower() for w in wanted
            )
        ]
        assert found.data["compareJurisdictions"] == expected, wanted


@pytest.mark.parametrize(
    "codes",
    [
        ["US"],
        ["JP", "JP_PROPOSED"],
        ["JP_PROPOSED", "JP"],
        ["JP_PROPOSED"],
        ["EU", "EU"],
        ["JP_PROPOSED", "US", "EU", "JP"],
    ],
)
@pytest.mark.parametrize("aspects", [None, ["legal handling", "PATIENTS"]])
def test_cells_asked_by_code_are_those_of_the_codes_in_the_order_asked(
    served: Any, run: Any, codes: list[str], aspects: list[str] | None
) -> None:
    document = (
        "query($a: [String!], $j: [JurisdictionCode!]) {"
        f" compareJurisdictions(aspects: $a, jurisdictions: $j) {{ {ROW} }} }}"
    )
    every = run(served, document, {"a": aspects, "j": EVERY_CODE}).data["compareJurisdictions"]
    found = run(served, document, {"a": aspects, "j": codes}).data["compareJurisdictions"]
    order = list(dict.fromkeys(codes))
    expected = [
        {
            "aspect": row["aspect"],
            "cells": sorted(
                [c for c in row["cells"] if c["jurisdiction"] in codes],
                key=lambda c: (order.index(c["jurisdiction"]), c["id"]),
            ),
        }
        for row in every
    ]
    assert found == expected
    assert any(row["cells"] for row in found)


_CELL = "cells { id jurisdiction text source { id } obligations { id } criteria { id } }"
_WHOLE = f'aspect {{ id label tableRow ja: label(lang: "ja") }} {_CELL}'
_ID = {"id": None}


@pytest.mark.parametrize(
    ("selection", "like"),
    [
        ("aspect { id }", {"aspect": _ID}),
        ("aspect { label tableRow }", {"aspect": {"label": None, "tableRow": None}}),
        ('aspect { ja: label(lang: "ja") }', {"aspect": {"ja": None}}),
        ("cells { id }", {"cells": _ID}),
        (
            "cells { text source { id } obligations { id } criteria { id } }",
            {"cells": {"text": None, "source": _ID, "obligations": _ID, "criteria": _ID}},
        ),
        ("aspect { id } cells { jurisdiction }", {"aspect": _ID, "cells": {"jurisdiction": None}}),
    ],
)
@pytest.mark.parametrize("aspects", [None, ["responsibilities"]])
def test_comparison_rows_answer_each_part_of_a_selection_as_the_whole(
    served: Any, run: Any, selection: str, like: dict[str, Any], aspects: list[str] | None
) -> None:
    document = "query($a: [String!]) { compareJurisdictions(aspects: $a, jurisdictions: "
    document += "[JP, JP_PROPOSED, US]) { %s } }"
    whole = run(served, document % _WHOLE, {"a": aspects}).data["compareJurisdictions"]
    assert any(c["obligations"] for row in whole for c in row["cells"])
    assert aspects or any(c["criteria"] for row in whole for c in row["cells"])
    part = run(served, document % selection, {"a": aspects})
    assert part.errors is None
    assert part.data["compareJurisdictions"] == _project(whole, like)


def _table(cells: list[tuple[str, str, dict[str, str]]]) -> CountingStore:
    """Aspects alpha (row 2) and beta (row 1), and ``cells``: (IRI name, class, links)."""
    store, graph = Store(), NamedNode("https://w3id.org/oos-kg/graph/regulations")

    def add(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        store.add(Quad(s, p, o, graph))

    for name, row in (("alpha", 2), ("beta", 1)):
        aspect = NamedNode(str(OOSD[f"aspect-{name}"]))
        add(aspect, RDF_TYPE, NamedNode(str(OOS.ComparisonAspect)))
        add(aspect, NamedNode(str(OOS.tableRow)), Literal(str(row), datatype=NamedNode(XSD_INT)))
        add(aspect, RDFS_LABEL, Literal(f"{name.title()} aspect", language="en"))
    for code in ("US", "EU", "JP"):
        for kind in ("framework", "jurisdiction"):
            node = NamedNode(str(OOSD[f"{kind}-{code.lower()}"]))
            add(node, NamedNode(str(OOS.jurisdictionCode)), Literal(code))
    for name, cls, links in cells:
        cell = NamedNode(str(OOSD[name]))
        add(cell, RDF_TYPE, NamedNode(str(OOS[cls])))
        add(cell, NamedNode(str(DCTERMS.description)), Literal(f"{name} text", language="en"))
        for key, value in links.items():
            add(cell, NamedNode(str(OOS[key])), NamedNode(str(OOSD[value])))
    return CountingStore(store)


XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            "jurisdictions: [US, EU, JP, JP_PROPOSED]",
            [("beta", ["JP p3", "JP_PROPOSED q1"]), ("alpha", ["US p1", "EU p2"])],
        ),
        ('aspects: ["ALPHA"]', [("alpha", ["US p1", "EU p2"])]),
        ("jurisdictions: [EU]", [("beta", []), ("alpha", ["EU p2"])]),
        ('aspects: ["beta"], jurisdictions: [EU, JP]', [("beta", ["JP p3"])]),
        (
            "jurisdictions: [JP_PROPOSED, JP]",
            [("beta", ["JP_PROPOSED q1", "JP p3"]), ("alpha", [])],
        ),
    ],
)
def test_a_position_without_a_framework_is_the_cell_of_its_jurisdiction(
    run: Any, arguments: str, expected: list[tuple[str, list[str]]]
) -> None:
    store = _table(
        [
            (
                "p1",
                "JurisdictionPosition",
                {"aspect": "aspect-alpha", "underFramework": "framework-us"},
            ),
            (
                "p2",
                "JurisdictionPosition",
                {"aspect": "aspect-alpha", "jurisdiction": "jurisdiction-eu"},
            ),
            (  # under a framework: its jurisdiction's code does not count
                "p3",
                "JurisdictionPosition",
                {
                    "aspect": "aspect-beta",
                    "underFramework": "framework-jp",
                    "jurisdiction": "jurisdiction-eu",
                },
            ),
            ("q1", "Proposition", {"correspondsToAspect": "aspect-beta"}),
            ("x1", "Clause", {"aspect": "aspect-alpha", "underFramework": "framework-us"}),
        ]
    )
    row = "aspect { label } cells { id jurisdiction text }"
    document = f"{{ compareJurisdictions({arguments}) {{ {row} }} }}"
    found = run(store, document)
    assert found.errors is None
    rows = [
        (
            row["aspect"]["label"].split()[0].lower(),
            [f"{c['jurisdiction']} {c['id'].rsplit('/', 1)[1]}" for c in row["cells"]],
        )
        for row in found.data["compareJurisdictions"]
    ]
    assert rows == expected
    texts = {c["text"] for row in found.data["compareJurisdictions"] for c in row["cells"]}
    assert all(text.endswith(" text") for text in texts)


def _studies(refs: dict[str, list[Literal]]) -> CountingStore:
    """Studies named by ``refs``' keys, each citing one source per reference number given."""
    store, graph = Store(), NamedNode("https://w3id.org/oos-kg/graph/products")
    for name, numbers in refs.items():
        study = NamedNode(str(OOSD[f"study-{name}"]))
        store.add(Quad(study, RDF_TYPE, NamedNode(str(OOS.EvidenceStudy)), graph))
        for n, number in enumerate(numbers):
            cited = NamedNode(str(OOSD[f"source-{name}-{n}"]))
            store.add(Quad(study, NamedNode(str(DCTERMS.source)), cited, graph))
            store.add(Quad(cited, NamedNode(str(OOS.referenceNumber)), number, graph))
    return CountingStore(store)


def _integer(text: str) -> Literal:
    return Literal(text, datatype=NamedNode(XSD_INT))


ORDERED = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oos: <https://w3id.org/oos-kg/ontology#>
SELECT ?s (MIN(?ref) AS ?reference) WHERE { ?s a oos:EvidenceStudy
  OPTIONAL { ?s dcterms:source/oos:referenceNumber ?ref } } GROUP BY ?s ORDER BY ?reference ?s"""


@pytest.mark.parametrize(
    "refs",
    [
        {  # by the least number (10 after 3: numbers, not texts), none first, ties by IRI
            "b": [_integer("2")],
            "d": [_integer("10"), _integer("3")],
            "a": [_integer("02")],
            "c": [],
            "e": [_integer("+1")],
        },
        {"b": [_integer("2")], "a": [Literal("1")], "c": []},  # a text: the store sorts
        {"b": [_integer("2")], "a": [Literal("1.5", datatype=NamedNode(XSD_INT[:-7] + "decimal"))]},
        {"b": [_integer("2")], "a": [_integer("x")]},
    ],
)
def test_studies_come_in_the_order_of_their_least_reference_number(
    run: Any, refs: dict[str, list[Literal]]
) -> None:
    store = _studies(refs)
    expected = [r["s"].value for r in store.select(ORDERED)]
    store.calls.clear()
    found = run(store, "{ studies { id } }")
    assert [s["id"] for s in found.data["studies"]] == expected
    assert len(store.calls) == 1  # studies.rq orders them; their ids need nothing more
    if "d" in refs:
        assert [i.rsplit("-", 1)[1] for i in expected] == ["c", "e", "a", "b", "d"]


@pytest.mark.parametrize("role", [None, "MAH", "MEDICAL_INSTITUTION"])
@pytest.mark.parametrize("dated", [None, True])
def test_an_obligations_code_is_the_same_read_from_the_listing_or_its_record(
    served: Any, run: Any, role: str | None, dated: bool | None
) -> None:
    document = """query($r: RoleCode, $j: JurisdictionCode, $d: Boolean) {
        obligations(role: $r, jurisdiction: $j, withDeadline: $d) { id frameworkCode action } }"""
    every = run(served, document, {"r": role, "d": dated}).data["obligations"]
    assert every or dated
    by_code = [
        o
        for code in EVERY_CODE
        for o in run(served, document, {"r": role, "j": code, "d": dated}).data["obligations"]
    ]
    assert sorted(every, key=lambda o: o["id"]) == sorted(by_code, key=lambda o: o["id"])


def test_an_obligation_under_two_frameworks_shows_the_first_code(run: Any) -> None:
    store, graph = Store(), NamedNode("https://w3id.org/oos-kg/graph/regulations")
    obligation = NamedNode(str(OOSD["obligation-shared"]))
    for code in ("US", "EU"):
        framework = NamedNode(str(OOSD[f"framework-{code.lower()}"]))
        store.add(Quad(framework, NamedNode(str(OOS.jurisdictionCode)), Literal(code), graph))
        store.add(Quad(obligation, NamedNode(str(OOS.underFramework)), framework, graph))
    store.add(Quad(obligation, RDF_TYPE, NamedNode(str(OOS.Obligation)), graph))
    counting = CountingStore(store)
    for given in ("", "(jurisdiction: US)", "(jurisdiction: EU)"):
        found = run(counting, f"{{ obligations{given} {{ id frameworkCode }} }}")
        assert found.data["obligations"] == [{"id": str(obligation.value), "frameworkCode": "EU"}]
