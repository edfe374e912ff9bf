"""Session-wide real parts: the local Asterisk, PostgreSQL and the daemon. A missing part fails the
tests that need it; nothing here skips."""

from __future__ import annotations

import asyncio
import fcntl
import shutil
import tempfile
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from telephony.db.pool import start_embedded_postgres, with_database
from tests.integration.rig import ROOT, Asterisk, Daemon, free_port, test_credentials

TEST_DB = "telephony_test"


def pytest_collection_modifyitems(items):
    for item in items:
        if "integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def credentials() -> dict[str, str]:
    return test_credentials("telephony")


@pytest.fixture(scope="session")
def asterisk(credentials):
    """One Asterisk serves one test session at a time: concurrent sessions wait for the lock."""
    if shutil.which("sipp") is None:
        pytest.fail("sipp is not installed (make test installs it: apt-get install sip-tester)")
    with open("/tmp/telephony-asterisk.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        server = Asterisk(credentials)
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="telephony-it-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest_asyncio.fixture(scope="session")
async def database_dsn(workdir) -> str:
    admin = await asyncio.to_thread(start_embedded_postgres, workdir / "pgdata")
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {TEST_DB}")
        await conn.execute(f"CREATE DATABASE {TEST_DB}")
    finally:
        await conn.close()
    return with_database(admin, TEST_DB)


@pytest_asyncio.fixture(scope="session")
async def db(database_dsn):
    pool = await asyncpg.create_pool(database_dsn, min_size=1, max_size=4)
    yield pool
    await pool.close()


def daemon_env(credentials, database_dsn, workdir) -> dict[str, str]:
    return {
        **credentials,
        "TELEPHONY_DATABASE_DSN": database_dsn,
        "TELEPHONY_HTTP_PORT": str(free_port()),
        "TELEPHONY_CONFIG_FILE": str(ROOT / "tests" / "integration" / "callcenter.yaml"),
        "TELEPHONY_RECORDINGS_DIR": str(workdir / "recordings"),
        "TELEPHONY_LOG_FORMAT": "json",
        "TELEPHONY_LOG_LEVEL": "debug",
        "TELEPHONY_DEFAULT_REGION": "DE",
    }


@pytest_asyncio.fixture(scope="session")
async def daemon(asterisk, credentials, database_dsn, workdir):
    process = Daemon(daemon_env(credentials, database_dsn, workdir), workdir / "daemon.log", 0)
    process.http_port = int(process.env["TELEPHONY_HTTP_PORT"])
    process.start()
    try:
        await process.wait_healthy()
        yield process
    finally:
        process.stop()
