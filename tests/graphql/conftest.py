"""GraphQL test fixtures: a counting store adapter, a generated graph, the schema, a client."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pyoxigraph import Literal, NamedNode, Quad, QueryResultsFormat, Store

from graphql_api.context import GraphQLContext
from graphql_api.router import create_graphql_router
from graphql_api.schema import OosSchema, build_schema
from oos_kg.namespaces import DCTERMS, OOS, OOSD, SRC
from oos_kg.settings import Settings
from oos_kg.store.base import Bindings

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
XSD = "http://www.w3.org/2001/XMLSchema#"


def data_node(name: str) -> NamedNode:
    """The data resource ``oosd:name``."""
    return NamedNode(str(OOSD[name]))


def ontology_term(name: str) -> NamedNode:
    """The ontology term ``oos:name``."""
    return NamedNode(str(OOS[name]))


class CountingStore:
    """The read half of the KgStore Protocol over a pyoxigraph Store, counting the calls."""

    answers_in_process = True  # the GraphQL layer calls select() on the loop, in call order

    version: str | None = None
    """What :meth:`data_version` answers: ``None`` (the default) keeps no name index."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.calls: list[str] = []

    def data_version(self) -> str | None:
        return self.version

    def select(self, query: str, **_: Any) -> list[Bindings]:
        self.calls.append(query)
        result = self.store.query(query, use_default_graph_as_union=True)
        names = [variable.value for variable in result.variables]  # type: ignore[union-attr]
        return [
            {name: solution[name] for name in names if solution[name] is not None}
            for solution in result  # type: ignore[union-attr]
        ]

    async def aquery_serialized(
        self, query: str, media_types: Sequence[str], **_: Any
    ) -> tuple[str, bytes]:
        """Answer at once (no thread), so the order of batches is the resolvers' own."""
        self.calls.append(query)
        result = self.store.query(query, use_default_graph_as_union=True)
        body = result.serialize(format=QueryResultsFormat.JSON)  # type: ignore[union-attr]
        return media_types[0], body or b""

    async def aselect(self, query: str, **kwargs: Any) -> list[Bindings]:
        """:meth:`select`, answered at once (no thread), so the calls come in request order."""
        return self.select(query, **kwargs)

    def ask(self, query: str, **_: Any) -> bool:
        self.calls.append(query)
        return bool(self.store.query(query, use_default_graph_as_union=True))

    def query_serialized(self, query: str, media_type: str, **_: Any) -> bytes:
        raise NotImplementedError

    def update(self, update: str, *, timeout_s: float | None = None) -> None:
        raise NotImplementedError

    def replace_graphs(self, graphs: Mapping[str, bytes]) -> None:
        raise NotImplementedError

    def graph_sizes(self) -> dict[str, int]:
        return {}

    def ping(self) -> None:
        return None

    def close(self) -> None:
        return None


def _generated_graph(products: int) -> Store:
    """A graph shaped like products.ttl with ``products`` products, each fully linked."""
    store = Store()
    graph = NamedNode("https://w3id.org/oos-kg/graph/products")
    quads: list[Quad] = []

    def add(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        quads.append(Quad(s, p, o, graph))

    def term(ns: Any, name: str) -> NamedNode:
        return NamedNode(str(ns[name]))

    for n in range(products):
        product, substance = term(OOSD, f"product-p{n:02d}"), term(OOSD, f"substance-s{n:02d}")
        approval, mah = term(OOSD, f"approval-p{n:02d}"), term(OOSD, f"organisation-m{n % 3}")
        trial, program = term(OOSD, f"trial-t{n:02d}"), term(OOSD, f"program-e{n:02d}")
        study, measured = term(OOSD, f"study-y{n:02d}"), term(OOSD, f"measurement-y{n:02d}")
        add(product, RDF_TYPE, term(OOS, "RegenerativeMedicineProduct"))
        add(product, RDFS_LABEL, Literal(f"Product {n:02d}", language="en"))
        add(product, term(OOS, "brandName"), Literal(f"Brand {n:02d}"))
        add(product, term(OOS, "activeSubstance"), substance)
        add(
            product,
            term(OOS, "origin"),
            term(OOS, "origin-autologous" if n % 2 else "origin-allogeneic"),
        )
        add(product, term(OOS, "oosProvisionStatus"), term(OOS, "oos-provision-clinical-trial"))
        add(product, term(OOS, "approval"), approval)
        add(product, term(OOS, "marketingAuthorisationHolder"), mah)
        add(product, NamedNode(str(DCTERMS.source)), NamedNode(str(SRC["paper-table-3"])))
        add(
            approval,
            term(OOS, "approvalDate"),
            Literal(f"2020-01-{n + 1:02d}", datatype=NamedNode(XSD + "date")),
        )
        add(approval, term(OOS, "approvalKind"), term(OOS, "approval-kind-approval"))
        add(mah, RDFS_LABEL, Literal(f"Maker {n % 3}", language="en"))
        add(substance, RDF_TYPE, term(OOS, "ActiveSubstance"))
        add(substance, RDFS_LABEL, Literal(f"substance {n:02d}", language="en"))
        add(trial, RDF_TYPE, term(OOS, "ClinicalTrial"))
        add(trial, term(OOS, "forProduct"), product)
        add(trial, term(OOS, "investigatesSubstance"), substance)
        add(trial, term(OOS, "registryId"), Literal(f"jRCT20{n:08d}"))
        add(program, RDF_TYPE, term(OOS, "ExpandedAccessProgram"))
        add(program, term(OOS, "investigatesSubstance"), substance)
        add(program, term(OOS, "registryId"), Literal(f"NCT{n:08d}"))
        add(study, RDF_TYPE, term(OOS, "EvidenceStudy"))
        add(study, term(OOS, "investigatesSubstance"), substance)
        add(study, term(OOS, "measurement"), measured)
        add(measured, term(OOS, "measure"), term(OOS, "measure-crs-grade-3-4"))
        add(measured, term(OOS, "value"), Literal(f"{n}.5", datatype=NamedNode(XSD + "decimal")))
    store.extend(quads)
    return store


@pytest.fixture(scope="session")
def generated() -> Store:
    """A generated graph of 25 fully linked products (for mechanics, not facts)."""
    return _generated_graph(25)


@pytest.fixture()
def counting(generated: Store) -> CountingStore:
    """A fresh call counter over the generated graph."""
    return CountingStore(generated)


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Default settings."""
    return Settings(store="memory")


@pytest.fixture(scope="session")
def schema(settings: Settings) -> OosSchema:
    """The schema with default limits."""
    return build_schema(settings)


def execute(
    schema: OosSchema,
    store: Any,
    query: str,
    variables: dict[str, Any] | None = None,
    settings: Settings | None = None,
) -> Any:
    """Run ``query`` on ``schema`` against ``store`` and return the execution result."""
    context = GraphQLContext(store, settings or Settings(store="memory"))
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=context))


class Client:
    """A synchronous facade over httpx's ASGI transport (no server, no starlette TestClient)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


def client_for(store: Any, settings: Settings) -> Client:
    """A client of a bare app holding only the GraphQL router."""
    app = FastAPI()
    app.include_router(create_graphql_router(settings, store_getter=lambda _request: store))
    return Client(app)


@pytest.fixture()
def make_client(counting: CountingStore) -> Any:
    """``make_client(settings)``: a client over the generated graph with other limits."""
    return lambda settings: client_for(counting, settings)


@pytest.fixture()
def app_client(counting: CountingStore, settings: Settings) -> Client:
    """A client of the whole app (``create_app``) over the generated graph."""
    from oos_kg.app import create_app

    return Client(create_app(settings, store=counting))


@pytest.fixture()
def client(counting: CountingStore, settings: Settings) -> Client:
    """An HTTP client of the GraphQL endpoint over the generated graph."""
    return client_for(counting, settings)


def errors_of(result: Any) -> Sequence[str]:
    """The error messages of an execution result."""
    return [error.message for error in result.errors or []]


@pytest.fixture()
def run(schema: OosSchema) -> Any:
    """``run(store, query, variables=None, settings=None)`` executes on the default schema."""

    def call(
        store: Any,
        query: str,
        variables: dict[str, Any] | None = None,
        settings: Settings | None = None,
    ) -> Any:
        return execute(schema, store, query, variables, settings)

    return call


@pytest.fixture(scope="session")
def loaded() -> Any:
    """The repository's graph in a memory store, loaded as ``oos-kg load`` loads it."""
    from oos_kg.loading import load_store
    from oos_kg.resources import graph_sources
    from oos_kg.store.memory import MemoryStore

    store = MemoryStore()
    load_store(store, graph_sources(Path(__file__).resolve().parents[2]))
    return store


class InOrder:
    """A store's read API answered at once, in the caller's thread, counting the selects.

    Answering in the caller's thread keeps the tests deterministic (the order of batches is
    the resolvers' own).
    """

    answers_in_process = True

    def __init__(self, store: Any) -> None:
        self.store = store
        self.calls: list[str] = []

    def select(self, query: str, **kwargs: Any) -> list[Bindings]:
        self.calls.append(query)
        result: list[Bindings] = self.store.select(query, **kwargs)
        return result

    async def aselect(self, query: str, **kwargs: Any) -> list[Bindings]:
        """:meth:`select`, answered at once (no thread)."""
        return self.select(query, **kwargs)

    def data_version(self) -> str | None:
        return self.store.data_version()  # type: ignore[no-any-return]


class Unversioned(InOrder):
    """The store, unable to name its versions: nothing is kept (graphql_api._versioned), and
    the GraphQL layer reads everything from the store, as from a remote server."""

    def data_version(self) -> None:
        return None


@pytest.fixture(scope="session")
def served(loaded: Any) -> InOrder:
    """The repository's graph, read as the GraphQL resolvers read it."""
    return InOrder(loaded)


@pytest.fixture()
def counting_loaded(loaded: Any) -> InOrder:
    """A call counter over the repository's graph."""
    return InOrder(loaded)
