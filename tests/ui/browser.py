"""Helpers of the headless Chromium tests: the browser, and what it asked the network for.

Debian's ``chromium`` and ``chromium-driver`` (``make browser``) drive the pages; every request a
page makes is read from Chromium's performance log.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.ui.live import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Schemes that never reach a network: the browser's own pages and inline data.
LOCAL_SCHEMES = {"about", "blob", "chrome", "chrome-untrusted", "data", "devtools"}
WAIT_S = 20


def _missing_browser() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return (
                f"{path} is missing: run `make browser` (apt-get install chromium chromium-driver)"
            )
    return None


def network_log(driver: WebDriver) -> tuple[list[str], set[str]]:
    """Every URL the browser asked for since the log was last read (requests and sockets),
    and the URLs among them that the page's content policy refused before they left."""
    urls: list[str] = []
    ids: dict[str, str] = {}
    refused: set[str] = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message["params"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(params["request"]["url"])
            ids[params["requestId"]] = params["request"]["url"]
        elif message["method"] == "Network.webSocketCreated":
            urls.append(params["url"])
        elif message["method"] == "Network.loadingFailed" and params.get("blockedReason") == "csp":
            refused.add(ids.get(params["requestId"], ""))
    return urls, refused


def requested_urls(driver: WebDriver) -> list[str]:
    """Every URL the browser asked for since the log was last read (requests and sockets)."""
    return network_log(driver)[0]


def assert_offline(driver: WebDriver, server: LiveServer, refused: tuple[str, ...] = ()) -> None:
    """No request left loopback, the server was asked for something, the console is clean.

    ``refused`` names addresses a vendored UI asks for that the page's content policy must
    refuse before they leave the browser: each must have been refused, and the console's
    report of that refusal is expected.
    """
    urls, blocked = network_log(driver)
    outside = [
        u
        for u in urls
        if urlsplit(u).scheme not in LOCAL_SCHEMES
        and urlsplit(u).hostname not in LOOPBACK
        and not (u in refused and u in blocked)
    ]
    assert not outside, f"requests left loopback: {outside}"
    assert any(u.startswith(server.url + "/static/") for u in urls), urls
    errors = [
        e
        for e in driver.get_log("browser")
        if e["level"] == "SEVERE" and not any(u in e["message"] for u in refused)
    ]
    assert not errors, errors


def wait_for(driver: WebDriver, condition: Any) -> Any:
    """Poll ``condition(driver)`` until it returns something truthy, and return that."""
    return WebDriverWait(driver, WAIT_S, poll_frequency=0.1).until(condition)


def visible(driver: WebDriver, selector: str) -> WebElement | None:
    """The first displayed element matching ``selector``, if any."""
    return next(
        (e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()), None
    )


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """A headless Chromium with a fresh profile, logging every network request (skips the
    test when Debian's chromium is missing, outside CI). Import it where a test needs it."""
    reason = _missing_browser()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests must run in CI: {reason}")
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tmp_path_factory.mktemp("chromium-profile")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    browser.set_page_load_timeout(WAIT_S)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"


def axe_violations(
    driver: WebDriver,
    impacts: tuple[str, ...] = ("serious", "critical"),
    exclude: tuple[str, ...] = (),
) -> Any:
    """Run axe-core (vendored, ``tests/ui/vendor``) on the page, less the elements matching
    ``exclude``; return its violations of the given impacts as ``{id, impact, help, nodes}``."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const context = {include: [['html']], exclude: arguments[0].map(s => [s])};"
        "axe.run(context, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
        list(exclude),
    )
    return [v for v in violations if v["impact"] in impacts]


def screenshot(driver: WebDriver, name: str) -> Path:
    """Save a full-page screenshot as ``tests/ui/artefacts/<name>.png`` (ignored by git)."""
    ARTEFACTS.mkdir(exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(int(height) + 120, 600), 6000))
    path = ARTEFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(width, 900)
    return path
