"""``/health`` (the process answers) and ``/ready`` (the store is loaded and reachable)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from oos_kg.routes.deps import StoreDep

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process is up and answering."""
    return {"status": "ok"}


@router.get(
    "/ready",
    responses={503: {"description": "store not loaded or unreachable; the message says why"}},
)
async def ready(store: StoreDep) -> dict[str, str]:
    """Readiness: the store is loaded and answers (503 with the reason otherwise).

    Raises:
        StoreUnavailable: the store is empty or unreachable (503).
    """
    await run_in_threadpool(store.ping)
    return {"status": "ready"}
