"""The front page's data: what the graph holds, by kind, and the paper it comes from."""

from __future__ import annotations

from typing import Any

from oos_kg.pages._store import labels_of, run_queries, text
from oos_kg.store.base import KgStore

__all__ = ["front_page"]


async def front_page(store: KgStore, lang: str) -> dict[str, Any]:
    """Return the counts of things by kind (``kinds.rq``, named by the ontology's labels) and
    the source paper (``paper.rq``).

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: the store failed.
    """
    labels = await labels_of(store)
    kinds, papers = await run_queries(store, "kinds.rq", "paper.rq")
    counts = [
        {"kind": labels.get(text(r, "class"), lang), "iri": text(r, "class"), "n": text(r, "n")}
        for r in kinds
    ]
    paper = papers[0] if papers else {}
    return {
        "counts": counts,
        "paper": {
            "iri": text(paper, "paper"),
            "title": text(paper, "title"),
            "citation": text(paper, "citation"),
            "issued": text(paper, "issued"),
        },
    }
