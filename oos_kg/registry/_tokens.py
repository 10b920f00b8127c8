"""Bearer tokens with a role and an organisation, kept as SHA-256 digests in a JSON file.

A token is ``<id>.<secret>``, the secret ``secrets.token_urlsafe(32)`` (256 random bits). The
file keeps the id, the SHA-256 of the whole token, the role and the organisation; never the
token. SHA-256 rather than a password hash (argon2, bcrypt): the secret is random, not chosen
by a person, so there is nothing to slow a guess down for, and a slow hash would add its cost
(tens of milliseconds) to every request (SECURITY_NOTES.md). Digests are compared with
:func:`hmac.compare_digest`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, get_args

from oos_kg.errors import InputError
from oos_kg.namespaces import OOSD

__all__ = ["ROLES", "Caller", "Role", "TokenRecord", "TokenStore", "jurisdiction_iri", "org_iri"]

Role = Literal["mah", "institution", "authority", "researcher", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

JURISDICTIONS = ("us", "eu", "jp")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: the role, organisation and jurisdiction of a valid token.

    Attributes:
        token_id: the token's public id. role: one of :data:`ROLES`.
        org: the organisation IRI (``mah``, ``institution``; any role may have one).
        jurisdiction: the jurisdiction IRI (``authority``).
    """

    token_id: str
    role: Role
    org: str | None
    jurisdiction: str | None


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """One stored token: everything but the secret."""

    id: str
    sha256: str
    role: Role
    org: str | None
    jurisdiction: str | None
    label: str
    created: str
    revoked: str | None = None

    def caller(self) -> Caller:
        """Return the caller this token stands for."""
        return Caller(self.id, self.role, self.org, self.jurisdiction)


def org_iri(text: str) -> str:
    """Return an organisation IRI: an absolute ``http(s)`` IRI as given, a local name such
    as ``org-sanbio`` under the data namespace.

    >>> org_iri("org-sanbio")
    'https://w3id.org/oos-kg/id/org-sanbio'

    Raises:
        InputError: for text that is neither.
    """
    if text.startswith(("https://", "http://")) and not any(c in text for c in '<>"{}|^`\\ '):
        return text
    if text and all(c.isascii() and (c.isalnum() or c == "-") for c in text):
        return str(OOSD[text])
    raise InputError(f"organisation {text!r}: give an http(s) IRI or a name such as org-sanbio")


def jurisdiction_iri(code: str) -> str:
    """Return the KG's IRI of jurisdiction ``us``, ``eu`` or ``jp``.

    >>> jurisdiction_iri("eu")
    'https://w3id.org/oos-kg/id/jurisdiction-eu'

    Raises:
        InputError: for another code.
    """
    if code.lower() not in JURISDICTIONS:
        raise InputError(f"jurisdiction {code!r}: use one of {', '.join(JURISDICTIONS)}")
    return str(OOSD[f"jurisdiction-{code.lower()}"])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """The tokens file (JSON), written atomically under a lock, re-read when it changes.

    Args:
        path: the file (created on the first ``add``).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._cache: tuple[int, dict[str, TokenRecord]] | None = None
        self._lock = threading.Lock()

    def _read(self) -> dict[str, TokenRecord]:
        try:
            stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        cached = self._cache
        if cached is not None and cached[0] == stamp:
            return cached[1]
        with self._lock:
            raw = json.loads(self.path.read_text("utf-8"))
            records = {r["id"]: TokenRecord(**r) for r in raw.get("tokens", [])}
            self._cache = (stamp, records)
            return records

    @contextlib.contextmanager
    def _writing(self) -> Iterator[dict[str, TokenRecord]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._cache = None
            records = dict(self._read())
            yield records
            tmp = self.path.with_suffix(".tmp")
            body = {"tokens": [asdict(r) for r in records.values()]}
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(body, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
            self._cache = None

    def add(
        self,
        role: str,
        *,
        org: str | None = None,
        jurisdiction: str | None = None,
        label: str = "",
    ) -> tuple[str, TokenRecord]:
        """Create a token; return it (shown once, never stored) and its record.

        ``mah`` and ``institution`` need an organisation, ``authority`` a jurisdiction.

        Raises:
            InputError: an unknown role, or a missing or malformed organisation/jurisdiction.
        """
        if role not in ROLES:
            raise InputError(f"role {role!r}: use one of {', '.join(ROLES)}")
        org_value = org_iri(org) if org else None
        place = jurisdiction_iri(jurisdiction) if jurisdiction else None
        if role in ("mah", "institution") and org_value is None:
            raise InputError(f"a {role} token needs --org")
        if role == "authority" and place is None:
            raise InputError("an authority token needs --jurisdiction")
        token_id = secrets.token_hex(4)
        token = f"{token_id}.{secrets.token_urlsafe(32)}"
        record = TokenRecord(
            id=token_id,
            sha256=_digest(token),
            role=role,  # checked against ROLES above
            org=org_value,
            jurisdiction=place,
            label=label,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with self._writing() as records:
            records[token_id] = record
        return token, record

    def list(self) -> list[TokenRecord]:
        """Return every token record, oldest first (revoked ones too)."""
        return sorted(self._read().values(), key=lambda r: (r.created, r.id))

    def revoke(self, token_id: str) -> bool:
        """Revoke a token by id; return whether one was found (and not already revoked)."""
        with self._writing() as records:
            record = records.get(token_id)
            if record is None or record.revoked:
                return False
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            records[token_id] = TokenRecord(**{**asdict(record), "revoked": stamp})
            return True

    def authenticate(self, token: str) -> Caller | None:
        """Return the caller of a valid, unrevoked token, else None (in constant time per
        comparison; an unknown id costs a digest too)."""
        token_id, _, _ = token.partition(".")
        record = self._read().get(token_id)
        expected = record.sha256 if record is not None else "0" * 64
        if not hmac.compare_digest(_digest(token), expected) or record is None:
            return None
        return None if record.revoked else record.caller()
