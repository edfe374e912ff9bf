"""One embedded PostgreSQL per session, a fresh database migrated with the project's own runner."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import warnings
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from telephony.db.migrations import migrate
from telephony.db.pool import start_embedded_postgres, with_database

ROOT = Path(__file__).resolve().parents[2]
TEST_DB = "telephony_db_test"


def _start(data_dir: Path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        return start_embedded_postgres(data_dir)


@pytest.fixture(scope="session")
def pg_dir():
    path = Path(tempfile.mkdtemp(prefix="telephony-db-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest_asyncio.fixture(scope="session")
async def pool(pg_dir):
    admin = _start(pg_dir / "pgdata")
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {TEST_DB}")
        await conn.execute(f"CREATE DATABASE {TEST_DB}")
    finally:
        await conn.close()
    pool = await asyncpg.create_pool(with_database(admin, TEST_DB), min_size=1, max_size=4)
    await migrate(pool, ROOT / "migrations")
    yield pool
    await asyncio.wait_for(pool.close(), 10)


@pytest_asyncio.fixture
async def db(pool):
    """The migrated database, emptied of the ACD's rows before each test."""
    await pool.execute("TRUNCATE agents, agent_skills, queue_members, agent_state_log")
    return pool
