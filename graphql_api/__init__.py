"""GraphQL API (strawberry) over the oos-kg store; mounted by the app at ``/graphql``."""

from __future__ import annotations

__all__: list[str] = []
