"""``Substance``: an active substance, shared by the product, its trials, programs and studies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_api._links import Link, Linked, linked, register
from graphql_api._records import Record
from graphql_api.context import OosInfo
from graphql_api.types.common import SOURCES, Source

if TYPE_CHECKING:
    from graphql_api.types.product import Product
    from graphql_api.types.program import ExpandedAccessProgram
    from graphql_api.types.study import Study
    from graphql_api.types.trial import Trial

__all__ = ["Substance"]


@strawberry.type(description="An active substance (the common name of Tables 1, 3 and 4).")
class Substance(Linked):
    id: strawberry.ID
    name: str | None
    alt_labels: list[str]
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> Substance:
        """Build a substance from its record."""
        return cls(
            id=strawberry.ID(record.iri),
            name=record.in_language("label", "en") or record.text("label"),
            alt_labels=record.texts("altLabel"),
            record=record,
        )

    @strawberry.field(description="The label in a language (en, ja); null if none.")
    def label(self, lang: str = "en") -> str | None:
        return self.record.in_language("label", lang)

    @strawberry.field(description="Products containing it.")
    def products(
        self, info: OosInfo
    ) -> list[Annotated[Product, strawberry.lazy("graphql_api.types.product")]]:
        return linked(self, info)

    @strawberry.field(description="Japanese OOS clinical trials of it (Table 4).")
    def oos_trials(
        self, info: OosInfo
    ) -> list[Annotated[Trial, strawberry.lazy("graphql_api.types.trial")]]:
        return linked(self, info)

    @strawberry.field(description="US expanded access programs of it (Table 1).")
    def expanded_access_programs(
        self, info: OosInfo
    ) -> list[Annotated[ExpandedAccessProgram, strawberry.lazy("graphql_api.types.program")]]:
        return linked(self, info)

    @strawberry.field(description="Evidence studies of its OOS vs commercial batches.")
    def studies(
        self, info: OosInfo
    ) -> list[Annotated[Study, strawberry.lazy("graphql_api.types.study")]]:
        return linked(self, info)

    @strawberry.field(description="Where the facts about it come from.")
    def source(self, info: OosInfo) -> list[Source]:
        return linked(self, info)


register(
    Substance,
    {
        "products": Link("product", "product", "Product"),
        "oosTrials": Link("trial", "trial", "Trial"),
        "expandedAccessPrograms": Link("program", "program", "ExpandedAccessProgram"),
        "studies": Link("study", "study", "Study"),
        "source": SOURCES,
    },
)
