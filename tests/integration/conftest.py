"""Session-wide real parts: the local Asterisk, PostgreSQL and the daemon. A missing part fails the
tests that need it; nothing here skips."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import shutil
import tempfile
import time
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from tests.conftest import fresh_database
from tests.integration.rig import ROOT, Asterisk, Daemon, free_port, test_credentials

TEST_DB = "telephony_test"


def pytest_collection_modifyitems(items):
    for item in items:
        if "integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def credentials() -> dict[str, str]:
    return test_credentials("telephony")


def wait_for_lock(lock, limit: float = 1200) -> None:
    deadline = time.monotonic() + limit
    told = False
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                pytest.fail(f"another test session kept the local Asterisk for over {limit:.0f} s")
            if not told:
                print("\nwaiting for another test session to finish with the local Asterisk", flush=True)
                told = True
            time.sleep(0.5)


@pytest.fixture(scope="session")
def asterisk(credentials):
    """One Asterisk serves one test session at a time: concurrent sessions wait for the lock."""
    if shutil.which("sipp") is None:
        pytest.fail("sipp is not installed (make test installs it: apt-get install sip-tester)")
    with open("/tmp/telephony-asterisk.lock", "w") as lock:
        wait_for_lock(lock)
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
    # The daemon's log outlives the run, for whoever reads a failure.
    if (path / "daemon.log").exists():
        shutil.copy(path / "daemon.log", Path(tempfile.gettempdir()) / "telephony-it-daemon.log")
    shutil.rmtree(path, ignore_errors=True)


@pytest_asyncio.fixture(scope="session")
async def database_dsn(postgres_server):
    return await fresh_database(postgres_server, TEST_DB)


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
        "TELEPHONY_INTERNAL_RING_TIMEOUT": "4",
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


@pytest.fixture(scope="session")
def admin_headers(daemon) -> dict[str, str]:
    """An admin's API token, made the way an ops team makes one: `telephony user add`."""
    result = subprocess.run([sys.executable, "-m", "telephony", "user", "add", "ops", "--role", "admin"],
                            cwd=ROOT, env={**os.environ, **daemon.env}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1].split()[-1]
    return {"Authorization": f"Bearer {token}"}
