"""Headless Chromium opens every human page: key content, no request off loopback, axe-core.

Each test saves a screenshot into ``tests/ui/artefacts/`` (ignored by git) and runs axe-core
(vendored in ``tests/ui/vendor``): no serious or critical violation is allowed.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By

from tests.ui.browser import assert_offline, axe_violations, screenshot, visible, wait_for
from tests.ui.live import LiveServer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

# The paper's Background (references 11-16), as printed: outcome -> reference ->
# (OOS value, OOS CI or None, OOS n, commercial value, commercial CI or None, commercial n).
PAPER = {
    "crs-grade-3-4": {
        "11": ("21", ("9.0", "38.9"), "33", "15", ("10.2", "20.1"), "212"),
        "13": ("0", None, "11", "3", None, "33"),
        "14": ("3", None, "36", "0", None, "25"),
        "15": ("15.4", None, "13", "6.9", None, "38"),
        "16": ("13.0", None, "23", None, None, None),
    },
    "icans-grade-3-4": {
        "11": ("15", ("5.1", "31.9"), "33", "8", ("4.7", "12.5"), "212"),
        "13": ("3", None, "11", "9", None, "33"),
        "14": ("19", None, "36", "36", None, "25"),
        "15": ("7.7", None, "13", "10.3", None, "38"),
        "16": ("4.3", None, "23", None, None, None),
    },
    "progression-free-survival-1-year": {
        "13": ("45.5", None, "11", "36.4", None, "32"),
        "15": ("46.2", None, None, "41.4", None, None),
    },
    "overall-survival-1-year": {
        "12": ("85", None, "24", "70", None, "161"),
        "14": ("62", ("43", "77"), "36", "76", ("54", "88"), "25"),
    },
}


def open_page(driver: WebDriver, server: LiveServer, path: str) -> None:
    driver.get(server.url + path)
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def assert_accessible(driver: WebDriver, exclude: tuple[str, ...] = ()) -> None:
    violations = axe_violations(driver, exclude=exclude)
    assert violations == [], json.dumps(violations, indent=1)


def check_page(driver: WebDriver, server: LiveServer, name: str) -> None:
    """Screenshot, nothing off loopback, a clean console, no serious axe violation."""
    screenshot(driver, name)
    assert_offline(driver, server)
    assert_accessible(driver)


@pytest.mark.parametrize(
    ("path", "name", "heading"),
    [
        ("/", "front", "knowledge graph"),
        ("/?lang=ja", "front-ja", "知識グラフ"),
        ("/products", "products", "Products approved in Japan"),
        ("/products/kymriah", "product-kymriah", "Kymriah"),
        ("/comparison?lang=ja", "comparison-ja", "米国・EU・日本の比較"),
        ("/check", "check", "Check a case"),
    ],
)
def test_every_page_opens_offline_and_accessibly(
    driver: WebDriver, ui_server: LiveServer, path: str, name: str, heading: str
) -> None:
    open_page(driver, ui_server, path)

    assert heading in driver.find_element(By.TAG_NAME, "h1").text
    check_page(driver, ui_server, name)


def test_the_front_page_counts_the_graph_and_names_the_paper(
    driver: WebDriver, ui_server: LiveServer
) -> None:
    open_page(driver, ui_server, "/")

    counts = {
        row.find_element(By.CSS_SELECTOR, "td").text: row.find_element(By.CSS_SELECTOR, ".num").text
        for row in driver.find_elements(By.CSS_SELECTOR, "table.counts tbody tr")
    }
    citation = driver.find_element(By.CSS_SELECTOR, ".citation").text
    links = {a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main a")}

    assert counts["regenerative medicine product"] == "21"  # Table 3's rows
    assert "Challenges and opportunities in the compassionate use" in citation
    assert "Sasai M" in citation
    for way in ("/sparql", "/graphql", "/docs", "/redoc", "/download/", "/evidence"):
        assert any(link.split("?")[0].endswith(way) for link in links), way


def test_products_sort_by_a_link_and_filter_in_the_url(
    driver: WebDriver, ui_server: LiveServer
) -> None:
    open_page(driver, ui_server, "/products?origin=autologous")
    autologous = driver.find_elements(By.CSS_SELECTOR, "table.products tbody tr")
    driver.find_element(By.LINK_TEXT, "MAH").click()
    wait_for(driver, lambda d: "sort=mah" in d.current_url)
    mahs = [
        td.text
        for td in driver.find_elements(By.CSS_SELECTOR, "table.products tbody td:nth-child(5)")
    ]

    assert len(autologous) == 13  # the autologous products of Table 3
    assert "origin=autologous" in driver.current_url  # the filter survives the sort
    assert mahs == sorted(mahs, key=str.casefold)
    assert len(mahs) == 13
    check_page(driver, ui_server, "products-autologous-by-mah")


def test_a_product_page_joins_approval_trial_program_and_evidence(
    driver: WebDriver, ui_server: LiveServer
) -> None:
    open_page(driver, ui_server, "/products/kymriah")
    main = driver.find_element(By.TAG_NAME, "main").text

    assert "2019-03-26" in main  # approval date, Table 3
    assert "jRCT1080224903" in main  # its OOS trial, Table 4
    assert "NCT03601442" in main  # the US program for tisagenlecleucel, Table 1
    refs = [
        td.text
        for td in driver.find_elements(
            By.CSS_SELECTOR, "#evidence-h ~ .table-wrap tbody td:first-child"
        )
    ]
    assert sorted(set(refs)) == ["11", "12", "13", "16"]  # the studies of tisagenlecleucel
    assert "Table 3" in main and "Table 4" in main and "Table 1" in main


def test_the_comparison_shows_the_eu_48_hour_deadline_under_the_eu_cell(
    driver: WebDriver, ui_server: LiveServer
) -> None:
    open_page(driver, ui_server, "/comparison")
    row = driver.find_element(
        By.XPATH,
        "//table[@class='comparison']//tr[th[normalize-space()='Responsibilities of the HAs']]",
    )
    cells = {
        td.get_attribute("data-jurisdiction"): td for td in row.find_elements(By.TAG_NAME, "td")
    }
    eu_deadlines = [e.text for e in cells["EU"].find_elements(By.CSS_SELECTOR, ".deadline")]

    assert any("48 h" in d and "supply" in d for d in eu_deadlines), eu_deadlines
    assert not cells["US"].find_elements(By.CSS_SELECTOR, ".deadline")
    assert not cells["JP"].find_elements(By.CSS_SELECTOR, ".deadline")
    counts = {
        tr.get_attribute("data-role").rsplit("#role-", 1)[-1]: tr.find_element(
            By.CSS_SELECTOR, "th .muted"
        ).text
        for tr in driver.find_elements(By.CSS_SELECTOR, "table.diff tbody tr")
    }
    assert counts == framework_diff_counts(ui_server)  # frameworkDiff, Q14 of the question bank
    check_page(driver, ui_server, "comparison")

    open_page(driver, ui_server, "/comparison?lang=ja")
    assert "48時間" in driver.find_element(By.TAG_NAME, "main").text
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"


# Q14 of docs/questions.md: obligations per role under Japan's trial route and the proposal.
Q14 = """PREFIX oos: <https://w3id.org/oos-kg/ontology#>
SELECT ?role (SUM(?jp) AS ?fromCount) (SUM(?proposed) AS ?toCount) WHERE {
  ?o a oos:Obligation ; oos:bearer ?role ; oos:underFramework/oos:jurisdictionCode ?fw .
  FILTER(?fw IN ("JP", "JP_PROPOSED"))
  BIND(IF(?fw = "JP", 1, 0) AS ?jp)
  BIND(IF(?fw = "JP_PROPOSED", 1, 0) AS ?proposed)
}
GROUP BY ?role"""


def framework_diff_counts(server: LiveServer) -> dict[str, str]:
    """Role (local name after ``role-``) -> "from → to", as /sparql answers Q14."""
    answer = httpx.post(
        server.url + "/sparql",
        data={"query": Q14},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    return {
        b["role"]["value"].rsplit("#role-", 1)[-1]: f"{b['fromCount']['value']} → "
        f"{b['toCount']['value']}"
        for b in answer["results"]["bindings"]
    }


def _numbers(text: str) -> list[Decimal]:
    cleaned = text.replace("–", " ").replace("(", " ").replace(")", " ").replace("%", " ")
    return [Decimal(t) for t in cleaned.split() if t.replace(".", "", 1).isdigit()]


def test_the_forest_plot_has_one_row_per_study_and_outcome_with_the_papers_numbers(
    driver: WebDriver, ui_server: LiveServer
) -> None:
    open_page(driver, ui_server, "/evidence")
    for local, studies in PAPER.items():
        section = driver.find_element(By.CSS_SELECTOR, f"section[data-measure$='#measure-{local}']")
        plotted = [
            g.get_attribute("data-reference")
            for g in section.find_elements(By.CSS_SELECTOR, "svg g.study-row")
        ]
        assert plotted == sorted(studies, key=int), local
        for tr in section.find_elements(By.CSS_SELECTOR, "table.evidence tbody tr"):
            oos_v, oos_ci, oos_n, com_v, com_ci, com_n = studies[tr.get_attribute("data-reference")]
            cells = tr.find_elements(By.TAG_NAME, "td")
            for shown, value, ci, n_cell, n in (
                (cells[4].text, oos_v, oos_ci, cells[5].text, oos_n),
                (cells[6].text, com_v, com_ci, cells[7].text, com_n),
            ):
                numbers = _numbers(shown.replace("95% CI", ""))
                expected = [] if value is None else [Decimal(value), *map(Decimal, ci or ())]
                assert numbers == expected, (local, shown)
                if n is not None:
                    assert n_cell == n, (local, n_cell)
    circles = driver.find_elements(By.CSS_SELECTOR, "svg.forest circle.pt.oos")
    assert len(circles) == 1 + sum(len(s) for s in PAPER.values()) + 1  # + best response rows
    check_page(driver, ui_server, "evidence")


def test_the_case_checker_shows_findings_with_their_clause_in_japanese(
    driver: WebDriver, ui_server: LiveServer
) -> None:
    case = ROOT / "examples" / "cases" / "eu" / "violates-EU-03-report-within-48h.ttl"
    open_page(driver, ui_server, "/check?lang=ja")
    driver.find_element(By.ID, "framework").send_keys("EU")
    driver.execute_script(
        "document.getElementById('case').value = arguments[0]", case.read_text(encoding="utf-8")
    )
    driver.find_element(By.CSS_SELECTOR, "button[value=check]").click()
    wait_for(driver, lambda d: visible(d, ".findings"))
    findings = driver.find_elements(By.CSS_SELECTOR, "ol.results li.finding")

    assert any("EU-03" in f.text for f in findings)
    assert any("48" in f.find_element(By.CSS_SELECTOR, ".message").text for f in findings)
    assert all(f.find_elements(By.CSS_SELECTOR, ".clause") for f in findings)
    check_page(driver, ui_server, "check-findings-ja")


# ReDoc's sidebar always shows Redocly's logo from its CDN; the pages' policy (img-src 'self')
# refuses it in the browser, and the image's error handler then drops it.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


# axe checks our frame of these pages, not the vendored UIs inside it: Swagger UI 5.36 nests
# interactive controls and ReDoc 2.5 leaves a select unnamed (serious/critical, not ours to fix
# without a fork).
@pytest.mark.parametrize(
    ("path", "ready", "name", "refused", "vendored"),
    [
        ("/docs", ".swagger-ui .opblock", "docs", (), "#swagger-ui"),
        ("/redoc", "[data-section-id]", "redoc", (REDOC_LOGO,), "redoc"),
    ],
)
def test_the_api_docs_render_from_the_package(
    driver: WebDriver,
    ui_server: LiveServer,
    path: str,
    ready: str,
    name: str,
    refused: tuple[str, ...],
    vendored: str,
) -> None:
    open_page(driver, ui_server, path)
    wait_for(driver, lambda d: visible(d, ready))

    assert "/validate" in driver.find_element(By.TAG_NAME, "main").text
    screenshot(driver, name)
    assert_offline(driver, ui_server, refused)
    assert_accessible(driver, exclude=(vendored,))


@pytest.mark.parametrize("path", ["/products", "/comparison", "/evidence", "/check"])
def test_the_pages_fit_a_phone_screen(driver: WebDriver, ui_server: LiveServer, path: str) -> None:
    size = driver.get_window_size()
    driver.set_window_size(390, 844)
    try:
        open_page(driver, ui_server, path)
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        screenshot(driver, "phone" + path.replace("/", "-"))
    finally:
        driver.set_window_size(size["width"], size["height"])

    assert overflow <= 0  # wide tables scroll inside their own box, not the page
