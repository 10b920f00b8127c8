"""A remote SPARQL 1.1 Protocol server as the store (Oxigraph server, Fuseki, GraphDB...).

Queries are checked here exactly as the embedded store checks them, then sent with the
union of the project's named graphs as the default graph (``default-graph-uri`` and
``named-graph-uri``), so the answer does not depend on how the server is configured.
Graphs are replaced with one SPARQL Update request (``DROP SILENT GRAPH`` + ``INSERT DATA``
for each), which servers that apply an update request atomically, such as Oxigraph and
Fuseki, apply all or nothing. A server given only a Graph Store Protocol URL gets one ``PUT``
per graph instead: each graph is replaced whole, but not all of them in one step.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Mapping, Sequence
from functools import lru_cache

import httpx

from oos_kg.errors import (
    NotAcceptable,
    QueryError,
    QueryTimeout,
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
from oos_kg.store._execute import GRAPH_SIZES_QUERY
from oos_kg.store._results import parse_ask, parse_graph_sizes, parse_select
from oos_kg.store.base import Bindings

__all__ = ["RemoteStore"]

logger = logging.getLogger(__name__)

_JSON = "application/sparql-results+json"
_PING_TIMEOUT_S = 5.0
_OUR_GRAPHS = tuple(str(GRAPH[name]) for name in GRAPH_NAMES)


@lru_cache(maxsize=1024)
def _checked(text: str, allowed_hosts: tuple[str, ...]) -> QueryCheck:
    return check_query(text, allowed_hosts)


class RemoteStore:
    """The :class:`~oos_kg.store.base.KgStore` API over HTTP.

    Args:
        query_url: the SPARQL query endpoint.
        update_url: the SPARQL update endpoint (None: updates are refused).
        store_url: the Graph Store Protocol endpoint, used for loads when there is no
            update endpoint.
        user, password: HTTP basic credentials; or ``token`` for a bearer token.
        timeout_s: default time limit of queries.
        allowed_hosts: hosts SERVICE, LOAD and FROM may name.
    """

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        store_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout_s: float = 10.0,
        load_timeout_s: float = 120.0,
        connect_timeout_s: float = 5.0,
        allowed_hosts: Sequence[str] = (),
    ) -> None:
        self._query_url = query_url
        self._update_url = update_url
        self._store_url = store_url
        self._timeout_s = timeout_s
        self._load_timeout_s = load_timeout_s
        self._hosts = tuple(allowed_hosts)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        auth = httpx.BasicAuth(user, password or "") if user else None
        self._client = httpx.Client(
            headers=headers,
            auth=auth,
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            trust_env=False,
        )

    def _post(
        self,
        url: str,
        data: dict[str, object],
        accept: str,
        timeout_s: float,
        what: str = "request",
    ) -> httpx.Response:
        """POST a form and map transport failures and error statuses to oos-kg errors."""
        try:
            response = self._client.post(
                url, data=data, headers={"Accept": accept}, timeout=timeout_s
            )
        except httpx.ConnectTimeout:
            logger.warning("remote store %s: connect timeout", url)
            raise StoreUnavailable("the remote store does not answer") from None
        except httpx.TimeoutException:
            raise QueryTimeout(f"the remote store did not answer within {timeout_s:g} s") from None
        except httpx.TransportError as exc:
            logger.warning("remote store %s: %s", url, exc)
            raise StoreUnavailable(
                f"the remote store is unreachable ({type(exc).__name__})"
            ) from None
        if response.status_code < 300:
            return response
        detail = response.text[:500].strip()
        if response.status_code == 400:
            raise QueryError(f"malformed {what}: {detail}")
        if response.status_code == 406:
            raise NotAcceptable(f"the store offers none of the accepted formats: {detail}")
        if response.status_code in (401, 403):
            raise StoreError(f"the remote store refused our credentials ({response.status_code})")
        raise StoreError(f"the remote store answered {response.status_code}: {detail}")

    def _limit(self, timeout_s: float | None) -> float:
        return self._timeout_s if timeout_s is None else timeout_s

    def _trusted(self, query: str, timeout_s: float | None) -> bytes:
        data: dict[str, object] = {
            "query": query,
            "default-graph-uri": list(_OUR_GRAPHS),
            "named-graph-uri": list(_OUR_GRAPHS),
        }
        return self._post(self._query_url, data, _JSON, self._limit(timeout_s), "query").content

    def select(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:
        """Run a trusted SELECT. Raises: QueryError, QueryTimeout, StoreUnavailable."""
        return parse_select(self._trusted(query, timeout_s))

    def ask(self, query: str, *, timeout_s: float | None = None) -> bool:
        """Run a trusted ASK. Raises: QueryError, QueryTimeout, StoreUnavailable."""
        return parse_ask(self._trusted(query, timeout_s))

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
        """Check an untrusted query, then run it on the server.

        Raises:
            QueryError, NotAcceptable, QueryTimeout, StoreUnavailable, StoreError.
        """
        check_dataset_iris((*default_graph_uris, *named_graph_uris), self._hosts)
        checked = _checked(query, self._hosts)
        data: dict[str, object] = {"query": query}
        if default_graph_uris or named_graph_uris:
            data["default-graph-uri"] = list(default_graph_uris)
            data["named-graph-uri"] = list(named_graph_uris)
        elif not checked.has_dataset:
            data["default-graph-uri"] = list(_OUR_GRAPHS)
            data["named-graph-uri"] = list(_OUR_GRAPHS)
        count = len(media_types)
        accept = ", ".join(
            f"{media};q={1 - index / (count + 1):.3f}" for index, media in enumerate(media_types)
        )
        try:
            response = self._post(self._query_url, data, accept, self._limit(timeout_s), "query")
        except QueryError:
            if is_update(query):
                raise QueryError(
                    "this is a SPARQL Update; send it to /sparql/update, not the query operation"
                ) from None
            raise
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in media_types:
            raise NotAcceptable(f"the store answered in {media or 'no media type'}")
        return media, response.content

    def _update_text(self, text: str, timeout_s: float | None) -> None:
        if not self._update_url:
            raise StoreError("no update endpoint configured (OOS_KG_REMOTE_UPDATE_URL)")
        self._post(self._update_url, {"update": text}, "*/*", self._limit(timeout_s), "update")

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

    def update(self, update: str, *, timeout_s: float | None = None) -> None:
        """Check an untrusted update, then send it.

        Raises:
            QueryError, QueryTimeout, StoreUnavailable, StoreError.
        """
        check_update(update, self._hosts)
        self._update_text(update, timeout_s)

    def replace_graphs(
        self,
        graphs: Mapping[str, bytes],
        *,
        sources_hash: str | None = None,  # noqa: ARG002 - remote stores keep no hash
    ) -> None:
        """Replace the graphs with one update request (or one GSP ``PUT`` per graph).

        Raises:
            StoreError, StoreUnavailable.
        """
        if not self._update_url and self._store_url:
            for iri, body in graphs.items():
                self._put_graph(iri, body)
            return
        parts = []
        for iri, body in graphs.items():
            parts.append(
                f"DROP SILENT GRAPH <{iri}> ;\n"
                f"INSERT DATA {{ GRAPH <{iri}> {{\n{body.decode('utf-8')}\n}} }}"
            )
        self._update_text(" ;\n".join(parts), self._load_timeout_s)

    def _put_graph(self, iri: str, body: bytes) -> None:
        assert self._store_url is not None
        try:
            response = self._client.put(
                self._store_url,
                params={"graph": iri},
                content=body,
                headers={"Content-Type": "application/n-triples"},
                timeout=self._load_timeout_s,
            )
        except httpx.TransportError as exc:
            logger.warning("remote store %s: %s", self._store_url, exc)
            raise StoreUnavailable(
                f"the remote store is unreachable ({type(exc).__name__})"
            ) from None
        if response.status_code >= 300:
            raise StoreError(
                f"the graph store refused <{iri}> ({response.status_code}): {response.text[:300]}"
            )

    def loaded_hash(self) -> str | None:
        """Remote stores keep no hash: ``oos-kg load --remote`` always uploads."""
        return None

    def data_version(self) -> None:
        """Other clients may change a remote server's data unseen: no name stands for it."""
        return None

    def graph_sizes(self) -> dict[str, int]:
        """Return each named graph's IRI and size. Raises: StoreUnavailable, QueryTimeout."""
        body = self._post(self._query_url, {"query": GRAPH_SIZES_QUERY}, _JSON, self._timeout_s)
        return parse_graph_sizes(body.content)

    def ping(self) -> None:
        """Check that the server answers and holds the ontology graph.

        Raises:
            StoreUnavailable: with the reason.
        """
        query = f"ASK {{ GRAPH <{GRAPH['ontology']}> {{ ?s ?p ?o }} }}"
        try:
            body = self._post(self._query_url, {"query": query}, _JSON, _PING_TIMEOUT_S)
        except (QueryTimeout, StoreError) as exc:
            raise StoreUnavailable(exc.message) from None
        if not parse_ask(body.content):
            raise StoreUnavailable(
                "the remote store answers but holds no graphs; run `oos-kg load --remote`"
            )

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()
