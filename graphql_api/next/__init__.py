"""The GraphQL API rebuilt: plain strawberry, one compiled SPARQL query per root field."""

from __future__ import annotations

__all__: list[str] = []
