"""IRIs the registry writes: case graphs, versions, and the registry's own terms."""

from __future__ import annotations

from oos_kg.namespaces import BASE

__all__ = [
    "CASE_BASE",
    "PROFILES",
    "REG",
    "case_iri",
    "case_id_of",
    "version_iri",
]

CASE_BASE = f"{BASE}/graph/case/"
"""Each case's named graph, and its record node, is ``CASE_BASE + id``. Under ``graph/``, so
the SPARQL guard lets them name a dataset: ``/sparql`` itself keeps them from callers who may
not see them (:mod:`oos_kg.registry._access`)."""

PROFILES = f"{CASE_BASE}_profiles"
"""The graph of case profiles (:mod:`oos_kg.registry._profile`), shared by every case and
never shown to a token's ``/sparql`` (no case id has ``_``)."""

REG = f"{BASE}/registry#"
"""The registry's own terms (record, version, finding, obligation status); a submitted case
may not use them."""

_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def case_iri(case_id: str) -> str:
    """Return the graph (and record) IRI of case ``case_id``.

    >>> case_iri("c-1")
    'https://w3id.org/oos-kg/graph/case/c-1'
    """
    return CASE_BASE + case_id


def version_iri(case_id: str, number: int) -> str:
    """Return the IRI of version ``number`` of a case.

    >>> version_iri("c-1", 2)
    'https://w3id.org/oos-kg/graph/case/c-1/v/2'
    """
    return f"{CASE_BASE}{case_id}/v/{number}"


def case_id_of(text: str) -> str | None:
    """Return ``text`` if it can be a case id (lower-case letters, digits, ``-``; 1-64), else
    None, so an id from a URL never reaches a query unchecked.

    >>> case_id_of("0f3a-b"), case_id_of("x>"), case_id_of("")
    ('0f3a-b', None, None)
    """
    if 0 < len(text) <= 64 and set(text) <= _ID_CHARS:
        return text
    return None
