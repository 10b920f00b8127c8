"""The UI pages: example loading, escaping, offline assets and the static mount."""

from __future__ import annotations

import asyncio
import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from oos_kg.ui import (
    CONTENT_SECURITY_POLICY,
    STATIC_DIR,
    example_queries,
    example_questions,
    graphiql_page,
    mount_static,
    yasgui_page,
)

HOSTILE = '</script><script>alert("x")</script><!-- & \u2028'


class PageParser(HTMLParser):
    """Collects what a page loads and the text of its JSON configuration element."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.styles: list[str] = []
        self.meta: dict[str, str] = {}
        self.config_text: str | None = None
        self._in_config = False
        self.buttons: list[str] = []
        self._in_button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a.get("src"))
            self._in_config = a.get("id") == "oos-kg-config"
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.styles.append(a.get("href") or "")
        elif tag == "meta" and a.get("http-equiv"):
            self.meta[str(a["http-equiv"])] = a.get("content") or ""
        elif tag == "button":
            self._in_button = True
            self.buttons.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_config = False
        elif tag == "button":
            self._in_button = False

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config_text = (self.config_text or "") + data
        if self._in_button:
            self.buttons[-1] += data


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_example_queries_reads_every_rq_file_below_docs_queries(tmp_path: Path) -> None:
    queries = tmp_path / "docs" / "queries"
    write(queries / "tables" / "table-10.rq", "# Table 10 rebuilt\nSELECT * {}\n")
    write(queries / "tables" / "table-2.rq", "#   Table 2 rebuilt  \n# more\nASK {}\n")
    write(queries / "questions" / "q-01.rq", "# Which products?\nSELECT ?p {}\n")
    write(queries / "README.md", "# not a query\n")

    examples = example_queries(tmp_path)

    assert examples == [
        ("Which products?", "# Which products?\nSELECT ?p {}\n"),
        ("Table 2 rebuilt", "#   Table 2 rebuilt  \n# more\nASK {}\n"),
        ("Table 10 rebuilt", "# Table 10 rebuilt\nSELECT * {}\n"),
    ]


def test_example_queries_titles_an_untitled_file_by_its_path(tmp_path: Path) -> None:
    write(tmp_path / "docs" / "queries" / "checks" / "x.rq", "SELECT * {}\n")
    write(tmp_path / "docs" / "queries" / "empty-title.rq", "#\nASK {}\n")

    titles = [t for t, _q in example_queries(tmp_path)]

    assert titles == ["checks/x.rq", "empty-title.rq"]


def test_example_queries_without_the_folder_is_empty(tmp_path: Path) -> None:
    assert example_queries(tmp_path) == []


def test_example_queries_of_the_repository_all_have_titles(root: Path) -> None:
    for title, query in example_queries(root):
        assert query.lstrip().startswith("#"), title


def test_example_questions_takes_the_first_graphql_block_per_heading(tmp_path: Path) -> None:
    bank = tmp_path / "questions.md"
    write(
        bank,
        "\n".join(
            (
                "# Question bank",
                "## Q1. Which products are autologous?",
                "```graphql",
                "{ products { edges { node { brandName } } } }",
                "```",
                "```sparql",
                "## not a heading inside a block",
                "SELECT * {}",
                "```",
                "```graphql",
                "{ second }",
                "```",
                "### Q2. Only SPARQL here",
                "```sparql",
                "ASK {}",
                "```",
                "## Q3. Deadlines per role",
                "```GraphQL",
                "{ obligations { role } }",
                "```",
            )
        ),
    )

    assert example_questions(bank) == [
        ("Q1. Which products are autologous?", "{ products { edges { node { brandName } } } }\n"),
        ("Q3. Deadlines per role", "{ obligations { role } }\n"),
    ]


def test_example_questions_without_the_file_is_empty(tmp_path: Path) -> None:
    assert example_questions(tmp_path / "missing.md") == []


@pytest.mark.parametrize("kind", ["yasgui", "graphiql"])
def test_page_loads_only_package_assets_under_a_strict_policy(kind: str) -> None:
    examples = [("One", "SELECT * {}")]
    page = (
        yasgui_page("/sparql", examples)
        if kind == "yasgui"
        else graphiql_page("/graphql", examples)
    )
    parsed = parse(page)

    external = [s for s in parsed.scripts if s is not None] + parsed.styles
    assert external, "the page loads nothing"
    assert all(url.startswith("/static/") for url in external), external
    for url in external:
        assert (STATIC_DIR / url.removeprefix("/static/")).is_file(), url
    assert parsed.scripts.count(None) == 1  # only the JSON configuration is inline
    assert parsed.meta["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "connect-src 'self'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "http://" not in page and "https://" not in page


def test_static_url_moves_every_asset() -> None:
    parsed = parse(yasgui_page("/kg/sparql", [], static_url="/kg/assets/"))

    assert all(s.startswith("/kg/assets/") for s in parsed.styles)
    assert all(s is None or s.startswith("/kg/assets/") for s in parsed.scripts)


@pytest.mark.parametrize("kind", ["yasgui", "graphiql"])
def test_hostile_values_cannot_break_out_of_the_page(kind: str) -> None:
    examples = [(HOSTILE, HOSTILE + "\nSELECT * {}")]
    endpoint = '/sparql"><script>alert(1)</script>'
    page = (
        yasgui_page(endpoint, examples) if kind == "yasgui" else graphiql_page(endpoint, examples)
    )
    parsed = parse(page)

    assert page.count("<script") == len(parsed.scripts)
    assert parsed.scripts.count(None) == 1
    assert "</script><script>alert" not in page
    assert parsed.config_text is not None
    config = json.loads(parsed.config_text)
    assert config == {
        "endpoint": endpoint,
        "examples": [{"title": HOSTILE, "query": HOSTILE + "\nSELECT * {}"}],
    }


def test_yasgui_page_lists_each_example_as_a_button() -> None:
    examples = [("First <one>", "ASK {}"), ("Second & last", "SELECT * {}")]

    parsed = parse(yasgui_page("/sparql", examples))

    assert parsed.buttons == ["First <one>", "Second & last"]


def test_vendored_bundles_match_their_recorded_checksums() -> None:
    lines = (STATIC_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 6
    for line in lines:
        digest, name = line.split(maxsplit=1)
        actual = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()
        assert actual == digest, f"{name} differs from what tools/vendor_ui.sh wrote"


@pytest.mark.parametrize("ui", ["yasgui", "graphiql"])
def test_vendored_ui_keeps_its_licences_beside_it(ui: str) -> None:
    folder = STATIC_DIR / ui
    assert "MIT" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert (folder / "THIRD-PARTY-LICENSES.txt").stat().st_size > 1000


def test_static_assets_stay_small() -> None:
    size = sum(p.stat().st_size for p in STATIC_DIR.rglob("*") if p.is_file())
    assert size < 6_000_000, f"oos_kg/static holds {size} bytes"


async def fetch_static(app: FastAPI, paths: list[str]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ui.test") as client:
        return [await client.get(path) for path in paths]


def test_mount_static_serves_assets_and_nothing_outside() -> None:
    app = FastAPI()
    mount_static(app)

    js, css, outside, encoded = asyncio.run(
        fetch_static(
            app,
            [
                "/static/yasgui/yasgui.min.js",
                "/static/graphiql/graphiql.min.css",
                "/static/../ui.py",
                "/static/%2e%2e/ui.py",
            ],
        )
    )

    assert js.status_code == 200
    assert js.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert outside.status_code == 404
    assert encoded.status_code == 404
