"""The public API other parts build on (the case registry): names exported, the signature of
CaseValidator.validate and the fields of ObligationStatus, kept stable."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime

import pytest

import oos_kg.validation as validation
from oos_kg.validation import CaseReport, CaseValidator, ObligationStatus


def _isort_key(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_every_name_exists() -> None:
    assert validation.__all__ == sorted(validation.__all__, key=_isort_key)
    for name in validation.__all__:
        assert hasattr(validation, name), name
    assert {"CaseValidator", "CaseReport", "ObligationStatus"} <= set(validation.__all__)


def test_validate_takes_as_of_by_keyword_only() -> None:
    parameters = inspect.signature(CaseValidator.validate).parameters
    assert list(parameters) == ["self", "case", "framework", "as_of"]
    assert parameters["as_of"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["as_of"].default is None


def test_obligation_status_is_a_frozen_record_of_the_agreed_fields() -> None:
    fields = {f.name: f.type for f in dataclasses.fields(ObligationStatus)}
    assert fields == {
        "obligation": "str",
        "label": "str",
        "clause": "str | None",
        "bearer": "str",
        "status": "Status",
        "due": "datetime | None",
    }
    status = ObligationStatus("o", "l", None, "b", "pending", datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.status = "overdue"  # type: ignore[misc]
    assert "obligations" in {f.name for f in dataclasses.fields(CaseReport)}
