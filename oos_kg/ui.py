"""Browser pages for ``/sparql`` (YASGUI) and ``/graphql`` (GraphiQL), with assets from the package.

Users sit on closed hospital and agency networks, so both UIs load every script, style sheet and
font from ``oos_kg/static`` (vendored from npm by ``tools/vendor_ui.sh``) and never from a CDN.
Each page also carries a Content-Security-Policy that lets the browser connect to this origin
only: a feature of the vendored UIs that would reach out (YASGUI's vocabulary look-ups, its CORS
proxy, its link shortener) is switched off in the page's configuration and would be blocked by
the browser even if it were not.

Values put into a page (endpoint, example titles and queries) are escaped: HTML text with
:func:`html.escape`, and the page's configuration as JSON inside a ``<script type=
"application/json">`` element with ``<``, ``>`` and ``&`` written as ``\\u`` escapes, so no value
can close the element or start markup.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from oos_kg.resources import resource_root

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "PAGE_HEADERS",
    "STATIC_DIR",
    "STATIC_URL",
    "example_questions",
    "example_queries",
    "graphiql_page",
    "installed_example_queries",
    "mount_static",
    "script_json",
    "static_app",
    "yasgui_page",
]

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
"""The folder served at :data:`STATIC_URL`: vendored UIs and the pages' own scripts."""

STATIC_URL = "/static"
"""Where :func:`mount_static` serves :data:`STATIC_DIR` and where the pages look for it."""

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        # CodeMirror, DataTables and React set inline style attributes.
        "style-src 'self' 'unsafe-inline'",
        # GraphiQL's style sheet embeds its fonts, both UIs draw icons as data: images.
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)
"""The policy both pages carry: every fetch, script, style and font from this origin only."""

PAGE_HEADERS = {
    # As a header the policy can also refuse framing (a <meta> policy cannot).
    "Content-Security-Policy": CONTENT_SECURITY_POLICY + "; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Vary": "Accept",
}
"""Response headers for a UI page (``Vary``: the same URL answers API clients differently)."""

_NATURAL_SPLIT = re.compile(r"(\d+)")
_HEADING = re.compile(r"^(#{2,3})\s+(?P<title>.+?)\s*#*\s*$")
_FENCE = re.compile(r"^```+\s*(?P<lang>[A-Za-z]*)")


def _natural_key(path: Path) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders ``table-2`` before ``table-10``."""
    parts = _NATURAL_SPLIT.split(path.as_posix())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def example_queries(root: Path | None = None) -> list[tuple[str, str]]:
    """Return the example SPARQL queries under ``docs/queries/`` as ``(title, query)`` pairs.

    Every ``*.rq`` file below ``docs/queries/`` (any depth) is one example. Its title is its first
    line with the leading ``#`` stripped; a file that does not open with a ``#`` line is titled by
    its path below ``docs/queries/`` (and logged), so one badly formed file never takes the page
    down. Files are ordered by path, numbers compared as numbers (``table-2`` before ``table-10``).

    Args:
        root: the folder holding ``docs/queries/``; :func:`oos_kg.resources.resource_root` when
            omitted.

    Returns:
        The examples in order; empty when the folder is missing or holds no ``.rq`` file.

    Raises:
        OSError: when a file cannot be read.
        UnicodeDecodeError: when a file is not UTF-8.
        FileNotFoundError: when ``root`` is omitted and the resource folder cannot be found.
    """
    folder = (root or resource_root()) / "docs" / "queries"
    if not folder.is_dir():
        return []
    examples: list[tuple[str, str]] = []
    for path in sorted(folder.rglob("*.rq"), key=lambda p: _natural_key(p.relative_to(folder))):
        text = path.read_text(encoding="utf-8")
        first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
        title = first.lstrip("#").strip() if first.startswith("#") else ""
        if not title:
            title = path.relative_to(folder).as_posix()
            logger.warning("%s does not open with a '#' title line", title)
        examples.append((title, text.strip() + "\n"))
    return examples


@functools.cache
def _installed_example_queries() -> tuple[tuple[str, str], ...]:
    return tuple(example_queries())


def installed_example_queries() -> list[tuple[str, str]]:
    """Return :func:`example_queries` of the installed resources, read once per process.

    Raises:
        OSError, UnicodeDecodeError, FileNotFoundError: as :func:`example_queries`.
    """
    return list(_installed_example_queries())


def example_questions(path: Path | None = None) -> list[tuple[str, str]]:
    """Return the GraphQL examples of the question bank as ``(title, query)`` pairs.

    The question bank is Markdown: each question is a level-2 or level-3 heading, and the first
    fenced block tagged ``graphql`` under that heading (before the next heading) is its query.
    Headings without such a block are skipped.

    Args:
        path: the Markdown file; ``docs/questions.md`` in the resource folder when omitted.

    Returns:
        The questions in file order; empty when the file does not exist.

    Raises:
        OSError: when the file exists but cannot be read.
        UnicodeDecodeError: when the file is not UTF-8.
        FileNotFoundError: when ``path`` is omitted and the resource folder cannot be found.
    """
    path = path or resource_root() / "docs" / "questions.md"
    if not path.is_file():
        return []
    questions: list[tuple[str, str]] = []
    title: str | None = None
    block: list[str] | None = None
    language = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if block is not None:
            if not line.startswith("```"):
                block.append(line)
                continue
            if language == "graphql" and title is not None:
                questions.append((title, "\n".join(block).strip() + "\n"))
                title = None
            block = None
            continue
        fence = _FENCE.match(line)
        if fence:
            block, language = [], fence["lang"].lower()
            continue
        heading = _HEADING.match(line)
        if heading:
            title = heading["title"]
    return questions


def script_json(value: Any) -> str:
    """Serialise ``value`` as JSON that is safe inside a ``<script>`` element.

    >>> script_json({"q": "</script><b>&"})
    '{"q": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'

    Raises:
        TypeError: when ``value`` is not JSON-serialisable.
    """
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _page(
    *,
    title: str,
    static_url: str,
    styles: tuple[str, ...],
    scripts: tuple[str, ...],
    config: dict[str, Any],
    body: str,
) -> str:
    """Assemble one page: policy, style sheets, configuration, body, then the scripts."""
    base = html.escape(static_url.rstrip("/"), quote=True)
    links = "".join(f'\n<link rel="stylesheet" href="{base}/{s}">' for s in styles)
    tags = "".join(f'\n<script src="{base}/{s}"></script>' for s in scripts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<title>{html.escape(title)}</title>{links}
<link rel="stylesheet" href="{base}/oos-kg/ui.css">
<link rel="icon" href="data:,">
</head>
<body>
<header class="oos-kg-bar">
<strong>oos-kg</strong>
<nav><a href="sparql">SPARQL</a> <a href="graphql">GraphQL</a> <a href="docs">API docs</a></nav>
</header>
{body}
<script type="application/json" id="oos-kg-config">{script_json(config)}</script>{tags}
</body>
</html>
"""


def yasgui_page(
    endpoint: str, examples: list[tuple[str, str]], *, static_url: str = STATIC_URL
) -> str:
    """Return the YASGUI page for a SPARQL endpoint, with example queries to open.

    The editor's endpoint is ``endpoint`` (resolved against the page's address, so ``"/sparql"``
    or ``"sparql"`` both work); the example queries are listed beside the editor, each opening
    in its own tab, and the first one fills the first tab of a new visitor. YASGUI's CORS proxy,
    URL shortener and remote vocabulary autocompletion are off, and its endpoint suggestions
    name only ``endpoint``.

    Args:
        endpoint: the SPARQL 1.1 Protocol query endpoint the editor sends queries to.
        examples: ``(title, query)`` pairs, usually :func:`example_queries`.
        static_url: where :data:`STATIC_DIR` is served.

    Returns:
        The HTML document.

    Raises:
        TypeError: when an example is not a pair of strings.
    """
    config = {
        "endpoint": endpoint,
        "examples": [{"title": str(t), "query": str(q)} for t, q in examples],
    }
    items = "".join(
        f'\n<li><button type="button" class="oos-kg-example" data-index="{i}">'
        f"{html.escape(str(t))}</button></li>"
        for i, (t, _q) in enumerate(examples)
    )
    listing = (
        f'<ol class="oos-kg-examples">{items}\n</ol>'
        if examples
        else "<p>No example queries are installed.</p>"
    )
    body = f"""<div class="oos-kg-layout">
<aside class="oos-kg-side" aria-label="Example queries">
<h2>Example queries</h2>
{listing}
</aside>
<main id="yasgui" class="oos-kg-main"></main>
</div>"""
    return _page(
        title="oos-kg SPARQL",
        static_url=static_url,
        styles=("yasgui/yasgui.min.css",),
        scripts=("yasgui/yasgui.min.js", "oos-kg/yasgui-init.js"),
        config=config,
        body=body,
    )


def graphiql_page(
    endpoint: str,
    examples: list[tuple[str, str]] | None = None,
    *,
    static_url: str = STATIC_URL,
) -> str:
    """Return the GraphiQL page for a GraphQL endpoint.

    The first example fills the editor of a new visitor; all of them are listed in an
    "Examples" panel of GraphiQL's sidebar, each replacing the editor's content when chosen.

    Args:
        endpoint: the GraphQL-over-HTTP endpoint (resolved against the page's address).
        examples: ``(title, query)`` pairs, usually :func:`example_questions`; none when omitted.
        static_url: where :data:`STATIC_DIR` is served.

    Returns:
        The HTML document.

    Raises:
        TypeError: when an example is not a pair of strings.
    """
    config = {
        "endpoint": endpoint,
        "examples": [{"title": str(t), "query": str(q)} for t, q in examples or []],
    }
    return _page(
        title="oos-kg GraphQL",
        static_url=static_url,
        styles=("graphiql/graphiql.min.css",),
        scripts=(
            "graphiql/react.production.min.js",
            "graphiql/react-dom.production.min.js",
            "graphiql/graphiql.min.js",
            "oos-kg/graphiql-init.js",
        ),
        config=config,
        body='<main id="graphiql" class="oos-kg-graphiql">Loading GraphiQL...</main>',
    )


def static_app() -> StaticFiles:
    """Return an ASGI app serving :data:`STATIC_DIR` (vendored UIs and the pages' scripts).

    Raises:
        RuntimeError: when the folder is missing (a broken installation).
    """
    return StaticFiles(directory=STATIC_DIR, check_dir=True)


def mount_static(app: FastAPI, path: str = STATIC_URL) -> None:
    """Serve :data:`STATIC_DIR` at ``path`` on ``app`` (route name ``static``).

    Raises:
        RuntimeError: when the folder is missing (a broken installation).
    """
    app.mount(path, static_app(), name="static")
