"""``/health`` and ``/ready``."""

from __future__ import annotations

from pathlib import Path

from store_support import Client

from oos_kg.app import create_app
from oos_kg.settings import Settings


def test_health_answers(client: Client) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def test_ready_when_the_store_is_loaded(client: Client) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_not_ready_before_the_first_load_says_why(tmp_path: Path) -> None:
    app = create_app(Settings(store="embedded", store_path=tmp_path / "empty"))
    try:
        response = Client(app).get("/ready")
    finally:
        app.state.store.close()
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "store_unavailable"
    assert "oos-kg load" in error["message"]
    assert str(tmp_path) not in response.text  # no server paths in answers
    assert Client(app).get("/health").status_code == 200


def test_unknown_path_is_a_json_404(client: Client) -> None:
    response = client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
