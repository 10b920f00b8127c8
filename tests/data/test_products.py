"""The products graph: the counts the paper states, its cross-links, identifiers and sources.

The counts come from the paper's text and tables (21 products approved in Japan, 13 of them
autologous, 6 supplying OOS products through clinical trials, 7 Japanese registry identifiers,
6 US expanded access programs, 2 withdrawals, 5 products of Japan Tissue Engineering).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from pyoxigraph import Literal, NamedNode, Store

OOS = "https://w3id.org/oos-kg/ontology#"
OOSD = "https://w3id.org/oos-kg/id/"
SRC = "https://w3id.org/oos-kg/source/"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES = f"""
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oos: <{OOS}>
PREFIX oosd: <{OOSD}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX src: <{SRC}>
"""

Value = str | int | Decimal | date | None


def _python(term: object) -> Value:
    """Return the Python value of a query result term (IRIs as strings)."""
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


def select(kg: Store, body: str) -> list[dict[str, Value]]:
    """Run a SELECT over the union of the named graphs and return its rows as dicts."""
    result = kg.query(PREFIXES + body, use_default_graph_as_union=True)
    names = [variable.value for variable in result.variables]  # type: ignore[union-attr]
    return [{name: _python(row[name]) for name in names} for row in result]  # type: ignore[union-attr]


def column(kg: Store, body: str, name: str = "x") -> list[Value]:
    """Run a SELECT and return one column."""
    return [row[name] for row in select(kg, body)]


def count(kg: Store, body: str) -> int:
    """Run ``SELECT (COUNT(...) AS ?n)`` and return the number."""
    (value,) = column(kg, body, "n")
    assert isinstance(value, int)
    return value


def test_table_3_lists_21_products_approved_in_japan(kg: Store) -> None:
    n = count(
        kg,
        """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?p a oos:RegenerativeMedicineProduct ; oos:approval ?a .
            ?a oos:approvedIn oosd:jurisdiction-jp ; oos:approvalDate ?d .
        }""",
    )
    assert n == 21


def test_13_products_are_autologous(kg: Store) -> None:
    n = count(
        kg,
        """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?p a oos:RegenerativeMedicineProduct ; oos:origin oos:origin-autologous .
        }""",
    )
    assert n == 13


def test_every_product_has_exactly_one_origin_and_one_status(kg: Store) -> None:
    rows = select(
        kg,
        """SELECT ?p (COUNT(DISTINCT ?o) AS ?origins) (COUNT(DISTINCT ?s) AS ?statuses) WHERE {
            ?p a oos:RegenerativeMedicineProduct .
            OPTIONAL { ?p oos:origin ?o } OPTIONAL { ?p oos:oosProvisionStatus ?s }
        } GROUP BY ?p""",
    )
    assert rows
    wrong = [r["p"] for r in rows if r["origins"] != 1 or r["statuses"] != 1]
    assert wrong == []


def test_the_six_products_supplying_oos_through_trials_are_those_with_a_table_4_trial(
    kg: Store,
) -> None:
    by_status = set(
        column(
            kg,
            """SELECT ?x WHERE {
                ?x a oos:RegenerativeMedicineProduct ;
                   oos:oosProvisionStatus oos:oos-provision-clinical-trial .
            }""",
        )
    )
    with_trial = set(
        column(
            kg,
            """SELECT DISTINCT ?x WHERE {
                ?t a oos:ClinicalTrial ; oos:forProduct ?x ;
                   oos:underFramework oosd:framework-jp-clinical-trial .
            }""",
        )
    )
    assert len(by_status) == 6
    assert by_status == with_trial


def test_trials_investigate_the_active_substance_of_their_product(kg: Store) -> None:
    mismatched = column(
        kg,
        """SELECT ?x WHERE {
            ?x a oos:ClinicalTrial ; oos:forProduct ?p ; oos:investigatesSubstance ?s .
            FILTER NOT EXISTS { ?p oos:activeSubstance ?s }
        }""",
    )
    assert mismatched == []


def test_table_4_has_seven_japanese_registry_identifiers_in_six_rows(kg: Store) -> None:
    rows = select(
        kg,
        """SELECT ?id ?row WHERE {
            ?t a oos:ClinicalTrial ; oos:registryId ?id ; oos:tableRow ?row ;
               oos:underFramework oosd:framework-jp-clinical-trial .
        }""",
    )
    assert len({r["id"] for r in rows}) == 7
    rows_per_number = Counter(r["row"] for r in rows)
    assert sorted(rows_per_number) == [1, 2, 3, 4, 5, 6]
    # axicabtagene ciloleucel (row 4) has two registry identifiers
    assert [n for n, c in rows_per_number.items() if c > 1] == [4]


def test_table_1_has_six_nct_identifiers(kg: Store) -> None:
    ids = column(
        kg,
        """SELECT ?x WHERE {
            ?p a oos:ExpandedAccessProgram ; oos:registryId ?x ;
               oos:registry oos:registry-clinicaltrials-gov ;
               oos:underFramework oosd:framework-us-expanded-access .
        }""",
    )
    assert len(set(ids)) == len(ids) == 6


def test_the_footnote_withdrawals_are_collategene_june_and_heart_sheet_july_2024(
    kg: Store,
) -> None:
    rows = select(
        kg,
        """SELECT ?label ?when WHERE {
            ?p oos:approval ?a ; skos:prefLabel ?label .
            ?a oos:withdrawnOn ?when ; dcterms:source src:paper-table-3-footnote .
        } ORDER BY ?when""",
    )
    assert [(r["label"], r["when"]) for r in rows] == [
        ("Collategene", "2024-06"),
        ("Heart Sheet", "2024-07"),
    ]


def test_withdrawn_approvals_were_conditional_and_time_limited(kg: Store) -> None:
    kinds = column(
        kg,
        """SELECT ?x WHERE { ?a oos:withdrawnOn ?w ; oos:approvalKind ?x . }""",
    )
    assert kinds == [OOS + "approval-kind-conditional-time-limited"] * 2


def test_japan_tissue_engineering_holds_five_products(kg: Store) -> None:
    n = count(
        kg,
        """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?p oos:marketingAuthorisationHolder ?o .
            ?o rdfs:label "Japan Tissue Engineering Co., Ltd"@en .
        }""",
    )
    assert n == 5


def test_novartis_pharma_is_one_company_with_both_printed_spellings(kg: Store) -> None:
    rows = select(
        kg,
        """SELECT ?o (COUNT(DISTINCT ?p) AS ?products) WHERE {
            ?p oos:marketingAuthorisationHolder ?o .
            { ?o rdfs:label ?name } UNION { ?o skos:altLabel ?name }
            FILTER (STR(?name) IN ("Novartis Pharma K.K", "Novartis Pharma KK"))
        } GROUP BY ?o""",
    )
    assert [r["products"] for r in rows] == [3]


def test_each_organisation_name_is_one_resource(kg: Store) -> None:
    """Spellings that differ only in punctuation or case name the same company."""
    rows = select(
        kg,
        """SELECT ?x (COUNT(DISTINCT ?o) AS ?n) WHERE {
            ?o a oos:Organisation .
            { ?o rdfs:label ?name } UNION { ?o skos:altLabel ?name }
            BIND (LCASE(REPLACE(STR(?name), "[^A-Za-z0-9]", "")) AS ?x)
        } GROUP BY ?x""",
    )
    assert rows
    assert [r["x"] for r in rows if r["n"] != 1] == []


def test_following_tisagenlecleucel_reaches_product_trial_program_and_studies(
    kg: Store,
) -> None:
    rows = select(
        kg,
        """SELECT ?product ?trial ?program ?reference WHERE {
            ?s a oos:ActiveSubstance ; rdfs:label "Tisagenlecleucel"@en .
            { ?p oos:activeSubstance ?s ; skos:prefLabel ?product }
            UNION { ?t a oos:ClinicalTrial ; oos:investigatesSubstance ?s ;
                       oos:registryId ?trial }
            UNION { ?e a oos:ExpandedAccessProgram ; oos:investigatesSubstance ?s ;
                       oos:registryId ?program }
            UNION { ?st a oos:EvidenceStudy ; oos:investigatesSubstance ?s ;
                        dcterms:references/oos:referenceNumber ?reference }
        }""",
    )
    assert {r["product"] for r in rows} - {None} == {"Kymriah"}
    assert {r["trial"] for r in rows} - {None} == {"jRCT1080224903"}
    assert {r["program"] for r in rows} - {None} == {"NCT03601442"}
    assert {r["reference"] for r in rows} - {None} == {11, 12, 13, 16}


def test_one_substance_resource_per_common_name(kg: Store) -> None:
    rows = select(
        kg,
        """SELECT ?label (COUNT(DISTINCT ?s) AS ?n) (COUNT(?note) AS ?notes) WHERE {
            ?s a oos:ActiveSubstance ; rdfs:label ?label .
            OPTIONAL { ?s skos:editorialNote ?note }
        } GROUP BY ?label""",
    )
    assert rows
    shared = [r for r in rows if r["n"] != 1]
    # Only the printed common name Table 3 gives both JACE and JACC, kept apart with a note.
    assert [(r["label"], r["n"]) for r in shared] == [
        ("Human (autologous) epidermis-derived cell sheet", 2)
    ]
    assert shared[0]["notes"] == 1


def test_every_product_common_name_is_its_substance_label(kg: Store) -> None:
    mismatched = column(
        kg,
        """SELECT ?x WHERE {
            ?x oos:commonName ?c ; oos:activeSubstance ?s . ?s rdfs:label ?l .
            FILTER (STR(?c) != STR(?l))
        }""",
    )
    assert mismatched == []


def test_printed_brand_names_are_reachable_through_a_label(kg: Store) -> None:
    """Each brand as printed starts with the preferred label or a kept alternative spelling."""
    rows = select(
        kg,
        """SELECT ?p ?brand (GROUP_CONCAT(STR(?l); separator="|") AS ?labels) WHERE {
            ?p oos:brandName ?brand .
            { ?p skos:prefLabel ?l } UNION { ?p skos:altLabel ?l }
        } GROUP BY ?p ?brand""",
    )
    assert len(rows) == 21
    unreachable = [
        r["brand"]
        for r in rows
        if not any(str(r["brand"]).startswith(label) for label in str(r["labels"]).split("|"))
    ]
    assert unreachable == []


@pytest.mark.parametrize(
    ("printed", "preferred", "cited"),
    [
        ("Breynzi", "Breyanzi", "paper-reference-30"),
        ("Aberma", "Abecma", "paper-reference-33"),
        ("Collatogene", "Collategene", "paper-table-3-footnote"),
        ("Ocurel", "Ocural", "paper-reference-31"),
        ("Alofelc", "Alofisel", "biopharma-reporter-2021-09-27-alofisel"),
    ],
)
def test_misspelled_brand_keeps_paper_spelling_and_cites_the_correction(
    kg: Store, printed: str, preferred: str, cited: str
) -> None:
    rows = select(
        kg,
        f"""SELECT ?pref ?src ?note WHERE {{
            ?p skos:altLabel "{printed}"@en ; skos:prefLabel ?pref ; rdfs:label ?pref ;
               dcterms:source ?src .
            OPTIONAL {{ ?p skos:editorialNote ?note }}
        }}""",
    )
    assert {r["pref"] for r in rows} == {preferred}
    assert SRC + cited in {r["src"] for r in rows}


def test_jacc_keeps_the_printed_common_name_with_an_editorial_note(kg: Store) -> None:
    rows = select(
        kg,
        """SELECT ?jacc ?jace ?note WHERE {
            oosd:product-jacc oos:commonName ?jacc ; skos:editorialNote ?note .
            oosd:product-jace oos:commonName ?jace .
        }""",
    )
    assert len(rows) == 1
    assert rows[0]["jacc"] == rows[0]["jace"]
    assert "JACE" in str(rows[0]["note"])


REGISTRY_PATTERNS = {
    OOS + "registry-clinicaltrials-gov": r"NCT[0-9]{8}",
    OOS + "registry-jrct": r"jRCT[0-9]{10}",
    OOS + "registry-umin-ctr": r"UMIN[0-9]{9}",
}


def test_every_registry_id_matches_its_registry_pattern(kg: Store) -> None:
    rows = select(
        kg,
        """SELECT ?x ?registry ?id ?printed WHERE {
            ?x oos:registryId ?id ; oos:registry ?registry .
            OPTIONAL { ?x oos:identifierAsPrinted ?printed }
        }""",
    )
    assert len(rows) == 13
    bad = [
        r["id"]
        for r in rows
        if not re.fullmatch(REGISTRY_PATTERNS[str(r["registry"])], str(r["id"]))
        or (r["printed"] is not None and str(r["printed"]).lower() != str(r["id"]).lower())
    ]
    assert bad == []


def test_every_registry_id_is_on_one_resource_only(kg: Store) -> None:
    ids = column(kg, "SELECT ?x WHERE { ?r oos:registryId ?x }")
    assert ids
    assert [i for i, c in Counter(ids).items() if c > 1] == []


FACT_CLASSES = [
    "ActiveSubstance",
    "ClinicalTrial",
    "EvidenceStudy",
    "ExpandedAccessProgram",
    "MarketingApproval",
    "Organisation",
    "OutcomeMeasurement",
    "RegenerativeMedicineProduct",
    "StudyArm",
]


@pytest.mark.parametrize("cls", FACT_CLASSES)
def test_every_fact_resource_names_a_described_source(kg: Store, cls: str) -> None:
    rows = select(
        kg,
        f"""SELECT ?x (COUNT(?described) AS ?n) WHERE {{
            ?x a oos:{cls} .
            OPTIONAL {{
                ?x dcterms:source ?described .
                ?described a ?kind .
                FILTER (?kind IN (oos:SourceLocation, oos:SourceDocument))
            }}
        }} GROUP BY ?x""",
    )
    assert rows, f"no resource of class oos:{cls}"
    assert [r["x"] for r in rows if r["n"] == 0] == []


def test_every_study_cites_its_reference_as_primary_source(kg: Store) -> None:
    rows = select(
        kg,
        """SELECT ?x ?ref WHERE {
            ?x a oos:EvidenceStudy ; dcterms:references ?r ; prov:hadPrimarySource ?r ;
               dcterms:source ?r , src:paper-section-background .
            ?r oos:referenceNumber ?ref .
        }""",
    )
    assert sorted(r["ref"] for r in rows) == [11, 12, 13, 14, 15, 16]


def test_measurements_belong_to_an_arm_of_their_own_study(kg: Store) -> None:
    stray = column(
        kg,
        """SELECT ?x WHERE {
            ?s oos:measurement ?x . ?x oos:ofArm ?arm .
            FILTER NOT EXISTS { ?s oos:hasArm ?arm }
        }""",
    )
    orphans = column(
        kg,
        """SELECT ?x WHERE {
            ?x a oos:OutcomeMeasurement .
            FILTER NOT EXISTS { ?s oos:measurement ?x }
        }""",
    )
    assert stray == []
    assert orphans == []


def test_confidence_intervals_enclose_their_value(kg: Store) -> None:
    rows = select(
        kg,
        """SELECT ?x ?v ?lo ?hi ?level WHERE {
            ?x oos:value ?v ; oos:ciLow ?lo ; oos:ciHigh ?hi ; oos:ciLevel ?level .
        }""",
    )
    assert rows
    bad = [r["x"] for r in rows if not (r["lo"] <= r["v"] <= r["hi"])]  # type: ignore[operator]
    assert bad == []
    assert {r["level"] for r in rows} == {Decimal("0.95")}


def test_a_between_arm_p_value_is_the_same_on_both_arms(kg: Store) -> None:
    rows = select(
        kg,
        """SELECT ?s ?m (COUNT(DISTINCT ?p) AS ?n) (COUNT(?x) AS ?arms) WHERE {
            ?s oos:measurement ?x . ?x oos:measure ?m ; oos:pValue ?p .
        } GROUP BY ?s ?m""",
    )
    assert rows
    assert [(r["s"], r["m"]) for r in rows if r["n"] != 1 or r["arms"] != 2] == []


def test_number_of_patients_can_differ_per_figure_within_an_arm(kg: Store) -> None:
    """Ref 13 reports 33 commercial patients for safety but 32 for 1-year PFS."""
    rows = select(
        kg,
        """SELECT ?m ?n WHERE {
            oosd:study-ref-13 oos:measurement ?x .
            ?x oos:ofArm/oos:armKind oos:arm-commercial ; oos:measure ?m ;
               oos:numberOfPatients ?n .
        }""",
    )
    by_measure = {str(r["m"]).rsplit("#", 1)[1]: r["n"] for r in rows}
    assert by_measure == {
        "measure-crs-grade-3-4": 33,
        "measure-icans-grade-3-4": 33,
        "measure-progression-free-survival-1-year": 32,
    }


def test_single_arm_study_has_only_an_oos_arm(kg: Store) -> None:
    kinds = column(
        kg,
        """SELECT ?x WHERE { oosd:study-ref-16 oos:hasArm/oos:armKind ?x }""",
    )
    assert kinds == [OOS + "arm-oos"]
