"""Table 5's items, Fig. 1's steps, and the rows, diffs and hits the regulation roots build."""

from __future__ import annotations

import strawberry

from graphql_api.graph import ME, Graph, read
from graphql_api.types.common import Role
from graphql_api.types.regulation import Cell, ComparisonAspect, Obligation
from graphql_api.types.vocabulary import RoleCode, StreamliningTiming

__all__ = [
    "ComparisonRow",
    "ProvisionStep",
    "RoleDiff",
    "SearchHit",
    "StreamliningItem",
]


@strawberry.type(description="One aspect with a cell per requested framework code.")
class ComparisonRow:
    aspect: ComparisonAspect
    cells: list[Cell]


@strawberry.type(description="A role's obligations under two frameworks, side by side.")
class RoleDiff:
    role: Role
    from_obligations: list[Obligation]
    to_obligations: list[Obligation]

    @strawberry.field(description="How many obligations the role has under the first framework.")
    def from_count(self) -> int:
        return len(self.from_obligations)

    @strawberry.field(description="How many obligations the role has under the second framework.")
    def to_count(self) -> int:
        return len(self.to_obligations)


@strawberry.type(description="A resource whose text matches a search.")
class SearchHit:
    id: strawberry.ID
    kinds: list[str] = strawberry.field(description="Its classes in the ontology (local names).")
    label: str | None
    matched: str | None = strawberry.field(description="The text that matched.")


@strawberry.type(description="An item of Table 5: a task of an OOS clinical trial.")
class StreamliningItem(Graph):
    id: strawberry.ID = read(ME)
    text: str | None = read("rdfs:label", lang="en", fallback=True)
    party: RoleCode | None = read("oos:party")
    timing: StreamliningTiming | None = read("oos:timing")
    can_be_streamlined: bool | None = read("oos:canBeStreamlined")
    item_number: int | None = read("oos:itemNumber")
    notes: list[str] = read("skos:editorialNote")


@strawberry.type(description="A step of the OOS provision flow of Fig. 1.")
class ProvisionStep(Graph):
    id: strawberry.ID = read(ME)
    number: int | None = read("oos:stepNumber")
    label: str | None = read("rdfs:label")
    description: str | None = read("dcterms:description")
    performed_by: RoleCode | None = read("oos:performedBy")
    next_step: strawberry.ID | None = read("oos:nextStep")
