"""The human pages: ``/``, ``/products``, ``/comparison``, ``/evidence``, ``/check``, and the API
documentation at ``/docs`` and ``/redoc`` with their assets from the package.

Routes stay thin: the data comes from :mod:`oos_kg.pages` (store queries in ``.rq`` files), the
HTML from its templates, the case checks from the code behind ``POST /validate``.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from oos_kg.errors import OosKgError
from oos_kg.linked_data import dataset_jsonld
from oos_kg.pages import page_language, render_page
from oos_kg.pages._check import CaseForm, read_case_form
from oos_kg.pages._comparison import comparison_page
from oos_kg.pages._evidence import evidence_csv, evidence_page
from oos_kg.pages._front import front_page
from oos_kg.pages._products import (
    parse_product_query,
    product_listing,
    product_page,
)
from oos_kg.pages._store import labels_of, run_queries
from oos_kg.routes.deps import StoreDep
from oos_kg.routes.validate import case_validator, route_settings
from oos_kg.settings import Settings
from oos_kg.ui import PAGE_HEADERS, STATIC_URL, script_json
from oos_kg.validation import (
    FRAMEWORKS,
    INPUT_FORMATS,
    REPORT_MEDIA_TYPES,
    CaseReport,
    CaseValidator,
    parse_untrusted,
    report_to_json,
    report_to_rdf,
)

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

SettingsOfApp = Annotated[Settings, Depends(route_settings)]

_DOCS_HEADERS = {
    **PAGE_HEADERS,
    # ReDoc runs its search in a worker it makes from a blob.
    "Content-Security-Policy": PAGE_HEADERS["Content-Security-Policy"]
    + "; worker-src 'self' blob:",
}


def _error_page(request: Request, exc: OosKgError) -> HTMLResponse:
    return render_page(
        request,
        "error.html",
        {"message": exc.message},
        title="Error" if page_language(request) == "en" else "エラー",
        status_code=exc.status,
    )


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, store: StoreDep, settings: SettingsOfApp) -> HTMLResponse:
    """The front page: what the graph holds, its source, and the ways in; the dataset described
    as schema.org JSON-LD so that dataset search engines find it."""
    lang = page_language(request)
    context = await front_page(store, lang)
    dataset = await run_in_threadpool(dataset_jsonld, store, settings)
    context["dataset_jsonld"] = script_json(dataset)
    return render_page(request, "index.html", context, title="oos-kg")


@router.get("/products", response_class=HTMLResponse)
async def products(request: Request, store: StoreDep) -> HTMLResponse:
    """Table 3, filtered and sorted by the URL's query (links only: no script needed)."""
    lang = page_language(request)
    try:
        query = parse_product_query(request.query_params)
    except OosKgError as exc:
        return _error_page(request, exc)
    listing = await product_listing(store, query, lang)

    def url_with(**changes: str) -> str:
        params = {k: v for k, v in request.query_params.items() if k not in changes}
        params.update({k: v for k, v in changes.items() if v})
        return str(request.url.replace_query_params(**params))

    title = "Products approved in Japan" if lang == "en" else "日本で承認された製品"
    context = {**listing, "query": query, "url_with": url_with}
    return render_page(request, "products.html", context, title=title)


@router.get("/products/{slug}", response_class=HTMLResponse)
async def product(request: Request, slug: str, store: StoreDep) -> HTMLResponse:
    """One product: approval, substance, OOS trials, US programs, evidence, sources."""
    lang = page_language(request)
    page = await product_page(store, slug, lang)
    if page is None:
        message = f"no product {slug!r}; see /products"
        return render_page(
            request, "error.html", {"message": message}, title="Not found", status_code=404
        )
    return render_page(request, "product.html", page, title=page["product"]["name"])


@router.get("/comparison", response_class=HTMLResponse)
async def comparison(request: Request, store: StoreDep) -> HTMLResponse:
    """Table 2 side by side, with each cell's obligations, and Japan's change of route."""
    lang = page_language(request)
    title = "US, EU and Japan compared" if lang == "en" else "米国・EU・日本の比較"
    return render_page(request, "comparison.html", await comparison_page(store, lang), title=title)


@router.get("/evidence", response_class=HTMLResponse)
async def evidence(request: Request, store: StoreDep) -> HTMLResponse:
    """The evidence, OOS against commercial products, as a forest plot and a table."""
    lang = page_language(request)
    title = "Evidence: OOS against commercial products" if lang == "en" else "エビデンス"
    return render_page(request, "evidence.html", await evidence_page(store, lang), title=title)


@router.get("/evidence.csv")
async def evidence_download(store: StoreDep) -> Response:
    """The evidence's figures as CSV, one row per arm, outcome and study."""
    labels = await labels_of(store)
    (rows,) = await run_queries(store, "tables/evidence.rq")
    return Response(
        evidence_csv(rows, labels),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="oos-kg-evidence.csv"'},
    )


def _check_context(**values: Any) -> dict[str, Any]:
    return {
        "frameworks": list(FRAMEWORKS.values()),
        "formats": list(INPUT_FORMATS),
        "framework": "eu",
        "input_format": "turtle",
        "case_text": "",
        **values,
    }


@router.get("/check", response_class=HTMLResponse)
async def check_form(request: Request) -> HTMLResponse:
    """The case checker's form."""
    lang = page_language(request)
    title = "Check a case" if lang == "en" else "症例チェック"
    return render_page(request, "check.html", _check_context(), title=title)


def _validate(validator: CaseValidator, case: CaseForm) -> CaseReport:
    """Validate as ``POST /validate`` does (findings and the report graph come from one run).
    Runs in a worker thread."""
    return validator.validate(
        parse_untrusted(case.data, case.input_format, source=case.source), case.framework
    )


@router.post("/check", response_class=HTMLResponse)
async def check_submit(request: Request, settings: SettingsOfApp) -> Response:
    """Check a pasted or uploaded case; show its findings, or download the SHACL report."""
    lang = page_language(request)
    title = "Check a case" if lang == "en" else "症例チェック"
    limit = settings.validate_body_limit
    async with request.form(max_files=1, max_fields=8, max_part_size=limit) as form:
        pasted = str(form.get("case") or "")[:limit]
        try:
            case = await read_case_form(form, limit)
            validator = await case_validator(request)
            report = await run_in_threadpool(_validate, validator, case)
        except OosKgError as exc:
            context = _check_context(error=exc.message, case_text=pasted)
            return render_page(request, "check.html", context, title=title, status_code=exc.status)
    if case.report:
        return Response(
            report_to_rdf(report, REPORT_MEDIA_TYPES["text/turtle"]),
            media_type="text/turtle",
            headers={"Content-Disposition": 'attachment; filename="shacl-report.ttl"'},
        )
    context = _check_context(
        result=report_to_json(report, lang),
        framework=case.framework,
        input_format=case.input_format,
        case_text=pasted,
        source=case.source,
    )
    return render_page(request, "check.html", context, title=title)


@router.get("/docs", response_class=HTMLResponse)
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI for ``/openapi.json``, its assets from the package."""
    return render_page(
        request,
        "docs.html",
        {"openapi_url": request.app.openapi_url, "docs_url": STATIC_URL},
        title="oos-kg API",
        headers=_DOCS_HEADERS,
    )


@router.get("/redoc", response_class=HTMLResponse)
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc for ``/openapi.json``, its assets from the package."""
    return render_page(
        request,
        "redoc.html",
        {"openapi_url": request.app.openapi_url},
        title="oos-kg API",
        headers=_DOCS_HEADERS,
    )
