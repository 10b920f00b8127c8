"""Server-rendered HTML pages for people who would rather look than query.

Every page is a Jinja2 template under ``templates/`` extending ``base.html`` (the site's frame:
navigation, language switch, the content policy of :mod:`oos_kg.ui`). Templates autoescape
every value; a page's data comes from the same store queries the APIs use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from oos_kg.ui import PAGE_HEADERS, STATIC_URL

__all__ = ["LANGUAGES", "TEMPLATES", "page_language", "render_page"]

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
"""The pages' template environment (autoescaping on, as Starlette configures it)."""

LANGUAGES = ("en", "ja")
"""The languages a page can be shown in, chosen with ``?lang=``."""


def page_language(request: Request) -> str:
    """Return the page language asked for with ``?lang=`` (``en`` unless ``ja`` is named).

    Raises:
        Nothing: an unknown value falls back to English.
    """
    lang = request.query_params.get("lang", "en")
    return lang if lang in LANGUAGES else "en"


def render_page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    title: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` with ``context`` inside the site's frame.

    Args:
        request: the request (its ``?lang=`` picks the language; its URL builds the switch).
        template: a template name under ``templates/``.
        context: the template's values.
        title: the page title (``<title>`` and the main heading's default).
        status_code: the response status.
        headers: extra response headers, over the pages' own (content policy, no sniffing).

    Returns:
        The HTML response.

    Raises:
        jinja2.TemplateNotFound: when ``template`` does not exist (a programming error).
    """
    lang = page_language(request)
    values = {
        "lang": lang,
        "title": title,
        "static_url": STATIC_URL,
        "switch_url": str(request.url.include_query_params(lang="en" if lang == "ja" else "ja")),
        **context,
    }
    return TEMPLATES.TemplateResponse(
        request,
        template,
        values,
        status_code=status_code,
        headers={**PAGE_HEADERS, **(headers or {})},
    )
