"""``POST /validate?framework=``: validate a case graph sent as the request body."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from oos_kg.errors import NotAcceptable, OosKgError, PayloadTooLarge
from oos_kg.settings import Settings, get_settings
from oos_kg.store.base import KgStore
from oos_kg.validation import (
    FRAMEWORKS,
    REPORT_MEDIA_TYPES,
    CaseReport,
    CaseValidator,
    format_for_media_type,
    get_framework,
    load_kg_facts,
    parse_as_of,
    parse_untrusted,
    report_to_json,
    report_to_rdf,
    resolve_as_of,
)
from oos_kg.validation._facts import afacts_from_store

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(tags=["validation"])


async def case_validator(request: Request) -> CaseValidator:
    """Return the app's validator, built on first use from the facts in the app's store
    (``app.state.store``, awaited on the event loop), or from the data files when the app has
    no store.

    The facts (programs, trials, products, clauses, obligations, notified items) are read
    once per app; reload the service after changing them.

    Raises:
        StoreError: when the store cannot answer. OSError: when a file cannot be read.
    """
    state = request.app.state
    validator = getattr(state, "case_validator", None)
    if not isinstance(validator, CaseValidator):
        store = getattr(state, "store", None)
        facts = await afacts_from_store(store) if isinstance(store, KgStore) else load_kg_facts()
        validator = CaseValidator(facts)
        state.case_validator = validator
    return validator


def route_settings(request: Request) -> Settings:
    """Return the app's settings (``app.state.settings``), else the process settings.

    Raises:
        pydantic.ValidationError: when the environment holds invalid settings.
    """
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


def _negotiate(accept: str | None) -> str:
    """Return ``application/json`` or a report media type for an Accept header."""
    if not accept:
        return "application/json"
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, media.lower()))
    for _, _, media in sorted(ranked):
        if media in ("application/json", "*/*", "application/*"):
            return "application/json"
        if media in REPORT_MEDIA_TYPES:
            return media
        if media == "text/*":
            return "text/turtle"
    raise NotAcceptable(
        "no acceptable format; accept application/json, text/turtle or application/ld+json"
    )


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _run(
    validator: CaseValidator, body: bytes, input_format: str, framework: str, as_of: datetime
) -> CaseReport:
    """Parse and validate the body; runs in a worker thread and never touches the store."""
    return validator.validate(
        parse_untrusted(body, input_format, source="body"), framework, as_of=as_of
    )


@router.post(
    "/validate",
    summary="Validate an OOS provision case graph against a framework's clauses",
    responses={
        200: {"content": {"text/turtle": {}, "application/ld+json": {}}},
        400: {"description": "bad RDF, refused construct, unknown framework or bad as_of"},
        406: {"description": "no acceptable response format"},
        413: {"description": "body or graph over the size limit"},
        415: {"description": "unsupported Content-Type"},
    },
)
async def validate_case(
    request: Request,
    settings: Annotated[Settings, Depends(route_settings)],
    framework: Annotated[str, Query(description=f"one of: {', '.join(FRAMEWORKS)}")],
    lang: Annotated[Literal["en", "ja"], Query(description="language of messages")] = "en",
    fail_on: Annotated[
        Literal["violation", "warning", "info"],
        Query(description="least severe result that makes conforms false"),
    ] = "violation",
    as_of: Annotated[
        str | None,
        Query(
            description="judge deadlines at this ISO 8601 date-time with a UTC offset"
            " (default: now)"
        ),
    ] = None,
) -> Response:
    """Validate the body (Turtle, N-Triples, RDF/XML or JSON-LD by Content-Type).

    Answers a JSON summary by default, or the SHACL validation report graph for
    ``Accept: text/turtle`` or ``application/ld+json``.

    Raises:
        Nothing: every OosKgError becomes its JSON error response here.
    """
    try:
        code = get_framework(framework).code
        when = parse_as_of(as_of) if as_of is not None else resolve_as_of(None)
        media = _negotiate(request.headers.get("accept"))
        input_format = format_for_media_type(request.headers.get("content-type"))
        body = await _read_body(request, settings.validate_body_limit)
        validator = await case_validator(request)
        report = await run_in_threadpool(_run, validator, body, input_format, code, when)
    except OosKgError as exc:
        return JSONResponse(exc.to_json(), status_code=exc.status)
    if media == "application/json":
        return JSONResponse(report_to_json(report, lang, fail_on))
    return Response(report_to_rdf(report, REPORT_MEDIA_TYPES[media]), media_type=media)
