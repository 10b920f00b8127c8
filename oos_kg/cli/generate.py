"""``oos-kg generate-cases``: write realistic OOS provision cases with known verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from oos_kg.cli import app
from oos_kg.validation import FRAMEWORKS
from oos_kg.validation._generate import generate_cases


@app.command("generate-cases")
def generate_cases_command(
    n: Annotated[int, typer.Argument(min=1, help="how many cases")],
    out: Annotated[Path, typer.Option("--out", "-o", help="folder to write into")],
    seed: Annotated[int, typer.Option("--seed", "-s", help="random seed")] = 1,
    framework: Annotated[
        list[str] | None, typer.Option("--framework", "-f", help="limit to these frameworks")
    ] = None,
    violating_share: Annotated[
        float, typer.Option("--violating-share", min=0.0, max=1.0, help="share breaking one rule")
    ] = 0.5,
) -> None:
    """Write N cases (deterministic by seed) into OUT/FRAMEWORK/, named after their verdict,
    and OUT/manifest.json listing each file's framework and the one rule it breaks (or null).
    """
    codes = tuple(framework or FRAMEWORKS)
    unknown = [c for c in codes if c not in FRAMEWORKS]
    if unknown:
        typer.echo(f"error: unknown framework(s): {', '.join(unknown)}", err=True)
        raise typer.Exit(2)
    manifest = []
    for case in generate_cases(n, seed, frameworks=codes, violating_share=violating_share):
        folder = out / case.framework
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{case.name}.ttl"
        path.write_text(case.turtle, encoding="utf-8")
        manifest.append(
            {
                "file": str(path.relative_to(out)),
                "framework": case.framework,
                "rule": case.expected_rule,
            }
        )
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    conforming = sum(1 for m in manifest if m["rule"] is None)
    typer.echo(f"wrote {len(manifest)} cases ({conforming} conforming) to {out}")
