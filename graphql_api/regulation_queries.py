"""The regulation side of ``Query``: frameworks, obligations, Tables 2, 5 and 6, Fig. 1, search."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import islice
from typing import Annotated

import strawberry
from pyoxigraph import NamedNode

from graphql_api.context import OosInfo, Select
from graphql_api.graph import fetch, selection_below
from graphql_api.product_queries import iris_of, listed, one, page_size, rooted
from graphql_api.sparql import query_text
from graphql_api.types.common import Role
from graphql_api.types.regulation import Cell, ComparisonAspect, Framework, Jurisdiction, Obligation
from graphql_api.types.tables import (
    ComparisonRow,
    ProvisionStep,
    RoleDiff,
    SearchHit,
    StreamliningItem,
)
from graphql_api.types.vocabulary import JurisdictionCode, RoleCode, StreamliningTiming
from oos_kg.errors import QueryError

__all__ = ["FrameworkDiff", "RegulationQueries"]

TABLE_2 = (JurisdictionCode.US, JurisdictionCode.EU, JurisdictionCode.JP)


async def compare(
    info: OosInfo, aspects: Sequence[str] | None, jurisdictions: Sequence[JurisdictionCode] | None
) -> list[ComparisonRow]:
    """One row per Table 2 aspect (all, or those ``compare-aspects.rq`` finds for ``aspects``),
    a cell per requested code in the order asked for."""
    wanted_aspects = selection_below(info, "aspect")
    wanted_cells = selection_below(info, "cells")
    codes = list(jurisdictions or TABLE_2)

    def work(select: Select) -> list[ComparisonRow]:
        chosen = iris_of(select, "compare-aspects", {"wanted": list(aspects or []) or None})
        kept = fetch(select, ComparisonAspect, chosen, wanted_aspects)
        if not kept or not wanted_cells:
            return [ComparisonRow(aspect=aspect, cells=[]) for aspect in kept]
        given = {
            "aspect": [NamedNode(s) for s in chosen] if aspects else None,
            "code": codes if jurisdictions and not aspects else None,
        }
        rank = {code.value: codes.index(code) for code in codes}  # a code's first place
        proposed = ("proposed",) if JurisdictionCode.JP_PROPOSED in codes else ()
        places: dict[str, set[tuple[int, str]]] = {s: set() for s in chosen}
        for r in select(query_text("compare", given, proposed)):
            if r["code"].value in rank and r["aspect"].value in places:
                places[r["aspect"].value].add((rank[r["code"].value], r["cell"].value))
        pairs = [pair for s in chosen for pair in sorted(places[s])]
        made = fetch(select, Cell, [cell for _, cell in pairs], wanted_cells)
        for cell, (at, _) in zip(made, pairs, strict=True):
            cell.jurisdiction = codes[at]
        cells = iter(made)
        return [
            ComparisonRow(aspect=aspect, cells=list(islice(cells, len(places[s]))))
            for s, aspect in zip(chosen, kept, strict=True)
        ]

    return await info.context.run(work)


@strawberry.type(description="What changes from one framework to another, by role and by aspect.")
class FrameworkDiff:
    roles: list[RoleDiff]
    codes: strawberry.Private[tuple[JurisdictionCode, JurisdictionCode]]

    @strawberry.field
    async def from_framework(self, info: OosInfo) -> Framework | None:
        return await one(info, Framework, rooted("frameworks", {"code": self.codes[0]}))

    @strawberry.field
    async def to_framework(self, info: OosInfo) -> Framework | None:
        return await one(info, Framework, rooted("frameworks", {"code": self.codes[1]}))

    @strawberry.field(description="Table 2 (and Table 6) for the two frameworks, aspect by aspect.")
    async def aspects(self, info: OosInfo) -> list[ComparisonRow]:
        return await compare(info, None, list(self.codes))


@strawberry.type
class RegulationQueries:
    @strawberry.field(description="Every jurisdiction, by code.")
    async def jurisdictions(self, info: OosInfo) -> list[Jurisdiction]:
        return await listed(info, Jurisdiction, rooted("jurisdictions", {}))

    @strawberry.field(description="Frameworks for OOS provision, optionally of some codes.")
    async def frameworks(
        self, info: OosInfo, codes: list[JurisdictionCode] | None = None
    ) -> list[Framework]:
        return await listed(info, Framework, rooted("frameworks", {"code": codes}))

    @strawberry.field(description="One framework by code; null when none.")
    async def framework(self, info: OosInfo, code: JurisdictionCode) -> Framework | None:
        return await one(info, Framework, rooted("frameworks", {"code": code}))

    @strawberry.field(
        description="Table 2 side by side: one row per aspect (all, or those whose label contains "
        "one of `aspects`), a cell per jurisdiction (US, EU, JP by default; JP_PROPOSED gives "
        "the Table 6 proposition on the aspect)."
    )
    async def compare_jurisdictions(
        self,
        info: OosInfo,
        aspects: list[str] | None = None,
        jurisdictions: list[JurisdictionCode] | None = None,
    ) -> list[ComparisonRow]:
        return await compare(info, aspects, jurisdictions)

    @strawberry.field(description="Obligations, optionally of one role and one framework code.")
    async def obligations(
        self,
        info: OosInfo,
        role: RoleCode | None = None,
        jurisdiction: JurisdictionCode | None = None,
        with_deadline: Annotated[
            bool | None,
            strawberry.argument(description="True: those with a deadline; false: those without."),
        ] = None,
    ) -> list[Obligation]:
        dated = () if with_deadline is None else ("dated",) if with_deadline else ("undated",)
        find = rooted("obligations", {"role": role, "code": jurisdiction}, *dated)
        return await listed(info, Obligation, find)

    @strawberry.field(
        description="What changes from one framework to another (default JP to JP_PROPOSED): "
        "each role's obligations under both, and Table 2 for the two."
    )
    async def framework_diff(
        self,
        info: OosInfo,
        from_: Annotated[JurisdictionCode, strawberry.argument(name="from")] = JurisdictionCode.JP,
        to: JurisdictionCode = JurisdictionCode.JP_PROPOSED,
        role: RoleCode | None = None,
    ) -> FrameworkDiff:
        if from_ is to:
            raise QueryError("from and to must be different frameworks")
        fields = selection_below(info, "roles", "fromObligations|toObligations")
        wanted_roles = selection_below(info, "roles", "role")
        values = {"code": [from_, to], "role": role}

        def work(select: Select) -> FrameworkDiff:
            side_of: dict[str, int] = {}  # 0: from, 1: to
            bearers: dict[str, set[str]] = defaultdict(set)
            for row in select(query_text("framework-diff", values)):
                side_of[row["s"].value] = int(row["code"].value != from_.value)
                bearers[row["s"].value].add(row["role"].value)
            iris = sorted(side_of)
            by_role: dict[str, tuple[list[Obligation], list[Obligation]]] = {}
            for s, obligation in zip(iris, fetch(select, Obligation, iris, fields), strict=True):
                for bearer in sorted(bearers[s]):
                    by_role.setdefault(bearer, ([], []))[side_of[s]].append(obligation)
            bearing = sorted(by_role)
            roles = fetch(select, Role, bearing, wanted_roles)
            return FrameworkDiff(
                roles=[
                    RoleDiff(role=r, from_obligations=by_role[s][0], to_obligations=by_role[s][1])
                    for s, r in zip(bearing, roles, strict=True)
                ],
                codes=(from_, to),
            )

        return await info.context.run(work)

    @strawberry.field(description="Table 5 items, optionally of one party, timing and verdict.")
    async def streamlining(
        self,
        info: OosInfo,
        party: Annotated[
            RoleCode | None, strawberry.argument(description="The party whose tasks to list.")
        ] = None,
        timing: StreamliningTiming | None = None,
        can_be_streamlined: bool | None = None,
    ) -> list[StreamliningItem]:
        values = {"party": party, "timing": timing, "can": can_be_streamlined}
        return await listed(info, StreamliningItem, rooted("streamlining", values))

    @strawberry.field(description="The OOS provision flow of Fig. 1, step by step.")
    async def provision_flow(self, info: OosInfo) -> list[ProvisionStep]:
        return await listed(info, ProvisionStep, rooted("flow", {}))

    @strawberry.field(
        description="Resources whose labels, descriptions or texts contain `text` (any case), "
        "in language `lang` (en, ja; any when omitted)."
    )
    async def search(
        self, info: OosInfo, text: str, lang: str | None = None, first: int = 20
    ) -> list[SearchHit]:
        first = page_size(info, first)
        if not text.strip():
            raise QueryError("search text must not be blank")
        asked = [f.name for f in selection_below(info)]
        query = query_text("search", {"text": text, "lang": lang}, asked)
        rows = await info.context.run(lambda select: select(query))
        found = [{k: v.value for k, v in row.items()} for row in rows[:first]]
        return [
            SearchHit(
                id=strawberry.ID(row["s"]),
                kinds=sorted(set(row.get("kinds", "").split())),
                label=row.get("label"),
                matched=row.get("matched"),
            )
            for row in found
        ]
