"""Tokens: created once and shown once, kept as digests, revoked at once; the CLI by exit code."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oos_kg.cli import app
from oos_kg.errors import InputError
from oos_kg.registry import TokenStore

runner = CliRunner()


def test_the_file_keeps_a_digest_never_the_token(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    token, record = store.add("institution", org="https://example.org/h")
    text = (tmp_path / "tokens.json").read_text()
    assert token not in text and token.split(".", 1)[1] not in text
    assert hashlib.sha256(token.encode()).hexdigest() in text
    assert len(token.split(".", 1)[1]) >= 43  # 32 random bytes, base64url
    assert (tmp_path / "tokens.json").stat().st_mode & 0o077 == 0
    caller = store.authenticate(token)
    assert caller is not None and caller.role == "institution" and caller.token_id == record.id


def test_a_token_with_one_character_changed_is_refused(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    token, _ = store.add("admin")
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert store.authenticate(changed) is None
    assert store.authenticate("") is None


@pytest.mark.parametrize(
    ("role", "options"),
    [
        ("mah", {}),
        ("institution", {}),
        ("authority", {}),
        ("boss", {}),
        ("authority", {"jurisdiction": "mars"}),
        ("mah", {"org": "<bad>"}),
    ],
)
def test_a_token_without_what_its_role_needs_is_refused(
    tmp_path: Path, role: str, options: dict[str, str]
) -> None:
    with pytest.raises(InputError):
        TokenStore(tmp_path / "t.json").add(role, **options)


def test_cli_add_list_revoke(tmp_path: Path) -> None:
    file = str(tmp_path / "tokens.json")
    added = runner.invoke(
        app, ["tokens", "add", "authority", "--jurisdiction", "jp", "--file", file]
    )
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[0]
    token_id = token.split(".", 1)[0]
    listed = runner.invoke(app, ["tokens", "list", "--json", "--file", file])
    assert listed.exit_code == 0
    (row,) = json.loads(listed.stdout)
    assert row["id"] == token_id and row["role"] == "authority" and row["revoked"] is None
    assert token.split(".", 1)[1] not in listed.stdout
    assert runner.invoke(app, ["tokens", "revoke", token_id, "--file", file]).exit_code == 0
    assert TokenStore(Path(file)).authenticate(token) is None
    assert runner.invoke(app, ["tokens", "revoke", token_id, "--file", file]).exit_code == 1


def test_cli_refuses_a_bad_role_with_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tokens", "add", "boss", "--file", str(tmp_path / "t.json")])
    assert result.exit_code == 2
    assert "boss" in result.output
