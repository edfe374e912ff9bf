"""`telephony user add` and `telephony user token`, run as the real command against the test database."""

from __future__ import annotations

import asyncio
import os
import sys

from tests.api.conftest import ROOT


async def telephony(database_dsn, tmp_path, *args, stdin: str = "",
                    extra_env: dict[str, str] | None = None) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEPHONY_")}
    env.update(extra_env or {})
    env.update({"TELEPHONY_DATABASE_DSN": database_dsn, "TELEPHONY_AMI_USER": "x", "TELEPHONY_AMI_SECRET": "x",
                "TELEPHONY_ARI_USER": "x", "TELEPHONY_ARI_PASSWORD": "x", "TELEPHONY_LOG_FORMAT": "json",
                "PYTHONPATH": str(ROOT)})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "telephony", *args, cwd=tmp_path, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate(stdin.encode())
    return process.returncode, out.decode(), err.decode()


async def test_user_add_prints_a_working_token_once(api, database_dsn, tmp_path):
    code, out, err = await telephony(database_dsn, tmp_path, "user", "add", "nina", "--role", "supervisor",
                                     "--display-name", "Nina S.", "--password-stdin", stdin="nina's password\n")
    assert code == 0, err
    token = out.strip()
    assert token.startswith("tel_") and token not in err and "nina's password" not in out + err
    status, body = await api.call("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and body["role"] == "supervisor" and body["display_name"] == "Nina S."
    status, _ = await api.call("POST", "/api/v1/auth/login", json={"name": "nina", "password": "nina's password"})
    assert status == 200

    code, out2, err = await telephony(database_dsn, tmp_path, "user", "token", "nina")
    assert code == 0, err
    assert out2.strip() != token
    assert (await api.call("GET", "/api/v1/me", headers={"Authorization": f"Bearer {out2.strip()}"}))[0] == 200


async def test_user_add_refuses_duplicates_and_bad_input(api, database_dsn, tmp_path):
    assert (await telephony(database_dsn, tmp_path, "user", "add", "omar", "--role", "agent"))[0] == 0
    code, out, err = await telephony(database_dsn, tmp_path, "user", "add", "omar", "--role", "agent")
    assert code == 1 and "exists already" in err and out == ""
    code, out, err = await telephony(database_dsn, tmp_path, "user", "add", "Bad Name", "--role", "agent")
    assert code == 1 and "name" in err and out == ""
    code, out, err = await telephony(database_dsn, tmp_path, "user", "token", "nobody")
    assert code == 1 and out == ""

