"""``python -m bench.load``."""

from __future__ import annotations

from bench.load import main

raise SystemExit(main())
