"""Headless Chromium runs an example in YASGUI (/sparql) and GraphiQL (/graphql), offline.

Debian's ``chromium`` and ``chromium-driver`` packages (``make browser``, run by ``.ci/run``;
the ``driver`` fixture of ``conftest.py``) drive the pages of a live uvicorn server on
loopback. Every request the pages make is read from Chromium's performance log: none may go
anywhere but the loopback server, and the console must show no error (a Content-Security-Policy
violation is one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By

from tests.ui.browser import assert_offline, driver, visible, wait_for
from tests.ui.live import LiveServer

pytestmark = pytest.mark.integration

# tests/linked_data imports the browser fixture and helpers from here.
__all__ = ["assert_offline", "driver", "wait_for"]

# Run when docs/queries and docs/questions.md hold no example yet.
FALLBACK_QUERY = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?thing ?label WHERE { ?thing rdfs:label ?label } ORDER BY ?thing LIMIT 60"
)
FALLBACK_QUESTION = "{ products(first: 5) { totalCount edges { node { id brandName } } } }"


def first_example_with_rows(server: LiveServer, examples: list[dict[str, str]]) -> int:
    """Index of the first example SELECT that the endpoint answers with at least one row."""
    for index, example in enumerate(examples):
        response = httpx.post(
            server.url + "/sparql",
            data={"query": example["query"]},
            headers={"Accept": "application/sparql-results+json"},
        )
        if response.status_code == 200 and response.json().get("results", {}).get("bindings"):
            return index
    raise AssertionError("no example query on the page returns rows")


def test_yasgui_runs_an_example_query_and_shows_its_results(
    driver: WebDriver, ui_server: LiveServer, tmp_path: Path
) -> None:
    driver.get(ui_server.url + "/sparql")
    wait_for(driver, lambda d: visible(d, ".yasqe_queryButton"))
    examples = driver.execute_script(
        "return JSON.parse(document.getElementById('oos-kg-config').textContent).examples"
    )
    buttons = driver.find_elements(By.CSS_SELECTOR, "button.oos-kg-example")
    assert [b.text for b in buttons] == [e["title"] for e in examples]
    if examples:  # run the first example query that has rows
        index = first_example_with_rows(ui_server, examples)
        query = examples[index]["query"]
        buttons[index].click()
    else:  # docs/queries holds no query yet: type one
        query = FALLBACK_QUERY
        driver.execute_script("oosKgYasgui.getTab().getYasqe().setValue(arguments[0])", query)
    expected = httpx.post(
        ui_server.url + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    editor = driver.execute_script("return oosKgYasgui.getTab().getYasqe().getValue()")
    assert editor.strip() == query.strip()
    wait_for(driver, lambda d: visible(d, ".yasqe_queryButton")).click()
    rows_js = (
        "return Array.from(document.querySelectorAll('.yasr .dataTable tbody tr'))"
        ".filter(tr => tr.offsetParent !== null).length"
    )
    wait_for(driver, lambda d: d.execute_script(rows_js))

    headers = driver.execute_script(
        "return Array.from(document.querySelectorAll('.yasr .dataTable thead th'))"
        ".filter(th => th.offsetParent !== null)"
        ".map(th => th.textContent.trim()).filter(Boolean)"
    )
    assert headers == expected["head"]["vars"]
    assert driver.execute_script(rows_js) == min(len(expected["results"]["bindings"]), 50)
    driver.save_screenshot(str(tmp_path / "yasgui.png"))
    assert_offline(driver, ui_server)


def test_graphiql_runs_an_example_question_and_shows_its_answer(
    driver: WebDriver, ui_server: LiveServer, tmp_path: Path
) -> None:
    driver.get(ui_server.url + "/graphql")
    run = wait_for(driver, lambda d: visible(d, ".graphiql-execute-button"))
    examples = driver.execute_script(
        "return JSON.parse(document.getElementById('oos-kg-config').textContent).examples"
    )
    editor_js = (
        "return document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()"
    )
    if examples:  # docs/questions.md is listed: open the last question, run it
        buttons = driver.find_elements(By.CSS_SELECTOR, "button.oos-kg-example")
        assert [b.text for b in buttons] == [e["title"] for e in examples]
        driver.execute_script("arguments[0].scrollIntoView()", buttons[-1])
        buttons[-1].click()
        assert driver.execute_script(editor_js) == examples[-1]["query"]
    else:
        driver.execute_script(
            "document.querySelector('.graphiql-query-editor .CodeMirror')"
            ".CodeMirror.setValue(arguments[0])",
            FALLBACK_QUESTION,
        )
    run.click()

    def answer(d: WebDriver) -> Any:
        text = d.execute_script(
            "const cm = document.querySelector('.result-window .CodeMirror');"
            "return cm ? cm.CodeMirror.getValue() : '';"
        )
        return json.loads(text) if text.strip() else None

    shown = wait_for(driver, answer)
    query = driver.execute_script(editor_js)
    expected = httpx.post(ui_server.url + "/graphql", json={"query": query}).json()
    assert "errors" not in shown, shown
    assert shown == expected
    driver.save_screenshot(str(tmp_path / "graphiql.png"))
    assert_offline(driver, ui_server)
