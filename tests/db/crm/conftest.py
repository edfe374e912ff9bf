"""The CRM's database tests: a fresh database in the session's embedded PostgreSQL, migrated with our own
runner. No mocks. The pool is wide enough for 20 truly concurrent first calls."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timezone
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from telephony.crm.service import CrmService
from telephony.db.customers import CustomerStore
from telephony.db.migrations import migrate
from telephony.db.tickets import TicketStore
from tests.conftest import fresh_database

ROOT = Path(__file__).resolve().parents[3]
TEST_DB = "telephony_crm_test"


@pytest_asyncio.fixture(scope="session")
async def pool(postgres_server):
    dsn = await fresh_database(postgres_server, TEST_DB)
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=25)
    await migrate(pool, ROOT / "migrations")
    yield pool
    await asyncio.wait_for(pool.close(), 10)


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
