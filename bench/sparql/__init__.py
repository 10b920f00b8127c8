"""SPARQL benchmark: three queries through our ``/sparql`` and through ``oxigraph serve``.

Both servers hold the same export (the paper's graph, plus synthetic cases at 10k and 100k);
each query is measured at 1 and 16 concurrent clients; the ratio ours/oxigraph of p50 latency
is compared with the target of 1.5. ``python -m bench.sparql --help`` lists the options.
"""

from __future__ import annotations

from bench.sparql._run import main

__all__ = ["main"]
