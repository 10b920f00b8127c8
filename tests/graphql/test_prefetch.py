"""Link fields fetched ahead by the root resolvers, and resolved without strawberry's wrapper,
answer exactly what the loaders answer field by field, with no more store queries."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from graphql_api import _links
from graphql_api._questions import parse_questions
from graphql_api.context import GraphQLContext
from graphql_api.schema import OosSchema, build_schema
from oos_kg.errors import QueryError
from oos_kg.settings import Settings
from oos_kg.store.base import Bindings

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = {q.slug: q.graphql for q in parse_questions(ROOT / "docs" / "questions.md")}

DOCUMENTS = {
    "products": """{ products { totalCount edges { cursor node {
        id brandName commonName altLabels origin modality oosProvision label(lang: "ja")
        approval { date kind withdrawnOn jurisdiction } mah { name }
        source { id label referenceNumber }
        substance { name altLabels label(lang: "ja") products { brandName }
          oosTrials { registryId } expandedAccessPrograms { nctId } studies { id }
          source { id } }
        oosTrials { registry registryId title overview targetPatients tableRow
          sponsor { name } product { brandName substance { name } } substance { name }
          source { id } }
        expandedAccessPrograms { nctId title summary tableRow sponsor { name }
          substance { name studies { title } } source { id } }
        studies { title population country referenceNumber substance { name }
          measurements { measure arm value unit ciLow ciHigh ciLevel pValue patients
            source { id } }
          source { id } }
    } } } }""",
    "regulation": """{ jurisdictions { code label ja: label(lang: "ja") frameworks {
        code label description jurisdiction { code }
        instruments { label altLabels description clauses { number parent { number }
          children { number } obligations { id } } }
        legalBasis { number text tableRow instrument { label } source { id } }
        all: obligations { id action roles { code } }
        mah: obligations(role: MAH) { id action }
        eligibility { number text framework { code } clause { number } }
        source { id label }
    } } }""",
    "obligations": """{ obligations { id label action deadline frameworkCode
        role { code label } roles { code label(lang: "ja") }
        deadlineTrigger { label role } beforeEvent { label } reviewedBy { label role }
        reportedTo { label } framework { code jurisdiction { code } }
        clause { number text instrument { label } parent { number } }
        source { id referenceNumber }
    } }""",
    "comparison": """{ compareJurisdictions(jurisdictions: [US, EU, JP, JP_PROPOSED]) {
        aspect { label tableRow }
        cells { jurisdiction text obligations { id role { code } clause { number } }
          criteria { number text } source { id } }
    } }""",
    "diff": """{ frameworkDiff(from: JP, to: JP_PROPOSED) {
        fromFramework { code obligations { id } jurisdiction { code } }
        toFramework { code eligibility { number } legalBasis { number } }
        roles { role { code label } fromCount toCount
          fromObligations { id action clause { number instrument { label } } }
          toObligations { id framework { code } clause { label } reportedTo { label } } }
        aspects { aspect { label } cells { text obligations { id } } }
    } }""",
    "aliases": """{ products(first: 12) { edges { node {
        a: oosTrials { registryId } b: oosTrials { title product { brandName } }
        s1: substance { name } s2: substance { label(lang: "ja") studies { id } }
        first: studies { m1: measurements(measure: CRS_GRADE_3_4) { value }
          m2: measurements(arm: OOS) { measure value } }
    } } } }""",
    "repeated key": """{ products(first: 12) { edges { node {
        oosTrials { registryId } oosTrials { title } substance { name }
    } } } }""",
    "fragments": """{ products(first: 12) { edges { node { ...P substance { name } } } } }
        fragment P on Product { oosTrials { registryId product { brandName } } }""",
    "several roots": """{
        a: product(name: "Kymriah") { brandName substance { name studies { id } } }
        b: product(name: "Yescarta") { substance { name } oosTrials { registryId } }
        substance(name: "tisagenlecleucel") { products { brandName } oosTrials { title } }
        studies { id substance { name } }
    }""",
}

ROOTS = {
    "filters": """{ a: products(filter: {approvedFrom: "2015-01-01", approvedTo: "2022-12-31",
          withdrawn: false, text: "cel", origin: AUTOLOGOUS, approvalKind: APPROVAL}) {
          totalCount edges { node { brandName } } }
        b: products(filter: {mah: "a", oosProvision: CLINICAL_TRIAL, modality: CAR_T_CELL_THERAPY},
          first: 2, after: "b2Zmc2V0OjA=") { totalCount pageInfo { hasNextPage endCursor } } }""",
    "lookups": """{ product(id: "https://w3id.org/oos-kg/id/product-kymriah") { brandName }
        byName: product(name: "breyanzi") { brandName } substance(name: "axicabtagene") { name }
        studies(substance: "tisagenlecleucel", measure: CRS_GRADE_3_4) { title } }""",
    "regulation roots": """{ frameworks(codes: [JP, EU]) { code } framework(code: US) { code }
        compareJurisdictions(aspects: ["legal"], jurisdictions: [EU, JP_PROPOSED]) {
          aspect { label } cells { jurisdiction } }
        obligations(role: MAH, jurisdiction: EU, withDeadline: true) { action }
        frameworkDiff(from: EU, to: US, role: MAH) { roles { fromCount toCount } }
        streamlining(party: MAH, timing: BEFORE_START_ONE_OFF, canBeStreamlined: true) {
          itemNumber }
        search(text: "CAR", lang: "en", first: 3) { id } }""",
}

VARIABLES = {
    "filter variable": (
        """query($f: ProductFilter, $n: Int, $c: [JurisdictionCode!]) {
            products(filter: $f, first: $n) { totalCount edges { node { brandName } } }
            frameworks(codes: $c) { code } }""",
        [
            {"f": {"origin": "AUTOLOGOUS", "approvedFrom": "2019-01-01"}, "n": 3, "c": ["JP"]},
            {"f": None, "c": None},
            {"f": {"withdrawn": True}},
        ],
    ),
    "measure and arm": (
        """query($m: Measure, $a: ArmKind, $l: String!) { studies { title
            substance { label(lang: $l) } measurements(measure: $m, arm: $a) { arm value } } }""",
        [
            {"m": "CRS_GRADE_3_4", "a": "OOS", "l": "en"},
            {"m": None, "a": "COMMERCIAL", "l": "en"},
            {"l": "ja"},
        ],
    ),
    "directives": (
        """query($x: Boolean!) { products(first: 12) { edges { node {
            substance @include(if: $x) { name } oosTrials @skip(if: $x) { registryId }
            studies { id } } } } }""",
        [{"x": True}, {"x": False}],
    ),
}


class Counting:
    """A store's ``select`` in the caller's thread, counted; fails the queries holding
    ``failing``."""

    selects_in_process = True

    def __init__(self, store: Any, failing: str | None = None) -> None:
        self.store = store
        self.calls = 0
        self.failing = failing

    def select(self, query: str, **kwargs: Any) -> list[Bindings]:
        self.calls += 1
        if self.failing is not None and self.failing in query:
            raise QueryError("the store refused this one")
        result: list[Bindings] = self.store.select(query, **kwargs)
        return result

    def data_version(self) -> str | None:
        return self.store.data_version()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def plain(settings: Settings) -> OosSchema:
    """The schema with strawberry's resolver wrapper on every field."""
    return build_schema(settings, lean=False)


def answer(
    schema: OosSchema,
    store: Any,
    document: str,
    variables: dict[str, Any] | None = None,
    *,
    prefetch: bool,
) -> tuple[str, int]:
    """The JSON answer (data and errors with their paths) and the number of store calls."""
    counting = store if isinstance(store, Counting) else Counting(store)
    counting.calls = 0
    context = GraphQLContext(counting, Settings(store="memory"), prefetch=prefetch)
    result = asyncio.run(schema.execute(document, variable_values=variables, context_value=context))
    errors = sorted((e.message, str(e.path)) for e in result.errors or [])
    return json.dumps({"data": result.data, "errors": errors}, sort_keys=True), counting.calls


CASES = [
    *((f"question {slug}", document, None) for slug, document in QUESTIONS.items()),
    *((name, document, None) for name, document in DOCUMENTS.items()),
    *((name, document, None) for name, document in ROOTS.items()),
    *(
        (f"{name} {i}", document, given)
        for name, (document, every) in VARIABLES.items()
        for i, given in enumerate(every)
    ),
]


@pytest.mark.parametrize(
    ("document", "variables"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_prefetched_answers_are_the_loaders_answers(
    schema: OosSchema, plain: OosSchema, loaded: Any, document: str, variables: Any
) -> None:
    ahead, ahead_calls = answer(schema, loaded, document, variables, prefetch=True)
    one_by_one, calls = answer(plain, loaded, document, variables, prefetch=False)
    assert ahead == one_by_one
    assert '"data": null' not in ahead
    assert ahead_calls <= calls


def test_plain_documents_resolve_every_link_field_without_the_loaders(
    schema: OosSchema, loaded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fallbacks: list[str] = []
    original = _links._load

    def spy(obj: Any, info: Any, link: _links.Link, args: Any) -> Any:
        fallbacks.append(info._raw_info.field_name)
        return original(obj, info, link, args)

    monkeypatch.setattr(_links, "_load", spy)
    for name in ("products", "regulation", "obligations", "comparison", "diff", "aliases"):
        answer(schema, loaded, DOCUMENTS[name], prefetch=True)
        assert fallbacks == [], name
    answer(schema, loaded, DOCUMENTS["fragments"], prefetch=True)
    assert "oosTrials" in fallbacks  # a fragment's fields are left to the loaders


@pytest.mark.parametrize(
    ("document", "failing"),
    [
        (
            "{ products { edges { node { brandName oosTrials { product { commonName } } } } } }",
            "oos:commonName",
        ),
        (
            "{ products { edges { node { studies { id substance { altLabels } } } } } }",
            "skos:altLabel",
        ),
    ],
)
def test_a_failed_query_fails_the_fields_that_needed_it_as_before(
    schema: OosSchema, plain: OosSchema, loaded: Any, document: str, failing: str
) -> None:
    ahead, _ = answer(schema, Counting(loaded, failing), document, prefetch=True)
    one_by_one, _ = answer(plain, Counting(loaded, failing), document, prefetch=False)
    assert ahead == one_by_one
    found = json.loads(ahead)
    assert found["data"]["products"]["edges"]
    assert len(found["errors"]) > 1
    assert {message for message, _ in found["errors"]} == {"the store refused this one"}


def test_a_failure_under_non_null_fields_nulls_the_answer_as_before(
    schema: OosSchema, plain: OosSchema, loaded: Any
) -> None:
    # graphql-core reports the first error that reaches the root: which one may differ
    failing = "oos:ciLow"
    ahead, _ = answer(schema, Counting(loaded, failing), DOCUMENTS["products"], prefetch=True)
    one_by_one, _ = answer(plain, Counting(loaded, failing), DOCUMENTS["products"], prefetch=False)
    for found in (json.loads(ahead), json.loads(one_by_one)):
        assert found["data"] is None
        assert [message for message, _ in found["errors"]] == ["the store refused this one"]


def test_obligations_with_and_without_a_deadline_split_them_all(
    schema: OosSchema, loaded: Any
) -> None:
    document = "query($d: Boolean) { obligations(withDeadline: $d) { id deadline } }"

    def found(dated: bool | None) -> list[dict[str, Any]]:
        data = json.loads(answer(schema, loaded, document, {"d": dated}, prefetch=True)[0])
        obligations: list[dict[str, Any]] = data["data"]["obligations"]
        return obligations

    every, dated, undated = found(None), found(True), found(False)
    assert dated and undated
    assert all(o["deadline"] for o in dated) and not any(o["deadline"] for o in undated)
    assert sorted(o["id"] for o in every) == sorted(o["id"] for o in dated + undated)
