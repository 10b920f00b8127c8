"""Fixtures for case validation: a validator over the repository's files and an app client."""

from __future__ import annotations

import pytest
from case_support import ROOT, Client, make_client

from oos_kg.validation import CaseValidator


@pytest.fixture(scope="session")
def validator() -> CaseValidator:
    """A validator with the facts of the repository's data files."""
    return CaseValidator.from_files(ROOT)


@pytest.fixture(scope="session")
def client(validator: CaseValidator) -> Client:
    """An HTTP client of the app."""
    return make_client(validator)
