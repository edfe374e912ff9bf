"""Fixtures shared by every kind of test: one embedded PostgreSQL per session."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import asyncpg
import pytest

from telephony.db.pool import start_embedded_postgres, with_database


@pytest.fixture(scope="session")
def postgres_server():
    """The real PostgreSQL (pgserver) the tests share; each suite makes its own database in it.

    Its directory is our own, not pytest's numbered temp dirs, which other pytest runs on the machine prune.
    """
    directory = Path(tempfile.mkdtemp(prefix="telephony-pg-"))
    server = start_embedded_postgres(directory / "pgdata")
    yield server
    server.cleanup()
    shutil.rmtree(directory, ignore_errors=True)


async def fresh_database(server, name: str) -> str:
    """Drop and create database `name`; return its DSN."""
    admin = server.get_uri()
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(admin, name)
