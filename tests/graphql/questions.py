"""The question bank ``docs/questions.md``: parse it, run both queries, compare the answers.

Each question is a level-2 heading followed by a fenced ``graphql`` block, a fenced ``sparql``
block and the recorded answer as a Markdown table. Both results are brought to that table: the
GraphQL data is flattened into rows (each list multiplies rows, an empty list leaves its columns
empty as an OPTIONAL would, each leaf is a column named by its field or alias), the SPARQL
solutions are taken by variable name; values become text (numbers in their shortest decimal form,
durations in hours as deadlines are stated, IRIs as IRIs, null as an empty cell). Rows compare as
multisets.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode

from graphql_api.types.vocabulary import in_hours
from oos_kg.store.base import Bindings

__all__ = [
    "Question",
    "as_table",
    "flatten",
    "parse_questions",
    "render_table",
    "select_variables",
    "solutions_table",
    "with_answers",
]

Row = tuple[str, ...]

_HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*$")
_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in ("decimal", "integer", "double", "float", "int", "long", "nonNegativeInteger")
}


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the bank."""

    title: str
    graphql: str
    sparql: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    line: int

    @property
    def slug(self) -> str:
        """The question's id (``q01``...) taken from its title."""
        match = re.match(r"(Q\d+)", self.title)
        return match.group(1).lower() if match else re.sub(r"\W+", "-", self.title.lower())


def parse_questions(path: Path, *, draft: bool = False) -> list[Question]:
    """Return the questions of the Markdown file at ``path``, in order.

    Args:
        path: the Markdown file.
        draft: accept questions without an answer table yet (to record their answers).

    Raises:
        ValueError: when a question lacks its GraphQL, its SPARQL or its answer table (the
            message names the line of its heading).
        OSError: when the file cannot be read.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [n for n, line in enumerate(lines) if _HEADING.match(line)]
    questions = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        title = _HEADING.match(lines[start]).group("title")  # type: ignore[union-attr]
        if not re.match(r"Q\d+", title):
            continue
        questions.append(_parse_section(title, lines[start + 1 : end], start + 1, draft))
    return questions


def _parse_section(title: str, lines: list[str], line: int, draft: bool) -> Question:
    blocks: dict[str, str] = {}
    table: list[list[str]] = []
    fence: str | None = None
    body: list[str] = []
    for text in lines:
        if fence is not None:
            if text.startswith("```"):
                blocks.setdefault(fence, "\n".join(body))
                fence = None
            else:
                body.append(text)
        elif text.startswith("```"):
            fence, body = text[3:].strip(), []
        elif text.startswith("|"):
            cells = [cell.strip() for cell in text.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", cell) for cell in cells):
                table.append(cells)
    if draft and not table:
        table = [[]]
    if "graphql" not in blocks or "sparql" not in blocks or not table:
        raise ValueError(f"questions.md:{line}: {title!r} needs graphql, sparql and a table")
    columns = tuple(table[0])
    rows = tuple(tuple(_unescape(cell) for cell in row) for row in table[1:])
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"questions.md:{line}: a row of {title!r} has the wrong width")
    return Question(title, blocks["graphql"], blocks["sparql"], columns, rows, line)


def _unescape(cell: str) -> str:
    return cell.replace("\\|", "|").strip("`")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)).normalize()
        return format(number, "f")
    return str(value)


def _term_text(term: Any) -> str:
    if isinstance(term, Literal) and term.datatype.value in _NUMERIC:
        return _text(Decimal(term.value))
    if isinstance(term, Literal) and term.datatype.value.endswith("#boolean"):
        return term.value
    if isinstance(term, Literal) and term.datatype.value.endswith(("#duration", "DayTimeDuration")):
        return in_hours(term.value)
    if isinstance(term, NamedNode | Literal):
        return term.value
    return str(term)


def flatten(data: Any, name: str = "") -> list[dict[str, str]]:
    """Flatten GraphQL data into rows: lists multiply, leaves are columns named by their key.

    >>> flatten({"a": [{"b": 1, "c": ["x", "y"]}, {"b": 2, "c": []}]})
    [{'b': '1', 'c': 'x'}, {'b': '1', 'c': 'y'}, {'b': '2'}]
    """
    if isinstance(data, list):
        items = [row for item in data for row in flatten(item, name)]
        return items or [{}]
    if isinstance(data, dict):
        rows: list[dict[str, str]] = [{}]
        for key, value in data.items():
            part = flatten(value, key)
            rows = [{**left, **right} for left in rows for right in part]
        return rows
    return [{name: _text(data)}]


def as_table(rows: Iterable[Mapping[str, str]], columns: tuple[str, ...]) -> Counter[Row]:
    """Project rows onto ``columns`` (missing: empty) and count them.

    Raises:
        KeyError: never; a column no row has is simply empty.
    """
    return Counter(tuple(row.get(column, "") for column in columns) for row in rows)


def solutions_table(solutions: list[Bindings]) -> list[dict[str, str]]:
    """Turn SPARQL solutions into rows of text by variable name."""
    return [{name: _term_text(term) for name, term in solution.items()} for solution in solutions]


def render_table(columns: tuple[str, ...], rows: Iterable[Row]) -> str:
    """Render a Markdown table (cells with ``|`` escaped), rows sorted.

    >>> print(render_table(("a", "b"), [("1", "x|y")]))
    | a | b |
    | --- | --- |
    | 1 | x\\|y |
    """
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    for row in sorted(rows):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines)


_PROJECTION = re.compile(r"SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(?P<vars>.*?)\s*WHERE", re.S | re.I)
_EXPRESSION = re.compile(r"\((?:[^()]|\([^()]*\))*?\s+AS\s+\?(\w+)\s*\)", re.I)


def select_variables(sparql: str) -> tuple[str, ...]:
    """Return the variables a SELECT query projects, in order (``AS`` targets of expressions).

    >>> select_variables("SELECT ?a (SUM(?x) AS ?b) ?c WHERE { }")
    ('a', 'b', 'c')

    Raises:
        ValueError: when the query has no ``SELECT ... WHERE`` projection.
    """
    match = _PROJECTION.search(sparql)
    if not match:
        raise ValueError("not a SELECT ... WHERE query")
    projection = _EXPRESSION.sub(lambda m: f"?{m.group(1)}", match.group("vars"))
    return tuple(re.findall(r"\?(\w+)", projection))


def with_answers(text: str, answers: Mapping[str, tuple[tuple[str, ...], Iterable[Row]]]) -> str:
    """Return the question bank ``text`` with each question's answer table replaced.

    Args:
        text: the Markdown of the bank.
        answers: question slug -> (columns, rows) to record.

    Raises:
        ValueError: never for a well-formed bank; a slug not in ``answers`` keeps its table.
    """
    out: list[str] = []
    slug: str | None = None

    def close() -> None:
        if slug is not None and slug in answers:
            while out and not out[-1].strip():
                out.pop()
            columns, rows = answers[slug]
            out.extend(["", "Answer:", "", render_table(columns, rows), ""])

    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            close()
            found = re.match(r"(Q\d+)", heading.group("title"))
            slug = found.group(1).lower() if found else None
        elif slug is not None and slug in answers and (line.startswith("|") or line == "Answer:"):
            continue
        out.append(line)
    close()
    return "\n".join(out).rstrip("\n") + "\n"
