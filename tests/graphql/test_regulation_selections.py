"""The regulation roots read only what a document selects, and answer the same whatever it
selects: any part of a selection answers what the whole selection answers for that part."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

DIFF_PARTS = {
    "role": "role { code label }",
    "fromCount": "fromCount",
    "toCount": "toCount",
    "fromObligations": "fromObligations { id action clause { label } role { code } }",
    "toObligations": "toObligations { id deadline clause { number } framework { code } }",
}
DIFF_FRAMEWORKS = {"fromFramework": "fromFramework { code }", "toFramework": "toFramework { code }"}


def _project(found: Any, like: Any) -> Any:
    """``found`` cut down to the keys of ``like`` (key -> what below it, ``None``: all)."""
    if like is None:
        return found
    if isinstance(found, list):
        return [_project(item, like) for item in found]
    return {key: _project(found[key], below) for key, below in like.items()}


@pytest.mark.parametrize(
    "arguments",
    [
        "from: JP, to: JP_PROPOSED",
        "from: JP, to: JP_PROPOSED, role: MAH",
        "from: US, to: EU",
        "from: JP_PROPOSED, to: JP, role: MEDICAL_INSTITUTION",
    ],
)
def test_the_framework_diff_answers_each_part_of_a_selection_as_the_whole(
    served: Any, run: Any, arguments: str
) -> None:
    every = " ".join(DIFF_PARTS.values())
    frameworks = " ".join(DIFF_FRAMEWORKS.values())
    whole = run(
        served, f"{{ frameworkDiff({arguments}) {{ roles {{ {every} }} {frameworks} }} }}"
    ).data["frameworkDiff"]
    assert any(r["fromObligations"] and r["toObligations"] for r in whole["roles"])
    source, target = (part.split(": ")[1] for part in arguments.split(", ")[:2])
    listed = "query($r: RoleCode, $j: JurisdictionCode) { obligations(role: $r, jurisdiction: $j)"
    for row in whole["roles"]:  # the whole selection against the obligations root
        for side, code in (("fromObligations", source), ("toObligations", target)):
            fields = DIFF_PARTS[side].split("{", 1)[1].rsplit("}", 1)[0]
            given = {"r": row["role"]["code"], "j": code}
            alone = run(served, f"{listed} {{ {fields} }} }}", given)
            by_id = sorted(alone.data["obligations"], key=lambda o: o["id"])
            assert row[side] == by_id, (side, row["role"]["code"])
    names = list(DIFF_PARTS)
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(names, size):
            for framework in ((), ("fromFramework",), ("toFramework",)):
                roles = f"roles {{ {' '.join(DIFF_PARTS[n] for n in chosen)} }}" if chosen else ""
                extra = " ".join(DIFF_FRAMEWORKS[n] for n in framework)
                if not roles and not extra:
                    continue
                document = f"{{ frameworkDiff({arguments}) {{ {roles} {extra} }} }}"
                part = run(served, document)
                assert part.errors is None, document
                like = dict.fromkeys(framework)
                if chosen:
                    like["roles"] = dict.fromkeys(chosen)
                assert part.data["frameworkDiff"] == _project(whole, like), document
