"""The database: an asyncpg pool, on the configured DSN or an embedded PostgreSQL.

The embedded server (the `pgserver` wheel) is the zero-setup default: it lives in `database_dir` and
stops with the process.
"""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path

import asyncpg

from telephony.logs import get_logger

log = get_logger(__name__)


def start_embedded_postgres(data_dir: Path):
    """Start (or join) the embedded PostgreSQL in `data_dir`.

    Returns pgserver's handle: `get_uri()` is a DSN for its `postgres` database and `cleanup()` stops it
    (with cleanup_mode "stop" it also stops when the process exits).
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI); pgserver then uses /tmp, which is fine.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver

    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    return pgserver.get_server(data_dir, cleanup_mode="stop")


async def ensure_database(admin_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            # The name is checked against ^[A-Za-z_][A-Za-z0-9_]*$ by the settings.
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def with_database(dsn: str, name: str) -> str:
    """Point a libpq URI (as pgserver prints it) at another database."""
    base, sep, query = dsn.partition("?")
    prefix, _, _ = base.rpartition("/")
    return f"{prefix}/{name}{sep}{query}"


class Database:
    def __init__(self, dsn: str | None, data_dir: Path, name: str, min_size: int = 2, max_size: int = 10):
        self._dsn = dsn
        self._data_dir = data_dir
        self._name = name
        self._min, self._max = min_size, max_size
        self.pool: asyncpg.Pool | None = None
        self._embedded = None

    async def start(self) -> None:
        dsn = self._dsn
        if dsn is None:
            log.info("database.embedded_starting", data_dir=str(self._data_dir))
            self._embedded = await asyncio.to_thread(start_embedded_postgres, self._data_dir)
            admin = self._embedded.get_uri()
            await ensure_database(admin, self._name)
            dsn = with_database(admin, self._name)
        self.pool = await asyncpg.create_pool(dsn, min_size=self._min, max_size=self._max, command_timeout=10)
        log.info("database.connected", embedded=self._dsn is None)

    async def close(self) -> None:
        if self.pool is not None:
            await asyncio.wait_for(self.pool.close(), 10)
            self.pool = None
        if self._embedded is not None:
            await asyncio.to_thread(self._embedded.cleanup)
            self._embedded = None

    async def healthy(self, timeout: float = 1.0) -> bool:
        if self.pool is None:
            return False
        try:
            async with asyncio.timeout(timeout):
                return await self.pool.fetchval("SELECT 1") == 1
        except (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
