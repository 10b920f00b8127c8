"""Store layer: one small interface, three backends (embedded on disk, in memory, remote)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oos_kg.store.base import Bindings, KgStore

if TYPE_CHECKING:  # settings pull in pydantic; query workers import this package without it
    from oos_kg.settings import Settings

__all__ = ["Bindings", "KgStore", "open_store"]


def open_store(settings: Settings) -> KgStore:
    """Return the store ``settings`` describe (nothing is started until the first query).

    Raises:
        StoreError: the settings name no usable store.
    """
    if settings.store == "remote":
        from oos_kg.store.remote import RemoteStore

        assert settings.remote_query_url is not None  # checked by Settings
        return RemoteStore(
            settings.remote_query_url,
            update_url=settings.remote_update_url,
            store_url=settings.remote_store_url,
            user=settings.remote_user,
            password=settings.remote_password,
            token=settings.remote_token,
            digest=settings.remote_auth == "digest",
            engine=settings.remote_engine,
            max_rows=settings.remote_max_rows,
            max_answer_bytes=settings.remote_max_answer_bytes,
            timeout_s=settings.query_timeout_s,
            load_timeout_s=settings.remote_timeout_s,
            allowed_hosts=settings.allowed_hosts,
        )
    if settings.store == "memory":
        from oos_kg.store.memory import MemoryStore

        return MemoryStore(allowed_hosts=settings.allowed_hosts)
    from oos_kg.store.embedded import EmbeddedStore

    return EmbeddedStore(
        settings.store_path,
        timeout_s=settings.query_timeout_s,
        workers=settings.query_workers,
        allowed_hosts=settings.allowed_hosts,
    )
