"""Read SPARQL 1.1 Protocol requests: the query and update operations' parameters.

Pure functions of the method, query string, Content-Type and body, so the rules are tested
without HTTP; the routes only pass those in.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from oos_kg.errors import QueryError, UnsupportedMediaType

__all__ = ["QueryRequest", "UpdateRequest", "parse_query_request", "parse_update_request"]

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass(frozen=True, slots=True)
class QueryRequest:
    """A query operation: ``query`` is None when the request asks for no query at all."""

    query: str | None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UpdateRequest:
    """An update operation."""

    update: str


def _media(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _text(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"the {what} is not UTF-8 (byte {exc.start})") from None


def _form(raw: str) -> dict[str, list[str]]:
    try:
        return parse_qs(raw, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise QueryError("the form is not UTF-8 once percent-decoded") from None


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise QueryError(f"give one {name!r} parameter, not {len(values)}")
    return values[0] if values else None


def _dataset(*sources: dict[str, list[str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ``default-graph-uri`` and ``named-graph-uri`` values of every source, in order."""
    defaults = tuple(iri for params in sources for iri in params.get("default-graph-uri", ()))
    named = tuple(iri for params in sources for iri in params.get("named-graph-uri", ()))
    return defaults, named


def parse_query_request(
    method: str, query_string: str, content_type: str | None, body: bytes
) -> QueryRequest:
    """Read a query operation (GET ``?query=``, POST form, POST ``application/sparql-query``).

    Args:
        method: ``GET`` or ``POST``.
        query_string: the URL's query string, undecoded.
        content_type: the request's Content-Type header.
        body: the request body.

    Returns:
        The query (None when there is none: the caller answers with the service description)
        and the protocol's dataset parameters (for a form POST, those of the body and of the
        URL).

    Raises:
        QueryError: two queries, an update sent here, an empty or non-UTF-8 query.
        UnsupportedMediaType: a POST body that is neither a form nor a SPARQL query.

    >>> parse_query_request("GET", "query=ASK%7B%7D", None, b"").query
    'ASK{}'
    """
    url_params = _form(query_string)
    if "update" in url_params:
        raise QueryError("SPARQL Update goes to POST /sparql/update, not the query operation")
    if method == "GET":
        query = _one(url_params, "query")
        return QueryRequest(query, *_dataset(url_params))
    media = _media(content_type)
    if media == FORM:
        params = _form(_text(body, "form"))
        if "update" in params:
            raise QueryError("SPARQL Update goes to POST /sparql/update, not the query operation")
        if "query" in url_params:
            raise QueryError("put the query in the form body, not in the URL as well")
        query = _one(params, "query")
        if query is None:
            raise QueryError("the form has no 'query' field")
        # Dataset parameters in the URL of a form POST count too (the W3C protocol test
        # query_post_form sends default-graph-uri there); ignoring them would run the query
        # on another dataset than the client named.
        return QueryRequest(query, *_dataset(url_params, params))
    if media == SPARQL_QUERY:
        if "query" in url_params:
            raise QueryError("send the query either in the body or in the URL, not both")
        query = _text(body, "query")
        if not query.strip():
            raise QueryError("the request body holds no query")
        return QueryRequest(query, *_dataset(url_params))
    if media == SPARQL_UPDATE:
        raise QueryError("SPARQL Update goes to POST /sparql/update, not the query operation")
    raise UnsupportedMediaType(
        f"POST a query as {FORM} or {SPARQL_QUERY}, not {media or 'a body without a type'}"
    )


def parse_update_request(query_string: str, content_type: str | None, body: bytes) -> UpdateRequest:
    """Read an update operation (POST form ``update=`` or ``application/sparql-update``).

    Raises:
        QueryError: no update, two updates, a query sent here, ``using-graph-uri`` parameters.
        UnsupportedMediaType: a body that is neither a form nor a SPARQL update.
    """
    url_params = _form(query_string)
    media = _media(content_type)
    if media == FORM:
        params = _form(_text(body, "form"))
        if "query" in params:
            raise QueryError("queries go to /sparql; this is the update operation")
        update = _one(params, "update")
        if update is None:
            raise QueryError("the form has no 'update' field")
    elif media == SPARQL_UPDATE:
        params = url_params
        update = _text(body, "update")
    elif media == SPARQL_QUERY:
        raise QueryError("queries go to /sparql; this is the update operation")
    else:
        raise UnsupportedMediaType(f"POST an update as {FORM} or {SPARQL_UPDATE}")
    if "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise QueryError("using-graph-uri and using-named-graph-uri are not supported")
    if not update.strip():
        raise QueryError("the request holds no update")
    return UpdateRequest(update)
