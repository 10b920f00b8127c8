"""Store layer: one small interface, two backends (embedded pyoxigraph, remote SPARQL server)."""

from __future__ import annotations

from oos_kg.store.base import Bindings, KgStore

__all__ = ["Bindings", "KgStore"]
