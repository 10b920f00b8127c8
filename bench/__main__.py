"""``python -m bench`` (``make bench``): run every benchmark package under ``bench/``.

A benchmark is a folder ``bench/<name>/`` with an ``__init__.py`` and either a
``__main__.py`` or a ``main(argv)`` function; each runs in its own process, so one failing
does not stop the others. ``--quick`` is passed on to those whose ``--help`` mentions it.
Each benchmark writes ``bench/results/<name>.json`` and its rows of the README table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["discover", "main"]

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
LAST = ("load",)
"""Run after the others: the load test keeps every core busy for a minute."""


def discover(bench_dir: Path = BENCH_DIR) -> list[str]:
    """Return the names of the benchmark packages, in the order they run.

    >>> "sparql" in discover()
    True

    Raises:
        OSError: the folder cannot be listed.
    """
    names = []
    for init in sorted(bench_dir.glob("*/__init__.py")):
        package = init.parent
        if package.name.startswith(("_", ".")) or package.name == "results":
            continue
        has_main = (package / "__main__.py").is_file() or "def main(" in init.read_text(
            encoding="utf-8"
        )
        if has_main or "import main" in init.read_text(encoding="utf-8"):
            names.append(package.name)
    return sorted(names, key=lambda name: (name in LAST, name))


def _command(name: str) -> list[str]:
    if (BENCH_DIR / name / "__main__.py").is_file():
        return [sys.executable, "-m", f"bench.{name}"]
    code = f"import sys; from bench.{name} import main; raise SystemExit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code]


def _takes_quick(command: list[str]) -> bool:
    done = subprocess.run(
        [*command, "--help"], capture_output=True, text=True, cwd=ROOT, check=False, timeout=120
    )
    return "--quick" in done.stdout


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; return 0 when all succeeded (targets met), else 1.

    Raises:
        SystemExit: on bad arguments.
    """
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs, smaller sizes")
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args(argv)
    names = discover()
    if args.only:
        wanted = args.only.split(",")
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            parser.error(f"unknown benchmark(s) {unknown}; found {names}")
        names = [n for n in names if n in wanted]
    if args.list:
        sys.stdout.write("\n".join(names) + "\n")
        return 0
    outcomes = []
    for name in names:
        command = _command(name)
        if args.quick and _takes_quick(command):
            command.append("--quick")
        sys.stdout.write(f"== bench.{name}: {' '.join(command[1:])}\n")
        sys.stdout.flush()
        start = time.monotonic()
        code = subprocess.run(command, cwd=ROOT, check=False).returncode
        outcomes.append((name, code, time.monotonic() - start))
    sys.stdout.write("\n".join(f"{n}: exit {c} in {s:.0f} s" for n, c, s in outcomes) + "\n")
    return 0 if all(code == 0 for _, code, _ in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
