"""Who may do what: decided from the caller's token before any query runs.

Every refusal about one case is the same "not found" whether the case does not exist or
belongs to another organisation, so a refusal teaches nothing about other organisations'
cases. Refusals by role (an authority revising a case) come before any case is looked up.
"""

from __future__ import annotations

from oos_kg.errors import InputError
from oos_kg.registry._tokens import Caller
from oos_kg.registry._write import iri

__all__ = [
    "CaseNotFound",
    "Forbidden",
    "Unauthorized",
    "can_read_cases",
    "can_write_cases",
    "visibility_filter",
    "visibility_pattern",
]


class Unauthorized(InputError):
    """No bearer token, or one that is unknown or revoked."""

    code = "unauthorized"
    status = 401
    headers = {"WWW-Authenticate": 'Bearer realm="oos-kg"'}


class Forbidden(InputError):
    """The token's role may not do this (whatever the case)."""

    code = "forbidden"
    status = 403


class CaseNotFound(InputError):
    """No case by that id that the caller may see (the same answer for both)."""

    code = "not_found"
    status = 404


def can_read_cases(caller: Caller) -> None:
    """Refuse roles that may not read single cases (researchers read reports only).

    Raises:
        Forbidden: for a researcher.
    """
    if caller.role == "researcher":
        raise Forbidden("a researcher token reads aggregate reports only")


def can_write_cases(caller: Caller) -> None:
    """Refuse roles that may not submit or revise cases.

    Raises:
        Forbidden: for an authority or a researcher.
    """
    if caller.role not in ("mah", "institution", "admin"):
        raise Forbidden(f"a {caller.role} token may not submit or revise cases")


def visibility_pattern(caller: Caller, graph: str = "?g") -> str:
    """Return the SPARQL pattern (inside ``GRAPH graph``) that keeps the caller's cases.

    ``mah`` and ``institution``: the cases that name the organisation (its products', the
    ones it sent); ``authority``: the cases of its jurisdiction; ``admin`` and (for
    aggregates) ``researcher``: every case. A token with no organisation where one is
    needed sees nothing.

    >>> visibility_pattern(Caller("t", "admin", None, None))
    ''
    """
    if caller.role in ("admin", "researcher"):
        return ""
    if caller.role == "authority":
        target = caller.jurisdiction
        return f"{graph} reg:jurisdiction {iri(target)} ." if target else "FILTER(false)"
    return f"{graph} reg:visibleTo {iri(caller.org)} ." if caller.org else "FILTER(false)"


def visibility_filter(caller: Caller, graph: str = "?g") -> str:
    """Return :func:`visibility_pattern` as a filter, checked for each case a query found by
    a narrower pattern (Oxigraph would otherwise start from every case the caller may see).

    >>> visibility_filter(Caller("t", "authority", None, None))
    'FILTER EXISTS { FILTER(false) }'
    """
    pattern = visibility_pattern(caller, graph)
    return f"FILTER EXISTS {{ {pattern} }}" if pattern else ""
