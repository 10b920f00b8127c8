"""GraphQL benchmark: each question of docs/questions.md through ``/graphql`` against its SPARQL
through ``/sparql``, on one real ``oos-kg serve``, in the same run."""

from __future__ import annotations

__all__: list[str] = []
