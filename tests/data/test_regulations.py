"""The regulations graph: what the paper's Tables 2, 5, 6, Fig. 1 and PIC/S quotation hold.

Expected figures are read off the paper (row and item counts, numbers, deadlines); the tests
fail naming the resources at fault.
"""

from __future__ import annotations

from collections import Counter

from pyoxigraph import Literal, NamedNode, Store

from oos_kg.namespaces import GRAPH

PREFIXES = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oos: <https://w3id.org/oos-kg/ontology#>
PREFIX oosd: <https://w3id.org/oos-kg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX src: <https://w3id.org/oos-kg/source/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
OOS = "https://w3id.org/oos-kg/ontology#"
OOSD = "https://w3id.org/oos-kg/id/"
XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"


def select(kg: Store, where: str) -> list[dict[str, str]]:
    """Run a SELECT over the union of the named graphs; values as strings (IRIs and lexical forms).

    Raises:
        SyntaxError: when the query does not parse.
    """
    rows = []
    solutions = kg.query(PREFIXES + where, use_default_graph_as_union=True)
    for solution in solutions:  # type: ignore[union-attr]
        row = {}
        for var in solutions.variables:  # type: ignore[union-attr]
            term = solution[var]
            if term is not None:
                row[var.value] = term.value
        rows.append(row)
    return rows


def local(iri: str) -> str:
    """Return the part of an oos: or oosd: IRI after its namespace."""
    return iri.removeprefix(OOS).removeprefix(OOSD)


def test_three_jurisdictions_and_four_frameworks(kg: Store) -> None:
    """US, EU and JP jurisdictions; a framework for each plus the proposed Japanese one."""
    jurisdictions = select(
        kg, "SELECT ?j ?code WHERE { ?j a oos:Jurisdiction ; oos:jurisdictionCode ?code }"
    )
    assert sorted(r["code"] for r in jurisdictions) == ["EU", "JP", "US"]
    frameworks = select(
        kg,
        """SELECT ?f ?code ?jcode WHERE {
            ?f a oos:RegulatoryFramework ; oos:jurisdictionCode ?code ;
               oos:jurisdiction/oos:jurisdictionCode ?jcode }""",
    )
    assert {r["code"]: r["jcode"] for r in frameworks} == {
        "US": "US",
        "EU": "EU",
        "JP": "JP",
        "JP_PROPOSED": "JP",
    }
    assert len(frameworks) == 4


def test_table_2_has_one_position_per_aspect_and_jurisdiction(kg: Store) -> None:
    """Seven aspects in rows 1..7, and 7 x 3 = 21 cells, each kept as text under its framework."""
    aspects = select(kg, "SELECT ?a ?row WHERE { ?a a oos:ComparisonAspect ; oos:tableRow ?row }")
    assert sorted(int(r["row"]) for r in aspects) == list(range(1, 8))
    cells = select(
        kg,
        """SELECT ?p ?a ?code ?text ?fcode WHERE {
            ?p a oos:JurisdictionPosition ; oos:aspect ?a ; dcterms:description ?text ;
               oos:jurisdiction/oos:jurisdictionCode ?code ;
               oos:underFramework/oos:jurisdictionCode ?fcode ;
               dcterms:source src:paper-table-2 }""",
    )
    assert len(cells) == 21
    assert Counter((r["a"], r["code"]) for r in cells) == Counter(
        {(a["a"], code): 1 for a in aspects for code in ("US", "EU", "JP")}
    )
    wrong_framework = [local(r["p"]) for r in cells if r["fcode"] != r["code"]]
    assert not wrong_framework, wrong_framework


def test_structured_statements_belong_to_the_framework_of_their_cell(kg: Store) -> None:
    """A cell's obligations and criteria share its framework; every cell of duties has them."""
    rows = select(
        kg,
        """SELECT ?p ?s ?pf ?sf WHERE {
            ?p oos:statement ?s ; oos:underFramework ?pf .
            OPTIONAL { ?s oos:underFramework ?sf } }""",
    )
    mismatched = sorted({local(r["s"]) for r in rows if r.get("sf") != r["pf"]})
    assert not mismatched, mismatched
    with_statements = {local(r["p"]) for r in rows}
    for code in ("us", "eu", "jp"):
        for aspect in (
            "ha-responsibilities",
            "mah-responsibilities",
            "physician-responsibilities",
            "medical-institution-responsibilities",
        ):
            assert f"position-{code}-{aspect}" in with_statements
    physician_duties = Counter(
        local(r["p"]) for r in rows if local(r["p"]).endswith("physician-responsibilities")
    )
    # Table 2 lists five duties of the treating physician in each jurisdiction.
    assert set(physician_duties.values()) == {5}, physician_duties


def test_pics_annex_2a_clauses_form_a_hierarchy_with_verbatim_text(kg: Store) -> None:
    """Sections 6.11, 6.12, 6.12(A)-(C), 6.13; the lettered items sit under 6.12."""
    rows = select(
        kg,
        """SELECT ?c ?number ?parent ?text WHERE {
            ?c a oos:Clause ; oos:inInstrument oosd:instrument-pics-annex-2a ;
               oos:number ?number ; oos:partOf ?parent ; oos:clauseText ?text }""",
    )
    numbers = {r["number"]: r for r in rows}
    assert sorted(numbers) == ["6.11", "6.12", "6.12(A)", "6.12(B)", "6.12(C)", "6.13"]
    for item in ("6.12(A)", "6.12(B)", "6.12(C)"):
        assert numbers[item]["parent"] == numbers["6.12"]["c"]
    for section in ("6.11", "6.12", "6.13"):
        assert numbers[section]["parent"] == OOSD + "instrument-pics-annex-2a"
    assert numbers["6.12(C)"]["text"].startswith(
        "The Authorised Person (or delegate) should report"
    )


def test_every_clause_reaches_its_instrument_through_part_of(kg: Store) -> None:
    """Following oos:partOf from any clause ends at the instrument named by oos:inInstrument."""
    clauses = select(
        kg,
        """SELECT ?c ?instrument WHERE {
            ?c a oos:Clause ; oos:inInstrument ?instrument .
            ?instrument a oos:LegalInstrument }""",
    )
    all_clauses = select(kg, "SELECT ?c WHERE { ?c a oos:Clause }")
    assert len(clauses) == len(all_clauses) > 0
    parents = {r["c"]: r["p"] for r in select(kg, "SELECT ?c ?p WHERE { ?c oos:partOf ?p }")}
    broken = []
    for row in clauses:
        node, seen = row["c"], set()
        while node in parents and node not in seen:
            seen.add(node)
            node = parents[node]
        if node != row["instrument"]:
            broken.append(local(row["c"]))
    assert not broken, broken


def test_eu_mah_reports_each_provision_within_48_hours_of_supply(kg: Store) -> None:
    """The EU duty of Table 2: MAH to supervisory authority and EMA, PT48H after supply."""
    rows = select(
        kg,
        """SELECT ?o ?deadline WHERE {
            ?o a oos:Obligation ;
               oos:underFramework oosd:framework-eu-exceptional-release ;
               oos:bearer oos:role-mah ;
               oos:reportedTo oosd:org-eu-supervisory-authority , oosd:org-ema ;
               oos:deadlineTrigger oos:event-supply ;
               oos:deadline ?deadline ;
               dcterms:source src:paper-table-2 .
            FILTER (?deadline = "PT48H"^^xsd:duration) }""",
    )
    # Oxigraph gives durations in canonical form: PT48H reads back as P2D.
    assert len(rows) == 1
    deadline = next(
        kg.quads_for_pattern(NamedNode(rows[0]["o"]), NamedNode(OOS + "deadline"), None)
    ).object
    assert isinstance(deadline, Literal)
    assert deadline.datatype == NamedNode(XSD_DURATION)


def test_deadlines_are_durations_with_a_trigger(kg: Store) -> None:
    """Every deadline is an xsd:duration and says what starts the clock."""
    rows = select(
        kg,
        """SELECT ?o ?d ?trigger WHERE {
            ?o oos:deadline ?d . OPTIONAL { ?o oos:deadlineTrigger ?trigger } }""",
    )
    assert rows
    untriggered = [local(r["o"]) for r in rows if "trigger" not in r]
    assert not untriggered, untriggered
    for quad in kg.quads_for_pattern(None, NamedNode(OOS + "deadline"), None):
        assert isinstance(quad.object, Literal)
        assert quad.object.datatype == NamedNode(XSD_DURATION), quad


def test_every_obligation_has_bearer_framework_clause_action_and_source(kg: Store) -> None:
    """The four things a validator and the GraphQL obligations query rely on."""
    rows = select(
        kg,
        """SELECT ?o
            (COUNT(DISTINCT ?bearer) AS ?bearers) (COUNT(DISTINCT ?framework) AS ?frameworks)
            (COUNT(DISTINCT ?clause) AS ?clauses) (COUNT(DISTINCT ?action) AS ?actions)
            (COUNT(DISTINCT ?source) AS ?sources)
        WHERE {
            ?o a oos:Obligation .
            OPTIONAL { ?o oos:bearer ?bearer . ?bearer a oos:Role }
            OPTIONAL { ?o oos:underFramework ?framework . ?framework a oos:RegulatoryFramework }
            OPTIONAL { ?o oos:statedBy ?clause . ?clause a oos:Clause }
            OPTIONAL { ?o oos:action ?action }
            OPTIONAL { ?o dcterms:source ?source }
        } GROUP BY ?o""",
    )
    assert len(rows) > 40
    incomplete = [
        local(r["o"])
        for r in rows
        if int(r["bearers"]) < 1
        or int(r["frameworks"]) != 1
        or int(r["clauses"]) != 1
        or int(r["actions"]) != 1
        or int(r["sources"]) < 1
    ]
    assert not incomplete, incomplete


def test_every_framework_has_obligations_for_mah_and_physician(kg: Store) -> None:
    """obligations(role, jurisdiction) answers for the two roles every framework involves."""
    rows = select(
        kg,
        """SELECT DISTINCT ?code ?role WHERE {
            ?o a oos:Obligation ; oos:bearer ?role ;
               oos:underFramework/oos:jurisdictionCode ?code }""",
    )
    pairs = {(r["code"], local(r["role"])) for r in rows}
    for code in ("US", "EU", "JP", "JP_PROPOSED"):
        for role in ("role-mah", "role-treating-physician", "role-medical-institution"):
            assert (code, role) in pairs, (code, role)


def test_us_expanded_access_criteria_and_map_criteria(kg: Store) -> None:
    """Table 2 lists four expanded access criteria; the tisagenlecleucel MAP has three."""
    table_2 = select(
        kg,
        """SELECT ?c ?n WHERE {
            oosd:position-us-eligible-patients oos:statement ?c .
            ?c a oos:EligibilityCriterion ; oos:criterionNumber ?n }""",
    )
    assert sorted(int(r["n"]) for r in table_2) == [1, 2, 3, 4]
    program = select(
        kg,
        """SELECT ?c ?n ?f WHERE {
            ?c a oos:EligibilityCriterion ; oos:forProgram oosd:program-nct03601442 ;
               oos:criterionNumber ?n ; oos:underFramework ?f ;
               oos:statedBy/oos:clauseText ?text ;
               dcterms:source src:paper-section-us-regulations }""",
    )
    assert sorted(int(r["n"]) for r in program) == [1, 2, 3]
    assert {r["f"] for r in program} == {OOSD + "framework-us-expanded-access"}


# Table 5, read off the paper: items per (timing, party, can be streamlined).
TABLE_5_CELLS = {
    ("timing-before-start-one-off", "role-mah", True): 1,
    ("timing-before-start-one-off", "role-mah", False): 8,
    ("timing-before-start-one-off", "role-medical-institution", True): 1,
    ("timing-before-start-one-off", "role-medical-institution", False): 4,
    ("timing-before-start-permanent", "role-mah", True): 1,
    ("timing-before-start-permanent", "role-mah", False): 4,
    ("timing-before-start-permanent", "role-medical-institution", True): 1,
    ("timing-before-start-permanent", "role-medical-institution", False): 2,
    ("timing-after-start-each-time", "role-mah", True): 5,
    ("timing-after-start-each-time", "role-mah", False): 5,
    ("timing-after-start-each-time", "role-medical-institution", False): 1,
}


def test_table_5_items_per_timing_party_and_verdict(kg: Store) -> None:
    """Each cell holds the printed number of items, numbered 1..n; "None" makes no item."""
    rows = select(
        kg,
        """SELECT ?i ?timing ?party ?can ?n WHERE {
            ?i a oos:StreamliningItem ; oos:timing ?timing ; oos:party ?party ;
               oos:canBeStreamlined ?can ; oos:itemNumber ?n ;
               dcterms:source src:paper-table-5 }""",
    )
    cells: dict[tuple[str, str, bool], list[int]] = {}
    for r in rows:
        key = (local(r["timing"]), local(r["party"]), r["can"] == "true")
        cells.setdefault(key, []).append(int(r["n"]))
    assert {k: len(v) for k, v in cells.items()} == TABLE_5_CELLS
    for key, numbers in cells.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key
    nones = select(kg, 'SELECT ?i WHERE { ?i a oos:StreamliningItem ; rdfs:label "None"@en }')
    assert nones == []


def test_case_report_forms_kept_on_both_sides_as_printed(kg: Store) -> None:
    """The MAH's "Collection of case report forms" each time is both streamlinable and not."""
    rows = select(
        kg,
        """SELECT ?can WHERE {
            ?i a oos:StreamliningItem ; rdfs:label "Collection of case report forms"@en ;
               oos:party oos:role-mah ; oos:timing oos:timing-after-start-each-time ;
               oos:canBeStreamlined ?can }""",
    )
    assert sorted(r["can"] for r in rows) == ["false", "true"]


def test_table_6_rows_are_propositions_and_clauses_of_the_proposal(kg: Store) -> None:
    """Twelve rows, numbered 1..12, each a clause of the proposed framework's instrument."""
    rows = select(
        kg,
        """SELECT ?p ?row ?instrument WHERE {
            ?p a oos:Proposition , oos:Clause ; oos:tableRow ?row ; oos:inInstrument ?instrument ;
               oos:clauseText ?text ; dcterms:source src:paper-table-6 }""",
    )
    assert sorted(int(r["row"]) for r in rows) == list(range(1, 13))
    basis = select(kg, "SELECT ?b WHERE { oosd:framework-jp-proposed oos:legalBasis ?b }")
    assert {r["instrument"] for r in rows} == {r["b"] for r in basis}
    aspects = select(kg, "SELECT ?a WHERE { ?p a oos:Proposition ; oos:correspondsToAspect ?a }")
    assert sorted(local(r["a"]) for r in aspects) == [
        "aspect-eligible-patients",
        "aspect-ha-responsibilities",
        "aspect-legal-handling",
    ]


def test_proposed_framework_duties_are_stated_by_propositions(kg: Store) -> None:
    """frameworkDiff JP -> JP_PROPOSED: the new duties cite a Table 6 row."""
    rows = select(
        kg,
        """SELECT ?o ?clause WHERE {
            ?o a oos:Obligation ; oos:underFramework oosd:framework-jp-proposed ;
               oos:statedBy ?clause .
            FILTER NOT EXISTS { ?clause a oos:Proposition } }""",
    )
    assert rows == []
    notify = select(
        kg,
        """SELECT ?o WHERE {
            ?o oos:underFramework oosd:framework-jp-proposed ; oos:bearer oos:role-mah ;
               oos:reportedTo oos:role-health-authority ;
               oos:statedBy oosd:proposition-ha-interaction }""",
    )
    assert len(notify) == 1
    flow_approval = select(
        kg,
        """SELECT ?o WHERE {
            ?o oos:underFramework oosd:framework-jp-proposed ;
               oos:reviewedBy oos:role-ethics-committee ;
               oos:beforeEvent oos:event-administration }""",
    )
    assert len(flow_approval) == 1


def test_figure_1_steps_form_one_ordered_chain(kg: Store) -> None:
    """Steps 1..n, each by a role and linked to the next; the MAH starts, the physician asks."""
    rows = select(
        kg,
        """SELECT ?s ?n ?role ?next WHERE {
            ?s a oos:ProvisionStep ; oos:inFlow oosd:flow-figure-1 ; oos:stepNumber ?n ;
               oos:performedBy ?role ; dcterms:source src:paper-figure-1 .
            ?role a oos:Role .
            OPTIONAL { ?s oos:nextStep ?next } }""",
    )
    by_number = {int(r["n"]): r for r in rows}
    assert sorted(by_number) == list(range(1, len(rows) + 1))
    assert len(rows) >= 6
    for n, row in by_number.items():
        if n < len(rows):
            assert row.get("next") == by_number[n + 1]["s"], n
        else:
            assert "next" not in row
    assert local(by_number[1]["role"]) == "role-mah"
    assert local(by_number[len(rows)]["role"]) == "role-treating-physician"


def test_every_subject_of_the_graph_names_a_known_source(kg: Store) -> None:
    """Provenance: each resource of graph/regulations has dcterms:source to a described location."""
    graph = NamedNode(str(GRAPH["regulations"]))
    subjects = {q.subject for q in kg.quads_for_pattern(None, None, None, graph)}
    assert len(subjects) > 150
    source = NamedNode("http://purl.org/dc/terms/source")
    unsourced = sorted(
        str(s) for s in subjects if not list(kg.quads_for_pattern(s, source, None, graph))
    )
    assert not unsourced, unsourced
    unknown = select(
        kg,
        """SELECT DISTINCT ?src WHERE {
            GRAPH <https://w3id.org/oos-kg/graph/regulations> { ?s dcterms:source ?src }
            FILTER NOT EXISTS {
                ?src a ?kind . FILTER (?kind IN (oos:SourceLocation, oos:SourceDocument)) } }""",
    )
    assert unknown == []


def test_links_between_the_data_graphs_resolve(kg: Store) -> None:
    """Every oosd: resource either graph points at is typed somewhere (e.g. the MAP program)."""
    dangling = select(
        kg,
        """SELECT DISTINCT ?o WHERE {
            GRAPH ?g { ?s ?p ?o }
            FILTER (isIRI(?o) && STRSTARTS(STR(?o), STR(oosd:)))
            FILTER NOT EXISTS { GRAPH ?any { ?o a ?type } } }""",
    )
    assert dangling == [], sorted(local(r["o"]) for r in dangling)
    program = select(kg, "SELECT ?p WHERE { oosd:program-nct03601442 a oos:ExpandedAccessProgram }")
    assert len(program) == 1
