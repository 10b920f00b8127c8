"""Benchmarks of oos-kg: SPARQL against ``oxigraph serve``, a mixed load test, and the others.

``python -m bench`` (``make bench``) runs every benchmark package found under ``bench/`` and
rewrites the table of figures in ``bench/README.md``; see that file for the commands.
"""

from __future__ import annotations

__all__: list[str] = []
