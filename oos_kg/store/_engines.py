"""What the remote store needs to know about each SPARQL engine it has been tested against.

``generic`` asks nothing of the server beyond the SPARQL 1.1 Protocol; the others add what that
engine offers or needs (docs/deploy.md says why, engine by engine).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ENGINES", "Engine"]


@dataclass(frozen=True, slots=True)
class Engine:
    """One SPARQL engine's ways.

    Attributes:
        name: as ``OOS_KG_REMOTE_ENGINE`` spells it.
        timeout_param: the query parameter that gives a query its time limit, if any.
        timeout_scale: what one second is in that parameter's unit (1000: milliseconds).
        default_max_rows: the cap the engine puts on a result by default, if any: an answer
            that reaches it may have been cut.
        loads_by_graph_store: load graphs with one Graph Store Protocol ``PUT`` each even when
            an update endpoint is set (the engine cannot take a graph in one update request).
        rewrites_queries: the engine needs a query rewritten to answer it as the protocol
            says: it adds the protocol's ``default-graph-uri`` and ``named-graph-uri`` to the
            query's FROM and FROM NAMED instead of replacing them, reads every graph where the
            protocol names none of a kind, and refuses a second BASE.
    """

    name: str
    timeout_param: str | None = None
    timeout_scale: float = 1.0
    default_max_rows: int | None = None
    loads_by_graph_store: bool = False
    rewrites_queries: bool = False

    def timeout_value(self, seconds: float) -> str | None:
        """The time limit as the engine's parameter takes it, or None when it takes none.

        >>> ENGINES["virtuoso"].timeout_value(2.5)
        '2500'
        >>> ENGINES["oxigraph"].timeout_value(2.5) is None
        True
        """
        if self.timeout_param is None:
            return None
        return str(max(1, round(seconds * self.timeout_scale)))


ENGINES = {
    engine.name: engine
    for engine in (
        Engine("generic"),
        Engine("oxigraph"),  # its limit is the server's own --timeout-s
        Engine(
            "virtuoso",
            timeout_param="timeout",
            timeout_scale=1000.0,
            default_max_rows=10_000,  # virtuoso.ini [SPARQL] ResultSetMaxRows
            loads_by_graph_store=True,  # its SPARQL parser runs out of memory on big INSERT DATA
            rewrites_queries=True,
        ),
    )
}
"""The engines ``OOS_KG_REMOTE_ENGINE`` may name."""
