"""Load test: 50 clients mixing SPARQL, GraphQL and validation on one real server for 60 s.

Throughput and p50/p99 per endpoint; any 5xx or unanswered request fails the run.
``--smoke`` (10 s) is what ``tests/bench/test_load_smoke.py`` runs in ``make test``.
Endpoints the server does not serve yet (404/405) are left out with a note.
"""

from __future__ import annotations

from bench.load._run import main

__all__ = ["main"]
