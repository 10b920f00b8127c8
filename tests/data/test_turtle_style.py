"""House style of every Turtle file in ontology/, data/ and shapes/ (STYLE.md, Turtle part).

Each test names the file, the line and the subject at fault, so a failure says what to move
where. The checks read the text with a small Turtle tokenizer (blocks, predicates and objects as
written, with line numbers); whether the text means the right triples is checked by parsing it
with both rdflib and pyoxigraph and comparing the graphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic

ROOT = Path(__file__).resolve().parents[2]
TTL_FILES = sorted(
    path for folder in ("ontology", "data", "shapes") for path in (ROOT / folder).rglob("*.ttl")
)
FILE_IDS = [path.relative_to(ROOT).as_posix() for path in TTL_FILES]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OOS = "https://w3id.org/oos-kg/ontology#"

# Predicate order in a block (STYLE.md): a -> labels -> definition -> notes -> structure and the
# domain properties -> alignment -> provenance -> rdfs:isDefinedBy -> lifecycle. Predicates not
# listed here are "structure or domain properties" (rank 6); in data/ files the oos: ones among
# them go in ASCII order.
RANK_NAMES = {
    0: "a",
    1: "rdfs:label",
    2: "skos:prefLabel",
    3: "skos:altLabel",
    4: "skos:definition",
    5: "notes (skos:scopeNote, skos:example, rdfs:comment, ...)",
    6: "structure and domain properties",
    7: "alignment (owl:equivalentClass, skos:exactMatch, skos:closeMatch, ...)",
    8: "provenance (dcterms:source, prov:wasDerivedFrom)",
    9: "rdfs:isDefinedBy",
    10: "lifecycle (owl:deprecated, dcterms:isReplacedBy)",
}
RANKS = {
    RDF + "type": 0,
    RDFS + "label": 1,
    SKOS + "prefLabel": 2,
    SKOS + "altLabel": 3,
    SKOS + "hiddenLabel": 3,
    SKOS + "definition": 4,
    SKOS + "scopeNote": 5,
    SKOS + "example": 5,
    SKOS + "editorialNote": 5,
    SKOS + "note": 5,
    SKOS + "historyNote": 5,
    SKOS + "changeNote": 5,
    RDFS + "comment": 5,
    OWL + "equivalentClass": 7,
    OWL + "equivalentProperty": 7,
    OWL + "sameAs": 7,
    SKOS + "exactMatch": 7,
    SKOS + "closeMatch": 7,
    SKOS + "broadMatch": 7,
    SKOS + "narrowMatch": 7,
    SKOS + "relatedMatch": 7,
    DCTERMS + "source": 8,
    PROV + "wasDerivedFrom": 8,
    PROV + "hadPrimarySource": 8,
    RDFS + "isDefinedBy": 9,
    OWL + "deprecated": 10,
    DCTERMS + "isReplacedBy": 10,
}
# Within rank 6 of the ontology, the OWL structure comes in this order (STYLE.md).
STRUCTURE_ORDER = [
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    OWL + "disjointWith",
    RDFS + "domain",
    RDFS + "range",
    OWL + "inverseOf",
]
# Sections of the ontology, in file order; a banner "Kind: qualifier" counts as its kind.
# Banners of other kinds (a module's own section) may appear anywhere.
ONTOLOGY_SECTIONS = [
    "Reused terms",
    "Classes",
    "Object properties",
    "Datatype properties",
    "Annotation properties",
    "Controlled values",
    "Deprecated",
]

BANNER = re.compile(r"^# ---- (?P<title>[^-\s](?:.*[^-\s])?) ----$")
NAME_CHARS = r"[^\s;,()\[\]\"'<>#.\\^]"
TOKEN = re.compile(
    rf"""
    (?P<ws>[ \t\r]+)
    | (?P<nl>\n)
    | (?P<comment>\#[^\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    | (?P<directive>@prefix|@base)(?![A-Za-z0-9-])
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<dtype>\^\^)
    | (?P<punct>[;,.\[\]()])
    | (?P<name>(?:{NAME_CHARS}|\\.|\.(?={NAME_CHARS}))+)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    """One Turtle token with its 1-based line and column."""

    kind: str
    text: str
    line: int
    col: int


@dataclass(slots=True)
class Obj:
    """One object as written: its text, its line, and a sort key (None for nested nodes)."""

    text: str
    line: int
    key: tuple[str, ...] | None


@dataclass(slots=True)
class PredicateEntry:
    """One predicate of a block with its objects."""

    text: str
    iri: str
    line: int
    col: int
    objects: list[Obj] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    """One top-level statement: a subject and its predicates, in the section it sits in."""

    subject: str
    anonymous: bool
    line: int
    section: str | None
    predicates: list[PredicateEntry] = field(default_factory=list)
    end_line: int = 0


@dataclass(slots=True)
class Prefix:
    """One @prefix directive."""

    name: str
    iri: str
    line: int
    col: int


@dataclass(slots=True)
class TurtleFile:
    """What the style checks need to know of one file."""

    path: Path
    text: str
    prefixes: list[Prefix]
    blocks: list[Block]
    banners: list[tuple[int, str]]
    bad_banners: list[int]
    used_prefixes: set[str]
    tokens: list[Token]


class TurtleStyleError(Exception):
    """The file cannot be read as Turtle by the style tokenizer."""


def tokenize(text: str, rel: str) -> list[Token]:
    """Split Turtle text into tokens, dropping white space and comments.

    Raises:
        TurtleStyleError: at a character no Turtle token starts with.
    """
    tokens: list[Token] = []
    pos, line, line_start = 0, 1, 0
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if match is None:
            col = pos - line_start + 1
            raise TurtleStyleError(f"{rel}:{line}:{col}: cannot read {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        value = match.group()
        if kind not in ("ws", "nl", "comment"):
            tokens.append(Token(kind, value, line, pos - line_start + 1))
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = pos + value.rindex("\n") + 1
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent over the tokens of one file, recording blocks as written."""

    def __init__(self, tokens: list[Token], rel: str) -> None:
        self.tokens = tokens
        self.rel = rel
        self.pos = 0
        self.prefixes: list[Prefix] = []
        self.blocks: list[Block] = []

    def peek(self) -> Token:
        if self.pos >= len(self.tokens):
            last = self.tokens[-1] if self.tokens else Token("eof", "", 1, 1)
            raise TurtleStyleError(f"{self.rel}:{last.line}: unexpected end of file")
        return self.tokens[self.pos]

    def next(self) -> Token:
        token = self.peek()
        self.pos += 1
        return token

    def expect(self, text: str) -> Token:
        token = self.next()
        if token.text != text:
            raise TurtleStyleError(
                f"{self.rel}:{token.line}:{token.col}: expected {text!r}, found {token.text!r}"
            )
        return token

    def expand(self, text: str) -> str:
        if text == "a":
            return RDF + "type"
        if text.startswith("<"):
            return text[1:-1]
        prefix, _, local = text.partition(":")
        for declared in self.prefixes:
            if declared.name == prefix:
                return declared.iri + local.replace("\\", "")
        return text

    def parse(self) -> None:
        while self.pos < len(self.tokens):
            token = self.peek()
            if token.kind == "directive":
                self.directive()
            elif token.kind == "name" and token.text.upper() in ("PREFIX", "BASE"):
                raise TurtleStyleError(
                    f"{self.rel}:{token.line}: use '@prefix' (Turtle form), not SPARQL-style "
                    f"{token.text!r}"
                )
            else:
                self.statement()

    def directive(self) -> None:
        token = self.next()
        if token.text == "@base":
            self.next()
            self.expect(".")
            return
        name = self.next()
        iri = self.next()
        self.expect(".")
        self.prefixes.append(Prefix(name.text.rstrip(":"), iri.text[1:-1], token.line, token.col))

    def statement(self) -> None:
        token = self.peek()
        block = Block(token.text, anonymous=False, line=token.line, section=None)
        if token.text == "[":
            self.next()
            block.anonymous = True
            if self.peek().text == "]":
                self.next()
                block.subject = "[]"
            else:
                self.predicate_list(block.predicates, closing="]")
                self.expect("]")
                block.subject = "[ ... ]"
        elif token.text == "(":
            block.anonymous = True
            block.subject = "( ... )"
            self.collection()
        else:
            self.next()
        if self.peek().text != ".":
            self.predicate_list(block.predicates, closing=".")
        block.end_line = self.expect(".").line
        self.blocks.append(block)

    def predicate_list(self, into: list[PredicateEntry], closing: str) -> None:
        while True:
            verb = self.next()
            entry = PredicateEntry(verb.text, self.expand(verb.text), verb.line, verb.col)
            into.append(entry)
            entry.objects.append(self.object())
            while self.peek().text == ",":
                self.next()
                entry.objects.append(self.object())
            if self.peek().text != ";":
                return
            while self.peek().text == ";":
                self.next()
            if self.peek().text in (closing, "]", "."):
                return

    def collection(self) -> None:
        self.expect("(")
        while self.peek().text != ")":
            self.object()
        self.expect(")")

    def object(self) -> Obj:
        token = self.peek()
        if token.text == "[":
            self.next()
            nested: list[PredicateEntry] = []
            if self.peek().text != "]":
                self.predicate_list(nested, closing="]")
            self.expect("]")
            return Obj("[ ... ]", token.line, None)
        if token.text == "(":
            self.collection()
            return Obj("( ... )", token.line, None)
        self.next()
        if token.kind == "string":
            nxt = self.peek() if self.pos < len(self.tokens) else None
            if nxt is not None and nxt.kind == "lang":
                self.next()
                return Obj(token.text + nxt.text, token.line, ("literal", nxt.text, token.text))
            if nxt is not None and nxt.kind == "dtype":
                self.next()
                datatype = self.next()
                text = f"{token.text}^^{datatype.text}"
                return Obj(text, token.line, ("literal", datatype.text, token.text))
            return Obj(token.text, token.line, ("literal", "", token.text))
        return Obj(token.text, token.line, ("name", token.text))


@cache
def read(path: Path) -> TurtleFile:
    """Read and tokenize one file once per test session.

    Raises:
        TurtleStyleError: when the tokenizer or the block reader fails.
    """
    rel = path.relative_to(ROOT).as_posix()
    text = path.read_bytes().decode("utf-8")
    tokens = tokenize(text, rel)
    parser = _Parser(tokens, rel)
    parser.parse()
    banners: list[tuple[int, str]] = []
    bad: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("# ----"):
            match = BANNER.match(line)
            if match:
                banners.append((number, match["title"]))
            else:
                bad.append(number)
    for block in parser.blocks:
        for number, title in banners:
            if number < block.line:
                block.section = title
    used = {
        token.text.split(":", 1)[0]
        for previous, token in zip([None, *tokens], tokens, strict=False)
        if token.kind == "name"
        and ":" in token.text
        and not token.text.startswith("_:")
        and (previous is None or previous.kind != "directive")
    }
    return TurtleFile(path, text, parser.prefixes, parser.blocks, banners, bad, used, tokens)


def local_name(subject: str) -> str:
    """The local name of a subject as written: after the prefix, or after the last # or /."""
    if subject.startswith("<"):
        return re.split(r"[#/]", subject[1:-1].rstrip("/#"))[-1]
    return subject.split(":", 1)[1] if ":" in subject else subject


def relpath(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def is_data_file(path: Path) -> bool:
    return path.relative_to(ROOT).parts[0] == "data"


def test_turtle_files_are_found() -> None:
    folders = {path.relative_to(ROOT).parts[0] for path in TTL_FILES}
    assert {"ontology", "data"} <= folders, (
        f"expected Turtle files in ontology/ and data/: {FILE_IDS}"
    )


@pytest.mark.parametrize("path", TTL_FILES, ids=FILE_IDS)
def test_text_is_utf8_lf_with_final_newline_and_no_tabs(path: Path) -> None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        pytest.fail(f"{relpath(path)}: not UTF-8 at byte {error.start}")
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append("starts with a byte-order mark")
    if "\r" in text:
        problems.append(f"carriage return on line {text[: text.index(chr(13))].count(chr(10)) + 1}")
    if not text.endswith("\n"):
        problems.append("no newline at the end of the file")
    elif text.endswith("\n\n"):
        problems.append("blank lines at the end of the file")
    tab_lines = [n for n, line in enumerate(text.split("\n"), start=1) if "\t" in line]
    if tab_lines:
        problems.append(f"tab characters on lines {tab_lines[:10]}")
    trailing = [n for n, line in enumerate(text.split("\n"), start=1) if line != line.rstrip()]
    if trailing:
        problems.append(f"trailing white space on lines {trailing[:10]}")
    assert not problems, f"{relpath(path)}: " + "; ".join(problems)


@pytest.mark.parametrize("path", TTL_FILES, ids=FILE_IDS)
def test_first_line_is_a_comment(path: Path) -> None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first.startswith("# "), (
        f"{relpath(path)}:1: the file must open with a '# ' comment saying what it holds, "
        f"found {first[:60]!r}"
    )


@pytest.mark.parametrize("path", TTL_FILES, ids=FILE_IDS)
def test_prefixes_one_per_line_sorted_and_used(path: Path) -> None:
    turtle = read(path)
    rel = relpath(path)
    problems = []
    lines = turtle.text.split("\n")
    for prefix in turtle.prefixes:
        line = lines[prefix.line - 1]
        if prefix.col != 1 or line.count("@prefix") != 1:
            problems.append(f"{rel}:{prefix.line}: one @prefix per line, at its start")
    names = [prefix.name for prefix in turtle.prefixes]
    if names != sorted(names):
        problems.append(f"{rel}: prefixes not sorted by name: {names}; expected {sorted(names)}")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        problems.append(f"{rel}: prefixes declared twice: {duplicates}")
    unused = [p for p in turtle.prefixes if p.name not in turtle.used_prefixes]
    for prefix in unused:
        problems.append(f"{rel}:{prefix.line}: prefix {prefix.name}: is declared but never used")
    if "" in names:
        problems.append(f"{rel}: no default ':' prefix; use a named prefix")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", TTL_FILES, ids=FILE_IDS)
def test_each_subject_opens_one_block(path: Path) -> None:
    turtle = read(path)
    seen: dict[str, int] = {}
    problems = []
    for block in turtle.blocks:
        if block.anonymous:
            continue
        if block.subject in seen:
            problems.append(
                f"{relpath(path)}:{block.line}: {block.subject} opens a second block "
                f"(first at line {seen[block.subject]}); merge them"
            )
        else:
            seen[block.subject] = block.line
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", TTL_FILES, ids=FILE_IDS)
def test_sections_well_formed_and_blocks_sorted_within_them(path: Path) -> None:
    turtle = read(path)
    rel = relpath(path)
    problems = [
        f"{rel}:{n}: malformed section banner; write '# ---- Title ----'"
        for n in turtle.bad_banners
    ]
    previous: dict[str | None, Block] = {}
    for block in turtle.blocks:
        if block.anonymous or block.section is None:
            continue
        before = previous.get(block.section)
        if before is not None and local_name(block.subject) < local_name(before.subject):
            problems.append(
                f"{rel}:{block.line}: in section '{block.section}', {block.subject} comes after "
                f"{before.subject} (line {before.line}); blocks go in ASCII order of local names"
            )
        previous[block.section] = block
    if relpath(path).startswith("ontology/"):
        order = [
            (n, title, ONTOLOGY_SECTIONS.index(title.split(":", 1)[0].strip()))
            for n, title in turtle.banners
            if title.split(":", 1)[0].strip() in ONTOLOGY_SECTIONS
        ]
        for (_, title_a, rank_a), (n, title_b, rank_b) in zip(order, order[1:], strict=False):
            if rank_b < rank_a:
                problems.append(
                    f"{rel}:{n}: section '{title_b}' after '{title_a}'; ontology sections go "
                    f"in the order {ONTOLOGY_SECTIONS}"
                )
    assert not problems, "\n".join(problems)


def _rank(entry: PredicateEntry) -> tuple[int, int]:
    rank = RANKS.get(entry.iri, 6)
    sub = STRUCTURE_ORDER.index(entry.iri) if entry.iri in STRUCTURE_ORDER else -1
    return rank, sub


@pytest.mark.parametrize("path", TTL_FILES, ids=FILE_IDS)
def test_predicates_in_house_order(path: Path) -> None:
    turtle = read(path)
    rel = relpath(path)
    data = is_data_file(path)
    problems = []
    for block in turtle.blocks:
        where = f"{rel}:{block.line}: {block.subject}"
        if not block.predicates:
            continue
        if block.predicates[0].text != "a":
            problems.append(f"{where}: the block must start with 'a' (its type)")
        seen_texts = [entry.text for entry in block.predicates]
        repeated = sorted({t for t in seen_texts if seen_texts.count(t) > 1})
        if repeated:
            problems.append(f"{where}: predicates written twice {repeated}; use ',' lists")
        for before, after in zip(block.predicates, block.predicates[1:], strict=False):
            rank_b, rank_a = _rank(before), _rank(after)
            if rank_a < rank_b:
                problems.append(
                    f"{where}: line {after.line}: {after.text} ({RANK_NAMES[rank_a[0]]}) must "
                    f"come before {before.text} ({RANK_NAMES[rank_b[0]]})"
                )
                break
        if data:
            domain = [e for e in block.predicates if e.iri.startswith(OOS) and _rank(e)[0] == 6]
            for before, after in zip(domain, domain[1:], strict=False):
                if after.iri < before.iri:
                    problems.append(
                        f"{where}: line {after.line}: {after.text} must come before "
                        f"{before.text}; the oos: domain properties go in ASCII order"
                    )
                    break
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", TTL_FILES, ids=FILE_IDS)
def test_several_objects_one_per_line_and_sorted(path: Path) -> None:
    turtle = read(path)
    rel = relpath(path)
    problems = []
    for block in turtle.blocks:
        for entry in block.predicates:
            objects = entry.objects
            if len(objects) < 2:
                continue
            where = f"{rel}:{entry.line}: {block.subject} {entry.text}"
            lines = [obj.line for obj in objects]
            if len(set(lines)) != len(lines):
                problems.append(f"{where}: several objects; write one per line")
            keys = [obj.key for obj in objects]
            if all(key is not None for key in keys) and len({key[0] for key in keys if key}) == 1:
                if keys != sorted(keys):  # type: ignore[type-var]
                    ordered = [obj.text[:60] for _, obj in sorted(zip(keys, objects, strict=True))]
                    problems.append(f"{where}: objects not sorted; write them as {ordered}")
    assert not problems, "\n".join(problems)


def _triples_from_pyoxigraph(path: Path) -> Graph:
    quads = pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    ntriples = pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_TRIPLES)
    graph = Graph()
    graph.parse(data=ntriples.decode("utf-8"), format="nt")
    return graph


@pytest.mark.parametrize("path", TTL_FILES, ids=FILE_IDS)
def test_rdflib_and_pyoxigraph_read_the_same_graph(path: Path) -> None:
    by_rdflib = Graph()
    by_rdflib.parse(path, format="turtle")
    by_oxigraph = _triples_from_pyoxigraph(path)
    assert len(by_rdflib) > 0, f"{relpath(path)}: no triples"
    if not isomorphic(by_rdflib, by_oxigraph):
        only_rdflib = to_isomorphic(by_rdflib) - to_isomorphic(by_oxigraph)
        only_oxigraph = to_isomorphic(by_oxigraph) - to_isomorphic(by_rdflib)
        pytest.fail(
            f"{relpath(path)}: rdflib and pyoxigraph disagree: "
            f"{len(only_rdflib)} triples only in rdflib (e.g. {sorted(only_rdflib)[:3]}), "
            f"{len(only_oxigraph)} only in pyoxigraph (e.g. {sorted(only_oxigraph)[:3]})"
        )


def test_style_reader_sees_every_triple_subject() -> None:
    """The tokenizer's blocks cover every named subject that rdflib finds (guards the reader)."""
    problems = []
    for path in TTL_FILES:
        turtle = read(path)
        parser = _Parser(turtle.tokens, relpath(path))
        parser.prefixes = turtle.prefixes
        written = {parser.expand(b.subject) for b in turtle.blocks if not b.anonymous}
        graph = Graph()
        graph.parse(path, format="turtle")
        subjects = {str(s) for s in graph.subjects() if not s.n3().startswith("_:")}
        missing = sorted(subjects - written)
        if missing:
            problems.append(f"{relpath(path)}: subjects the style reader missed: {missing[:5]}")
    assert not problems, "\n".join(problems)


SEED = ROOT.parent / "shared" / "seed" / "000_c0e6017da1bb52c3.txt"


@pytest.mark.skipif(not SEED.is_file(), reason=f"the seed text is not at {SEED}")
def test_sources_file_is_what_its_tool_writes() -> None:
    """data/sources.ttl is generated by tools/make_sources.py; hand edits would be lost."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_sources", ROOT / "tools" / "make_sources.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render(SEED.read_text(encoding="utf-8"))
    actual = (ROOT / "data" / "sources.ttl").read_text(encoding="utf-8")
    assert actual == expected, (
        "data/sources.ttl differs from what tools/make_sources.py writes; change the tool "
        "(EXTERNAL for public sources) and run: .venv/bin/python tools/make_sources.py "
        f"{SEED} > data/sources.ttl"
    )


@pytest.mark.parametrize("path", TTL_FILES, ids=FILE_IDS)
def test_block_layout_subject_line_indented_predicates_blank_line_between(path: Path) -> None:
    turtle = read(path)
    rel = relpath(path)
    lines = turtle.text.split("\n")
    problems = []
    previous_end = 0
    for block in turtle.blocks:
        where = f"{rel}:{block.line}: {block.subject}"
        between = lines[previous_end : block.line - 1]
        if previous_end and not any(line == "" for line in between):
            problems.append(f"{where}: no blank line before the block")
        previous_end = block.end_line
        if block.anonymous and block.subject != "[]":
            continue
        for entry in block.predicates:
            if entry.line == block.line or entry.col != 5:
                problems.append(
                    f"{where}: line {entry.line}: {entry.text} must start its own line, indented "
                    "4 spaces, below the subject"
                )
                break
        if not lines[block.end_line - 1].endswith(" ."):
            problems.append(f"{where}: line {block.end_line}: end the block with ' .'")
    assert not problems, "\n".join(problems)
