"""The documents whose answers on the repository's graph are kept as golden files
(``tests/graphql/golden/<name>.json``): every question of ``docs/questions.md``, nested
documents over every type, and each root argument given as a literal and as a variable.

Re-record with ``tools/record_answers.py --golden`` only when the data changes on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.graphql.questions import parse_questions

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"

SOURCE = "source { id label referenceNumber citation }"
SUBSTANCE = f'id name altLabels label ja: label(lang: "ja") {SOURCE}'
TRIAL = (
    "id registry registryId identifierAsPrinted title overview targetPatients tableRow "
    f"sponsor {{ id name }} product {{ id brandName }} substance {{ name }} {SOURCE}"
)
PROGRAM = f"id nctId title summary tableRow sponsor {{ id name }} substance {{ name }} {SOURCE}"
MEASUREMENT = f"id measure arm value unit ciLow ciHigh ciLevel pValue patients {SOURCE}"
STUDY = (
    "id title population country referenceNumber substance { name } "
    f"measurements {{ {MEASUREMENT} }} {SOURCE}"
)
PRODUCT = (
    "id brandName commonName altLabels origin originNote modality oosProvision "
    'approval { date kind withdrawnOn jurisdiction } mah { id name } label ja: label(lang: "ja") '
    f"substance {{ {SUBSTANCE} products {{ id }} oosTrials {{ id }} "
    f"expandedAccessPrograms {{ id }} studies {{ id }} }} "
    f"oosTrials {{ {TRIAL} }} expandedAccessPrograms {{ {PROGRAM} }} studies {{ {STUDY} }} "
    f"{SOURCE}"
)
PARTY = 'id label ja: label(lang: "ja") role'
ROLE = 'id code label ja: label(lang: "ja")'
CLAUSE = (
    'id number text description tableRow label ja: label(lang: "ja") '
    "instrument { id label } parent { id number } children { id number } "
    f"obligations {{ id }} {SOURCE}"
)
OBLIGATION = (
    'id action deadline frameworkCode label ja: label(lang: "ja") '
    f"role {{ {ROLE} }} roles {{ {ROLE} }} deadlineTrigger {{ {PARTY} }} "
    f"beforeEvent {{ {PARTY} }} reviewedBy {{ {PARTY} }} reportedTo {{ {PARTY} }} "
    f"framework {{ id code }} clause {{ {CLAUSE} }} {SOURCE}"
)
CRITERION = "id number text framework { code } clause { id number }"
FRAMEWORK = (
    'id code description label ja: label(lang: "ja") jurisdiction { id code label } '
    'instruments { id altLabels description label ja: label(lang: "ja") '
    "clauses { id number parent { number } } } "
    f"legalBasis {{ {CLAUSE} }} obligations {{ id action role {{ code }} }} "
    "mah: obligations(role: MAH) { id } "
    f"eligibility {{ {CRITERION} }} {SOURCE}"
)
JURISDICTION = 'id code label ja: label(lang: "ja") frameworks { id code label }'
CELL = (
    "id jurisdiction text obligations { id action role { code } clause { number } } "
    f"criteria {{ {CRITERION} }} {SOURCE}"
)
ROW = f'aspect {{ id tableRow label ja: label(lang: "ja") }} cells {{ {CELL} }}'
DIFF = (
    "fromFramework { id code } toFramework { id code label } "
    f"roles {{ role {{ {ROLE} }} fromCount toCount "
    "fromObligations { id action clause { number } } toObligations { id deadline } } "
    f"aspects {{ {ROW} }}"
)
STREAMLINING = "id text party timing canBeStreamlined itemNumber notes"
STEP = "id number label description performedBy nextStep"
HIT = "id kinds label matched"
CONNECTION = (
    f"totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} "
    f"edges {{ cursor node {{ {PRODUCT} }} }}"
)

ENUMS = {
    "Origin",
    "ApprovalKind",
    "OosProvision",
    "Modality",
    "Measure",
    "ArmKind",
    "JurisdictionCode",
    "RoleCode",
    "StreamliningTiming",
}
FILTER_ENUMS = {"origin", "approvalKind", "oosProvision", "modality"}

ROOT_CALLS: list[tuple[str, str, list[tuple[str, str, Any]], str]] = [
    # (case name, root field, [(argument, GraphQL type, value)], selection)
    ("products-all", "products", [], CONNECTION),
    (
        "products-page",
        "products",
        [("first", "Int", 3), ("after", "String", "b2Zmc2V0OjE=")],
        CONNECTION,
    ),
    ("products-empty-page", "products", [("first", "Int", 0)], CONNECTION),
    (
        "products-filter",
        "products",
        [("filter", "ProductFilter", {"origin": "AUTOLOGOUS", "oosProvision": "CLINICAL_TRIAL"})],
        CONNECTION,
    ),
    (
        "products-filter-dates",
        "products",
        [
            ("filter", "ProductFilter", {"approvedFrom": "2015-01-01", "approvedTo": "2021-12-31"}),
            ("first", "Int", 4),
        ],
        CONNECTION,
    ),
    (
        "products-filter-text",
        "products",
        [
            (
                "filter",
                "ProductFilter",
                {"text": "cel", "withdrawn": False, "modality": "CAR_T_CELL_THERAPY"},
            )
        ],
        CONNECTION,
    ),
    (
        "products-filter-mah",
        "products",
        [("filter", "ProductFilter", {"mah": "japan", "approvalKind": "APPROVAL"})],
        "totalCount edges { node { brandName mah { name } } }",
    ),
    (
        "products-filter-withdrawn",
        "products",
        [("filter", "ProductFilter", {"withdrawn": True})],
        "totalCount pageInfo { hasNextPage endCursor } "
        "edges { node { brandName approval { withdrawnOn } } }",
    ),
    (
        "products-count",
        "products",
        [("filter", "ProductFilter", {"origin": "ALLOGENEIC"})],
        "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }",
    ),
    (
        "product-by-id",
        "product",
        [("id", "ID", "https://w3id.org/oos-kg/id/product-kymriah")],
        PRODUCT,
    ),
    ("product-by-name", "product", [("name", "String", "breyanzi")], PRODUCT),
    ("product-by-part", "product", [("name", "String", "axicabtagene")], "id brandName"),
    ("product-none", "product", [("name", "String", "no such product")], "id"),
    ("product-ambiguous", "product", [("name", "String", "cel")], "id"),
    (
        "substance",
        "substance",
        [("name", "String!", "tisagenlecleucel")],
        f"{SUBSTANCE} products {{ id brandName }} oosTrials {{ {TRIAL} }} "
        f"expandedAccessPrograms {{ {PROGRAM} }} studies {{ {STUDY} }}",
    ),
    ("studies-all", "studies", [], STUDY),
    (
        "studies-filtered",
        "studies",
        [("substance", "String", "tisagenlecleucel"), ("measure", "Measure", "CRS_GRADE_3_4")],
        STUDY + " crs: measurements(measure: CRS_GRADE_3_4, arm: OOS) { id value }",
    ),
    ("jurisdictions", "jurisdictions", [], JURISDICTION),
    ("frameworks-all", "frameworks", [], FRAMEWORK),
    ("frameworks-codes", "frameworks", [("codes", "[JurisdictionCode!]", ["JP", "EU"])], FRAMEWORK),
    ("framework", "framework", [("code", "JurisdictionCode!", "JP_PROPOSED")], FRAMEWORK),
    ("compare-all", "compareJurisdictions", [], ROW),
    (
        "compare-some",
        "compareJurisdictions",
        [
            ("aspects", "[String!]", ["legal", "mechanism"]),
            ("jurisdictions", "[JurisdictionCode!]", ["EU", "JP_PROPOSED", "US"]),
        ],
        ROW,
    ),
    ("obligations-all", "obligations", [], OBLIGATION),
    (
        "obligations-filtered",
        "obligations",
        [
            ("role", "RoleCode", "MAH"),
            ("jurisdiction", "JurisdictionCode", "EU"),
            ("withDeadline", "Boolean", True),
        ],
        OBLIGATION,
    ),
    ("obligations-undated", "obligations", [("withDeadline", "Boolean", False)], "id deadline"),
    ("diff-default", "frameworkDiff", [], DIFF),
    (
        "diff-role",
        "frameworkDiff",
        [
            ("from", "JurisdictionCode!", "US"),
            ("to", "JurisdictionCode!", "EU"),
            ("role", "RoleCode", "MAH"),
        ],
        DIFF,
    ),
    ("streamlining-all", "streamlining", [], STREAMLINING),
    (
        "streamlining-filtered",
        "streamlining",
        [
            ("party", "RoleCode", "MAH"),
            ("timing", "StreamliningTiming", "BEFORE_START_ONE_OFF"),
            ("canBeStreamlined", "Boolean", True),
        ],
        STREAMLINING,
    ),
    ("flow", "provisionFlow", [], STEP),
    (
        "search",
        "search",
        [("text", "String!", "CAR"), ("lang", "String", "en"), ("first", "Int!", 5)],
        HIT,
    ),
    ("search-ja", "search", [("text", "String!", "再生"), ("lang", "String", "ja")], HIT),
]


def _literal(value: Any, enum: bool) -> str:
    """``value`` written as a GraphQL literal (an enum value unquoted)."""
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item, enum) for item in value) + "]"
    if isinstance(value, dict):
        fields = (f"{k}: {_literal(v, k in FILTER_ENUMS)}" for k, v in value.items())
        return "{" + ", ".join(fields) + "}"
    if isinstance(value, str) and enum:
        return value
    return json.dumps(value, ensure_ascii=False)


def _root_cases() -> dict[str, tuple[str, dict[str, Any] | None]]:
    cases: dict[str, tuple[str, dict[str, Any] | None]] = {}
    for name, root, arguments, selection in ROOT_CALLS:
        if not arguments:
            cases[name] = (f"{{ {root} {{ {selection} }} }}", None)
            continue
        literal = ", ".join(
            f"{arg}: {_literal(value, kind.strip('[]!') in ENUMS)}"
            for arg, kind, value in arguments
        )
        cases[f"{name}-literal"] = (f"{{ {root}({literal}) {{ {selection} }} }}", None)
        declared = ", ".join(f"${arg}: {kind}" for arg, kind, _ in arguments)
        passed = ", ".join(f"{arg}: ${arg}" for arg, _, _ in arguments)
        cases[f"{name}-variable"] = (
            f"query({declared}) {{ {root}({passed}) {{ {selection} }} }}",
            {arg: value for arg, _, value in arguments},
        )
    return cases


NESTED: dict[str, tuple[str, dict[str, Any] | None]] = {
    "aliases": (
        """{ products(first: 12) { edges { node {
        a: oosTrials { registryId } b: oosTrials { title product { brandName } }
        s1: substance { name } s2: substance { label(lang: "ja") studies { id } }
        first: studies { m1: measurements(measure: CRS_GRADE_3_4) { value }
          m2: measurements(arm: OOS) { measure value } }
    } } } }""",
        None,
    ),
    "repeated-key": (
        "{ products(first: 12) { edges { node { oosTrials { registryId } oosTrials { title } "
        "substance { name } } } } }",
        None,
    ),
    "fragments": (
        """{ products(first: 12) { edges { node { ...P substance { name } } } } }
        fragment P on Product { oosTrials { registryId product { brandName } } }""",
        None,
    ),
    "inline-fragment": (
        '{ product(name: "Kymriah") { ... on Product { brandName substance { name } } } }',
        None,
    ),
    "several-roots": (
        """{
        a: product(name: "Kymriah") { brandName substance { name studies { id } } }
        b: product(name: "Yescarta") { substance { name } oosTrials { registryId } }
        substance(name: "tisagenlecleucel") { products { brandName } oosTrials { title } }
        studies { id substance { name } }
    }""",
        None,
    ),
    "deep": (
        '{ substance(name: "tisagenlecleucel") { products { substance { products { '
        "oosTrials { product { substance { name } } } } } } } }",
        None,
    ),
    "measure-arm-1": (
        """query($m: Measure, $a: ArmKind, $l: String!) { studies { title
            substance { label(lang: $l) } measurements(measure: $m, arm: $a) { arm value } } }""",
        {"m": "CRS_GRADE_3_4", "a": "OOS", "l": "en"},
    ),
    "measure-arm-2": (
        """query($m: Measure, $a: ArmKind, $l: String!) { studies { title
            substance { label(lang: $l) } measurements(measure: $m, arm: $a) { arm value } } }""",
        {"m": None, "a": "COMMERCIAL", "l": "ja"},
    ),
    "role-variable": (
        "query($r: RoleCode) { frameworks { code obligations(role: $r) { id } } }",
        {"r": "MEDICAL_INSTITUTION"},
    ),
    "directives-true": (
        """query($x: Boolean!) { products(first: 12) { edges { node {
            substance @include(if: $x) { name } oosTrials @skip(if: $x) { registryId }
            studies { id } } } } }""",
        {"x": True},
    ),
    "directives-false": (
        """query($x: Boolean!) { products(first: 12) { edges { node {
            substance @include(if: $x) { name } oosTrials @skip(if: $x) { registryId }
            studies { id } } } } }""",
        {"x": False},
    ),
    "typename": (
        "{ __typename products(first: 2) { __typename edges { node { __typename id "
        "substance { __typename name } } } } }",
        None,
    ),
}


def golden_cases() -> dict[str, tuple[str, dict[str, Any] | None]]:
    """Every golden case: name -> (document, variables)."""
    questions = parse_questions(ROOT / "docs" / "questions.md")
    cases = {f"question-{q.slug}": (q.graphql, None) for q in questions}
    cases.update(_root_cases())
    cases.update(NESTED)
    return cases


def answer_json(result: Any) -> dict[str, Any]:
    """An execution result as the golden files keep it: data, and errors by message and path."""
    errors = [{"message": e.message, "path": e.path} for e in result.errors or []]
    return {"data": result.data, "errors": errors}
