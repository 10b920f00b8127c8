"""Helpers for the case-validation tests: example files, their expected verdicts, an app client."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from oos_kg.app import create_app
from oos_kg.settings import Settings
from oos_kg.store import open_store
from oos_kg.validation import CaseValidator, rules_of

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "cases"
EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.ttl"))
_FRAMEWORK_LINE = re.compile(r"^# framework: (\S+)$", re.MULTILINE)
_AS_OF_LINE = re.compile(r"^# as-of: (\S+)$", re.MULTILINE)


def expected_of(path: Path) -> tuple[str, set[str]]:
    """Return the framework a case is checked under and the rules it must fire (by name):
    ``violates-<rule>`` fires the rule, ``pending-<rule>`` its pending twin
    ``<rule>-pending`` (an Info: the case still conforms), ``conforms`` none."""
    match = _FRAMEWORK_LINE.search(path.read_text(encoding="utf-8"))
    framework = match.group(1) if match else path.parent.name
    if path.stem.startswith("conforms"):
        return framework, set()
    if path.stem.startswith("pending-"):
        return framework, {path.stem.removeprefix("pending-") + "-pending"}
    assert path.stem.startswith("violates-"), path
    return framework, {path.stem.removeprefix("violates-")}


def conforms_expected(path: Path) -> bool:
    """Whether the example must conform: only a Violation makes a case non-conforming (by
    default; a rule of severity Warning or Info leaves it conforming)."""
    framework, rules = expected_of(path)
    by_id = {rule.rule_id: rule for rule in rules_of(framework).values()}
    return not any(by_id[rule].severity == "Violation" for rule in rules if rule in by_id)


def as_of_of(path: Path) -> datetime | None:
    """The time an example is judged at (its ``# as-of:`` line), None for now."""
    match = _AS_OF_LINE.search(path.read_text(encoding="utf-8"))
    return datetime.fromisoformat(match.group(1)) if match else None


class Client:
    """A synchronous facade over httpx's ASGI transport."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.post(url, **kwargs)

        return asyncio.run(send())


def make_client(validator: CaseValidator, **settings: Any) -> Client:
    """The whole app (error handlers, body limits) with ``validator`` in place."""
    the_settings = Settings(store="memory", **settings)
    app = create_app(the_settings, store=open_store(the_settings))
    app.state.case_validator = validator
    return Client(app)
