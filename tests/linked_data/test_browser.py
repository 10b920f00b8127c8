"""Headless Chromium opens /ontology and a resource page offline, with Japanese text rendered.

The driver and the offline check are those of ``tests/ui/test_browser.py``; the screenshots go
to pytest's temporary folder (``--basetemp`` to keep them) and are read back as PNG images.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By

from oos_kg.app import create_app
from oos_kg.settings import Settings
from oos_kg.store import KgStore
from tests.ui.live import LiveServer, start_server, stop_server
from tests.ui.test_browser import assert_offline, driver, wait_for

pytestmark = pytest.mark.integration

__all__ = ["driver"]  # the browser fixture, shared with tests/ui


@pytest.fixture(scope="module")
def ld_server(paper_store: KgStore) -> Iterator[LiveServer]:
    """The app over the paper's graph, served by uvicorn on a free loopback port."""
    live = start_server(create_app(Settings(store="memory"), store=paper_store))
    yield live
    stop_server(live)


def screenshot(driver: WebDriver, path: Path) -> Path:
    driver.save_screenshot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def japanese_glyphs_render(driver: WebDriver, text: str) -> bool:
    """Whether ``text`` is drawn wider than the same count of a missing-glyph box would be
    in a font without CJK: compares it with a string of U+FFFF (never a glyph)."""
    widths = driver.execute_script(
        "const c = document.createElement('canvas').getContext('2d');"
        "c.font = getComputedStyle(document.body).font;"
        "return [c.measureText(arguments[0]).width,"
        " c.measureText('\\uffff'.repeat(arguments[0].length)).width];",
        text,
    )
    return bool(widths[0] != widths[1])


def test_the_ontology_page_opens_offline_in_japanese(
    driver: WebDriver, ld_server: LiveServer, tmp_path: Path
) -> None:
    driver.get(ld_server.url + "/ontology?lang=ja")
    heading = wait_for(driver, lambda d: d.find_element(By.ID, "activeSubstance"))
    assert "有効成分" in heading.text
    assert "has active substance" in heading.text
    assert japanese_glyphs_render(driver, "有効成分")
    screenshot(driver, tmp_path / "ontology-ja.png")
    assert_offline(driver, ld_server)


def test_a_resource_page_opens_offline_with_both_languages(
    driver: WebDriver, ld_server: LiveServer, tmp_path: Path
) -> None:
    driver.get(ld_server.url + "/id/jurisdiction-jp")
    wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "dl.names"))
    names = driver.find_element(By.CSS_SELECTOR, "dl.names").text
    assert "日本語" in names and "English" in names
    link = driver.find_element(By.CSS_SELECTOR, "td a[href^='/ontology#']")
    assert link.get_attribute("href").startswith(ld_server.url + "/ontology#")
    screenshot(driver, tmp_path / "jurisdiction-jp.png")
    assert_offline(driver, ld_server)
