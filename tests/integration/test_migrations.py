"""The migration runner against a real PostgreSQL."""

from __future__ import annotations

import shutil

import asyncpg
import pytest

from telephony.db.migrations import migrate, read_migrations
from telephony.db.pool import with_database
from telephony.errors import MigrationError
from tests.integration.rig import ROOT


@pytest.fixture
async def scratch_pool(database_dsn):
    conn = await asyncpg.connect(with_database(database_dsn, "postgres"))
    await conn.execute("DROP DATABASE IF EXISTS migrations_test")
    await conn.execute("CREATE DATABASE migrations_test")
    await conn.close()
    pool = await asyncpg.create_pool(with_database(database_dsn, "migrations_test"), min_size=1, max_size=2)
    yield pool
    await pool.close()


async def test_applies_in_order_once_and_records_them(scratch_pool, tmp_path):
    shutil.copytree(ROOT / "migrations", tmp_path / "m")
    applied = await migrate(scratch_pool, tmp_path / "m")
    assert applied == [m.name for m in read_migrations(tmp_path / "m")]
    assert await migrate(scratch_pool, tmp_path / "m") == []
    rows = await scratch_pool.fetch("SELECT version FROM schema_migrations ORDER BY version")
    assert [r["version"] for r in rows] == sorted(r["version"] for r in rows)


async def test_refuses_when_an_applied_file_was_edited(scratch_pool, tmp_path):
    shutil.copytree(ROOT / "migrations", tmp_path / "m")
    await migrate(scratch_pool, tmp_path / "m")
    first = sorted((tmp_path / "m").glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- an afterthought\n")
    with pytest.raises(MigrationError, match="was edited after it was applied"):
        await migrate(scratch_pool, tmp_path / "m")


async def test_a_failing_file_leaves_nothing_half_applied(scratch_pool, tmp_path):
    (tmp_path / "0001_good.sql").write_text("CREATE TABLE good (id int);")
    (tmp_path / "0002_bad.sql").write_text("CREATE TABLE half (id int); SELECT no_such_function();")
    with pytest.raises(MigrationError, match="0002_bad.sql"):
        await migrate(scratch_pool, tmp_path)
    assert await scratch_pool.fetchval("SELECT to_regclass('half')") is None
    assert await scratch_pool.fetchval("SELECT count(*) FROM schema_migrations") == 1


def test_badly_named_file_is_refused(tmp_path):
    (tmp_path / "1_init.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="NNNN_name.sql"):
        read_migrations(tmp_path)
