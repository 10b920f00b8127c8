"""The typed context every resolver receives: the settings and the store it reads."""

from __future__ import annotations

from typing import TypeAlias

from strawberry.fastapi import BaseContext
from strawberry.types import Info

from oos_kg.settings import Settings
from oos_kg.store.base import Bindings, KgStore

__all__ = ["GraphQLContext", "OosInfo"]


class GraphQLContext(BaseContext):
    """Per-request state: the store and the settings."""

    def __init__(self, store: KgStore, settings: Settings) -> None:
        super().__init__()
        self.store = store
        self.settings = settings

    async def select(self, query: str) -> list[Bindings]:
        """Run one of the API's own SELECT queries on the store, within the time limit.

        Raises:
            QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
        """
        return await self.store.aselect(query, timeout_s=self.settings.query_timeout_s)


OosInfo: TypeAlias = Info[GraphQLContext, None]
"""What resolvers annotate their ``info`` parameter with."""
