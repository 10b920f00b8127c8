"""``oos-kg check`` and ``oos-kg export`` as a user runs them: exit codes and output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse
from typer.testing import CliRunner

from oos_kg.cli import app

runner = CliRunner()


@pytest.mark.slow
def test_check_prints_the_papers_counts_and_exits_0() -> None:
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    counts = report["counts"]
    assert counts["products"] == 21
    assert counts["autologous products"] == 13
    assert counts["products with OOS provision through clinical trials"] == 6
    assert counts["Japanese registry IDs"] == 7
    assert counts["US expanded access programs"] == 6
    assert counts["NCT IDs"] == 6
    assert counts["withdrawn approvals"] == 2
    assert counts["evidence studies"] == 6
    assert report["problems"] == []
    assert report["reasoner"] == "consistent"


def test_check_table_shows_every_count_row() -> None:
    result = runner.invoke(app, ["check", "--no-reason"])
    assert result.exit_code == 0, result.output
    for key in ("products", "autologous products", "US expanded access programs", "obligations"):
        assert key in result.output
    assert "SHACL (shapes/kg.ttl): conforms" in result.output


def _copy_tree(root: Path, tmp_path: Path) -> Path:
    for folder in ("ontology", "data", "shapes"):
        shutil.copytree(root / folder, tmp_path / folder)
    return tmp_path


def test_check_names_file_line_and_column_of_a_syntax_error(root: Path, tmp_path: Path) -> None:
    copy = _copy_tree(root, tmp_path)
    path = copy / "data" / "products.ttl"
    path.write_text(
        path.read_text(encoding="utf-8") + "\noosd:broken oos:brandName ;\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["check", "--root", str(copy), "--no-reason"])
    assert result.exit_code == 2
    last_line = len(path.read_text(encoding="utf-8").splitlines())
    assert f"products.ttl:{last_line}:" in result.output
    assert "Traceback" not in result.output


def test_check_exits_1_and_names_the_shape_when_the_graph_is_wrong(
    root: Path, tmp_path: Path
) -> None:
    copy = _copy_tree(root, tmp_path)
    path = copy / "data" / "products.ttl"
    text = path.read_text(encoding="utf-8")
    assert "NCT03601442" in text
    path.write_text(text.replace('"NCT03601442"', '"NCT0360144"'), encoding="utf-8")
    result = runner.invoke(app, ["check", "--root", str(copy), "--no-reason"])
    assert result.exit_code == 1
    assert "KG-13-expanded-access-program" in result.output
    assert "NCT + 8 digits" in result.output


@pytest.mark.parametrize(
    ("fmt", "rdf_format"), [("nquads", RdfFormat.N_QUADS), ("trig", RdfFormat.TRIG)]
)
def test_export_writes_every_named_graph(tmp_path: Path, fmt: str, rdf_format: RdfFormat) -> None:
    out = tmp_path / f"kg.{fmt}"
    result = runner.invoke(app, ["export", "--format", fmt, "--output", str(out)])
    assert result.exit_code == 0, result.output
    graphs = {str(q.graph_name.value) for q in parse(path=str(out), format=rdf_format)}
    assert {g.rsplit("/", 1)[-1] for g in graphs} == {
        "ontology",
        "products",
        "regulations",
        "shapes",
        "inferred",
    }


def test_export_turtle_is_the_union_and_jsonld_keeps_the_graphs(tmp_path: Path) -> None:
    turtle = tmp_path / "kg.ttl"
    assert runner.invoke(app, ["export", "-f", "turtle", "-o", str(turtle)]).exit_code == 0
    triples = list(parse(path=str(turtle), format=RdfFormat.TURTLE))
    assert len(triples) > 1000
    jsonld = tmp_path / "kg.jsonld"
    assert runner.invoke(app, ["export", "-f", "jsonld", "-o", str(jsonld)]).exit_code == 0
    quads = list(parse(path=str(jsonld), format=RdfFormat.JSON_LD))
    assert len({str(q.graph_name.value) for q in quads}) == 5
    assert len({q.triple for q in quads}) == len(set(triples))


def test_export_refuses_an_unknown_format() -> None:
    result = runner.invoke(app, ["export", "--format", "xml"])
    assert result.exit_code == 2
    assert "xml" in result.output
