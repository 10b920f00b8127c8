"""The public names of issue 4 (types, fields, enums, queries) are in the schema as spelled."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLEnumType, GraphQLObjectType

CONTRACT = {
    "Product": "id brandName label substance origin modality approval mah oosProvision oosTrials "
    "expandedAccessPrograms studies source",
    "Approval": "date kind withdrawnOn",
    "Organisation": "name",
    "Substance": "name products oosTrials expandedAccessPrograms studies",
    "Trial": "registry registryId title overview targetPatients product",
    "ExpandedAccessProgram": "nctId sponsor summary substance",
    "Jurisdiction": "code",
    "Clause": "instrument number text parent obligations",
    "Obligation": "role action deadline framework clause",
    "OutcomeMeasure": "measure arm value unit ciLow ciHigh pValue patients",
    "ProductConnection": "edges pageInfo totalCount",
    "ProductEdge": "node cursor",
    "Query": "products product substance compareJurisdictions obligations frameworkDiff "
    "streamlining studies search",
}
ENUMS = {
    "Origin": "AUTOLOGOUS ALLOGENEIC OTHER",
    "OosProvision": "CLINICAL_TRIAL NO NOT_APPLICABLE UNDER_CONSIDERATION",
    "JurisdictionCode": "US EU JP JP_PROPOSED",
    "ArmKind": "OOS COMMERCIAL",
}


@pytest.mark.parametrize(("type_name", "fields"), CONTRACT.items(), ids=list(CONTRACT))
def test_contract_fields_exist(schema: Any, type_name: str, fields: str) -> None:
    graphql_type = schema._schema.get_type(type_name)
    assert isinstance(graphql_type, GraphQLObjectType)
    assert set(fields.split()) <= set(graphql_type.fields)


@pytest.mark.parametrize(("enum_name", "values"), ENUMS.items(), ids=list(ENUMS))
def test_contract_enums_have_exactly_their_values(schema: Any, enum_name: str, values: str) -> None:
    enum = schema._schema.get_type(enum_name)
    assert isinstance(enum, GraphQLEnumType)
    assert set(enum.values) == set(values.split())


def test_query_arguments_keep_their_contract_names(schema: Any) -> None:
    query = schema._schema.query_type
    assert {"filter", "first", "after"} <= set(query.fields["products"].args)
    assert {"id", "name"} <= set(query.fields["product"].args)
    assert {"aspects", "jurisdictions"} <= set(query.fields["compareJurisdictions"].args)
    assert {"role", "jurisdiction"} <= set(query.fields["obligations"].args)
    assert {"from", "to"} <= set(query.fields["frameworkDiff"].args)
    assert {"party", "timing"} <= set(query.fields["streamlining"].args)
    assert {"substance", "measure"} <= set(query.fields["studies"].args)
    assert {"text", "lang"} <= set(query.fields["search"].args)
    product = schema._schema.get_type("Product")
    assert "lang" in product.fields["label"].args


def test_product_by_name_matches_brand_or_common_name_in_any_case(served: Any, run: Any) -> None:
    query = "query($n: String) { product(name: $n) { label } }"
    for name in ("KYMRIAH", "kymriah suspension for intravenous infusion", "Tisagenlecleucel"):
        assert run(served, query, {"n": name}).data == {"product": {"label": "Kymriah"}}
    ambiguous = run(served, query, {"n": "Human (autologous) epidermis-derived cell sheet"})
    assert "ambiguous" in ambiguous.errors[0].message
    assert run(served, query, {"n": "no such product"}).data == {"product": None}


def test_the_framework_diff_counts_what_obligations_lists(served: Any, run: Any) -> None:
    diff = run(
        served,
        """{ frameworkDiff(from: JP, to: JP_PROPOSED) {
            fromFramework { code } toFramework { code }
            roles { role { code } fromCount toCount fromObligations { id } } } }""",
    ).data["frameworkDiff"]
    assert (diff["fromFramework"]["code"], diff["toFramework"]["code"]) == ("JP", "JP_PROPOSED")
    assert diff["roles"]
    query = (
        "query($r: RoleCode, $j: JurisdictionCode) { obligations(role: $r, jurisdiction: $j)"
        " { id } }"
    )
    for row in diff["roles"]:
        code = row["role"]["code"]
        listed = run(served, query, {"r": code, "j": "JP"}).data["obligations"]
        proposed = run(served, query, {"r": code, "j": "JP_PROPOSED"}).data["obligations"]
        assert (row["fromCount"], row["toCount"]) == (len(listed), len(proposed)), code
        assert sorted(o["id"] for o in row["fromObligations"]) == sorted(o["id"] for o in listed)
