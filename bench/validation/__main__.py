"""``python -m bench.validation``."""

from __future__ import annotations

from bench.validation import main

raise SystemExit(main())
