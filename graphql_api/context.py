"""The typed context every resolver receives: the settings and the store it reads."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TypeAlias, TypeVar

from strawberry.fastapi import BaseContext
from strawberry.types import Info

from oos_kg.settings import Settings
from oos_kg.store.base import Bindings, KgStore

__all__ = ["GraphQLContext", "OosInfo", "Select"]

T = TypeVar("T")

Select: TypeAlias = Callable[[str], list[Bindings]]
"""Run one of the API's own SELECT queries and return its solutions."""


class GraphQLContext(BaseContext):
    """Per-request state: the store and the settings."""

    def __init__(self, store: KgStore, settings: Settings) -> None:
        super().__init__()
        self.store = store
        self.settings = settings

    async def run(self, work: Callable[[Select], T]) -> T:
        """Return ``work(select)``, ``select`` running a SELECT within the time limit: all the
        queries of a root field at once, on the event loop when the store answers in process
        (a thread hop costs more than most of these queries), else in one thread hop.

        Raises:
            QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
        """
        select = partial(self.store.select, timeout_s=self.settings.query_timeout_s)
        if self.store.answers_in_process:
            return work(select)
        return await asyncio.to_thread(work, select)


OosInfo: TypeAlias = Info[GraphQLContext, None]
"""What resolvers annotate their ``info`` parameter with."""
