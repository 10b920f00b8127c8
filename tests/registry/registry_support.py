"""What the registry tests share: the example case, a clock, tokens, a submit helper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store_support import Client

from oos_kg.registry import (
    TokenStore,
)

ROOT = Path(__file__).resolve().parents[2]
EU_CASE = (ROOT / "examples/cases/eu/conforms.ttl").read_text("utf-8")
PRODUCT = "https://w3id.org/oos-kg/id/product-breyanzi"
OBLIGATION = "https://w3id.org/oos-kg/id/obligation-eu-mah-quality-defect-report"
CLAUSE = "https://w3id.org/oos-kg/id/clause-ema-cat-224381-2019-notification"
ROLE_MAH = "https://w3id.org/oos-kg/ontology#role-mah"
SUPPLIED = datetime(2024, 2, 25, 8, 0, tzinfo=UTC)
"""When the EU example case was supplied."""
T0 = SUPPLIED + timedelta(hours=1)
"""The fixed clock's start, an hour after the supply."""


def eu_case(*, notified: bool = True) -> bytes:
    """The EU example case; without its quality defect reports when not ``notified`` (then
    it breaks EU-03 and the 48-hour report obligation is pending)."""
    lines = EU_CASE.splitlines()
    if not notified:
        lines = [line for line in lines if "oos:authorityNotification case:report-" not in line]
    return "\n".join(lines).encode("utf-8")


@dataclass
class Clock:
    """A clock the test moves."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Tokens:
    """A token of each role (the secret as a client sends it)."""

    admin: str
    mah: str
    other_mah: str
    institution: str
    other_institution: str
    authority: str
    other_authority: str
    researcher: str
    store: TokenStore

    def header(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, name)}"}


MAH = "https://w3id.org/oos-kg/id/org-celgene-corporation"
HOSPITAL = "https://example.org/hospital-a"


def submit(
    client: Client,
    tokens: Tokens,
    who: str = "institution",
    body: bytes | None = None,
    framework: str = "eu",
) -> str:
    """Submit a case as ``who`` and return its id (asserting 201)."""
    response = client.post(
        "/cases",
        params={"framework": framework},
        content=eu_case() if body is None else body,
        headers={**tokens.header(who), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def revise(
    client: Client,
    tokens: Tokens,
    case_id: str,
    who: str = "institution",
    body: bytes | None = None,
) -> None:
    """Send a new version of case ``case_id`` as ``who`` (asserting 200)."""
    response = client.request(
        "PUT",
        f"/cases/{case_id}",
        content=eu_case() if body is None else body,
        headers={**tokens.header(who), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 200, response.text
