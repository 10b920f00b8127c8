"""`--help` of every command reads as help for the user, not as the code's docstring."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from oos_kg.cli import app

runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if hasattr(command, "commands"):
            found.extend(_commands(command, (*prefix, name)))
    return found


COMMANDS = _commands(typer.main.get_group(app))


def test_every_command_is_found() -> None:
    assert {("validate",), ("generate-cases",), ("cases", "submit"), ("tokens", "add")} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_no_docstring_sections(command: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    for section in ("Raises:", "Returns:", "Args:", "typer.Exit"):
        assert section not in result.output
