"""Fixtures of the security probes: the real service as a user meets it, and a trap listener.

``service`` runs ``oos-kg serve`` (uvicorn with uvloop and httptools, exactly as deployed) in
its own process on a free loopback port, over an embedded store loaded from the fixture
source tree, with the admin token set and a short query time limit. ``listener`` is a TCP
server on 127.0.0.1 that records every connection: a probe that makes the service contact it
has found an outbound request.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from live_service import Listener, Service, start_service, stop_service
from store_support import make_source_tree


@pytest.fixture(scope="session")
def listener() -> Iterator[Listener]:
    """A loopback TCP listener recording every connection made to it."""
    trap = Listener()
    yield trap
    trap.close()


@pytest.fixture()
def trap(listener: Listener) -> Iterator[Listener]:
    """The listener, emptied before the test; the test asserts it stayed untouched."""
    listener.clear()
    yield listener


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``oos-kg serve`` over an embedded store of the fixture graphs, on loopback."""
    tree = make_source_tree(tmp_path_factory.mktemp("sources"))
    live = start_service(tree, tmp_path_factory.mktemp("store") / "store")
    yield live
    stop_service(live)


@pytest.fixture()
def server(service: Service) -> Iterator[Service]:
    """The service; after the test it must still answer and have logged no traceback."""
    mark = service.log_size()
    yield service
    service.assert_alive()
    assert "Traceback" not in service.log_since(mark), service.log_since(mark)[-3000:]


@pytest.fixture()
def source_tree(tmp_path: Path) -> Path:
    """A fresh copy of the fixture source tree."""
    return make_source_tree(tmp_path / "sources")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every probe here ``integration``: each talks to a real server process."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.integration)
