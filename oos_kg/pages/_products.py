"""Table 3 as a filterable, sortable listing, and one page per product."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oos_kg.errors import InputError
from oos_kg.namespaces import OOS, OOSD
from oos_kg.pages._store import Labels, kept_rows, labels_of, run_queries, text
from oos_kg.store.base import Bindings, KgStore

__all__ = [
    "FILTERS",
    "SORTS",
    "ProductQuery",
    "parse_product_query",
    "product_listing",
    "product_page",
    "slug_of",
]

PRODUCT_PREFIX = f"{OOSD}product-"

FILTERS: dict[str, str] = {
    "origin": "origin-",
    "kind": "approval-kind-",
    "provision": "oos-provision-",
}
"""Filters on a controlled value: the URL parameter and the prefix of the value's local name
(``?origin=autologous`` keeps ``oos:origin-autologous``)."""

SORTS = ("date", "name", "mah", "origin", "kind", "provision")
"""The columns the listing sorts by (``?sort=``), ``-`` in front for descending order."""


def slug_of(product_iri: str) -> str:
    """Return the page slug of a product IRI (its local name without ``product-``).

    >>> slug_of("https://w3id.org/oos-kg/id/product-kymriah")
    'kymriah'

    Raises:
        Nothing.
    """
    return product_iri.removeprefix(PRODUCT_PREFIX)


def _local(iri: str, prefix: str) -> str:
    return iri.removeprefix(str(OOS)).removeprefix(prefix)


@dataclass(frozen=True, slots=True)
class ProductQuery:
    """The listing's filters and order, as given in the URL."""

    filters: dict[str, str]
    year: str
    mah: str
    sort: str
    descending: bool


def parse_product_query(params: Mapping[str, str]) -> ProductQuery:
    """Read ``origin``, ``kind``, ``provision``, ``year``, ``mah`` and ``sort`` from the URL.

    Raises:
        InputError: an unknown sort key or a year that is not four digits (400).
    """
    sort = params.get("sort", "date") or "date"
    descending = sort.startswith("-")
    if sort.lstrip("-") not in SORTS:
        raise InputError(f"unknown sort {sort!r}; use one of: {', '.join(SORTS)}")
    year = params.get("year", "")
    if year and not (len(year) == 4 and year.isdigit()):
        raise InputError(f"year must be four digits, not {year!r}")
    return ProductQuery(
        filters={k: params[k] for k in FILTERS if params.get(k)},
        year=year,
        mah=params.get("mah", ""),
        sort=sort.lstrip("-"),
        descending=descending,
    )


def _product_rows(
    table: list[Bindings], links: list[Bindings], labels: Labels, lang: str
) -> list[dict[str, Any]]:
    by_product = {text(r, "product"): r for r in links}
    rows = []
    for row in table:
        iri = text(row, "product")
        link = by_product.get(iri, {})
        values = {k: text(link, k) for k in ("kind", "origin", "status")}
        rows.append(
            {
                "iri": iri,
                "slug": slug_of(iri),
                "name": text(row, "label"),
                "brand": text(row, "brandName"),
                "common": text(row, "commonName"),
                "date": text(row, "approvalDate"),
                "year": text(row, "approvalDate")[:4],
                "withdrawn": text(row, "withdrawnOn"),
                "mah": text(row, "mah"),
                "kind": _local(values["kind"], FILTERS["kind"]),
                "kind_text": text(row, "byApproval")
                if lang == "en"
                else labels.text(values["kind"], lang),
                "origin": _local(values["origin"], FILTERS["origin"]),
                "origin_text": text(row, "origin")
                if lang == "en"
                else labels.text(values["origin"], lang),
                "provision": _local(values["status"], FILTERS["provision"]),
                "provision_text": text(row, "provision")
                if lang == "en"
                else labels.text(values["status"], lang),
                "substance": text(link, "substance"),
                "approval": text(link, "approval"),
            }
        )
    return rows


def _choices(rows: list[dict[str, Any]], key: str) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for row in rows:
        seen.setdefault(row[key], row.get(f"{key}_text", row[key]))
    return sorted(seen.items(), key=lambda kv: kv[1])


async def product_listing(store: KgStore, query: ProductQuery, lang: str) -> dict[str, Any]:
    """Return the listing's rows (Table 3, ``tables/table-3.rq``), filtered and sorted, with
    the values each filter offers.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: the store failed.
    """
    labels = await labels_of(store)
    table, links = await run_queries(store, "tables/table-3.rq", "product-links.rq")
    rows = _product_rows(table, links, labels, lang)
    choices = {
        "origin": _choices(rows, "origin"),
        "kind": _choices(rows, "kind"),
        "provision": _choices(rows, "provision"),
        "year": [(y, y) for y in sorted({r["year"] for r in rows})],
        "mah": [(m, m) for m in sorted({r["mah"] for r in rows})],
    }
    kept = [
        r
        for r in rows
        if all(r[k] == v for k, v in query.filters.items())
        and (not query.year or r["year"] == query.year)
        and (not query.mah or r["mah"] == query.mah)
    ]
    column = {"origin": "origin_text", "kind": "kind_text", "provision": "provision_text"}
    key = column.get(query.sort, query.sort)
    kept.sort(key=lambda r: (str(r[key]).casefold(), r["name"].casefold()))
    if query.descending:
        kept.reverse()
    return {"rows": kept, "total": len(rows), "choices": choices}


def _sources(rows: list[Bindings], labels: Labels, lang: str) -> dict[str, list[str]]:
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(text(row, "thing"), set()).add(labels.text(text(row, "source"), lang))
    return {k: sorted(v) for k, v in found.items()}


async def product_page(store: KgStore, slug: str, lang: str) -> dict[str, Any] | None:
    """Return what a product's page shows, or None when no product has that slug.

    Its Table 3 row and approval, its substance, the OOS trials of Table 4 for it, the US
    expanded access programs of Table 1 for the same substance, the evidence studies on the
    substance, and the source locations each of them names.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: the store failed.
    """
    labels = await labels_of(store)
    sources = await kept_rows(store, "sources.rq")
    table, links, trials, programs, evidence, studies = await run_queries(
        store,
        "tables/table-3.rq",
        "product-links.rq",
        "tables/table-4.rq",
        "tables/table-1.rq",
        "tables/evidence.rq",
        "study-substances.rq",
    )
    product = next(
        (r for r in _product_rows(table, links, labels, lang) if r["slug"] == slug), None
    )
    if product is None:
        return None
    substance = product["substance"]
    on_substance = {text(r, "study") for r in studies if text(r, "substance") == substance}
    return {
        "product": product,
        "substance_label": labels.get(substance, lang),
        "trials": [r for r in trials if text(r, "product") == product["iri"]],
        "programs": [r for r in programs if text(r, "substance") == substance],
        "evidence": [r for r in evidence if text(r, "study") in on_substance],
        "sources": _sources(sources, labels, lang),
        "labels": labels,
    }
