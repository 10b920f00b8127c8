"""The case registry over HTTP: ``/cases``, ``/obligations/due`` and ``/reports/{kind}``.

Every endpoint needs a bearer token from ``oos-kg tokens add``; the token's role and
organisation decide what the request may see before any query runs. Routes stay thin: the
work is in :mod:`oos_kg.registry`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from oos_kg.errors import InputError, NotAcceptable
from oos_kg.registry import (
    REPORT_KINDS,
    Caller,
    CaseStatus,
    PooledIntake,
    Registry,
    StoredVersion,
    TokenStore,
    Unauthorized,
    Written,
    make_report,
    open_case_backend,
    validation_check,
)
from oos_kg.routes.validate import case_validator
from oos_kg.settings import Settings
from oos_kg.store.base import KgStore
from oos_kg.validation import FRAMEWORKS, format_for_media_type

__all__ = ["authenticate", "get_caller", "get_registry", "registry_caller", "router"]

router = APIRouter(tags=["case registry"])

_EXAMPLE_CASE = (
    "@prefix oos: <https://w3id.org/oos-kg/ontology#> .\n"
    "@prefix oosd: <https://w3id.org/oos-kg/id/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "<https://example.org/cases/1> a oos:OosProvisionCase ;\n"
    "    oos:caseProduct oosd:product-breyanzi ;\n"
    '    oos:suppliedAt "2024-02-25T08:00:00Z"^^xsd:dateTime .\n'
)
_CASE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "One OOS provision case graph (Turtle, N-Triples, RDF/XML or JSON-LD, "
        "as `/validate` takes); see `examples/cases/`.",
        "content": {
            "text/turtle": {"schema": {"type": "string"}, "example": _EXAMPLE_CASE},
            "application/ld+json": {"schema": {"type": "object"}},
            "application/n-triples": {"schema": {"type": "string"}},
            "application/rdf+xml": {"schema": {"type": "string"}},
        },
    }
}
_WRITTEN_EXAMPLE = {
    "id": "3f9c2a1b7d4e5f60",
    "version": 1,
    "receivedAt": "2026-03-01T09:00:00+00:00",
    "conforms": False,
    "findings": 1,
}
_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no bearer token, or an unknown or revoked one"},
    403: {"description": "the token's role may not do this"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "no such case that this token may see (the same answer "
        "whether it does not exist or belongs to another organisation)"
    }
}
_BAD_INPUT: dict[int | str, dict[str, Any]] = {
    400: {"description": "bad RDF, a refused construct, no or several cases, unknown framework"},
    413: {"description": "body, graph or a literal over its limit"},
    415: {"description": "unsupported Content-Type"},
}


# ---- Dependencies -----------------------------------------------------------------------
def authenticate(request: Request) -> Caller | None:
    """Return the caller of the request's bearer token; None when it sends none.

    Raises:
        Unauthorized: a token that is unknown or revoked.
    """
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send a registry token: Authorization: Bearer <token>")
    state = request.app.state
    tokens = getattr(state, "tokens", None)
    if not isinstance(tokens, TokenStore):
        settings: Settings = state.settings
        tokens = state.tokens = TokenStore(settings.tokens_file)
    caller = tokens.authenticate(token.strip())
    if caller is None:
        raise Unauthorized("the token is unknown or revoked")
    return caller


def registry_caller(request: Request) -> Caller | None:
    """Return the caller of a registry token the request sends, else None.

    For ``/sparql``: a request may carry another bearer token (the admin token of
    ``/sparql/update``); it is answered as a request without a token, seeing no case graph.

    Raises:
        Nothing.
    """
    try:
        return authenticate(request)
    except Unauthorized:
        return None


async def get_caller(request: Request) -> Caller:
    """Return the caller of the request's token.

    Raises:
        Unauthorized: no token, or an unknown or revoked one.
    """
    caller = authenticate(request)
    if caller is None:
        raise Unauthorized("the case registry needs a token: Authorization: Bearer <token>")
    return caller


async def get_registry(request: Request) -> Registry:
    """Return the app's registry, built on first use over the app's store.

    Raises:
        StoreError: the registry's store does not open.
    """
    state = request.app.state
    registry = getattr(state, "registry", None)
    if isinstance(registry, Registry):
        return registry
    settings: Settings = state.settings
    store: KgStore = state.store
    validator = await case_validator(request)
    registry = getattr(state, "registry", None)
    if isinstance(registry, Registry):  # built by another request while this one waited
        return registry
    backend = open_case_backend(settings, store)
    workers = settings.registry_workers
    registry = state.registry = Registry(
        backend,
        store,
        validation_check(validator),
        intake=PooledIntake(validator.facts, workers) if workers else None,
    )
    return registry


CallerDep = Annotated[Caller, Depends(get_caller)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
CaseId = Annotated[str, Path(description="the id `POST /cases` answered", max_length=64)]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _written(written: Written, status: int) -> JSONResponse:
    body = {
        "id": written.case_id,
        "version": written.version,
        "receivedAt": written.at.isoformat(),
        "conforms": written.conforms,
        "findings": written.findings,
    }
    headers = {"ETag": f'"{written.version}"', "Location": f"/cases/{written.case_id}"}
    return JSONResponse(body, status_code=status, headers=headers)


def _if_match(request: Request) -> int | None:
    value = request.headers.get("if-match")
    if value is None or value.strip() == "*":
        return None
    tag = value.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise InputError('If-Match takes the ETag of a version, such as "2"')
    return int(tag)


# ---- Cases -------------------------------------------------------------------------------
@router.post(
    "/cases",
    status_code=201,
    summary="Record a new OOS supply case (validated on entry)",
    openapi_extra=_CASE_BODY,
    responses={
        201: {
            "description": "stored (with its findings when it breaks a rule); ETag is the "
            "version, Location the case",
            "content": {"application/json": {"example": _WRITTEN_EXAMPLE}},
        },
        **_BAD_INPUT,
        **_REFUSALS,
    },
)
async def submit_case(
    request: Request,
    caller: CallerDep,
    registry: RegistryDep,
    framework: Annotated[str, Query(description=f"one of: {', '.join(FRAMEWORKS)}")],
) -> Response:
    """Validate a case graph and store it as version 1 of a new case.

    A graph that breaks a rule is stored with its findings; bad input is refused and
    nothing is stored. The answer (201) comes once the case is on disk.
    """
    input_format = format_for_media_type(request.headers.get("content-type"))
    body = await request.body()
    written = await run_in_threadpool(registry.submit, caller, body, input_format, framework)
    return _written(written, 201)


@router.put(
    "/cases/{case_id}",
    summary="Record a new version of a case",
    openapi_extra=_CASE_BODY,
    responses={
        200: {"content": {"application/json": {"example": {**_WRITTEN_EXAMPLE, "version": 2}}}},
        409: {
            "description": "the case is not at the version of If-Match, or another "
            "request revised it at the same time"
        },
        **_BAD_INPUT,
        **_REFUSALS,
        **_NOT_FOUND,
    },
)
async def revise_case(
    request: Request, case_id: CaseId, caller: CallerDep, registry: RegistryDep
) -> Response:
    """Validate and store the next version; ``If-Match: "N"`` makes it conditional on N."""
    expected = _if_match(request)
    input_format = format_for_media_type(request.headers.get("content-type"))
    body = await request.body()
    written = await run_in_threadpool(
        registry.revise, caller, case_id, body, input_format, expected=expected
    )
    return _written(written, 200)


_GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


def _negotiate(accept: str | None) -> str:
    for part in (accept or "application/json").split(","):
        media = part.split(";", 1)[0].strip().lower()
        if media in ("application/json", "*/*", "application/*"):
            return "application/json"
        if media in _GRAPH_TYPES:
            return media
        if media == "text/*":
            return "text/turtle"
    raise NotAcceptable(f"a case comes as application/json or {', '.join(_GRAPH_TYPES)}")


def _summary(found: StoredVersion) -> dict[str, object]:
    return {
        "id": found.case_id,
        "framework": found.framework,
        "version": found.version,
        "versions": found.versions,
        "receivedAt": found.at.isoformat(),
        "sentBy": found.sent_by,
        "conforms": found.conforms,
        "findings": found.findings,
        "obligations": found.obligations,
    }


@router.get(
    "/cases/{case_id}",
    summary="A case: its current version, an earlier one, or the one current at a time",
    responses={
        200: {
            "description": "JSON summary (findings, obligation statuses as of now or as_of), "
            "or the version's graph in Turtle, JSON-LD or N-Triples by Accept",
            "content": {
                "application/json": {
                    "example": {
                        "id": "3f9c2a1b7d4e5f60",
                        "framework": "eu",
                        "version": 2,
                        "versions": 2,
                        "receivedAt": "2026-03-02T10:00:00+00:00",
                        "sentBy": "https://example.org/hospital-a",
                        "conforms": True,
                        "findings": [],
                        "obligations": [],
                    }
                },
                "text/turtle": {},
                "application/ld+json": {},
                "application/n-triples": {},
            },
        },
        406: {"description": "no acceptable format"},
        **_REFUSALS,
        **_NOT_FOUND,
    },
)
async def get_case(
    request: Request,
    case_id: CaseId,
    caller: CallerDep,
    registry: RegistryDep,
    version: Annotated[int | None, Query(ge=1, description="a version number")] = None,
    as_of: Annotated[datetime | None, Query(description="the version current then")] = None,
) -> Response:
    """Return one version of a case the token may see (``ETag``: its number)."""
    media = _negotiate(request.headers.get("accept"))
    found = await run_in_threadpool(
        registry.version, caller, case_id, number=version, as_of=_utc(as_of)
    )
    headers = {"ETag": f'"{found.version}"', "Vary": "Accept"}
    if media == "application/json":
        return JSONResponse(_summary(found), headers=headers)
    quads = ox.parse(found.ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    body = ox.serialize(quads, format=_GRAPH_TYPES[media]) or b""
    return Response(body, media_type=media, headers=headers)


@router.get(
    "/cases/{case_id}/history",
    summary="Every version of a case: who sent it, when, and whether it conformed",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "id": "3f9c2a1b7d4e5f60",
                        "versions": [
                            {
                                "version": 1,
                                "receivedAt": "2026-03-01T09:00:00+00:00",
                                "sentBy": "https://example.org/hospital-a",
                                "conforms": False,
                                "findings": 1,
                            }
                        ],
                    }
                }
            }
        },
        **_REFUSALS,
        **_NOT_FOUND,
    },
)
async def case_history(case_id: CaseId, caller: CallerDep, registry: RegistryDep) -> JSONResponse:
    """Return the versions of a case the token may see, oldest first."""
    versions = await run_in_threadpool(registry.history, caller, case_id)
    return JSONResponse({"id": case_id, "versions": versions})


@router.get(
    "/cases",
    summary="The token's cases, by follow-up status",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "asOf": "2026-03-05T00:00:00+00:00",
                        "cases": [
                            {
                                "id": "3f9c2a1b7d4e5f60",
                                "framework": "eu",
                                "version": 2,
                                "updatedAt": "2026-03-02T10:00:00+00:00",
                                "conforms": True,
                                "product": "https://w3id.org/oos-kg/id/product-breyanzi",
                                "mah": "https://w3id.org/oos-kg/id/org-bristol-myers-squibb-kk",
                                "obligations": 3,
                                "overdue": 1,
                                "pending": 0,
                                "status": "overdue",
                            }
                        ],
                    }
                }
            }
        },
        **_REFUSALS,
    },
)
async def list_cases(
    caller: CallerDep,
    registry: RegistryDep,
    status: Annotated[
        CaseStatus | None,
        Query(
            description="overdue: an obligation past due; pending: one due later; open: "
            "either; closed: every obligation fulfilled"
        ),
    ] = None,
    framework: Annotated[str | None, Query(description="a framework code")] = None,
    product: Annotated[str | None, Query(description="a product IRI")] = None,
    mah: Annotated[str | None, Query(description="an MAH IRI")] = None,
    as_of: Annotated[datetime | None, Query(description="statuses as of (default now)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> JSONResponse:
    """List the cases the token may see, with their obligation counts as of a time.

    Oldest first: by the time each case was first received (a revision does not move it),
    then by id; the order is fixed, so ``limit`` and ``offset`` page through it without
    skipping or repeating a case.
    """
    when = _utc(as_of)
    rows = await run_in_threadpool(
        lambda: registry.cases(
            caller,
            status=status,
            framework=framework,
            product=product,
            mah=mah,
            as_of=when,
            limit=limit,
            offset=offset,
        )
    )
    return JSONResponse({"asOf": (when or registry.clock()).isoformat(), "cases": rows})


@router.get(
    "/obligations/due",
    summary="Obligations not fulfilled and due before a time: what, by whom, by when",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "before": "2026-03-10T00:00:00+00:00",
                        "obligations": [
                            {
                                "id": "3f9c2a1b7d4e5f60",
                                "obligation": "https://w3id.org/oos-kg/id/obligation-example",
                                "label": "report the supply to the authority",
                                "clause": "https://w3id.org/oos-kg/id/clause-example",
                                "bearer": "https://w3id.org/oos-kg/ontology#role-mah",
                                "due": "2026-03-03T08:00:00Z",
                                "status": "overdue",
                            }
                        ],
                    }
                }
            }
        },
        **_REFUSALS,
    },
)
async def obligations_due(
    caller: CallerDep,
    registry: RegistryDep,
    before: Annotated[datetime, Query(description="due before this time")],
    as_of: Annotated[datetime | None, Query(description="statuses as of (default now)")] = None,
) -> JSONResponse:
    """List the open obligations of the token's cases due before ``before``, soonest first
    (then by case id)."""
    cut = _utc(before)
    assert cut is not None
    rows = await run_in_threadpool(lambda: registry.due(caller, cut, as_of=_utc(as_of)))
    return JSONResponse({"before": cut.isoformat(), "obligations": rows})


# ---- Reports -----------------------------------------------------------------------------
@router.get(
    "/reports/{kind}",
    summary="Aggregate reports over the token's cases (JSON or CSV)",
    responses={
        200: {
            "description": "supplies: products supplied and administered, and the doses "
            "given (one per oos:administeredAt), per product and MAH; failed-tests: cases "
            "per failed test kind and product; obligations: fulfilled, overdue (met late or "
            "not at all), pending per framework and clause; frameworks: cases per framework. "
            "A researcher's counts below 5 are hidden (null).",
            "content": {
                "application/json": {
                    "example": {
                        "kind": "supplies",
                        "from": "2026-01-01T00:00:00+00:00",
                        "to": "2026-04-01T00:00:00+00:00",
                        "asOf": "2026-04-01T00:00:00+00:00",
                        "minimumCellSize": None,
                        "columns": ["product", "mah", "supplied", "administered", "doses"],
                        "rows": [
                            {
                                "product": "https://w3id.org/oos-kg/id/product-breyanzi",
                                "mah": "https://w3id.org/oos-kg/id/org-bristol-myers-squibb-kk",
                                "supplied": 12,
                                "administered": 11,
                                "doses": 11,
                            }
                        ],
                    }
                },
                "text/csv": {"example": "product,mah,supplied,administered,doses\n"},
            },
        },
        400: {"description": "unknown kind, or 'to' not after 'from'"},
        **_REFUSALS,
    },
)
async def report(
    request: Request,
    caller: CallerDep,
    registry: RegistryDep,
    kind: Annotated[str, Path(description=f"one of: {', '.join(REPORT_KINDS)}")],
    start: Annotated[datetime, Query(alias="from", description="supplied from (inclusive)")],
    end: Annotated[datetime, Query(alias="to", description="supplied before (exclusive)")],
    format: Annotated[Literal["json", "csv"] | None, Query()] = None,
) -> Response:
    """Return report ``kind`` over the cases the token may see, supplied in [from, to)."""
    lo, hi = _utc(start), _utc(end)
    assert lo is not None and hi is not None
    result = await run_in_threadpool(make_report, registry, caller, kind, lo, hi)
    wants_csv = format == "csv" or (
        format is None and "text/csv" in (request.headers.get("accept") or "")
    )
    if wants_csv:
        return Response(result.to_csv(), media_type="text/csv; charset=utf-8")
    return JSONResponse(result.to_json())
