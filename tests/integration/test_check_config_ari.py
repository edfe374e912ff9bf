"""check-config asks the running Asterisk over ARI which sounds it has, with only the ARI user set (no AMI
secret), and reads the agents' queues from the database."""

from __future__ import annotations

import asyncio
import os
import sys

from telephony.db.migrations import migrate
from tests.integration.conftest import TEST_DB
from tests.integration.rig import ROOT


async def check(env: dict[str, str], path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "telephony", "check-config", str(path), cwd=path.parent, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    return process.returncode, out.decode(), err.decode()


async def test_prompts_are_looked_up_over_ari(asterisk, credentials, database_dsn, db, tmp_path):
    await migrate(db, ROOT / "migrations")  # as the daemon would have, were it started first
    path = tmp_path / "cc.yaml"
    path.write_text('dids: {"550": {entry: hello}}\nqueues: {ops-check: {}}\n'
                    'ivr: {hello: {kind: play, prompts: ["sound:hello-world", "sound:ops-no-such-prompt"], '
                    'next: bye}, bye: {kind: hangup}}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEPHONY_")}
    env.update({"PYTHONPATH": str(ROOT), "TELEPHONY_ARI_USER": credentials["TELEPHONY_ARI_USER"],
                "TELEPHONY_ARI_PASSWORD": credentials["TELEPHONY_ARI_PASSWORD"],
                "TELEPHONY_DATABASE_DSN": database_dsn, "TELEPHONY_DATABASE_NAME": TEST_DB,
                "ASTERISK_ROOT": "/nonexistent"})  # only ARI can answer
    code, out, err = await check(env, path)
    assert code == 0, out + err
    assert "prompts checked against ARI at http://127.0.0.1:8088/ari" in out
    assert "sound:ops-no-such-prompt: Asterisk has no such sound (language en)" in out
    assert "sound:hello-world" not in out
    assert "agents' queues checked in the database" in out
