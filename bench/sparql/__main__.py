"""``python -m bench.sparql``."""

from __future__ import annotations

from bench.sparql import main

raise SystemExit(main())
