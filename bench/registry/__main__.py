"""``python -m bench.registry``."""

from __future__ import annotations

from bench.registry import main

raise SystemExit(main())
