"""``oos-kg validate`` and ``oos-kg generate-cases``: exit codes, output, formats."""

from __future__ import annotations

import json
from pathlib import Path

from case_support import EXAMPLES
from rdflib import Graph
from rdflib.namespace import RDF, SH
from typer.testing import CliRunner

from oos_kg.cli import app as cli

EU_OK = EXAMPLES / "eu" / "conforms.ttl"
EU_48H = EXAMPLES / "eu" / "violates-EU-03-report-within-48h.ttl"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_conforming_case_exits_0() -> None:
    code, out, _ = run("validate", str(EU_OK), "--framework", "eu")
    assert code == 0
    assert "conforms (eu)" in out


def test_violation_text_block_names_focus_message_and_clause() -> None:
    code, out, _ = run("validate", str(EU_48H), "-f", "eu")
    assert code == 1
    assert "Violation: EU-03-report-within-48h" in out
    assert "focus:   https://example.org/oos-cases/" in out
    assert "(48 h after supply)" in out
    assert "clause:" in out and "clause-ema-cat-224381-2019-notification" in out


def test_messages_in_japanese() -> None:
    code, out, _ = run("validate", str(EU_48H), "-f", "eu", "--lang", "ja")
    assert code == 1
    assert "供給後48時間" in out


def test_same_case_under_another_framework_gets_that_frameworks_verdict() -> None:
    code, out, _ = run("validate", str(EU_OK), "-f", "pics", "--format", "json")
    assert code == 1
    rules = {r["rule"] for f in json.loads(out)["files"] for r in f["results"]}
    assert rules and all(r.startswith("PICS-") for r in rules)


def test_bad_input_exits_2_with_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n")
    code, _, err = run("validate", str(bad), "-f", "eu")
    assert code == 2
    assert f"{bad}:1:" in err


def test_bad_input_wins_over_violations_and_others_still_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("not turtle")
    code, out, _ = run("validate", str(EU_48H), str(bad), "-f", "eu", "--format", "json")
    assert code == 2
    files = json.loads(out)["files"]
    assert files[0]["results"][0]["rule"] == "EU-03-report-within-48h"
    assert files[1]["error"]["code"] == "rdf_syntax_error"


def test_unknown_extension_needs_input_format(tmp_path: Path) -> None:
    case = tmp_path / "case.txt"
    case.write_bytes(EU_OK.read_bytes())
    assert run("validate", str(case), "-f", "eu")[0] == 2
    assert run("validate", str(case), "-f", "eu", "--input-format", "turtle")[0] == 0


def test_directory_gives_a_summary_table() -> None:
    code, out, _ = run("validate", str(EXAMPLES / "eu"), "-f", "eu")
    assert code == 1
    assert "validation summary" in out
    assert "EU-04-acceptance-documented" in out


def test_turtle_output_is_the_shacl_report() -> None:
    code, out, _ = run("validate", str(EU_48H), "-f", "eu", "--format", "turtle")
    assert code == 1
    report = Graph().parse(data=out, format="turtle")
    assert len(list(report.subjects(RDF.type, SH.ValidationReport))) == 1
    assert len(list(report.subjects(RDF.type, SH.ValidationResult))) == 1


def test_jsonld_and_ntriples_cases_get_the_same_verdict(tmp_path: Path) -> None:
    graph = Graph().parse(EU_48H)
    for name, fmt in (("case.jsonld", "json-ld"), ("case.nt", "nt"), ("case.rdf", "xml")):
        path = tmp_path / name
        path.write_bytes(graph.serialize(format=fmt, encoding="utf-8"))
        code, out, _ = run("validate", str(path), "-f", "eu", "--format", "json")
        assert code == 1, name
        assert [r["rule"] for r in json.loads(out)["files"][0]["results"]] == [
            "EU-03-report-within-48h"
        ]


def test_unknown_framework_is_refused() -> None:
    assert run("validate", str(EU_OK), "-f", "mars")[0] == 2


def test_generate_cases_is_deterministic_and_its_manifest_holds(tmp_path: Path) -> None:
    for out in ("a", "b"):
        code, text, _ = run("generate-cases", "25", "--seed", "7", "--out", str(tmp_path / out))
        assert code == 0, text
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert len(manifest) == 25
    for entry in manifest:
        a = (tmp_path / "a" / entry["file"]).read_bytes()
        assert a == (tmp_path / "b" / entry["file"]).read_bytes()
    by_framework: dict[str, list[dict[str, str | None]]] = {}
    for entry in manifest:
        by_framework.setdefault(str(entry["framework"]), []).append(entry)
    for framework, entries in by_framework.items():
        code, out, _ = run(
            "validate", str(tmp_path / "a" / framework), "-f", framework, "--format", "json"
        )
        verdicts = {
            Path(f["file"]).name: {r["rule"] for r in f["results"]}
            for f in json.loads(out)["files"]
        }
        for entry in entries:
            expected = {entry["rule"]} if entry["rule"] else set()
            assert verdicts[Path(str(entry["file"])).name] == expected, entry


def test_notified_items_can_come_from_a_facts_file(tmp_path: Path) -> None:
    case = (EXAMPLES / "jp-proposed" / "conforms.ttl").read_text()
    start = case.index("case:providable-items\n")
    end = case.index("\n\n", start)
    notification = case[start:end]
    prefixes = "".join(line + "\n" for line in case.splitlines() if line.startswith("@prefix"))
    without = tmp_path / "case.ttl"
    without.write_text(case[:start] + case[end + 2 :])
    facts = tmp_path / "notified.ttl"
    facts.write_text(prefixes + "\n" + notification + "\n")
    code, out, _ = run("validate", str(without), "-f", "jp-proposed", "--format", "json")
    assert code == 1
    assert {r["rule"] for r in json.loads(out)["files"][0]["results"]} == {
        "JPP-02-failed-item-notified"
    }
    code, _, _ = run("validate", str(without), "-f", "jp-proposed", "--facts", str(facts))
    assert code == 0


def test_many_files_in_worker_processes_keep_their_order_and_verdicts(tmp_path: Path) -> None:
    """From 100 files on, the files go to worker processes (one validator each)."""
    from oos_kg.validation._generate import generate_cases

    cases = list(generate_cases(240, seed=11, frameworks=("eu",)))
    for case in cases:
        (tmp_path / f"{case.name}.ttl").write_text(case.turtle)
    bad = tmp_path / "eu-9-zzz-bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n")
    code, out, _ = run("validate", str(tmp_path), "-f", "eu", "--format", "json", "-j", "2")
    assert code == 2
    files = json.loads(out)["files"]
    assert [Path(f["file"]).name for f in files] == sorted(p.name for p in tmp_path.iterdir())
    assert files[-1]["error"]["code"] == "rdf_syntax_error"
    fired = {Path(f["file"]).stem: {r["rule"] for r in f.get("results", [])} for f in files}
    for case in cases:
        assert fired[case.name] == ({case.expected_rule} if case.expected_rule else set())


def test_text_output_is_the_same_from_workers_as_in_one_process(tmp_path: Path) -> None:
    """Workers render each file's block where they validate it: the text, its order and the
    summary are those of a run in one process."""
    from oos_kg.validation._generate import generate_cases

    for case in generate_cases(110, seed=5, frameworks=("pics",)):
        (tmp_path / f"{case.name}.ttl").write_text(case.turtle)
    as_of = ("--as-of", "2026-01-01T00:00:00Z")
    one = run("validate", str(tmp_path), "-f", "pics", *as_of, "-j", "1")
    two = run("validate", str(tmp_path), "-f", "pics", *as_of, "-j", "2")
    assert one == two
    code, out, _ = one
    assert code == 1
    assert ": does not conform (pics)" in out and ": conforms (pics)" in out
    assert out.index("pics-5-000000") < out.index("pics-5-000109") < out.index("summary")


def test_a_case_oxigraph_refuses_is_bad_input_among_many(tmp_path: Path) -> None:
    """rdflib keeps an unqualified RDF/XML attribute as a relative IRI, which Oxigraph refuses:
    that file is bad input (exit 2), the others in the same batch are still validated."""
    (tmp_path / "a.ttl").write_bytes(EU_48H.read_bytes())
    (tmp_path / "b.rdf").write_text(
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="urn:x:">'
        '<rdf:Description rdf:about="urn:x:case"><x:p><x:q href="v"/></x:p>'
        "</rdf:Description></rdf:RDF>"
    )
    (tmp_path / "c.ttl").write_bytes(EU_OK.read_bytes())
    code, out, _ = run("validate", str(tmp_path), "-f", "eu", "--format", "json")
    assert code == 2
    files = json.loads(out)["files"]
    assert [Path(f["file"]).name for f in files] == ["a.ttl", "b.rdf", "c.ttl"]
    assert files[0]["results"][0]["rule"] == "EU-03-report-within-48h"
    assert "not a valid RDF term" in files[1]["error"]["message"]
    assert files[2]["conforms"] is True
