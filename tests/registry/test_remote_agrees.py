"""The registry answers the same on a remote engine as on its own local store: the same cases,
sent on the same clock to a registry of each kind over the same KG, give the same case lists,
versions, histories, due obligations and reports, to each way of seeing cases, on
``oxigraph serve`` and on Virtuoso (docs/deploy.md lists what Virtuoso answers differently
of itself)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from registry_support import HOSPITAL, MAH, PRODUCT, ROOT, SUPPLIED, T0, Clock, eu_case
from store_support import Client

from oos_kg.app import create_app
from oos_kg.registry import (
    REPORT_KINDS,
    LocalBackend,
    Registry,
    TokenStore,
    open_case_backend,
    validation_check,
)
from oos_kg.settings import Settings
from oos_kg.store import KgStore
from oos_kg.validation import CaseValidator

pytestmark = pytest.mark.integration

CASES = ROOT / "examples" / "cases"
PERIOD = {"from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}
ROLES = ("admin", "institution", "authority")
"""One role per way of seeing cases (all of them, its organisation's, its jurisdiction's)."""


@dataclass(frozen=True)
class Registries:
    """The reference (local store) and the remote registry, each behind its app, and the ids
    each gave the same cases (ids are random), in the order sent."""

    local: Client
    remote: Client
    tokens: dict[str, str]
    local_ids: tuple[str, ...]
    remote_ids: tuple[str, ...]

    def ask(self, who: str, url: str, params: dict[str, str]) -> tuple[str, str]:
        """Both answers to ``url`` (``{0}``... stand for the cases sent), as text, the remote
        ids replaced by the local ones.

        Raises:
            AssertionError: either answered other than 200.
        """
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        answers = []
        for client, ids in ((self.local, self.local_ids), (self.remote, self.remote_ids)):
            response = client.get(url.format(*ids), params=params, headers=headers)
            assert response.status_code == 200, (url, params, response.text)
            text = response.text
            for theirs, ours in zip(ids, self.local_ids, strict=True):
                text = text.replace(theirs, ours)
            answers.append(text)
        return answers[0], answers[1]


def _send(client: Client, token: str, body: bytes, framework: str, case: str | None) -> str:
    """Submit a case (or revise ``case`` from version 1); return its id."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    if case is None:
        response = client.post(
            "/cases", params={"framework": framework}, content=body, headers=headers
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])
    response = client.request(
        "PUT", f"/cases/{case}", content=body, headers={**headers, "If-Match": '"1"'}
    )
    assert response.status_code == 200, response.text
    return case


@pytest.fixture(scope="module")
def registries(
    remote: tuple[Settings, KgStore],
    validators: CaseValidator,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Registries]:
    """A local and a remote registry over the remote KG, fed the same cases on one clock, a
    minute apart: reported in time, not yet reported then revised, two of other
    frameworks, and one reported late."""
    settings, kg = remote
    store = TokenStore(tmp_path_factory.mktemp("tokens") / "tokens.json")
    tokens = {
        "admin": store.add("admin")[0],
        "institution": store.add("institution", org=HOSPITAL)[0],
        "authority": store.add("authority", jurisdiction="eu")[0],
    }
    clock = Clock()
    check = validation_check(validators)
    backends = (LocalBackend(None), open_case_backend(settings, kg))
    clients = []
    for backend in backends:
        app = create_app(settings.model_copy(update={"tokens_path": store.path}), store=kg)
        app.state.registry = Registry(backend, kg, check, clock=clock)
        clients.append(Client(app))
    sends: list[tuple[str, bytes, str, int | None]] = [
        ("institution", eu_case(), "eu", None),
        ("institution", eu_case(notified=False), "eu", None),
        ("institution", eu_case(), "eu", 1),  # revises the second case
        *(
            ("admin", (CASES / code / "conforms.ttl").read_bytes(), code, None)
            for code in ("us", "jp")
        ),
    ]
    ids: tuple[list[str], list[str]] = ([], [])
    for minute, (who, body, framework, revises) in enumerate(sends):
        clock.now = T0 + timedelta(minutes=minute)
        for client, sent in zip(clients, ids, strict=True):
            case = _send(
                client, tokens[who], body, framework, None if revises is None else sent[revises]
            )
            if revises is None:
                sent.append(case)
    clock.now = SUPPLIED + timedelta(days=3)
    late = (CASES / "eu" / "violates-EU-03-report-within-48h.ttl").read_bytes()
    for client, sent in zip(clients, ids, strict=True):
        sent.append(_send(client, tokens["admin"], late, "eu", None))
    yield Registries(clients[0], clients[1], tokens, tuple(ids[0]), tuple(ids[1]))
    backends[1].close()


def _same(local: str, remote: str, *, lists: tuple[str, ...] = ()) -> None:
    """The two answers are equal; ``lists`` name JSON lists ordered by case id (random, so
    compared as sets)."""
    if not lists:
        assert remote == local, f"\nremote: {remote}\nlocal:  {local}"
        return
    mine, theirs = json.loads(local), json.loads(remote)
    for key in lists:
        mine[key] = sorted(mine[key], key=json.dumps)
        theirs[key] = sorted(theirs[key], key=json.dumps)
    assert theirs == mine


LISTS: list[tuple[str, dict[str, str], str]] = [
    ("/cases", {}, "cases"),
    *(("/cases", {"status": s}, "cases") for s in ("overdue", "pending", "open", "closed")),
    ("/cases", {"framework": "eu", "product": PRODUCT, "as_of": "2024-02-25T09:00:30Z"}, "cases"),
    ("/cases", {"mah": MAH}, "cases"),
    ("/obligations/due", {"before": "2025-01-01T00:00:00Z"}, "obligations"),
    (
        "/obligations/due",
        {"before": "2025-01-01T00:00:00Z", "as_of": T0.isoformat()},
        "obligations",
    ),
]
"""Questions whose answers list cases in the order of their (random) ids."""


@pytest.mark.parametrize("who", ROLES)
def test_case_lists_and_due_obligations_agree(registries: Registries, who: str) -> None:
    for url, params, key in LISTS:
        local, remote = registries.ask(who, url, params)
        _same(local, remote, lists=(key,))


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("kind", list(REPORT_KINDS))
def test_reports_agree(registries: Registries, who: str, kind: str) -> None:
    local, remote = registries.ask(who, f"/reports/{kind}", PERIOD)
    _same(local, remote)


def test_versions_and_histories_agree(registries: Registries) -> None:
    for n in range(len(registries.local_ids)):
        case = "/cases/{" + str(n) + "}"
        asks: list[tuple[str, dict[str, str]]] = [
            (case, {}),
            (case, {"version": "1"}),
            (f"{case}/history", {}),
        ]
        if n < 2:  # sent before then; the second case's first version was current
            asks.append((case, {"as_of": "2024-02-25T09:01:30Z"}))
        for url, params in asks:
            local, remote = registries.ask("admin", url, params)
            _same(local, remote)
