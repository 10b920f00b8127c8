"""Dependencies every router shares: the settings and the store of the running app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from oos_kg.settings import Settings
from oos_kg.store.base import KgStore

__all__ = ["SettingsDep", "StoreDep", "get_settings_of_app", "get_store"]


async def get_store(request: Request) -> KgStore:
    """Return the store ``create_app`` opened (``app.state.store``).

    ``async`` so that FastAPI calls it on the loop rather than in a worker thread.
    """
    store: KgStore = request.app.state.store
    return store


async def get_settings_of_app(request: Request) -> Settings:
    """Return the settings ``create_app`` was given (``app.state.settings``)."""
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[KgStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings_of_app)]
