"""Invariants of ontology/oos.ttl and of the terms every Turtle file uses.

Each failure names the terms at fault. Labels and definitions: one per language (en, ja) on
every class and property; Japanese text only under @ja and never under @en; valid language
tags; no oos: IRI in any file that the ontology does not declare; OWL 2 DL hygiene; and HermiT
(through owlready2) finds the ontology consistent, classifies a product by its origin and
modality, and rejects a product with two origins.
"""

from __future__ import annotations

import io
import re
import shutil
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import langcodes
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib import namespace as ns
from rdflib.collection import Collection

from oos_kg.namespaces import BASE, DCTERMS, OOS, SRC

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_FILE = ROOT / "ontology" / "oos.ttl"
ONTOLOGY_IRI = URIRef(f"{BASE}/ontology")
TTL_FILES = sorted(
    path for folder in ("ontology", "data", "shapes") for path in (ROOT / folder).rglob("*.ttl")
)
VANN = Namespace("http://purl.org/vocab/vann/")
XSD_NS = "http://www.w3.org/2001/XMLSchema#"

TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f\u3005]")
LANGTAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


@cache
def ontology() -> Graph:
    """The ontology file as an rdflib graph (parsed once)."""
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


@cache
def parsed(path: Path) -> Graph:
    """Any Turtle file of the repository as an rdflib graph (parsed once)."""
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def short(term: URIRef | BNode | Literal) -> str:
    """The oos:/src: form of an IRI for messages."""
    text = str(term)
    for prefix, namespace in (("oos:", str(OOS)), ("src:", str(SRC)), ("oosd:", f"{BASE}/id/")):
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text


def oos_terms(*kinds: URIRef) -> list[URIRef]:
    """The oos: IRIs typed with any of ``kinds`` in the ontology, sorted."""
    graph = ontology()
    found = {
        s
        for kind in kinds
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(str(OOS))
    }
    return sorted(found)


def oos_concepts() -> list[URIRef]:
    return oos_terms(SKOS.Concept)


def literals(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    return [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def test_ontology_declares_terms() -> None:
    assert len(oos_terms(OWL.Class)) >= 40, "the ontology lost its classes"
    assert len(oos_terms(OWL.ObjectProperty)) >= 30, "the ontology lost its object properties"
    assert len(oos_concepts()) >= 30, "the ontology lost its controlled values"


def test_every_class_and_property_has_one_label_and_definition_per_language() -> None:
    graph = ontology()
    problems = []
    for term in oos_terms(*TERM_KINDS):
        for predicate, name in ((RDFS.label, "rdfs:label"), (SKOS.definition, "skos:definition")):
            values = literals(graph, term, predicate)
            langs = [value.language for value in values]
            for lang in ("en", "ja"):
                if langs.count(lang) != 1:
                    problems.append(f"{short(term)}: {langs.count(lang)} {name}@{lang}, want 1")
            others = sorted({str(lang) for lang in langs if lang not in ("en", "ja")})
            if others:
                problems.append(f"{short(term)}: {name} in other languages or untagged: {others}")
    assert not problems, "\n".join(problems)


def test_definitions_are_whole_sentences_in_genus_differentia_form() -> None:
    graph = ontology()
    problems = []
    for term in oos_terms(*TERM_KINDS, SKOS.Concept):
        for value in literals(graph, term, SKOS.definition):
            text = str(value)
            if value.language == "en" and not re.match(r"^An? [^ ].*\.$", text):
                problems.append(
                    f"{short(term)}: en definition must read 'A/An <genus> ...': {text}"
                )
            if value.language == "ja" and not text.endswith("。"):
                problems.append(f"{short(term)}: ja definition must end with '。': {text}")
    assert not problems, "\n".join(problems)


def test_english_labels_are_lower_case_except_names_and_acronyms() -> None:
    graph = ontology()
    problems = []
    for term in oos_terms(*TERM_KINDS):
        for value in literals(graph, term, RDFS.label):
            first = str(value).split(" ", 1)[0]
            acronym = any(ch.isupper() for ch in first[1:])
            if value.language == "en" and first[:1].isupper() and not acronym:
                problems.append(f"{short(term)}: {str(value)!r}")
    assert not problems, "English labels start lower case (acronyms excepted):\n" + "\n".join(
        problems
    )


def test_controlled_values_have_labels_a_scheme_and_their_class() -> None:
    graph = ontology()
    problems = []
    for concept in oos_concepts():
        name = short(concept)
        for predicate, pname in (
            (RDFS.label, "rdfs:label"),
            (SKOS.prefLabel, "skos:prefLabel"),
            (SKOS.definition, "skos:definition"),
        ):
            langs = [value.language for value in literals(graph, concept, predicate)]
            for lang in ("en", "ja"):
                if langs.count(lang) != 1:
                    problems.append(f"{name}: {langs.count(lang)} {pname}@{lang}, want 1")
        labels = {v.language: str(v) for v in literals(graph, concept, RDFS.label)}
        prefs = {v.language: str(v) for v in literals(graph, concept, SKOS.prefLabel)}
        if labels != prefs:
            problems.append(f"{name}: skos:prefLabel must mirror rdfs:label: {prefs} vs {labels}")
        schemes = list(graph.objects(concept, SKOS.inScheme))
        if len(schemes) != 1 or (schemes[0], RDF.type, SKOS.ConceptScheme) not in graph:
            problems.append(f"{name}: needs exactly one skos:inScheme to a skos:ConceptScheme")
        classes = [
            c
            for c in graph.objects(concept, RDF.type)
            if (c, RDFS.subClassOf, SKOS.Concept) in graph
        ]
        if len(classes) != 1:
            problems.append(f"{name}: must be an individual of exactly one controlled-value class")
    for scheme in oos_terms(SKOS.ConceptScheme):
        members = list(graph.subjects(SKOS.inScheme, scheme))
        if not members:
            problems.append(f"{short(scheme)}: concept scheme without concepts")
        langs = sorted(str(v.language) for v in literals(graph, scheme, SKOS.prefLabel))
        if langs != ["en", "ja"]:
            problems.append(f"{short(scheme)}: skos:prefLabel languages {langs}, want [en, ja]")
    assert not problems, "\n".join(problems)


def test_distinct_controlled_values_are_declared_different() -> None:
    """Each scheme's concepts sit in one owl:AllDifferent, so two origins clash in reasoning."""
    graph = ontology()
    groups: list[set[URIRef]] = []
    for node in graph.subjects(RDF.type, OWL.AllDifferent):
        for members in graph.objects(node, OWL.distinctMembers):
            groups.append({m for m in Collection(graph, members) if isinstance(m, URIRef)})
    problems = []
    for scheme in oos_terms(SKOS.ConceptScheme):
        members = {m for m in graph.subjects(SKOS.inScheme, scheme) if isinstance(m, URIRef)}
        if len(members) > 1 and not any(members <= group for group in groups):
            problems.append(f"{short(scheme)}: its concepts are not in one owl:AllDifferent")
    assert not problems, "\n".join(problems)


def test_every_term_is_sourced_and_defined_by_the_ontology() -> None:
    graph = ontology()
    locations = parsed(ROOT / "data" / "sources.ttl")
    known = set(locations.subjects(RDF.type, None))
    problems = []
    for term in oos_terms(*TERM_KINDS, SKOS.Concept, SKOS.ConceptScheme):
        sources = list(graph.objects(term, DCTERMS.source))
        if not sources:
            problems.append(f"{short(term)}: no dcterms:source")
        problems += [
            f"{short(term)}: dcterms:source {short(s)} is not in data/sources.ttl"
            for s in sources
            if s not in known
        ]
        if list(graph.objects(term, RDFS.isDefinedBy)) != [ONTOLOGY_IRI]:
            problems.append(f"{short(term)}: rdfs:isDefinedBy must be <{ONTOLOGY_IRI}>")
    assert not problems, "\n".join(problems)


def test_header_carries_version_title_licence_dates_and_source() -> None:
    graph = ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    info = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    version_iri = graph.value(ONTOLOGY_IRI, OWL.versionIRI)
    assert info is not None and re.fullmatch(r"\d+\.\d+\.\d+", str(info)), info
    assert version_iri == URIRef(f"{BASE}/ontology/{info}"), (
        f"owl:versionIRI {version_iri} does not end with owl:versionInfo {info}; bump both"
    )
    missing = []
    for predicate in (DCTERMS.title, DCTERMS.description):
        langs = sorted(str(v.language) for v in literals(graph, ONTOLOGY_IRI, predicate))
        if langs != ["en", "ja"]:
            missing.append(f"{short(predicate)} in en and ja (found {langs})")
    expected = {
        DCTERMS.license: URIRef("https://creativecommons.org/licenses/by/4.0/"),
        DCTERMS.source: SRC.paper,
        VANN.preferredNamespacePrefix: Literal("oos"),
        VANN.preferredNamespaceUri: Literal(str(OOS)),
    }
    for predicate, value in expected.items():
        if graph.value(ONTOLOGY_IRI, predicate) != value:
            missing.append(f"{predicate} {value}")
    for predicate in (DCTERMS.creator, DCTERMS.created, DCTERMS.modified):
        value = graph.value(ONTOLOGY_IRI, predicate)
        if value is None:
            missing.append(str(predicate))
    created = graph.value(ONTOLOGY_IRI, DCTERMS.created)
    modified = graph.value(ONTOLOGY_IRI, DCTERMS.modified)
    for value in (created, modified):
        if not isinstance(value, Literal) or str(value.datatype) != XSD_NS + "date":
            missing.append(f"dcterms:created/modified as xsd:date (found {value!r})")
    if isinstance(created, Literal) and isinstance(modified, Literal) and modified < created:
        missing.append("dcterms:modified before dcterms:created")
    assert not list(graph.objects(None, OWL.imports)), "no owl:imports: declare reused terms"
    assert not missing, "ontology header lacks: " + "; ".join(missing)


def _literals_in(path: Path) -> Iterator[tuple[URIRef | BNode, Literal]]:
    for s, _, o in parsed(path):
        if isinstance(o, Literal) and o.language and isinstance(s, URIRef | BNode):
            yield s, o


@pytest.mark.parametrize("path", TTL_FILES, ids=[rel(p) for p in TTL_FILES])
def test_language_tags_are_valid_and_match_the_script(path: Path) -> None:
    problems = []
    for subject, value in _literals_in(path):
        lang = str(value.language)
        where = f"{rel(path)}: {short(subject)} {str(value)[:50]!r}@{lang}"
        if not LANGTAG.match(lang) or not langcodes.tag_is_valid(lang):
            problems.append(f"{where}: not a valid BCP 47 language tag")
        primary = lang.split("-", 1)[0].lower()
        if primary == "ja" and not JAPANESE.search(str(value)):
            problems.append(f"{where}: tagged Japanese but has no Japanese script")
        if primary == "en" and JAPANESE.search(str(value)):
            problems.append(f"{where}: tagged English but contains Japanese script")
    assert not problems, "\n".join(problems)


def test_every_oos_iri_used_anywhere_is_declared_in_the_ontology() -> None:
    declared = set(ontology().subjects(RDF.type, None))
    undeclared: dict[str, set[str]] = defaultdict(set)
    for path in TTL_FILES:
        for triple in parsed(path):
            for term in triple:
                if isinstance(term, URIRef) and str(term).startswith(str(OOS)):
                    if term not in declared:
                        undeclared[short(term)].add(rel(path))
    assert not undeclared, "oos: IRIs used but not declared in ontology/oos.ttl:\n" + "\n".join(
        f"{term} (in {', '.join(sorted(files))})" for term, files in sorted(undeclared.items())
    )


CLOSED_VOCABULARIES = (
    ns.RDF,
    ns.RDFS,
    ns.OWL,
    ns.XSD,
    ns.SKOS,
    ns.SH,
    ns.DCTERMS,
    ns.PROV,
    ns.DCAT,
    ns.TIME,
    ns.VANN,
)


def _known_term(term: URIRef, declared: set[URIRef | BNode]) -> bool:
    """A term of a W3C/DCMI vocabulary rdflib knows, or one the ontology declares."""
    if term in declared:
        return True
    for vocabulary in CLOSED_VOCABULARIES:
        if str(term).startswith(str(vocabulary)):
            return term in vocabulary
    return False


def test_every_predicate_and_type_is_a_known_term() -> None:
    """Catches typos such as rdfs:Label, and outside terms not declared under "Reused terms"."""
    declared = set(ontology().subjects(RDF.type, None))
    unknown: dict[str, set[str]] = defaultdict(set)
    for path in TTL_FILES:
        for _, p, o in parsed(path):
            used = [p] + ([o] if p == RDF.type and isinstance(o, URIRef) else [])
            for term in used:
                if isinstance(term, URIRef) and not _known_term(term, declared):
                    unknown[short(term)].add(rel(path))
    assert not unknown, (
        "predicates or classes that are neither W3C/DCMI vocabulary terms nor declared in "
        "ontology/oos.ttl (declare outside terms under a 'Reused terms' banner):\n"
        + "\n".join(f"{t} (in {', '.join(sorted(f))})" for t, f in sorted(unknown.items()))
    )


def _declared(graph: Graph, kind: URIRef) -> set[URIRef | BNode]:
    return set(graph.subjects(RDF.type, kind))


def test_owl2_dl_no_punning_and_properties_used_as_declared() -> None:
    graph = ontology()
    classes = _declared(graph, OWL.Class) | _declared(graph, OWL.Restriction)
    objects = _declared(graph, OWL.ObjectProperty)
    datatypes = _declared(graph, OWL.DatatypeProperty)
    annotations = _declared(graph, OWL.AnnotationProperty)
    problems = []
    kinds = {"class": classes, "object property": objects}
    kinds |= {"datatype property": datatypes, "annotation property": annotations}
    names = list(kinds)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            both = sorted(short(t) for t in kinds[first] & kinds[second] if isinstance(t, URIRef))
            if both:
                problems.append(f"typed both {first} and {second}: {both}")
    for prop in graph.objects(None, OWL.onProperty):
        if prop not in objects | datatypes:
            problems.append(f"owl:onProperty {short(prop)} is not an object or datatype property")
    for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
        same = any(sub in group and sup in group for group in (objects, datatypes, annotations))
        if not same:
            problems.append(f"{short(sub)} rdfs:subPropertyOf {short(sup)}: different kinds")
    for prop in _declared(graph, OWL.FunctionalProperty):
        if prop not in objects | datatypes:
            problems.append(f"{short(prop)}: functional but not an object or datatype property")
    for predicate in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
        for s, o in graph.subject_objects(predicate):
            for term in (s, o):
                if term not in classes:
                    problems.append(f"{short(term)} in {short(predicate)} is not an owl:Class")
    for prop in objects:
        for predicate in (RDFS.domain, RDFS.range):
            for target in graph.objects(prop, predicate):
                if target not in classes:
                    problems.append(f"{short(prop)} {short(predicate)} {short(target)}: no class")
    for union in graph.objects(None, OWL.unionOf):
        for member in Collection(graph, union):
            ok = member in classes or str(member).startswith(XSD_NS)
            if not ok:
                problems.append(f"owl:unionOf member {short(member)} is not a declared class")
    for prop in datatypes:
        for target in graph.objects(prop, RDFS.range):
            if isinstance(target, URIRef) and target in classes:
                problems.append(f"{short(prop)}: datatype property with a class range")
    assert not problems, "\n".join(problems)


def test_defined_classes_use_functional_origin_and_disjoint_origins() -> None:
    graph = ontology()
    assert (OOS.origin, RDF.type, OWL.FunctionalProperty) in graph
    origin_classes = [OOS.AutologousProduct, OOS.AllogeneicProduct, OOS.OtherOriginProduct]
    problems = []
    for cls in origin_classes:
        for other in origin_classes:
            if other != cls and (cls, OWL.disjointWith, other) not in graph:
                problems.append(f"{short(cls)} not disjoint with {short(other)}")
        if graph.value(cls, OWL.equivalentClass) is None:
            problems.append(f"{short(cls)}: no owl:equivalentClass definition")
    assert not problems, "\n".join(problems)


# ---- Reasoning (HermiT through owlready2) ----

OOSD = "https://w3id.org/oos-kg/id/"
PREAMBLE = f"@prefix oos: <{OOS}> .\n@prefix oosd: <{OOSD}> .\n@prefix xsd: <{XSD_NS}> .\n"


def reason(extra: str) -> dict[str, set[str]] | None:
    """Run HermiT over the ontology plus ``extra`` Turtle; return inferred types per oosd: name.

    Returns:
        For each ``oosd:`` individual, the local names of its classes after reasoning; None when
        HermiT finds the whole inconsistent.

    Raises:
        owlready2.OwlReadyError: when HermiT cannot run at all.
    """
    import owlready2

    graph = Graph()
    graph.parse(data=PREAMBLE + extra, format="turtle")
    ntriples = ontology().serialize(format="nt", encoding="utf-8")
    ntriples += graph.serialize(format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(str(ONTOLOGY_IRI)).load(
        fileobj=io.BytesIO(ntriples), format="ntriples"
    )
    try:
        with onto:
            # xsd:date and xsd:duration are outside the OWL 2 datatype map: HermiT must skip them.
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
    except owlready2.OwlReadyInconsistentOntologyError:
        return None
    types: dict[str, set[str]] = {}
    names = {str(s)[len(OOSD) :] for s in graph.subjects() if str(s).startswith(OOSD)}
    for name in sorted(names):
        individual = world[OOSD + name]
        ancestors = {c for t in individual.is_a if hasattr(t, "ancestors") for c in t.ancestors()}
        types[name] = {c.iri.split("#", 1)[1] for c in ancestors if c.iri.startswith(str(OOS))}
    return types


needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs java")


@needs_java
def test_ontology_alone_is_consistent_for_hermit() -> None:
    assert reason("") is not None, "HermiT finds ontology/oos.ttl inconsistent"


@needs_java
def test_hermit_classifies_a_product_by_origin_and_modality() -> None:
    types = reason(
        "oosd:p oos:origin oos:origin-autologous ;\n"
        "    oos:modality oos:modality-car-t-cell-therapy ;\n"
        '    oos:brandName "Example"@en ;\n'
        "    oos:approval oosd:a .\n"
        'oosd:a oos:approvalDate "2019-03-26"^^xsd:date .\n'
    )
    assert types is not None, "a well-formed product made the ontology inconsistent"
    assert {"AutologousProduct", "CarTCellTherapyProduct", "RegenerativeMedicineProduct"} <= types[
        "p"
    ], types
    assert "AllogeneicProduct" not in types["p"], types
    assert "MarketingApproval" in types["a"], types


@needs_java
@pytest.mark.parametrize(
    "contradiction",
    [
        "oosd:p oos:origin oos:origin-autologous , oos:origin-allogeneic .",
        "oosd:p a oos:AutologousProduct , oos:OtherOriginProduct .",
        "oosd:arm oos:armKind oos:arm-oos , oos:arm-commercial .",
        "oosd:t a oos:ClinicalTrial , oos:ExpandedAccessProgram .",
    ],
    ids=["two-origins", "autologous-and-other", "two-arm-kinds", "trial-and-program"],
)
def test_hermit_rejects_contradictions(contradiction: str) -> None:
    assert reason(contradiction) is None, f"HermiT accepted: {contradiction}"


# ---- Data against the ontology ----

DATA_FILES = sorted((ROOT / "data").glob("*.ttl"))


def _superclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    found: set[URIRef] = set()
    todo = [cls]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo += [c for c in graph.objects(current, RDFS.subClassOf) if isinstance(c, URIRef)]
    return found


def _allowed(graph: Graph, spec: object) -> set[URIRef]:
    if isinstance(spec, BNode):
        members = graph.value(spec, OWL.unionOf)
        return (
            {m for m in Collection(graph, members) if isinstance(m, URIRef)} if members else set()
        )
    return {spec} if isinstance(spec, URIRef) else set()


def _literal_fits(value: Literal, allowed: set[URIRef]) -> bool:
    names = {str(a) for a in allowed}
    if str(RDF.PlainLiteral) in names:
        return value.datatype is None or str(value.datatype) == XSD_NS + "string"
    datatype = str(value.datatype or XSD_NS + "string")
    integral = {XSD_NS + "integer", XSD_NS + "nonNegativeInteger"}
    return datatype in names or (datatype in integral and XSD_NS + "decimal" in names)


def test_data_uses_oos_properties_within_their_domains_and_ranges() -> None:
    """A subject outside a property's domain would be silently re-typed by the reasoner."""
    assert DATA_FILES, "no data/*.ttl files"
    graph = Graph()
    for path in DATA_FILES:
        graph += parsed(path)
    onto = ontology()
    types: dict[object, set[URIRef]] = defaultdict(set)
    for s, o in (graph + onto).subject_objects(RDF.type):
        if isinstance(o, URIRef):
            types[s] |= _superclasses(onto, o)
    problems: set[str] = set()
    for s, p, o in graph:
        if not str(p).startswith(str(OOS)):
            continue
        domain = _allowed(onto, onto.value(p, RDFS.domain))
        if domain and not types[s] & domain:
            problems.add(f"{short(s)} {short(p)}: subject is not a {sorted(map(short, domain))}")
        range_ = _allowed(onto, onto.value(p, RDFS.range))
        if not range_:
            continue
        if isinstance(o, Literal):
            if not _literal_fits(o, range_):
                problems.add(f"{short(s)} {short(p)} {o.n3()}: literal outside the range")
        elif not types[o] & range_:
            problems.add(
                f"{short(s)} {short(p)} {short(o)}: object is not a {sorted(map(short, range_))}"
            )
    assert not problems, "\n".join(sorted(problems)[:50])
