"""Where the GraphQL layer runs its queries: on the event loop for a store that answers in
process, in a thread for one that does not (a remote server), with the same answers."""

from __future__ import annotations

import threading
from typing import Any

from oos_kg.store.base import Bindings

DOCUMENT = """{ frameworks { code } jurisdictions { code }
  product(name: "Breyanzi") { brandName mah { name } } }"""


class Threads:
    """A store's select, noting the thread of each call; ``answers_in_process`` as given."""

    def __init__(self, store: Any, in_process: bool) -> None:
        self.store = store
        self.answers_in_process = in_process
        self.threads: list[int] = []

    def select(self, query: str, **kwargs: Any) -> list[Bindings]:
        self.threads.append(threading.get_ident())
        result: list[Bindings] = self.store.select(query, **kwargs)
        return result


def test_an_in_process_store_is_asked_on_the_event_loop(run: Any, loaded: Any) -> None:
    store = Threads(loaded, in_process=True)
    result = run(store, DOCUMENT)
    assert result.errors is None
    assert set(store.threads) == {threading.get_ident()}


def test_another_store_is_asked_off_the_event_loop_with_the_same_answers(
    run: Any, loaded: Any
) -> None:
    inline = run(Threads(loaded, in_process=True), DOCUMENT)
    store = Threads(loaded, in_process=False)
    result = run(store, DOCUMENT)
    assert result.errors is None
    assert result.data == inline.data
    assert threading.get_ident() not in store.threads
