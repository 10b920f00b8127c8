"""``/openapi.json`` documents every registry endpoint, with examples."""

from __future__ import annotations

from store_support import Client


def test_openapi_documents_the_registry_with_examples(client: Client) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    expected = {
        ("/cases", "post"),
        ("/cases", "get"),
        ("/cases/{case_id}", "get"),
        ("/cases/{case_id}", "put"),
        ("/cases/{case_id}/history", "get"),
        ("/obligations/due", "get"),
        ("/reports/{kind}", "get"),
    }
    for path, method in expected:
        operation = paths[path][method]
        answers = operation["responses"]
        ok = answers.get("200") or answers["201"]
        assert "example" in ok["content"]["application/json"], (path, method)
        assert {"401", "403"} <= set(answers), (path, method)
    assert "example" in paths["/cases"]["post"]["requestBody"]["content"]["text/turtle"]
    assert "409" in paths["/cases/{case_id}"]["put"]["responses"]
