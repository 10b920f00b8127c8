"""The frameworks a case can be validated against, and the shape files each one uses."""

from __future__ import annotations

from dataclasses import dataclass

from oos_kg.errors import InputError
from oos_kg.namespaces import OOSD

__all__ = ["FRAMEWORKS", "Framework", "get_framework"]


@dataclass(frozen=True, slots=True)
class Framework:
    """One regulatory framework a case can be checked against.

    Attributes:
        code: the value of ``--framework`` and ``?framework=``.
        label: a human name.
        shape_files: file names under ``shapes/cases/`` (``common.ttl`` always first).
        iri: the ``oos:RegulatoryFramework`` in ``data/regulations.ttl`` (None for PIC/S
            Annex 2A, which the graph presents within the EU framework, not as its own).
    """

    code: str
    label: str
    shape_files: tuple[str, ...]
    iri: str | None = None


FRAMEWORKS: dict[str, Framework] = {
    f.code: f
    for f in (
        Framework(
            "us",
            "US expanded access",
            ("common.ttl", "us-expanded-access.ttl"),
            str(OOSD["framework-us-expanded-access"]),
        ),
        Framework(
            "eu",
            "EU exceptional release of OOS ATMPs",
            ("common.ttl", "eu-exceptional-release.ttl"),
            str(OOSD["framework-eu-exceptional-release"]),
        ),
        Framework("pics", "PIC/S GMP Annex 2A 6.11-6.13", ("common.ttl", "pics-annex2a.ttl")),
        Framework(
            "jp",
            "Japan, current clinical-trial route",
            ("common.ttl", "jp-clinical-trial.ttl"),
            str(OOSD["framework-jp-clinical-trial"]),
        ),
        Framework(
            "jp-proposed",
            "Japan, proposed framework (Table 6)",
            ("common.ttl", "jp-proposed.ttl"),
            str(OOSD["framework-jp-proposed"]),
        ),
    )
}
"""Every framework by code, in a stable order."""


def get_framework(code: str) -> Framework:
    """Return the framework with ``code``.

    >>> get_framework("eu").shape_files
    ('common.ttl', 'eu-exceptional-release.ttl')

    Raises:
        InputError: for an unknown code (the message lists the known ones).
    """
    try:
        return FRAMEWORKS[code]
    except KeyError:
        known = ", ".join(FRAMEWORKS)
        raise InputError(f"unknown framework {code!r}; use one of: {known}") from None
