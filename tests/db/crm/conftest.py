"""One embedded PostgreSQL per session, a fresh database migrated with our own runner. No mocks."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
import warnings
from datetime import datetime, timezone
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from telephony.crm.service import CrmService
from telephony.db.customers import CustomerStore
from telephony.db.migrations import migrate
from telephony.db.pool import start_embedded_postgres, with_database
from telephony.db.tickets import TicketStore

ROOT = Path(__file__).resolve().parents[3]
TEST_DB = "telephony_crm_test"


@pytest.fixture(scope="session")
def pgdir():
    path = Path(tempfile.mkdtemp(prefix="telephony-db-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest_asyncio.fixture(scope="session")
async def pool(pgdir):
    admin = await asyncio.to_thread(quiet_start, pgdir / "pgdata")
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {TEST_DB}")
        await conn.execute(f"CREATE DATABASE {TEST_DB}")
    finally:
        await conn.close()
    pool = await asyncpg.create_pool(with_database(admin, TEST_DB), min_size=2, max_size=25)
    await migrate(pool, ROOT / "migrations")
    yield pool
    await pool.close()


def quiet_start(data_dir: Path) -> str:
    """pgserver's platformdirs warns when XDG_RUNTIME_DIR is unset (a root shell); that is not ours."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        return start_embedded_postgres(data_dir)


class Published(list):
    def __call__(self, name: str, payload: dict) -> None:
        self.append((name, payload))


@pytest.fixture
def published():
    return Published()


@pytest.fixture
def crm(pool, published):
    return CrmService(CustomerStore(pool), TicketStore(pool), "DE", published,
                      lambda: datetime.now(timezone.utc))


async def add_interaction(pool, customer_id=None, caller_raw="", caller_e164=None, started_at=None) -> object:
    """An interaction row as the call path writes it."""
    return await pool.fetchval(
        """INSERT INTO interactions
               (channel_id, direction, dialled, caller_raw, caller_e164, customer_id, started_at)
           VALUES ($1, 'inbound', '100', $2, $3, $4, $5) RETURNING id""",
        uuid.uuid4().hex, caller_raw, caller_e164, customer_id, started_at or datetime.now(timezone.utc))
