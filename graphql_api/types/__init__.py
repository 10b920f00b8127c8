"""Strawberry types, one module per thing; each builds its objects from a :class:`Record`."""

from __future__ import annotations

__all__: list[str] = []
