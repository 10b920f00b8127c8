"""Settings read once from ``OOS_KG_*`` environment variables (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Every setting of the service and the CLI; CLI flags override them.

    Raises:
        pydantic.ValidationError: on a value of the wrong type or an unsafe combination.
    """

    model_config = SettingsConfigDict(env_prefix="OOS_KG_", extra="ignore", frozen=True)

    store: Literal["embedded", "memory", "remote"] = "embedded"
    store_path: Path = Path("var/store")

    remote_query_url: str | None = None
    remote_update_url: str | None = None
    remote_store_url: str | None = None
    remote_user: str | None = None
    remote_password: str | None = None
    remote_token: str | None = None
    remote_timeout_s: float = Field(default=30.0, gt=0)
    remote_engine: Literal["generic", "oxigraph", "virtuoso"] = "generic"
    remote_auth: Literal["basic", "digest"] = "basic"
    remote_max_rows: int | None = Field(default=None, gt=0)
    remote_max_answer_bytes: int = Field(default=64 * 1024 * 1024, gt=0)

    registry_path: Path | None = None
    """The case registry's own store (embedded and memory stores); ``registry`` beside
    ``store_path`` when unset. A remote store keeps the cases on its server."""
    tokens_path: Path | None = None
    """The registry's bearer tokens (hashed); ``tokens.json`` beside ``store_path`` when unset."""
    registry_workers: int = Field(default=2, ge=0, le=64)
    """Processes that parse and validate submitted cases beside the server (one per core
    keeps every core busy); 0 does it in the server's own threads."""

    admin_token: str | None = None
    allowed_hosts: tuple[str, ...] = ()

    query_timeout_s: float = Field(default=10.0, gt=0)
    query_workers: int = Field(default=2, ge=1, le=64)
    resource_root: Path | None = None
    query_body_limit: int = Field(default=1_000_000, gt=0)
    update_body_limit: int = Field(default=1_000_000, gt=0)
    validate_body_limit: int = Field(default=5_000_000, gt=0)
    graphql_body_limit: int = Field(default=100_000, gt=0)
    graphql_max_depth: int = Field(default=10, gt=0)
    graphql_max_aliases: int = Field(default=30, ge=0)
    graphql_max_tokens: int = Field(default=2_000, gt=0)
    graphql_max_batch: int = Field(default=10, gt=0)
    graphql_max_page_size: int = Field(default=100, gt=0)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)

    @model_validator(mode="after")
    def _check_combinations(self) -> Settings:
        if self.store == "remote" and not self.remote_query_url:
            raise ValueError("store=remote needs OOS_KG_REMOTE_QUERY_URL")
        if self.remote_token and (self.remote_user or self.remote_password):
            raise ValueError("give either a bearer token or basic auth for the remote store")
        if self.admin_token is not None and 0 < len(self.admin_token) < 16:
            raise ValueError("OOS_KG_ADMIN_TOKEN must be empty (updates off) or 16+ chars")
        return self

    @property
    def registry_dir(self) -> Path:
        """Where the embedded case registry lives."""
        return self.registry_path or self.store_path.parent / "registry"

    @property
    def tokens_file(self) -> Path:
        """Where the registry's token digests live."""
        return self.tokens_path or self.store_path.parent / "tokens.json"

    @property
    def updates_enabled(self) -> bool:
        """Whether ``/sparql/update`` accepts anything at all."""
        return bool(self.admin_token)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read from the environment once."""
    return Settings()
