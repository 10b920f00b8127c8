"""Pages benchmark: each human page's p50 on the paper's graph, on one real ``oos-kg serve``,
against ``GET /health`` in the same run (target: p50 at most 100 ms)."""

from __future__ import annotations

__all__: list[str] = []
