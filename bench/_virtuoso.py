"""Debian's Virtuoso as a user process: its ini for a throw-away database on loopback ports.

Shared by the remote-store benchmark (``bench/remote``) and the tests' Virtuoso fixture
(``tests/store_support.py``), so both run the server set up the same way.
"""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["VIRTUOSO", "write_ini"]

VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
"""The server binary of Debian's ``virtuoso-opensource`` (``make virtuoso`` installs it)."""

_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 0
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
DirsAllowed = {dir}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 300
"""


def write_ini(
    folder: Path, *, http_port: int, sql_port: int, max_rows: int, buffers: int = 10_000
) -> Path:
    """Write ``folder/virtuoso.ini`` for a new database in ``folder``; return its path.

    Args:
        folder: the database's folder (created when missing).
        http_port, sql_port: loopback ports for the HTTP (SPARQL) and SQL listeners.
        max_rows: ResultSetMaxRows, the cap of a SPARQL result (Virtuoso's default: 10,000).
        buffers: NumberOfBuffers, 8 kB pages of cache (10,000: about 80 MB).

    Raises:
        OSError: the file cannot be written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(
        _INI.format(
            dir=folder,
            sql_port=sql_port,
            http_port=http_port,
            max_rows=max_rows,
            buffers=buffers,
            dirty=buffers * 3 // 5,
        ),
        encoding="utf-8",
    )
    return ini
