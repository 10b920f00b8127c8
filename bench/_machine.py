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
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def machine_label(info: dict[str, object] | None = None) -> str:
    """Return a short label for a table cell.

    For example ``2 CPU, 23.4 GiB, Intel(R) Xeon(R) Processor; load 1.2``: the load average
    over the last 15 minutes when the results were written says how busy the machine was.
    """
    info = info or machine_info()
    load = info.get("load_average_1_5_15")
    busy = f"; load {load[2]:g}" if isinstance(load, list) and len(load) == 3 else ""
    return f"{info['nproc']} CPU, {info['ram_gib']} GiB, {info['cpu_model']}{busy}"
