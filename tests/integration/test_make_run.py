"""`make run` and `make stop` (deploy/run.sh, deploy/stop.sh) against the test Asterisk, under the tests'
lock: a running Asterisk is left alone (its calls and registrations stay), a bad call-center file starts
and stops nothing, and make stop stops what make run started and nothing else."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest

from tests.integration.ari_view import ari  # noqa: F401  (fixture)
from tests.integration.conftest import daemon_env
from tests.integration.rig import ASTERISK_ROOT, LOCAL_ASTERISK, ROOT, AgentPhone, place_call_and_hang_up
from tests.integration.test_inbound_call import wait_for_row

RUN, STOP = ROOT / "deploy" / "run.sh", ROOT / "deploy" / "stop.sh"
VENV = Path(os.environ.get("VIRTUAL_ENV") or Path(os.sys.executable).parents[1])


@pytest.fixture
def run_env(credentials, database_dsn, workdir, tmp_path) -> dict[str, str]:
    """The environment make gives the scripts, with an env file of the tests' settings; the daemon runs a
    Stasis app of its own beside the session's daemon."""
    settings = {**daemon_env(credentials, database_dsn, workdir), "TELEPHONY_ARI_APP": "telephony-nl",
                "TELEPHONY_LOG_FORMAT": "console", "TELEPHONY_LOG_LEVEL": "info"}
    env_file = tmp_path / "test.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in settings.items()))
    return {**os.environ, "ASTERISK_ROOT": str(ASTERISK_ROOT), "VENV": str(VENV),
            "TELEPHONY_ENV_FILE": str(env_file),
            "TELEPHONY_RUN_DIR": str(tmp_path / "run"), "HTTP_PORT": settings["TELEPHONY_HTTP_PORT"]}


def asterisk_pid(env) -> str | None:
    result = subprocess.run([str(LOCAL_ASTERISK), "pid"], env=env, capture_output=True, text=True, timeout=30)
    return result.stdout.strip() if result.returncode == 0 else None


async def healthy(port: str, timeout: float = 45) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError("the daemon make run started did not become healthy")


class MakeRun:
    """deploy/run.sh in the background, its output kept."""

    def __init__(self, env):
        self.env = env
        self.log = open(Path(env["TELEPHONY_RUN_DIR"]).parent / "run.out", "w+")
        self.process = subprocess.Popen([str(RUN)], env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()

    def stop(self) -> subprocess.CompletedProcess:
        started = time.monotonic()
        result = subprocess.run([str(STOP)], env=self.env, capture_output=True, text=True, timeout=60)
        self.process.wait(15)
        print(f"\nseconds for make stop: {time.monotonic() - started:.2f}")
        return result

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


def test_a_bad_call_center_file_starts_and_stops_nothing(asterisk, run_env, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("dids:\n  '530': {entry: nowhere}\n")
    before = asterisk_pid(run_env)
    assert before is not None
    with Path(run_env["TELEPHONY_ENV_FILE"]).open("a") as env_file:
        env_file.write(f"TELEPHONY_CONFIG_FILE={bad}\n")
    result = subprocess.run([str(RUN)], env=run_env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "nowhere" in result.stdout and "nothing was started or stopped" in result.stderr
    assert asterisk_pid(run_env) == before
    assert not (tmp_path / "run" / "daemon.pid").exists()


async def test_make_run_leaves_a_running_asterisk_its_calls_and_registrations(
        asterisk, credentials, daemon, db, run_env, ari):  # noqa: F811
    phone = AgentPhone("2850", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])
    await phone.register()
    call = asyncio.create_task(place_call_and_hang_up("530", "+4930530101", after_ms=8000))
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930530101'")
    before = asterisk_pid(run_env)
    run = MakeRun(run_env)
    try:
        await healthy(run_env["HTTP_PORT"])
        output = run.output()
        assert f"already running (pid {before}): left alone" in output, output
        assert asterisk_pid(run_env) == before
        assert (await ari.get_channel(row["channel_id"]))["state"] == "Up"
        assert "2850/sip:" in asterisk.cli("pjsip show contacts")
        stopped = await asyncio.to_thread(run.stop)
        assert stopped.returncode == 0, stopped.stderr
        assert "stopped the daemon" in stopped.stdout
        assert "not started by make run: left alone" in stopped.stdout
        assert run.process.returncode == 0
        assert asterisk_pid(run_env) == before
        assert (await ari.get_channel(row["channel_id"]))["state"] == "Up"
    finally:
        run.close()
        await phone.stop()
    assert (await call).returncode == 0


async def test_make_stop_stops_the_asterisk_make_run_started(asterisk, daemon, run_env):
    await asyncio.to_thread(asterisk.stop)
    run = MakeRun(run_env)
    try:
        await healthy(run_env["HTTP_PORT"])
        started = asterisk_pid(run_env)
        assert f"started the local Asterisk (pid {started}); make stop stops it" in run.output(), run.output()
        stopped = await asyncio.to_thread(run.stop)
        assert stopped.returncode == 0, stopped.stderr
        assert "stopped the daemon" in stopped.stdout and "stopping Asterisk" in stopped.stdout, \
            stopped.stdout + run.output()
        assert asterisk_pid(run_env) is None
        again = await asyncio.to_thread(subprocess.run, [str(STOP)], env=run_env, capture_output=True,
                                        text=True, timeout=60)
        assert "the daemon is not running" in again.stdout and "left alone" in again.stdout
    finally:
        run.close()
        await asyncio.to_thread(asterisk.start)
        await daemon.wait_healthy(timeout=30)
