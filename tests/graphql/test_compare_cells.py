"""``compareJurisdictions``: when a cell's text is all a document reads of the cells, the text
comes with the cells (compare.rq's ?text) and no cell query follows; the answer is the one the
cell query gives (cell.rq's "text" branch)."""

from __future__ import annotations

from typing import Any

import pytest

CELL_QUERY = "Every field of the Table 2 cells"  # cell.rq's first line


@pytest.mark.parametrize(
    "arguments",
    [
        "",
        "(jurisdictions: [JP, JP_PROPOSED])",
        "(jurisdictions: [US, EU])",
        '(aspects: ["legal", "patients"], jurisdictions: [JP_PROPOSED, US])',
        '(aspects: ["no such aspect"])',
    ],
)
def test_text_read_with_the_cells_is_the_cell_querys(
    counting_loaded: Any, run: Any, arguments: str
) -> None:
    inline = run(
        counting_loaded,
        f"{{ compareJurisdictions{arguments} {{ aspect {{ label }}"
        " cells { jurisdiction text } } }",
    )
    assert inline.errors is None
    assert not any(CELL_QUERY in call for call in counting_loaded.calls)
    counting_loaded.calls.clear()
    loaded = run(
        counting_loaded,
        f"{{ compareJurisdictions{arguments} {{ aspect {{ label }}"
        " cells { jurisdiction text source { id } } } }",
    )
    assert loaded.errors is None
    rows = loaded.data["compareJurisdictions"]
    assert any(CELL_QUERY in call for call in counting_loaded.calls) == any(
        r["cells"] for r in rows
    )
    for row in rows:
        for cell in row["cells"]:
            del cell["source"]
    assert inline.data["compareJurisdictions"] == rows
    if "no such" not in arguments:
        texts = [cell["text"] for row in rows for cell in row["cells"]]
        assert texts and all(texts)
