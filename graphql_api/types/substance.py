"""``Substance``: an active substance, shared by the product, its trials, programs and studies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_api._records import Record
from graphql_api.context import OosInfo
from graphql_api.types.common import Source, load_objects, sources_of

if TYPE_CHECKING:
    from graphql_api.types.product import Product
    from graphql_api.types.program import ExpandedAccessProgram
    from graphql_api.types.study import Study
    from graphql_api.types.trial import Trial

__all__ = ["Substance"]


@strawberry.type(description="An active substance (the common name of Tables 1, 3 and 4).")
class Substance:
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
    async def products(
        self, info: OosInfo
    ) -> list[Annotated[Product, strawberry.lazy("graphql_api.types.product")]]:
        from graphql_api.types.product import Product

        return await load_objects(
            info, "product", self.record.links("product"), Product.from_record
        )

    @strawberry.field(description="Japanese OOS clinical trials of it (Table 4).")
    async def oos_trials(
        self, info: OosInfo
    ) -> list[Annotated[Trial, strawberry.lazy("graphql_api.types.trial")]]:
        from graphql_api.types.trial import Trial

        return await load_objects(info, "trial", self.record.links("trial"), Trial.from_record)

    @strawberry.field(description="US expanded access programs of it (Table 1).")
    async def expanded_access_programs(
        self, info: OosInfo
    ) -> list[Annotated[ExpandedAccessProgram, strawberry.lazy("graphql_api.types.program")]]:
        from graphql_api.types.program import ExpandedAccessProgram

        return await load_objects(
            info, "program", self.record.links("program"), ExpandedAccessProgram.from_record
        )

    @strawberry.field(description="Evidence studies of its OOS vs commercial batches.")
    async def studies(
        self, info: OosInfo
    ) -> list[Annotated[Study, strawberry.lazy("graphql_api.types.study")]]:
        from graphql_api.types.study import Study

        return await load_objects(info, "study", self.record.links("study"), Study.from_record)

    @strawberry.field(description="Where the facts about it come from.")
    async def source(self, info: OosInfo) -> list[Source]:
        return await sources_of(info, self.record)
