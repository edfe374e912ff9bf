"""Numbered SQL files applied in order, each in its own transaction, recorded with a checksum.

A start refuses to go on when a file that was applied has been edited since (its checksum differs) or
has disappeared: the schema would no longer be what the files say.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from telephony.errors import MigrationError
from telephony.logs import get_logger

log = get_logger(__name__)

FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
LOCK_KEY = 0x7E1E_F0E7  # advisory lock: two daemons starting at once migrate one after the other


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def read_migrations(directory: Path) -> list[Migration]:
    found: dict[int, Migration] = {}
    for path in sorted(Path(directory).glob("*.sql")):
        match = FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.sql")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"{path.name}: version {version} is used by {found[version].name} too")
        found[version] = Migration(version, path.name, path.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


async def migrate(pool: asyncpg.Pool, directory: Path) -> list[str]:
    """Apply what is missing; return the names applied."""
    migrations = read_migrations(directory)
    applied_now: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
        try:
            await conn.execute(
                """CREATE TABLE IF NOT EXISTS schema_migrations (
                       version integer PRIMARY KEY,
                       name text NOT NULL,
                       checksum text NOT NULL,
                       applied_at timestamptz NOT NULL DEFAULT now())"""
            )
            rows = await conn.fetch("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
            applied = {r["version"]: r for r in rows}
            by_version = {m.version: m for m in migrations}
            for version, row in applied.items():
                current = by_version.get(version)
                if current is None:
                    raise MigrationError(f"{row['name']} was applied but its file is gone")
                if current.checksum != row["checksum"]:
                    raise MigrationError(f"{current.name} was edited after it was applied; add a new file instead")
            for migration in migrations:
                if migration.version in applied:
                    continue
                async with conn.transaction():
                    try:
                        await conn.execute(migration.sql)
                    except asyncpg.PostgresError as exc:
                        raise MigrationError(f"{migration.name}: {exc.__class__.__name__}: {exc}") from None
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        migration.version, migration.name, migration.checksum,
                    )
                log.info("database.migrated", migration=migration.name)
                applied_now.append(migration.name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
    return applied_now
