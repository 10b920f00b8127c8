"""The pages' reads: named ``.rq`` files run through the store protocol, and their terms as text.

Queries are files, loaded by name, never built from strings: the pages' own under
``oos_kg/pages/queries/``, the paper's tables from ``docs/queries/tables/`` (the files the
question bank and the ``/sparql`` examples use) and the summary counts of ``oos-kg check``.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from oos_kg.resources import resource_root
from oos_kg.store.base import Bindings, KgStore

__all__ = ["Labels", "Row", "kept_rows", "label_map", "labels_of", "run_queries", "text"]

_OWN = Path(__file__).resolve().parent / "queries"
_CHECK = Path(__file__).resolve().parent.parent / "queries"

Row = Mapping[str, NamedNode | Literal | BlankNode]
"""One solution of a SELECT, as the store gives it."""


@functools.cache
def _query(name: str) -> str:
    """Return the text of the query ``name``: ``tables/<file>`` for a paper table,
    ``check/<file>`` for the summary counts, else a file of the pages' own.

    Raises:
        OSError: the file cannot be read (a broken installation).
    """
    if name.startswith("tables/"):
        path = resource_root() / "docs" / "queries" / name
    elif name.startswith("check/"):
        path = _CHECK / name.removeprefix("check/")
    else:
        path = _OWN / name
    return path.read_text(encoding="utf-8")


async def run_queries(store: KgStore, *names: str) -> list[list[Bindings]]:
    """Run the named SELECT queries at once and return their solutions, in order.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as :meth:`KgStore.aselect`.
    """
    return list(await asyncio.gather(*(store.aselect(_query(n)) for n in names)))


def text(row: Row, name: str, default: str = "") -> str:
    """Return the lexical form (or IRI) of ``row[name]``, or ``default`` when unbound.

    >>> text({"x": Literal("48")}, "x")
    '48'

    Raises:
        Nothing.
    """
    term = row.get(name)
    return default if term is None else str(term.value)


@dataclass(frozen=True, slots=True)
class Labels:
    """Every label of the graph by IRI and language (``labels.rq``)."""

    by_iri: dict[str, dict[str, str]]

    def get(self, iri: str, lang: str) -> tuple[str, str]:
        """Return ``(label, its language)`` in ``lang``, else in English, else the IRI's
        local name (language ``""``): a missing Japanese label is never made up.

        >>> Labels({"x": {"en": "supply"}}).get("x", "ja")
        ('supply', 'en')

        Raises:
            Nothing.
        """
        labels = self.by_iri.get(iri, {})
        for wanted in (lang, "en"):
            if wanted in labels:
                return labels[wanted], wanted
        return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1], ""

    def text(self, iri: str, lang: str) -> str:
        """Return only the label of :meth:`get`.

        Raises:
            Nothing.
        """
        return self.get(iri, lang)[0]


def label_map(rows: list[Bindings]) -> Labels:
    """Build :class:`Labels` from the solutions of ``labels.rq`` (the first label of a
    language wins).

    Raises:
        Nothing.
    """
    by_iri: dict[str, dict[str, str]] = {}
    for row in rows:
        label = row["label"]
        if isinstance(label, Literal) and label.language:
            by_iri.setdefault(text(row, "s"), {}).setdefault(label.language, label.value)
    return Labels(by_iri)


_KEPT: weakref.WeakKeyDictionary[KgStore, tuple[str, dict[str, Any]]] = weakref.WeakKeyDictionary()


async def kept_rows(store: KgStore, name: str) -> list[Bindings]:
    """Return the solutions of the query ``name``, kept for the store's current version of
    the data (:meth:`KgStore.data_version`: a load or an update runs it again; a store that
    cannot name its version, a remote server, is asked every time). For queries whose
    answer does not depend on the request: the labels, the sources.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as :meth:`KgStore.aselect`.
    """
    return list(await _kept(store, name, lambda rows: rows))


async def labels_of(store: KgStore) -> Labels:
    """Return the graph's labels (``labels.rq``), kept as :func:`kept_rows` keeps rows.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as :meth:`KgStore.aselect`.
    """
    labels: Labels = await _kept(store, "labels.rq", label_map)
    return labels


async def _kept(store: KgStore, name: str, build: Callable[[list[Bindings]], Any]) -> Any:
    version = store.data_version()
    if version is None:
        (rows,) = await run_queries(store, name)
        return build(rows)
    kept = _KEPT.get(store)
    if kept is None or kept[0] != version:
        kept = (version, {})
        _KEPT[store] = kept
    if name not in kept[1]:
        (rows,) = await run_queries(store, name)
        kept[1][name] = build(rows)
    return kept[1][name]
