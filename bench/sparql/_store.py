"""Store chores the SPARQL benchmark runs in a child process (a RocksDB store has one owner).

python -m bench.sparql._store load-files STORE        # the Turtle sources, no inference
python -m bench.sparql._store add-cases STORE CASES.nq   # then compacts, as our loader does
python -m bench.sparql._store dump STORE EXPORT.nq
python -m bench.sparql._store count STORE
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

__all__ = ["main"]


def _db(store_dir: Path) -> str:
    """Return the pyoxigraph directory of a store: the published version of an ``oos-kg``
    store (``<store>/current/db``, see ``oos_kg.store._versions``), else the folder itself."""
    published = store_dir / "current" / "db"
    return str(published if published.is_dir() else store_dir)


def _load_files(store_dir: Path) -> None:
    from oos_kg.namespaces import GRAPH
    from oos_kg.resources import graph_sources

    store = Store(str(store_dir))
    for source in graph_sources():
        graph = NamedNode(str(GRAPH[source.name]))
        for path in (p for p in source.files if p.is_file()):
            store.bulk_load(path=str(path), format=RdfFormat.TURTLE, to_graph=graph)
    store.flush()


def main(argv: list[str] | None = None) -> int:
    """Run one chore on an on-disk pyoxigraph store.

    Raises:
        SystemExit: on bad arguments. OSError: store or file unreadable.
    """
    parser = argparse.ArgumentParser(prog="python -m bench.sparql._store")
    sub = parser.add_subparsers(dest="chore", required=True)
    sub.add_parser("load-files").add_argument("store", type=Path)
    add = sub.add_parser("add-cases")
    add.add_argument("store", type=Path)
    add.add_argument("cases", type=Path)
    dump = sub.add_parser("dump")
    dump.add_argument("store", type=Path)
    dump.add_argument("export", type=Path)
    sub.add_parser("count").add_argument("store", type=Path)
    args = parser.parse_args(argv)

    if args.chore == "load-files":
        _load_files(args.store)
    elif args.chore == "add-cases":
        store = Store(_db(args.store))
        store.bulk_load(path=str(args.cases), format=RdfFormat.N_QUADS)
        store.flush()
        store.optimize()  # as EmbeddedStore.replace_graphs does before it publishes a version
    elif args.chore == "dump":
        Store.read_only(_db(args.store)).dump(output=str(args.export), format=RdfFormat.N_QUADS)
    else:
        sys.stdout.write(f"{len(Store.read_only(_db(args.store)))}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
