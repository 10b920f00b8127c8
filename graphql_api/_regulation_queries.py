"""Resolvers of the regulation side of ``Query``: Table 2, obligations, the framework diff,
Table 5, Fig. 1 and search. Each runs a fixed number of SPARQL queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

import strawberry
from pyoxigraph import Literal as RdfLiteral
from pyoxigraph import NamedNode

from graphql_api._fields import keys_for
from graphql_api._links import prefetch
from graphql_api._records import make_record
from graphql_api._sparql import Term, bind_rows, iri, load_query
from graphql_api.context import OosInfo
from graphql_api.types.common import load_objects, load_records, selected, selections_at
from graphql_api.types.comparison import (
    Cell,
    ComparisonAspect,
    ComparisonRow,
    FrameworkDiff,
    ProvisionStep,
    RoleDiff,
    SearchHit,
    StreamliningItem,
)
from graphql_api.types.regulation import Framework, Jurisdiction, Obligation, Role, code_of
from graphql_api.types.vocabulary import JurisdictionCode, RoleCode, StreamliningTiming, from_iri
from oos_kg.errors import QueryError

__all__ = [
    "compare_jurisdictions",
    "find_frameworks",
    "find_jurisdictions",
    "find_obligations",
    "framework_diff",
    "provision_flow",
    "search_text",
    "streamlining_items",
]

TABLE_2 = (JurisdictionCode.US, JurisdictionCode.EU, JurisdictionCode.JP)
TIMING_ORDER = list(StreamliningTiming)


def _matches(aspect: ComparisonAspect, wanted: Sequence[str]) -> bool:
    labels = [t.value.lower() for t in aspect.record.terms("label")]
    return any(w == aspect.id or any(w.lower() in label for label in labels) for w in wanted)


_ASPECT_ROW_KEYS = frozenset({"label", "tableRow"})
"""The aspect keys the ``compare-aspects`` query reads: a selection of no others needs no more."""


_INLINE_CELL_KEYS = frozenset({"text"})
"""The cell keys compare.rq reads with the cells themselves (``?text``)."""


async def compare_jurisdictions(
    info: OosInfo,
    aspects: Sequence[str] | None,
    jurisdictions: Sequence[JurisdictionCode] | None,
) -> list[ComparisonRow]:
    """One row per Table 2 aspect (those matching ``aspects``), a cell per requested code.

    The aspects come first, in table order, with their labels when the match or the selection
    reads them (and their records from them when the selection reads nothing else); the cells
    then only of the aspects kept, or of the codes asked for, and only when selected.
    """
    codes = list(jurisdictions or TABLE_2)
    selections = selections_at(info, "aspect")
    aspect_keys = keys_for("aspect", selections)
    by_rows = aspect_keys is not None and aspect_keys <= _ASPECT_ROW_KEYS
    labelled = bool(aspects) or aspect_keys is None or "label" in aspect_keys
    rows = await info.context.runner.select_named(
        "compare-aspects", {}, selected=("label",) if labelled else ()
    )
    values: dict[str, dict[str, list[Term]]] = {}
    for row in rows:
        found = values.setdefault(row["s"].value, {"label": [], "tableRow": []})
        if "row" in row:
            found["tableRow"].append(row["row"])
        if "label" in row:
            found["label"].append(row["label"])
    records = {s: make_record(s, {k: v for k, v in kv.items() if v}) for s, kv in values.items()}
    chosen = [
        s
        for s, record in records.items()
        if not aspects or _matches(ComparisonAspect.from_record(record), aspects)
    ]
    if by_rows:
        kept = [ComparisonAspect.from_record(records[s]) for s in chosen]
    else:
        fetched = await load_records(info, "aspect", chosen, aspect_keys)
        kept = [ComparisonAspect.from_record(record) for record in fetched]
    cell_selections = selections_at(info, "cells")
    if not kept or not cell_selections:
        return [ComparisonRow(aspect=aspect, cells=[]) for aspect in kept]
    filtered = bool(aspects)
    keys = keys_for("cell", cell_selections)
    inline = keys is not None and keys <= _INLINE_CELL_KEYS  # read with the cells: no cell query
    solutions = await info.context.runner.select_named(
        "compare",
        {
            "aspect": [iri(s) for s in chosen] if filtered else None,
            "code": [RdfLiteral(c.value) for c in dict.fromkeys(codes)]
            if jurisdictions and not filtered
            else None,
        },
        selected=(
            *(("proposed",) if JurisdictionCode.JP_PROPOSED in codes else ()),
            *(("text",) if inline and keys else ()),
        ),
    )
    wanted_aspects = set(chosen)
    cells_of: dict[str, list[tuple[JurisdictionCode, str]]] = defaultdict(list)
    texts: dict[str, list[Term]] = defaultdict(list)
    for row in solutions:
        code = code_of(row["code"].value)
        if code is not None and code in codes and row["aspect"].value in wanted_aspects:
            cell = row["cell"].value
            if (code, cell) not in cells_of[row["aspect"].value]:
                cells_of[row["aspect"].value].append((code, cell))
            if "text" in row:
                texts[cell].append(row["text"])
    wanted = sorted({cell for a in kept for _, cell in cells_of[a.id]})
    if inline:
        found_cells = [
            make_record(cell, {"text": texts[cell]} if texts.get(cell) else {}) for cell in wanted
        ]
    else:
        found_cells = await load_records(info, "cell", wanted, keys)
    cell_records = {r.iri: r for r in found_cells}
    result = []
    every_cell: list[Cell] = []
    for aspect in kept:
        pairs = sorted(cells_of[aspect.id], key=lambda pair: (codes.index(pair[0]), pair[1]))
        cells = [Cell.build(cell_records[c], code) for code, c in pairs if c in cell_records]
        every_cell.extend(cells)
        result.append(ComparisonRow(aspect=aspect, cells=cells))
    await prefetch(info, [(every_cell, cell_selections)])
    return result


async def find_obligations(
    info: OosInfo,
    role: RoleCode | None,
    jurisdiction: JurisdictionCode | None,
    with_deadline: bool | None = None,
) -> list[Obligation]:
    """The obligations of a role (any when ``None``) under a framework code (any when ``None``),
    with or without a deadline (either when ``None``)."""
    rows = await info.context.runner.select_named(
        "obligations",
        {
            "role": iri(role.value) if role else None,
            "code": RdfLiteral(jurisdiction.value) if jurisdiction else None,
        },
        selected=() if with_deadline is None else ("dated",) if with_deadline else ("undated",),
    )
    iris = list(dict.fromkeys(row["s"].value for row in rows))
    selections = selections_at(info)
    keys = keys_for("obligation", selections)
    if jurisdiction is not None or keys is None or "code" not in keys:
        return await load_objects(info, "obligation", iris, Obligation.from_record, below=True)
    # with no code asked for, the rows hold each obligation's every framework code: the
    # record's "code" key needs no second look (0.23 -> 0.14 ms for Q13's fields)
    codes: dict[str, list[Term]] = defaultdict(list)
    for row in rows:
        codes[row["s"].value].append(row["code"])
    found = await load_records(info, "obligation", iris, keys - {"code"})
    obligations = [
        Obligation.from_record(
            make_record(r.iri, {**{k: list(v) for k, v in r.values.items()}, "code": codes[r.iri]})
        )
        for r in found
    ]
    await prefetch(info, [(obligations, selections)])
    return obligations


async def find_frameworks(
    info: OosInfo,
    codes: Sequence[JurisdictionCode] | None,
    *,
    keys: frozenset[str] | None | Literal["selected"] = "selected",
) -> list[Framework]:
    """The frameworks of the given codes (all when ``None``), by code, with the record keys the
    current field selects (``keys``: those keys instead; ``None`` for every key)."""
    rows = await info.context.runner.select_named(
        "frameworks", {"code": [RdfLiteral(c.value) for c in codes] if codes else None}
    )
    iris = [r["s"].value for r in rows]
    if keys == "selected":
        return await load_objects(info, "framework", iris, Framework.from_record, below=True)
    records = await load_records(info, "framework", iris, keys)
    return [Framework.from_record(record) for record in records]


async def find_jurisdictions(info: OosInfo) -> list[Jurisdiction]:
    """Every jurisdiction, by code."""
    rows = await info.context.runner.select_named("jurisdictions", {})
    return await load_objects(
        info, "jurisdiction", [r["s"].value for r in rows], Jurisdiction.from_record, below=True
    )


async def framework_diff(
    info: OosInfo, source: JurisdictionCode, target: JurisdictionCode, role: RoleCode | None
) -> FrameworkDiff:
    """Each role's obligations under ``source`` and ``target``, and Table 2 for the two codes.

    One query finds the obligations of both codes with their roles; the obligations' records
    are read only for a side whose fields are selected, the roles' only when a field of theirs
    reads one.

    Raises:
        QueryError: when ``source`` and ``target`` are the same.
    """
    if source is target:
        raise QueryError("from and to must be different frameworks")
    wanted = iri(role.value) if role else None
    rows = await info.context.runner.select(
        bind_rows(
            load_query("framework-diff"),
            ("code", "role"),
            [(RdfLiteral(code.value), wanted) for code in (source, target)],
        )
    )
    sides: dict[str, set[str]] = {"from": set(), "to": set()}
    bearers: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        sides["from" if row["code"].value == source.value else "to"].add(row["s"].value)
        if isinstance(row["role"], NamedNode):
            bearers[row["s"].value].add(row["role"].value)
    side_of = {iri_: side for side, iris in sides.items() for iri_ in iris}
    order = [*sorted(sides["from"]), *sorted(sides["to"])]
    chosen = {
        "from": selections_at(info, "roles", "fromObligations"),
        "to": selections_at(info, "roles", "toObligations"),
    }
    keys = {side: keys_for("obligation", chosen[side]) for side in chosen}
    read = {side for side, k in keys.items() if k is None or k}  # the sides needing records
    union: frozenset[str] | None = frozenset()
    for side in read:
        side_keys = keys[side]
        union = None if union is None or side_keys is None else union | side_keys
    asked = list(dict.fromkeys(i for i in order if side_of[i] in read))
    found = await load_records(info, "obligation", asked, union)
    records = {r.iri: r for r in found}
    obligations = [Obligation.from_record(records.get(i) or make_record(i, {})) for i in order]
    framework_selections = [
        *selections_at(info, "fromFramework"),
        *selections_at(info, "toFramework"),
    ]
    before = after = None
    if framework_selections:  # the frameworks themselves only when asked for
        frameworks_found = await find_frameworks(
            info, [source, target], keys=keys_for("framework", framework_selections, ("code",))
        )
        frameworks = {f.code: f for f in frameworks_found}
        before, after = frameworks.get(source), frameworks.get(target)
    by_role: dict[str, dict[str, list[Obligation]]] = defaultdict(lambda: defaultdict(list))
    for obligation in obligations:
        side = side_of[obligation.id]
        for bearer in sorted(bearers[obligation.id]):
            by_role[bearer][side].append(obligation)
    role_keys = keys_for("concept", selections_at(info, "roles", "role"))
    roles = [
        Role.from_record(r) for r in await load_records(info, "concept", sorted(by_role), role_keys)
    ]
    await prefetch(
        info,
        [
            ([o for o in obligations if side_of[o.id] == "from"], chosen["from"]),
            ([o for o in obligations if side_of[o.id] == "to"], chosen["to"]),
            ([before] if before else [], selections_at(info, "fromFramework")),
            ([after] if after else [], selections_at(info, "toFramework")),
        ],
    )
    diffs = [
        RoleDiff(role=r, from_obligations=by_role[r.id]["from"], to_obligations=by_role[r.id]["to"])
        for r in roles
    ]
    return FrameworkDiff(
        from_framework=before, to_framework=after, roles=diffs, codes=(source, target)
    )


async def streamlining_items(
    info: OosInfo,
    party: RoleCode | None,
    timing: StreamliningTiming | None,
    can_be_streamlined: bool | None,
) -> list[StreamliningItem]:
    """Table 5 items, filtered, in the table's order (party, timing, can before cannot, number)."""
    rows = await info.context.runner.select_named(
        "streamlining",
        {
            "party": iri(party.value) if party else None,
            "timing": iri(timing.value) if timing else None,
            "can": RdfLiteral(can_be_streamlined) if can_be_streamlined is not None else None,
        },
    )
    grouped: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row["s"].value][row["key"].value].append(row["value"])
    items = [StreamliningItem.from_record(make_record(s, values)) for s, values in grouped.items()]

    def key(item: StreamliningItem) -> tuple[str, int, bool, int, str]:
        timing_rank = TIMING_ORDER.index(item.timing) if item.timing else len(TIMING_ORDER)
        return (
            item.party.name if item.party else "",
            timing_rank,
            not item.can_be_streamlined,
            item.item_number or 0,
            str(item.id),
        )

    return sorted(items, key=key)


async def provision_flow(info: OosInfo) -> list[ProvisionStep]:
    """The steps of Fig. 1 in order."""
    rows = await info.context.runner.select_named("flow", {})
    steps: dict[str, ProvisionStep] = {}
    for row in rows:
        s = row["s"].value
        if s in steps:
            continue
        steps[s] = ProvisionStep(
            id=strawberry.ID(s),
            number=int(row["number"].value) if "number" in row else None,
            label=row["label"].value if "label" in row else None,
            description=row["description"].value if "description" in row else None,
            performed_by=from_iri(RoleCode, row["role"].value) if "role" in row else None,
            next_step=strawberry.ID(row["next"].value) if "next" in row else None,
        )
    return list(steps.values())


async def search_text(info: OosInfo, text: str, lang: str | None, first: int) -> list[SearchHit]:
    """Resources whose labels or texts contain ``text`` (any case), at most ``first``.

    Raises:
        QueryError: when ``text`` is blank or ``first`` is over the page size limit.
    """
    limit = info.context.settings.graphql_max_page_size
    if not 0 <= first <= limit:
        raise QueryError(f"first must be between 0 and {limit}, got {first}")
    if not text.strip():
        raise QueryError("search text must not be blank")
    rows = await info.context.runner.select_named(
        "search",
        {"text": RdfLiteral(text), "lang": RdfLiteral(lang) if lang else None},
        selected=selected(info, "kinds", "matched"),
    )
    return [
        SearchHit(
            id=strawberry.ID(row["s"].value),
            kinds=sorted({k for k in row["kinds"].value.split(" ") if k}) if "kinds" in row else [],
            label=row["label"].value if "label" in row else None,
            matched=row["matched"].value if "matched" in row else None,
        )
        for row in rows[:first]
    ]
