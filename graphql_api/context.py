"""The typed context every resolver receives: settings, the store runner and the loaders."""

from __future__ import annotations

import asyncio
from typing import TypeAlias

from strawberry.fastapi import BaseContext
from strawberry.types import Info

from graphql_api._records import RecordLoaders, StoreRunner
from oos_kg.settings import Settings
from oos_kg.store.base import KgStore

__all__ = ["GraphQLContext", "OosInfo"]


class GraphQLContext(BaseContext):
    """Per-request state: nothing in it outlives the request, so loaders never serve stale data."""

    def __init__(
        self,
        store: KgStore,
        settings: Settings,
        gate: asyncio.Semaphore | None = None,
        *,
        prefetch: bool = True,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.runner = StoreRunner(store, settings.query_timeout_s, gate)
        self.loaders = RecordLoaders(self.runner)
        self.prefetch = prefetch
        """Whether root resolvers fetch the link fields below them ahead
        (:func:`graphql_api._links.prefetch`); off, every link field loads on its own."""


OosInfo: TypeAlias = Info[GraphQLContext, None]
"""What resolvers annotate their ``info`` parameter with."""
