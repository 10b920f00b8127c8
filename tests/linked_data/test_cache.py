"""What the server keeps between requests is built again when the data changes."""

from __future__ import annotations

from typing import Any

from store_support import Client

from oos_kg.linked_data import PerVersion


class Versioned:
    """Just enough of a store for :class:`PerVersion`: a data version that can change."""

    def __init__(self, version: str | None) -> None:
        self.version = version

    def data_version(self) -> str | None:
        return self.version


def counting() -> tuple[list[int], Any]:
    builds: list[int] = []

    def build(_: object) -> int:
        builds.append(1)
        return len(builds)

    return builds, build


def test_a_value_is_kept_while_the_version_stays() -> None:
    builds, build = counting()
    kept: PerVersion[int] = PerVersion(build)
    store = Versioned("v1")
    assert kept.get(store) == kept.get(store) == 1  # type: ignore[arg-type]
    store.version = "v2"
    assert kept.get(store) == 2  # type: ignore[arg-type]
    assert len(builds) == 2


def test_without_a_version_each_get_builds_unless_a_ttl_is_given() -> None:
    builds, build = counting()
    store = Versioned(None)
    fresh: PerVersion[int] = PerVersion(build)
    assert fresh.get(store) == 1 and fresh.get(store) == 2  # type: ignore[arg-type]
    builds.clear()
    kept: PerVersion[int] = PerVersion(build, unversioned_ttl_s=60)
    assert kept.get(store) == kept.get(store) == 1  # type: ignore[arg-type]


def test_the_downloads_follow_an_update(client: Client, paper_store: Any) -> None:
    before = client.get("/download/SHA256SUMS").text
    iri = "https://w3id.org/oos-kg/id/substance-tisagenlecleucel"
    paper_store.update(
        "INSERT DATA { GRAPH <https://w3id.org/oos-kg/graph/products> { "
        f'<{iri}> <http://www.w3.org/2000/01/rdf-schema#comment> "added" }} }}'
    )
    try:
        after = client.get("/download/SHA256SUMS").text
    finally:
        paper_store.update(
            "DELETE DATA { GRAPH <https://w3id.org/oos-kg/graph/products> { "
            f'<{iri}> <http://www.w3.org/2000/01/rdf-schema#comment> "added" }} }}'
        )
    assert after != before
    assert client.get("/download/SHA256SUMS").text == before


def test_head_answers_like_get_without_a_body_needed(client: Client) -> None:
    response = client.request("HEAD", "/id/product-kymriah", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    missing = client.request("HEAD", "/id/no-such", headers={"Accept": "text/turtle"})
    assert missing.status_code == 404
