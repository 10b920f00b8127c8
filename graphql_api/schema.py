"""The schema: the ``Query`` root, its limits and error handling, built from the settings."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial
from inspect import isawaitable
from typing import Annotated, Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    SelectionNode,
    execute,
)
from pyoxigraph import Literal
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext as StrawberryExecutionContext
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graphql_api import _names
from graphql_api import _regulation_queries as regulation
from graphql_api._documents import MULTIPLE_OPERATIONS, PreparedDocuments, RequestChecks
from graphql_api._fields import keys_for
from graphql_api._lean import LeanExecutor, keep_constant_arguments, lean_enums, lean_resolvers
from graphql_api._records import Record, StoreRunner
from graphql_api._sparql import iri, load_query, placeholders
from graphql_api._versioned import DERIVED
from graphql_api.context import OosInfo
from graphql_api.errors import MASKED_MESSAGE, is_expected
from graphql_api.types.common import (
    PageInfo,
    decode_cursor,
    encode_cursor,
    load_objects,
    selections_at,
)
from graphql_api.types.comparison import (
    ComparisonRow,
    FrameworkDiff,
    ProvisionStep,
    SearchHit,
    StreamliningItem,
)
from graphql_api.types.product import Product, ProductConnection, ProductEdge, ProductFilter
from graphql_api.types.regulation import Framework, Jurisdiction, Obligation
from graphql_api.types.study import Study, by_reference
from graphql_api.types.substance import Substance
from graphql_api.types.vocabulary import JurisdictionCode, Measure, RoleCode, StreamliningTiming
from oos_kg.errors import QueryError
from oos_kg.settings import Settings

__all__ = ["OosSchema", "Query", "build_schema"]

logger = logging.getLogger(__name__)

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def _text(value: str | None) -> Literal | None:
    return Literal(value) if value else None


def _concept(member: Any) -> Any:
    return iri(member.value) if member is not None else None


_EXACT = {
    "product-by-name": "product-by-exact-name",
    "substance-by-name": "substance-by-exact-name",
}
"""Each ranked name query and the query of its rank 0 alone (the names equal in any case)."""


async def _best_match(info: OosInfo, query: str, name: str, kind: str) -> str | None:
    """Return the one resource whose name matches best, or ``None``.

    The names equal to ``name`` (any case) are looked for first, in the store's name index
    when there is one (:mod:`graphql_api._names`), else by the exact-name query: when there
    are some, they are the best matches, and the ranked ``query`` (equal, then starting with,
    then containing) need not run.

    Raises:
        QueryError: when several resources match equally well (the message lists them).
    """
    runner = info.context.runner
    given = Literal(name)
    exact = _EXACT[query]
    tied = await _names.lookup(runner, exact, name)
    if tied is None:  # no index for this store: the query
        values = dict.fromkeys(placeholders(load_query(exact)), given)
        tied = [row["s"].value for row in await runner.select_named(exact, values)]
    if not tied:
        rows = await runner.select_named(
            query, dict.fromkeys(placeholders(load_query(query)), given)
        )
        if not rows:
            return None
        best = rows[0]["rank"].value
        tied = [row["s"].value for row in rows if row["rank"].value == best]
    if len(tied) > 1:
        raise QueryError(f"{kind} name {name!r} is ambiguous: {', '.join(tied)}")
    return tied[0]


def _root_calls(info: OosInfo, name: str) -> int:
    """Count the root fields ``name`` of the operation (a fragment counts as two: it may
    hold any number)."""
    count = 0
    for selection in info._raw_info.operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            count += 2
        elif selection.name.value == name:
            count += 1
    return count


def _connection(edges: list[ProductEdge], start: int, size: int, total: int) -> ProductConnection:
    """The page of ``size`` products from offset ``start`` of ``total``, with its ``edges``."""
    return ProductConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + size < total,
            has_previous_page=start > 0,
            start_cursor=encode_cursor(start) if size else None,
            end_cursor=encode_cursor(start + size - 1) if size else None,
        ),
        total_count=total,
    )


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _listing_order(record: Record) -> tuple[Any, ...] | None:
    """The key products.rq sorts ``record``'s product on (``ORDER BY`` the least approval
    date, the least brand name, the IRI; unbound first), or ``None`` when a value is not a
    plain date or string, whose order only the store's query decides."""
    dates = []
    for term in record.terms("approvalDate"):
        if not isinstance(term, Literal) or term.datatype.value != XSD_DATE:
            return None
        try:
            dates.append(dt.date.fromisoformat(term.value))
        except ValueError:
            return None
    brands = []
    for term in record.terms("brandName"):
        if not isinstance(term, Literal) or term.language or term.datatype.value != _XSD_STRING:
            return None
        brands.append(term.value)
    date = min(dates) if dates else None
    brand = min(brands) if brands else None
    return (date is not None, date or dt.date.min), (brand is not None, brand or ""), record.iri


async def _product_places(runner: StoreRunner) -> dict[str, int] | None:
    """Each product's place in products.rq's order of every product, kept for the version of
    the data (:mod:`graphql_api._versioned`); ``None`` when the store cannot name its versions.

    Without a date range the sort keys (the least approval date, the least brand name, the
    IRI) do not depend on the filter, so a filter's products are listed in this order: an
    index on the sort keys, read once a version rather than on every listing.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
    """

    async def build(runner: StoreRunner) -> dict[str, int]:
        rows = await runner.select_named("products", {}, selected=("order",))
        return {row["s"].value: place for place, row in enumerate(rows)}

    places: dict[str, int] | None = await DERIVED.get(runner, "product places", build)
    return places


_BINDING_FILTERS = ("origin", "kind", "provision", "modality", "mah", "text")
"""The filters whose lines bind ?s by a property of the product (``withdrawn`` does not)."""


async def _placed(run: Any, values: dict[str, Any], places: dict[str, int]) -> list[str]:
    """The IRIs of the products passing the filter bound in ``values`` (no date range), in
    their places (:func:`_product_places`).

    Without a filter that is every product with a place: no query. Otherwise they are found
    unordered (products-ids.rq); a filter binding ?s by a property needs no type check there,
    since what is not a product has no place.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
    """
    if all(value is None for value in values.values()):
        return list(places)  # in the order they were placed
    typed = not any(values[name] is not None for name in _BINDING_FILTERS)
    rows = await run.select_named("products-ids", values, ("typed",) if typed else ())
    found = {row["s"].value for row in rows}
    return sorted((iri for iri in found if iri in places), key=places.__getitem__)


async def _whole_listing(
    info: OosInfo, run: Any, values: dict[str, Any], wanted: list[SelectionNode]
) -> list[Product] | None:
    """Every product passing the filter bound in ``values``, in products.rq's order, found
    unordered (products-ids.rq) and sorted on the approval dates and brand names fetched with
    their records; ``None`` when a value's order is not one Python can tell (the caller then
    asks the ordered query). The store's grouping and ordering cost more than the listing."""
    rows = await run.select_named("products-ids", values, ("typed",))
    iris = [row["s"].value for row in rows]
    nodes = await load_objects(
        info,
        "product",
        iris,
        Product.from_record,
        selections=wanted,
        extra=("approvalDate", "brandName"),
        below=True,
    )
    keyed = []
    for node in nodes:
        key = _listing_order(node.record)
        if key is None:
            return None
        keyed.append((key, node))
    keyed.sort(key=lambda pair: pair[0])
    return [node for _, node in keyed]


@strawberry.type
class Query:
    @strawberry.field(description="Products (Table 3), filtered and paged (Relay).")
    async def products(
        self,
        info: OosInfo,
        filter: ProductFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ProductConnection:
        limit = info.context.settings.graphql_max_page_size
        if first is not None and not 0 <= first <= limit:
            raise QueryError(f"first must be between 0 and {limit}, got {first}")
        start = decode_cursor(after) + 1 if after is not None else 0
        f = filter or ProductFilter()
        listed = selections_at(info, "edges")  # without items, the order does not matter
        # aliased siblings share one query; alone, the batch's extra turn of the loop would cost
        run = info.context.loaders if _root_calls(info, "products") > 1 else info.context.runner
        values = {
            "origin": _concept(f.origin),
            "kind": _concept(f.approval_kind),
            "provision": _concept(f.oos_provision),
            "modality": _concept(f.modality),
            "mah": _text(f.mah),
            "since": Literal(f.approved_from.isoformat(), datatype=iri(XSD_DATE))
            if f.approved_from
            else None,
            "until": Literal(f.approved_to.isoformat(), datatype=iri(XSD_DATE))
            if f.approved_to
            else None,
            "withdrawn": Literal(f.withdrawn) if f.withdrawn is not None else None,
            "text": _text(f.text),
        }
        size = limit if first is None else first
        dated = values["since"] is not None or values["until"] is not None
        places = None if dated else await _product_places(info.context.runner)
        if places is not None:
            placed = await _placed(run, values, places)
            if not listed:  # totalCount and pageInfo need the number of products only
                total = len(placed)
                return _connection([], start, max(0, min(size, total - start)), total)
            wanted = selections_at(info, "edges", "node")
            page = placed[start : start + size]
            nodes = await load_objects(
                info, "product", page, Product.from_record, selections=wanted, below=True
            )
            edges = [ProductEdge(node=n, offset=start + i) for i, n in enumerate(nodes)]
            return _connection(edges, start, len(page), len(placed))
        if not listed:  # totalCount and pageInfo need the number of products only
            counted = await run.select_named("products-count", values)
            total = int(counted[0]["count"].value)
            return _connection([], start, max(0, min(size, total - start)), total)
        wanted = selections_at(info, "edges", "node")
        whole = first is None and after is None and not dated
        if whole and keys_for("product", wanted) != frozenset():  # a record query runs anyway
            ordered = await _whole_listing(info, run, values, wanted)
            if ordered is not None:
                page_nodes = ordered[:size]
                edges = [ProductEdge(node=n, offset=i) for i, n in enumerate(page_nodes)]
                return _connection(edges, 0, len(page_nodes), len(ordered))
        rows = await run.select_named("products", values, selected=("order",))
        iris = [row["s"].value for row in rows]
        page = iris[start : start + size]
        nodes = await load_objects(
            info, "product", page, Product.from_record, selections=wanted, below=True
        )
        edges = [ProductEdge(node=n, offset=start + i) for i, n in enumerate(nodes)]
        return _connection(edges, start, len(page), len(iris))

    @strawberry.field(
        description="One product by IRI, or by brand, common or substance name (any case, en or "
        "ja; exact beats prefix beats part). Null when none matches."
    )
    async def product(
        self, info: OosInfo, id: strawberry.ID | None = None, name: str | None = None
    ) -> Product | None:
        if (id is None) == (name is None):
            raise QueryError("give exactly one of id and name")
        found = (
            iri(str(id)).value
            if id is not None
            else await _best_match(info, "product-by-name", str(name), "product")
        )
        nodes = await load_objects(
            info,
            "product",
            [found] if found else [],
            Product.from_record,
            known=id is None,
            below=True,
        )
        return nodes[0] if nodes else None

    @strawberry.field(description="One active substance by name (any case); null when none.")
    async def substance(self, info: OosInfo, name: str) -> Substance | None:
        found = await _best_match(info, "substance-by-name", name, "substance")
        nodes = await load_objects(
            info, "substance", [found] if found else [], Substance.from_record, below=True
        )
        return nodes[0] if nodes else None

    @strawberry.field(
        description="Evidence studies, optionally on one substance (by name) and one measure."
    )
    async def studies(
        self, info: OosInfo, substance: str | None = None, measure: Measure | None = None
    ) -> list[Study]:
        substance_iri = None
        if substance is not None:
            substance_iri = await _best_match(info, "substance-by-name", substance, "substance")
            if substance_iri is None:
                return []
        filters = {
            "substance": iri(substance_iri) if substance_iri else None,
            "measure": _concept(measure),
        }
        rows = await info.context.runner.select_named("studies", filters, ("unordered",))
        found = await load_objects(  # in any order: what is fetched below does not depend on it
            info,
            "study",
            [r["s"].value for r in rows],
            Study.from_record,
            extra=("referenceNumber",),
            below=True,
        )
        studies = by_reference(found)
        if studies is None:  # a reference number that is not a plain integer: the store sorts
            ordered = await info.context.runner.select_named("studies", filters, ("ordered",))
            at = {str(study.id): study for study in found}
            studies = [at[r["s"].value] for r in ordered if r["s"].value in at]
        return studies

    @strawberry.field(description="Every jurisdiction, by code.")
    async def jurisdictions(self, info: OosInfo) -> list[Jurisdiction]:
        return await regulation.find_jurisdictions(info)

    @strawberry.field(description="Frameworks for OOS provision, optionally of some codes.")
    async def frameworks(
        self, info: OosInfo, codes: list[JurisdictionCode] | None = None
    ) -> list[Framework]:
        return await regulation.find_frameworks(info, codes)

    @strawberry.field(description="One framework by code; null when none.")
    async def framework(self, info: OosInfo, code: JurisdictionCode) -> Framework | None:
        found = await regulation.find_frameworks(info, [code])
        return found[0] if found else None

    @strawberry.field(
        description="Table 2 side by side: one row per aspect (all, or those whose label contains "
        "one of `aspects`), a cell per jurisdiction (US, EU, JP by default; JP_PROPOSED gives "
        "the Table 6 proposition on the aspect)."
    )
    async def compare_jurisdictions(
        self,
        info: OosInfo,
        aspects: list[str] | None = None,
        jurisdictions: list[JurisdictionCode] | None = None,
    ) -> list[ComparisonRow]:
        return await regulation.compare_jurisdictions(info, aspects, jurisdictions)

    @strawberry.field(description="Obligations, optionally of one role and one framework code.")
    async def obligations(
        self,
        info: OosInfo,
        role: RoleCode | None = None,
        jurisdiction: JurisdictionCode | None = None,
        with_deadline: bool | None = None,
    ) -> list[Obligation]:
        return await regulation.find_obligations(info, role, jurisdiction, with_deadline)

    @strawberry.field(
        description="What changes from one framework to another (default JP to JP_PROPOSED): "
        "each role's obligations under both, and Table 2 for the two."
    )
    async def framework_diff(
        self,
        info: OosInfo,
        from_: Annotated[JurisdictionCode, strawberry.argument(name="from")] = JurisdictionCode.JP,
        to: JurisdictionCode = JurisdictionCode.JP_PROPOSED,
        role: RoleCode | None = None,
    ) -> FrameworkDiff:
        return await regulation.framework_diff(info, from_, to, role)

    @strawberry.field(description="Table 5 items, optionally of one party, timing and verdict.")
    async def streamlining(
        self,
        info: OosInfo,
        party: RoleCode | None = None,
        timing: StreamliningTiming | None = None,
        can_be_streamlined: bool | None = None,
    ) -> list[StreamliningItem]:
        return await regulation.streamlining_items(info, party, timing, can_be_streamlined)

    @strawberry.field(description="The OOS provision flow of Fig. 1, step by step.")
    async def provision_flow(self, info: OosInfo) -> list[ProvisionStep]:
        return await regulation.provision_flow(info)

    @strawberry.field(
        description="Resources whose labels, descriptions or texts contain `text` (any case), "
        "in language `lang` (en, ja; any when omitted)."
    )
    async def search(
        self, info: OosInfo, text: str, lang: str | None = None, first: int = 20
    ) -> list[SearchHit]:
        return await regulation.search_text(info, text, lang, first)


class OosSchema(strawberry.Schema):
    """The schema: documents checked once per text (:mod:`graphql_api._documents`), unexpected
    errors logged with their traceback and the rest quietly.

    Args:
        settings: the limits.
        lean: give nested fields direct resolvers (:func:`graphql_api._lean.lean_resolvers`).
        **kwargs: as :class:`strawberry.Schema` (without ``extensions``).
    """

    def __init__(self, settings: Settings, *, lean: bool = True, **kwargs: Any) -> None:
        self.documents = PreparedDocuments(settings)
        if lean:
            kwargs.setdefault("execution_context_class", LeanExecutor)
        super().__init__(extensions=[partial(RequestChecks, self.documents)], **kwargs)
        self.documents.schema = self._schema
        if lean:
            lean_resolvers(self._schema, self.config.info_class, self.config)
            lean_enums(self._schema)
            keep_constant_arguments()

    def _unnamed_choice(self, query: str | None, operation_name: str | None) -> GraphQLError | None:
        """The error for a valid document of several operations sent without a name.

        Strawberry would run the first one; GraphQL (GetOperation) says it is a request error.
        """
        if operation_name is not None or not query:
            return None
        prepared = self.documents.get(query)
        if prepared.operations > 1 and not prepared.errors:
            return GraphQLError(MULTIPLE_OPERATIONS)
        return None

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Run ``query`` as strawberry does, refusing an unnamed choice of operations first.

        Raises:
            As :meth:`strawberry.Schema.execute`.
        """
        if error := self._unnamed_choice(query, operation_name):
            return ExecutionResult(data=None, errors=[error])
        document = self._runnable(query, operation_name, allowed_operation_types)
        if document is not None:
            try:
                result = execute(
                    self._schema,
                    document,
                    root_value,
                    context_value,
                    variable_values,
                    operation_name,
                    is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                    executor_class=self.execution_context_class,
                    operation_extensions=operation_extensions,
                )
                if isawaitable(result):
                    result = await result
            except Exception:  # strawberry's path says what went wrong
                pass
            else:
                return self._finished(result.data, result.errors)
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )

    def _runnable(
        self,
        query: str | None,
        operation_name: str | None,
        allowed: Iterable[OperationType] | None,
    ) -> DocumentNode | None:
        """The checked document to run straight through graphql-core, or ``None`` when
        strawberry's path must answer (no query, a syntax or validation error, a limit, an
        operation that is not there or not allowed).

        A document's checks do not depend on the request (:class:`PreparedDocuments`), and
        the schema's one extension only hands them over and masks errors, which
        :meth:`_finished` does: running the prepared document directly answers the same,
        without the extension runner's hooks around every phase.
        """
        if not query:
            return None
        prepared = self.documents.get(query)
        if prepared.document is None or prepared.errors:
            return None
        operations = [
            d for d in prepared.document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        if operation_name is None:
            chosen = operations[0] if len(operations) == 1 else None
        else:
            named = [o for o in operations if o.name and o.name.value == operation_name]
            chosen = named[0] if len(named) == 1 else None
        if chosen is None:
            return None
        kind = OperationType(chosen.operation.value)
        if kind not in (DEFAULT_ALLOWED_OPERATION_TYPES if allowed is None else allowed):
            return None
        if kind is not OperationType.QUERY:
            return None
        return prepared.document

    def _finished(self, data: Any, errors: list[GraphQLError] | None) -> ExecutionResult:
        """The result as strawberry's path with :class:`RequestChecks` returns it: errors
        logged (:meth:`process_errors`), the unexpected ones masked."""
        if errors:
            self.process_errors(errors)
            errors = [
                error
                if is_expected(error)
                else GraphQLError(
                    message=MASKED_MESSAGE,
                    nodes=error.nodes,
                    source=error.source,
                    positions=error.positions,
                    path=error.path,
                    original_error=None,
                )
                for error in errors
            ]
        return ExecutionResult(data=data, errors=errors or None, extensions={})

    def execute_sync(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """:meth:`execute` for synchronous callers.

        Raises:
            As :meth:`strawberry.Schema.execute_sync`.
        """
        if error := self._unnamed_choice(query, operation_name):
            return ExecutionResult(data=None, errors=[error])
        return super().execute_sync(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: StrawberryExecutionContext | None = None,
    ) -> None:
        del execution_context  # strawberry's signature; the errors say all we log
        for error in errors:
            if is_expected(error):
                logger.debug("GraphQL error: %s", error.message)
            else:
                logger.error("GraphQL resolver failed", exc_info=error.original_error)


def build_schema(settings: Settings, *, lean: bool = True) -> OosSchema:
    """Build the schema with the limits of ``settings``; ``lean``: nested fields resolve
    without strawberry's per-call wrapper where it changes nothing (:mod:`graphql_api._lean`).

    Raises:
        strawberry.exceptions.StrawberryException: when the types do not make a valid schema.
    """
    return OosSchema(
        settings,
        lean=lean,
        query=Query,
        config=StrawberryConfig(batching_config={"max_operations": settings.graphql_max_batch}),
    )
