"""Refusal rules and content negotiation, as pure functions."""

from __future__ import annotations

import pytest

from oos_kg.errors import NotAcceptable, QueryError
from oos_kg.namespaces import GRAPH
from oos_kg.sparql.guard import check_query, check_update
from oos_kg.sparql.negotiation import acceptable_types, prefers_html


def test_allowed_host_lets_service_and_load_through() -> None:
    query = "SELECT * WHERE { SERVICE <https://data.example.org/sparql> { ?s ?p ?o } }"
    with pytest.raises(QueryError):
        check_query(query)
    assert check_query(query, ["data.example.org"]).has_dataset is False
    check_update("LOAD <https://data.example.org/x.ttl>", ["DATA.example.org"])


def test_prefixed_service_iri_is_resolved_before_the_host_check() -> None:
    query = "PREFIX ex: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE ex:sparql { ?s ?p ?o } }"
    with pytest.raises(QueryError, match="127.0.0.1:9/sparql"):
        check_query(query)


def test_unicode_escaped_keyword_cannot_skip_the_check() -> None:
    query = "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    with pytest.raises(QueryError):
        check_query(query)


def test_from_our_own_graph_is_a_dataset_clause_not_a_refusal() -> None:
    assert check_query(f"SELECT * FROM <{GRAPH.products}> WHERE {{ ?s ?p ?o }}").has_dataset
    assert not check_query("SELECT * WHERE { ?s ?p ?o } # no dataset").has_dataset


def test_words_in_strings_or_variables_only_cost_a_parse() -> None:
    assert not check_query('SELECT ?from WHERE { BIND("service load" AS ?from) }').has_dataset


@pytest.mark.parametrize(
    ("accept", "first"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("application/n-triples, */*;q=0.1", "application/n-triples"),
        ("application/json;q=0.9, text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_acceptable_types_follow_q_values_and_specificity(accept: str, first: str) -> None:
    assert acceptable_types(accept)[0] == first


def test_q_zero_excludes_a_type() -> None:
    types = acceptable_types("*/*, application/sparql-results+json;q=0")
    assert "application/sparql-results+json" not in types
    with pytest.raises(NotAcceptable):
        acceptable_types("application/sparql-results+json;q=0")


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("text/turtle, text/html;q=0.5", False),
        ("*/*", False),
        (None, False),
    ],
)
def test_html_only_for_clients_that_ask_for_it(accept: str | None, html: bool) -> None:
    assert prefers_html(accept) is html
