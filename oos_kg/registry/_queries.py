"""The registry's read queries (``queries/*.rq``), filled in with checked terms."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from string import Template

from oos_kg.registry._write import PREFIXES

__all__ = ["block", "fill"]


@cache
def _template(name: str, prefixed: bool = True) -> Template:
    text = files("oos_kg.registry").joinpath("queries", f"{name}.rq").read_text("utf-8")
    # the comment names the placeholders: filled there, a value of several lines would
    # break out of it into the query
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    return Template((PREFIXES if prefixed else "") + "".join(lines))


def fill(name: str, **terms: str) -> str:
    """Return query ``name`` with ``$`` placeholders replaced by ``terms`` (already SPARQL
    text the registry wrote: IRIs by ``iri``, literals by ``literal``).

    Raises:
        KeyError: a placeholder left without a value.
    """
    return _template(name).substitute(terms)


def block(name: str, **terms: str) -> str:
    """Return query ``name`` filled as :func:`fill` does, without the prefixes: a sub-select
    to place in another query's ``$`` placeholder.

    Raises:
        KeyError: a placeholder left without a value.
    """
    return _template(name, prefixed=False).substitute(terms)
