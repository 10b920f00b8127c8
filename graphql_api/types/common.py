"""Types shared by both sides of the graph: sources, organisations, roles, paging, labels."""

from __future__ import annotations

import base64
from typing import Any

import strawberry

from graphql_api.context import OosInfo
from graphql_api.graph import ME, Graph, found, read
from graphql_api.types.vocabulary import RoleCode
from oos_kg.errors import QueryError

__all__ = [
    "Organisation",
    "PageInfo",
    "Party",
    "Role",
    "Source",
    "decode_cursor",
    "encode_cursor",
    "language_label",
    "sources",
]


def _labelled(root: Graph, info: OosInfo, lang: str = "en") -> str | None:
    del lang  # the compiler read it from the selection
    return found(root, info)


def language_label(description: str = "The label in a language (en, ja); null if none.") -> Any:
    """The field ``label(lang: "en")``: the object's ``rdfs:label`` in that language."""
    return read("rdfs:label", description, resolver=_labelled, lang="arg")


def sources(description: str = "Where the facts about it come from.") -> Any:
    """The field ``source``: the locations in the paper its ``dcterms:source`` names."""
    return read("dcterms:source", description)


@strawberry.type(description="Where a fact comes from: a table, section, figure or reference.")
class Source(Graph):
    id: strawberry.ID = read(ME)
    label: str | None = read("rdfs:label", lang="en", fallback=True)
    reference_number: int | None = read(
        "oos:referenceNumber", "The paper's reference number, for a reference."
    )
    citation: str | None = read("dcterms:bibliographicCitation")


@strawberry.type(description="An organisation: a marketing authorisation holder or a sponsor.")
class Organisation(Graph):
    name: str | None = read("rdfs:label")
    id: strawberry.ID = read(ME)


@strawberry.type(description="A named party: a role or an organisation.")
class Party(Graph):
    id: strawberry.ID = read(ME)
    label: str | None = language_label()
    role: RoleCode | None = read(ME, "The role this party is, if it is a role.")


@strawberry.type(description="A role that bears, reviews or receives obligations.")
class Role(Graph):
    id: strawberry.ID = read(ME)
    code: RoleCode | None = read(ME)
    label: str | None = language_label()


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def encode_cursor(offset: int) -> str:
    """Return the opaque cursor of the item at ``offset``.

    >>> decode_cursor(encode_cursor(7))
    7
    """
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """Return the offset a cursor stands for.

    Raises:
        QueryError: when the cursor was not made by :func:`encode_cursor`.
    """
    try:
        prefix, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == "offset" and (offset := int(number)) >= 0:
            return offset
    except (ValueError, UnicodeError):
        pass
    raise QueryError(f"not a cursor: {cursor!r}")
