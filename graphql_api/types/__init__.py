"""The GraphQL types, each field declaring how it is read from the graph."""

from __future__ import annotations

__all__: list[str] = []
