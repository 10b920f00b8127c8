"""A remote SPARQL 1.1 Protocol server as the store (Oxigraph server, Virtuoso, Fuseki...).

Queries are checked here exactly as the embedded store checks them, then sent with the
union of the project's named graphs as the default graph (``default-graph-uri`` and
``named-graph-uri``), so the answer does not depend on how the server is configured.

No answer is relayed before it has been read whole and checked (``_answers``): a status other
than 200, a document that does not parse to its end, an engine's cancellation text or its
partial-result headers, or a result as long as the engine's row cap become
:class:`~oos_kg.errors.IncompleteAnswer` (502) or :class:`~oos_kg.errors.RemoteTimeout` (504).
The time limit goes to the engine where it takes one (``_engines``) and is kept here too.

Graphs are replaced with one SPARQL Update request (``DROP SILENT GRAPH`` + ``INSERT DATA``
for each), which servers that apply an update request atomically, such as Oxigraph and
Fuseki, apply all or nothing. A server given only a Graph Store Protocol URL (or an engine
that cannot take a whole graph in one update, Virtuoso) gets one ``PUT`` per graph instead:
each graph is replaced whole, but not all of them in one step.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import httpx

from oos_kg.errors import (
    IncompleteAnswer,
    NotAcceptable,
    QueryError,
    RemoteTimeout,
    StoreError,
    StoreUnavailable,
)
from oos_kg.namespaces import GRAPH, GRAPH_NAMES
from oos_kg.sparql.guard import (
    QueryCheck,
    check_dataset_iris,
    check_query,
    check_update,
    is_update,
)
from oos_kg.store._answers import Solutions, read_graph, read_results
from oos_kg.store._engines import ENGINES
from oos_kg.store._execute import GRAPH_SIZES_QUERY
from oos_kg.store._rewrite import drop_dataset_clauses, merge_leading_bases, query_form
from oos_kg.store._writers import write_graph, write_results
from oos_kg.store.base import Bindings

__all__ = ["RemoteStore"]

logger = logging.getLogger(__name__)

_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_PING_TIMEOUT_S = 5.0
_OUR_GRAPHS = tuple(str(GRAPH[name]) for name in GRAPH_NAMES)
_NO_GRAPH = "urn:x-oos-kg:no-graph"
"""A graph nobody writes: what an engine that reads every graph by default is given to read
where the protocol's dataset names no graph of a kind (an empty default graph, no named
graphs)."""
_TIMED_OUT = re.compile(r"S1T00|S1TAT|timeout|timed out|cancelled", re.IGNORECASE)
"""An engine's error text that means its time limit stopped the query."""


@dataclass(frozen=True, slots=True)
class _Reply:
    """A server's answer, read whole."""

    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def media(self) -> str:
        content_type: str = self.headers.get("content-type", "")
        return content_type.split(";")[0].strip().lower()

    def detail(self) -> str:
        return self.body[:500].decode("utf-8", "replace").strip()


@lru_cache(maxsize=1024)
def _checked(text: str, allowed_hosts: tuple[str, ...]) -> QueryCheck:
    return check_query(text, allowed_hosts)


class RemoteStore:
    """The :class:`~oos_kg.store.base.KgStore` API over HTTP.

    Args:
        query_url: the SPARQL query endpoint.
        update_url: the SPARQL update endpoint (None: updates are refused).
        store_url: the Graph Store Protocol endpoint, used for loads when there is no
            update endpoint (or the engine loads by it).
        user, password: HTTP credentials (basic, or ``digest=True`` for digest, which
            Virtuoso's ``/sparql-auth`` asks for); or ``token`` for a bearer token.
        timeout_s: default time limit of queries.
        load_timeout_s: time limit of a load.
        engine: the engine's name in :data:`~oos_kg.store._engines.ENGINES`.
        max_rows: the engine's result cap (None: the engine's default cap, if any).
        max_answer_bytes: the most of an answer held while it is checked; a longer one is
            refused (every answer is held whole before any of it is relayed).
        allowed_hosts: hosts SERVICE, LOAD and FROM may name.

    Raises:
        StoreError: an engine name that is not known.
    """

    answers_in_process = False

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        store_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        digest: bool = False,
        engine: str = "generic",
        max_rows: int | None = None,
        max_answer_bytes: int = 64 * 1024 * 1024,
        timeout_s: float = 10.0,
        load_timeout_s: float = 120.0,
        connect_timeout_s: float = 5.0,
        allowed_hosts: Sequence[str] = (),
    ) -> None:
        if engine not in ENGINES:
            raise StoreError(f"unknown remote engine {engine!r}; known: {', '.join(ENGINES)}")
        self._engine = ENGINES[engine]
        self._max_rows = max_rows if max_rows is not None else self._engine.default_max_rows
        self._max_bytes = max_answer_bytes
        self._query_url = query_url
        self._update_url = update_url
        self._store_url = store_url
        self._timeout_s = timeout_s
        self._load_timeout_s = load_timeout_s
        self._connect_timeout_s = connect_timeout_s
        self._hosts = tuple(allowed_hosts)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        auth: httpx.Auth | None = None
        if user:
            auth = (httpx.DigestAuth if digest else httpx.BasicAuth)(user, password or "")
        self._client = httpx.Client(
            headers=headers,
            auth=auth,
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            trust_env=False,
        )

    # ---- one exchange with the server -------------------------------------------------

    def _exchange(
        self,
        method: str,
        url: str,
        wait_s: float,
        *,
        accept: str = "*/*",
        data: dict[str, object] | None = None,
        params: dict[str, str] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> _Reply:
        """Send one request and read the answer whole within ``wait_s`` seconds.

        Raises:
            StoreUnavailable: the server cannot be reached, or broke off before answering.
            RemoteTimeout: no whole answer within ``wait_s``.
            IncompleteAnswer: the answer broke off after it had begun.
        """
        deadline = time.monotonic() + wait_s
        headers = {"Accept": accept}
        if content_type:
            headers["Content-Type"] = content_type
        timeout = httpx.Timeout(wait_s, connect=min(self._connect_timeout_s, wait_s))
        try:
            with self._client.stream(
                method,
                url,
                data=data,
                params=params,
                content=content,
                headers=headers,
                timeout=timeout,
            ) as response:
                return _Reply(
                    response.status_code,
                    response.headers,
                    _read(response, deadline, self._max_bytes),
                )
        except httpx.ConnectTimeout:
            logger.warning("remote store %s: connect timeout", url)
            raise StoreUnavailable("the remote store does not answer") from None
        except httpx.TimeoutException:
            raise _late(wait_s) from None
        except httpx.TransportError as exc:
            logger.warning("remote store %s: %s", url, exc)
            raise StoreUnavailable(
                f"the remote store is unreachable ({type(exc).__name__})"
            ) from None

    def _wait_s(self, limit_s: float) -> float:
        """How long to wait for a query with this limit: an engine that takes the limit
        stops by itself and says why (Virtuoso answers up to about twice its limit after
        the start), so it gets that long; other engines get the limit and a second."""
        if self._engine.timeout_param is not None:
            return 2 * limit_s + 1.0
        return limit_s + 1.0

    def _ask_server(
        self,
        data: dict[str, object],
        limit_s: float,
        accept: str = _JSON,
        wait_s: float | None = None,
    ) -> _Reply:
        """Run a query operation and refuse any answer that is not whole.

        ``accept`` is SPARQL JSON for SELECT and ASK, N-Triples for graphs, whatever the
        client wants: formats read here to their end. ``wait_s`` is how long to wait for the
        whole answer (default: :meth:`_wait_s` of the limit).

        Raises:
            QueryError, NotAcceptable, RemoteTimeout, IncompleteAnswer, StoreUnavailable,
            StoreError.
        """
        value = self._engine.timeout_value(limit_s)
        if value is not None and self._engine.timeout_param is not None:
            data = {**data, self._engine.timeout_param: value}
        reply = self._exchange(
            "POST",
            self._query_url,
            self._wait_s(limit_s) if wait_s is None else wait_s,
            accept=accept,
            data=data,
        )
        _refuse_errors(reply, "query")
        if reply.status != 200:
            raise IncompleteAnswer(
                f"the remote store answered {reply.status}, not 200: a partial answer is no"
                " answer; nothing of it is shown"
            )
        _refuse_partial(reply.headers)
        return reply

    def _limit(self, timeout_s: float | None) -> float:
        return self._timeout_s if timeout_s is None else timeout_s

    def _results(
        self, query: str, timeout_s: float | None, *, our_graphs: bool = True
    ) -> Solutions | bool:
        """Run a trusted SELECT or ASK over our graphs (or, with ``our_graphs`` False, the
        server's own dataset: every graph it holds) and read the answer whole.

        Raises:
            QueryError, RemoteTimeout, IncompleteAnswer, StoreUnavailable, StoreError.
        """
        data: dict[str, object] = {"query": query}
        if our_graphs:
            data.update(
                {"default-graph-uri": list(_OUR_GRAPHS), "named-graph-uri": list(_OUR_GRAPHS)}
            )
        reply = self._ask_server(data, self._limit(timeout_s))
        if reply.media != _JSON:
            raise IncompleteAnswer(f"the remote store answered in {reply.media or 'no type'}")
        return read_results(reply.body, query, self._max_rows)

    # ---- the KgStore API ----------------------------------------------------------------

    def select(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:
        """Run a trusted SELECT.

        Raises:
            QueryError, RemoteTimeout, IncompleteAnswer, StoreUnavailable.
        """
        answer = self._results(query, timeout_s)
        if not isinstance(answer, Solutions):
            raise QueryError("select() got an ASK query")
        return answer.rows

    def ask(self, query: str, *, timeout_s: float | None = None) -> bool:
        """Run a trusted ASK.

        Raises:
            QueryError, RemoteTimeout, IncompleteAnswer, StoreUnavailable.
        """
        answer = self._results(query, timeout_s)
        if not isinstance(answer, bool):
            raise QueryError("ask() got a SELECT query")
        return answer

    async def aselect(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:
        """Run :meth:`select` in a thread. Raises: as that method."""
        return await asyncio.to_thread(functools.partial(self.select, query, timeout_s=timeout_s))

    async def aask(self, query: str, *, timeout_s: float | None = None) -> bool:
        """Run :meth:`ask` in a thread. Raises: as that method."""
        return await asyncio.to_thread(functools.partial(self.ask, query, timeout_s=timeout_s))

    def query_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> tuple[str, bytes]:
        """Check an untrusted query, run it on the server, read the answer whole, then write
        it in the first of ``media_types`` that fits.

        Raises:
            QueryError, NotAcceptable, RemoteTimeout, IncompleteAnswer, StoreUnavailable,
            StoreError.
        """
        check_dataset_iris((*default_graph_uris, *named_graph_uris), self._hosts)
        checked = _checked(query, self._hosts)
        form = query_form(query)
        if form == "other":
            if is_update(query):
                raise QueryError(
                    "this is a SPARQL Update; send it to /sparql/update, not the query operation"
                )
            raise QueryError("malformed query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
        data = self._dataset(query, checked, default_graph_uris, named_graph_uris)
        try:
            reply = self._ask_server(
                data, self._limit(timeout_s), _NTRIPLES if form == "graph" else _JSON
            )
        except QueryError:
            if is_update(query):
                raise QueryError(
                    "this is a SPARQL Update; send it to /sparql/update, not the query operation"
                ) from None
            raise
        if form == "results" and reply.media == _JSON:
            return write_results(read_results(reply.body, query, self._max_rows), media_types)
        if form == "graph" and reply.media == _NTRIPLES:
            return write_graph(read_graph(reply.body, self._max_rows), media_types)
        raise IncompleteAnswer(
            f"the remote store answered in {reply.media or 'no media type'}, which is not"
            " read here to its end"
        )

    async def aquery_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> tuple[str, bytes]:
        """Run :meth:`query_serialized` in a thread. Raises: as that method."""
        return await asyncio.to_thread(
            functools.partial(
                self.query_serialized,
                query,
                media_types,
                default_graph_uris=default_graph_uris,
                named_graph_uris=named_graph_uris,
                timeout_s=timeout_s,
            )
        )

    def _dataset(
        self,
        query: str,
        checked: QueryCheck,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
    ) -> dict[str, object]:
        """The form fields of a query: the query and the dataset it runs on.

        The protocol's dataset replaces the query's FROM and FROM NAMED as a whole; with
        neither, the default graph is the union of our graphs.
        """
        if self._engine.rewrites_queries:
            query = merge_leading_bases(query)
        if not (default_graph_uris or named_graph_uris):
            if checked.has_dataset:
                return {"query": query}
            graphs = list(_OUR_GRAPHS)
            return {"query": query, "default-graph-uri": graphs, "named-graph-uri": graphs}
        if self._engine.rewrites_queries:
            if checked.has_dataset:
                query = drop_dataset_clauses(query)
            default_graph_uris = default_graph_uris or (_NO_GRAPH,)
            named_graph_uris = named_graph_uris or (_NO_GRAPH,)
        return {
            "query": query,
            "default-graph-uri": list(default_graph_uris),
            "named-graph-uri": list(named_graph_uris),
        }

    # ---- the case registry's own operations, over every graph of the server -----------

    def select_all_graphs(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:
        """Run a SELECT the project wrote (the case registry's) over the server's own dataset:
        no dataset is sent, so ``GRAPH ?g`` ranges over every graph it holds. The answer is
        checked whole as every other answer is.

        Raises:
            StoreError: the server refused the query (one of ours: not the caller's fault).
            RemoteTimeout, IncompleteAnswer, StoreUnavailable.
        """
        try:
            answer = self._results(query, timeout_s, our_graphs=False)
        except QueryError as exc:
            raise StoreError(f"the remote store refused a query of ours: {exc.message}") from None
        if not isinstance(answer, Solutions):
            raise StoreError("select_all_graphs() got an ASK query")
        return answer.rows

    def update_unchecked(self, text: str, *, timeout_s: float | None = None) -> None:
        """Send an update the project wrote (the case registry's), in one request, without
        the checks untrusted updates get.

        Raises:
            StoreError: no update endpoint, or the server refused the update.
            RemoteTimeout, StoreUnavailable.
        """
        try:
            self._update_text(text, self._limit(timeout_s))
        except QueryError as exc:
            raise StoreError(f"the remote store refused an update of ours: {exc.message}") from None

    def _update_text(self, text: str, timeout_s: float) -> None:
        if not self._update_url:
            raise StoreError("no update endpoint configured (OOS_KG_REMOTE_UPDATE_URL)")
        reply = self._exchange("POST", self._update_url, timeout_s, data={"update": text})
        _refuse_errors(reply, "update")

    def update(self, update: str, *, timeout_s: float | None = None) -> None:
        """Check an untrusted update, then send it.

        Raises:
            QueryError, RemoteTimeout, StoreUnavailable, StoreError.
        """
        check_update(update, self._hosts)
        self._update_text(update, self._limit(timeout_s))

    def replace_graphs(
        self,
        graphs: Mapping[str, bytes],
        *,
        sources_hash: str | None = None,  # noqa: ARG002 - remote stores keep no hash
    ) -> None:
        """Replace the graphs with one update request (or one GSP ``PUT`` per graph).

        Raises:
            StoreError, StoreUnavailable, RemoteTimeout.
        """
        if self._store_url and (not self._update_url or self._engine.loads_by_graph_store):
            for iri, body in graphs.items():
                self._put_graph(self._store_url, iri, body)
            return
        parts = []
        for iri, body in graphs.items():
            parts.append(
                f"DROP SILENT GRAPH <{iri}> ;\n"
                f"INSERT DATA {{ GRAPH <{iri}> {{\n{body.decode('utf-8')}\n}} }}"
            )
        self._update_text(" ;\n".join(parts), self._load_timeout_s)

    def _put_graph(self, store_url: str, iri: str, body: bytes) -> None:
        reply = self._exchange(
            "PUT",
            store_url,
            self._load_timeout_s,
            params={"graph": iri},
            content=body,
            content_type=_NTRIPLES,
        )
        if reply.status >= 300:
            raise StoreError(
                f"the graph store refused <{iri}> ({reply.status}): {reply.detail()[:300]}"
            )

    def loaded_hash(self) -> str | None:
        """Remote stores keep no hash: ``oos-kg load --remote`` always uploads."""
        return None

    def data_version(self) -> None:
        """Other clients may change a remote server's data unseen: no name stands for it."""
        return None

    def graph_sizes(self) -> dict[str, int]:
        """Return each named graph's IRI and size.

        Raises:
            StoreUnavailable, RemoteTimeout, IncompleteAnswer.
        """
        reply = self._ask_server({"query": GRAPH_SIZES_QUERY}, self._timeout_s)
        answer = read_results(reply.body, GRAPH_SIZES_QUERY, self._max_rows)
        if not isinstance(answer, Solutions):
            raise IncompleteAnswer("the remote store answered the graph sizes with a boolean")
        return {row["g"].value: int(row["n"].value) for row in answer.rows}

    def ping(self) -> None:
        """Check that the server answers and holds the ontology graph.

        Raises:
            StoreUnavailable: with the reason.
        """
        query = f"ASK {{ GRAPH <{GRAPH['ontology']}> {{ ?s ?p ?o }} }}"
        try:
            reply = self._ask_server({"query": query}, _PING_TIMEOUT_S, wait_s=_PING_TIMEOUT_S)
            held = read_results(reply.body, query, None)
        except (RemoteTimeout, StoreError) as exc:
            raise StoreUnavailable(exc.message) from None
        if held is not True:
            raise StoreUnavailable(
                "the remote store answers but holds no graphs; run `oos-kg load --remote`"
            )

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()


def _read(response: httpx.Response, deadline: float, max_bytes: int) -> bytes:
    """Read a streamed body whole, by the deadline and within ``max_bytes``.

    Raises:
        RemoteTimeout: the deadline passed first.
        IncompleteAnswer: the body broke off (connection closed, a chunk or bytes missing),
            or runs past ``max_bytes``.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise IncompleteAnswer(
                    f"the remote store's answer runs past {max_bytes:,} bytes, the most held"
                    " here to check it (OOS_KG_REMOTE_MAX_ANSWER_BYTES); add a LIMIT"
                )
            if time.monotonic() > deadline:
                raise RemoteTimeout(
                    "the remote store was still sending its answer at the time limit;"
                    " nothing of it is shown"
                )
    except httpx.TimeoutException:
        raise RemoteTimeout(
            "the remote store stopped sending its answer before the end; nothing of it is shown"
        ) from None
    except httpx.TransportError as exc:
        raise IncompleteAnswer(
            f"the remote store's answer broke off before its end ({type(exc).__name__});"
            " nothing of it is shown"
        ) from None
    return b"".join(chunks)


def _late(wait_s: float) -> RemoteTimeout:
    return RemoteTimeout(
        f"the remote store did not answer within {wait_s:g} s; the query was abandoned"
    )


def _refuse_errors(reply: _Reply, what: str) -> None:
    """Map an error status to the oos-kg error that names it.

    Raises:
        QueryError, NotAcceptable, StoreError, RemoteTimeout, IncompleteAnswer.
    """
    status = reply.status
    if status < 300:
        return
    detail = reply.detail()
    if status == 400:
        raise QueryError(f"malformed {what}: {detail}")
    if status == 406:
        raise NotAcceptable(f"the store offers none of the accepted formats: {detail}")
    if status in (401, 403):
        raise StoreError(f"the remote store refused our credentials ({status})")
    if status >= 500 and _TIMED_OUT.search(detail):
        raise RemoteTimeout(f"the remote store stopped the {what} at its time limit: {detail}")
    raise IncompleteAnswer(f"the remote store answered {status}: {detail}")


def _refuse_partial(headers: httpx.Headers) -> None:
    """Refuse an answer the engine marks as partial (Virtuoso's "anytime" answers).

    Raises:
        RemoteTimeout: marked partial because its time limit ran out.
        IncompleteAnswer: marked partial for another reason.
    """
    state = headers.get("x-sql-state")
    activity = headers.get("x-exec-db-activity")
    if state is None and activity is None:
        return
    message = " ".join(headers.get("x-sql-message", "").split())
    reason = f"{state or 'no state'}: {message}" if message else (state or "X-Exec-DB-Activity")
    if state == "S1TAT" or _TIMED_OUT.search(message):
        raise RemoteTimeout(
            "the remote store stopped the query at its time limit and marked the answer"
            f" incomplete ({reason}); nothing of it is shown"
        )
    raise IncompleteAnswer(
        f"the remote store marked its answer as partial ({reason}); nothing of it is shown"
    )
