"""What machine a figure was measured on: CPUs, memory, CPU model, tool versions."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

__all__ = ["machine_info", "machine_label"]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, object]:
    """Return the facts about this machine and the measured software, JSON-ready."""
    return {
        "nproc": os.cpu_count() or 0,
        "ram_gib": _ram_gib(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "pyoxigraph": _version("pyoxigraph"),
        "oxigraph": _version("oxigraph"),
        "uvicorn": _version("uvicorn"),
    }


def machine_label(info: dict[str, object] | None = None) -> str:
    """Return a short label for a table cell, e.g. ``2 CPU, 23.4 GiB, Intel(R) Xeon(R)``."""
    info = info or machine_info()
    return f"{info['nproc']} CPU, {info['ram_gib']} GiB, {info['cpu_model']}"
