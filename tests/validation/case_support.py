"""Helpers for the case-validation tests: example files, their expected verdicts, an app client."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from oos_kg.app import create_app
from oos_kg.settings import Settings
from oos_kg.store import open_store
from oos_kg.validation import CaseValidator

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "cases"
EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.ttl"))
_FRAMEWORK_LINE = re.compile(r"^# framework: (\S+)$", re.MULTILINE)


def expected_of(path: Path) -> tuple[str, set[str]]:
    """Return the framework a case is checked under and the rules it must fire (by name)."""
    match = _FRAMEWORK_LINE.search(path.read_text(encoding="utf-8"))
    framework = match.group(1) if match else path.parent.name
    if path.stem.startswith("conforms"):
        return framework, set()
    assert path.stem.startswith("violates-"), path
    return framework, {path.stem.removeprefix("violates-")}


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
