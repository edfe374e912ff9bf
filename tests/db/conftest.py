"""One embedded PostgreSQL per session, a fresh database migrated with the project's own runner."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest_asyncio

from telephony.db.migrations import migrate
from tests.conftest import fresh_database

ROOT = Path(__file__).resolve().parents[2]
TEST_DB = "telephony_db_test"


@pytest_asyncio.fixture(scope="session")
async def pool(postgres_server):
    dsn = await fresh_database(postgres_server, TEST_DB)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    await migrate(pool, ROOT / "migrations")
    yield pool
    await asyncio.wait_for(pool.close(), 10)


@pytest_asyncio.fixture
async def db(pool):
    """The migrated database, emptied of the ACD's rows before each test."""
    await pool.execute("TRUNCATE agents, agent_skills, queue_members, agent_state_log, agent_audit")
    return pool
