"""The error hierarchy: statuses, exit codes and messages users see."""

from __future__ import annotations

import pytest

from oos_kg import errors


def test_syntax_error_names_file_line_and_column() -> None:
    err = errors.RdfSyntaxError("expected '.'", source="products.ttl", line=412, column=17)
    assert str(err) == "products.ttl:412:17: expected '.'"
    assert err.to_json() == {
        "error": {"code": "rdf_syntax_error", "message": "products.ttl:412:17: expected '.'"}
    }


@pytest.mark.parametrize(
    ("cls", "status", "exit_code"),
    [
        (errors.QueryError, 400, 2),
        (errors.UnsupportedMediaType, 415, 2),
        (errors.NotAcceptable, 406, 2),
        (errors.PayloadTooLarge, 413, 2),
        (errors.QueryTimeout, 503, 1),
        (errors.StoreUnavailable, 503, 1),
    ],
)
def test_each_error_has_its_status_and_exit_code(
    cls: type[errors.OosKgError], status: int, exit_code: int
) -> None:
    assert issubclass(cls, errors.OosKgError)
    assert (cls.status, cls.exit_code) == (status, exit_code)


def test_package_all_is_sorted_and_importable() -> None:
    import oos_kg

    assert oos_kg.__all__ == sorted(oos_kg.__all__)
    for name in oos_kg.__all__:
        assert hasattr(oos_kg, name)
