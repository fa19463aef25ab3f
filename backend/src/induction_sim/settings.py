"""All configuration in one place: environment variables and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from induction_sim.machine.recipe import DEFAULT_RECIPE

# The monorepo root when running from a source checkout (backend/src/induction_sim/ → ../../..).
REPO_ROOT = Path(__file__).resolve().parents[3]

_ASYNC_SCHEME = "postgresql+asyncpg"
_ACCEPTED_SCHEMES = ("postgresql", "postgres", _ASYNC_SCHEME)
MIN_TOKEN_CHARS = 16


class Settings(BaseSettings):
    """Runtime settings. Names read as environment variables (`SIM_` prefix unless noted)."""

    model_config = SettingsConfigDict(
        env_prefix="SIM_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: Annotated[
        str | None,
        Field(
            default=None,
            validation_alias=AliasChoices("DATABASE_URL", "SIM_DATABASE_URL"),
            description="External PostgreSQL ≥ 15; unset → embedded PostgreSQL under data_dir.",
        ),
    ]
    data_dir: Path = Field(
        default=Path(".data"), description="Where the embedded PostgreSQL keeps its files."
    )
    host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("HOST", "SIM_HOST"))
    port: int = Field(
        default=8000,
        ge=0,
        le=65535,
        validation_alias=AliasChoices("PORT", "SIM_PORT"),
        description="0 picks a free port (printed at start-up).",
    )
    frontend_dist: Path = Field(
        default=REPO_ROOT / "frontend" / "dist",
        description="Built dashboard served at /; built by `make run`.",
    )
    db_pool_size: int = Field(default=10, ge=1, le=100)
    live: bool = Field(default=True, description="run the live machine while serving")
    live_recipe: str = Field(default=DEFAULT_RECIPE, description="recipe of the live machine")
    live_speed: float = Field(default=1.0, gt=0.0, le=100.0, description="samples per second")
    live_autostart: bool = Field(default=True, description="start producing parts at once")
    operator_token: str | None = Field(
        default=None, description="required for changes when set; required beyond loopback"
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names served besides localhost, 127.0.0.1, ::1 and HOST "
        "(comma-separated; '*.example.com' a domain, '*' any)",
    )
    max_body_bytes: int = Field(default=1_000_000, ge=1_000)
    body_timeout_s: float = Field(
        default=15.0, gt=0.0, le=600.0, description="a request head or body slower than this: 408"
    )
    max_stream_subscribers: int = Field(default=100, ge=1)
    max_concurrent_jobs: int = Field(default=2, ge=1, description="more jobs wait, queued")
    max_queued_jobs: int = Field(
        default=50, ge=0, le=10_000, description="jobs waiting beyond that get 429 + Retry-After"
    )
    factory_workers: int = Field(default=2, ge=1, le=32, description="data-factory processes")
    max_rows_per_job: int = Field(default=20_000_000, ge=1, description="largest job accepted")

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str | None) -> str | None:
        """Accept postgresql:// and postgresql+asyncpg:// and always use the asyncpg driver."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in _ACCEPTED_SCHEMES or not rest:
            raise ValueError(
                f"must look like postgresql+asyncpg://user@host:5432/dbname (got scheme {scheme!r})"
            )
        return f"{_ASYNC_SCHEME}://{rest}"

    @field_validator("operator_token")
    @classmethod
    def _check_operator_token(cls, value: str | None) -> str | None:
        """Refuse a token that guards nothing (empty, short) or that no client can send."""
        if value is None:
            return None
        if not value.strip():
            raise ValueError("empty or only spaces; unset it, or use at least 16 characters")
        if value != value.strip():
            raise ValueError("starts or ends with whitespace, which clients strip")
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError("contains a control character, which HTTP headers cannot carry")
        if len(value) < MIN_TOKEN_CHARS:
            raise ValueError(
                f"too short ({len(value)} characters; at least {MIN_TOKEN_CHARS}), e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe())'"
            )
        return value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        """SIM_ALLOWED_HOSTS=a.example,b.example → ['a.example', 'b.example']."""
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value
