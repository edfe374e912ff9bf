"""Process settings: where Asterisk, the database and our files are, read from the environment.

Every variable carries the `TELEPHONY_` prefix and may also come from a `.env` file in the working
directory. The call center itself (DIDs, menus, queues) lives in the YAML file named by `config_file`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from telephony.crm.numbers import is_valid_region
from telephony.errors import SettingsError

ENV_PREFIX = "TELEPHONY_"


def default_migrations_dir() -> Path:
    """The source tree's migrations/, or, installed from the wheel, <prefix>/share/telephony/migrations."""
    source = Path(__file__).resolve().parent.parent / "migrations"
    installed = Path(sys.prefix) / "share" / "telephony" / "migrations"
    return source if source.is_dir() or not installed.is_dir() else installed


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    ami_host: str = "127.0.0.1"
    ami_port: int = Field(5038, ge=1, le=65535)
    ami_user: str = Field(min_length=1)
    ami_secret: SecretStr

    ari_url: str = "http://127.0.0.1:8088/ari"
    ari_user: str = Field(min_length=1)
    ari_password: SecretStr
    ari_app: str = Field("telephony", pattern=r"^[A-Za-z0-9_.-]{1,64}$")

    database_dsn: SecretStr | None = Field(
        None, description="PostgreSQL DSN; when unset an embedded PostgreSQL runs in database_dir"
    )
    database_dir: Path = Path("var/pgdata")
    database_name: str = Field("telephony", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")

    http_host: str = "127.0.0.1"
    http_port: int = Field(8080, ge=0, le=65535)

    config_file: Path = Path("callcenter.yaml")
    recordings_dir: Path = Path("var/recordings")
    recording_format: str = Field("wav", pattern=r"^(wav|wav16|gsm|ulaw|alaw|g722|sln|sln16)$",
                                  description="a format Asterisk writes natively")
    recordings_retention_days: float = Field(
        365, gt=0, description="age (days) past which `telephony recordings prune` removes recordings")
    migrations_dir: Path = Field(default_factory=default_migrations_dir)

    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    default_region: str = Field(
        "US", description="ISO 3166 region in which caller numbers without a country code are read"
    )

    asterisk_timeout: float = Field(5.0, gt=0, description="seconds to wait for any AMI or ARI answer")
    internal_ring_timeout: int = Field(30, ge=1, le=300,
                                       description="seconds an internal call rings its target before giving up")

    session_ttl: float = Field(12 * 3600, gt=0, le=30 * 86400, description="seconds a login token lives")
    login_max_failures: int = Field(5, ge=1, description="failed logins per user name and address in a window")
    login_window: float = Field(60.0, gt=0, description="seconds over which failed logins are counted")
    events_heartbeat: float = Field(20.0, gt=0, description="seconds between heartbeats on an idle events socket")
    events_auth_timeout: float = Field(5.0, gt=0, description="seconds to send the auth message on the socket")
    events_queue_size: int = Field(256, ge=1, description="events buffered per connection before it is dropped")
    metrics_token: SecretStr | None = Field(
        None, description="bearer token Prometheus gives for GET /metrics on the HTTP port")
    metrics_port: int | None = Field(
        None, ge=1, le=65535, description="serve GET /metrics without a token on 127.0.0.1 at this port")

    @field_validator("ari_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL such as http://127.0.0.1:8088/ari")
        return value.rstrip("/")

    @field_validator("default_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        value = value.strip().upper()
        if not is_valid_region(value):
            raise ValueError("must be a two-letter region phonenumbers knows, such as US or DE")
        return value

    @field_validator("ami_user", "ari_user")
    @classmethod
    def _no_whitespace(cls, value: str) -> str:
        if any(c.isspace() for c in value):
            raise ValueError("must not contain whitespace")
        return value

    @property
    def ari_ws_url(self) -> str:
        parts = urlsplit(self.ari_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}{parts.path}/events"


def load_settings(**overrides) -> Settings:
    """Read the settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        name = ENV_PREFIX + "_".join(str(part) for part in error["loc"]).upper()
        if error["type"] == "missing":
            problems.append(f"{name} is not set")
        else:
            # The offending value is left out on purpose: it may be a secret.
            problems.append(f"{name} is invalid: {error['msg']}")
    return "settings: " + "; ".join(problems)


class ToolSettings(BaseSettings):
    """What the offline tools (check-config) read of the same environment: nothing is required, so that
    they run where the AMI and ARI secrets are not set; ARI and the database are used when they are."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    config_file: Path = Path("callcenter.yaml")
    ari_url: str = "http://127.0.0.1:8088/ari"
    ari_user: str | None = None
    ari_password: SecretStr | None = None
    database_dsn: SecretStr | None = None
    database_name: str = Field("telephony", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
