"""`telephony agent ...`, run as the real command against the test API server."""

from __future__ import annotations

import asyncio
import os
import sys

from tests.api.conftest import ROOT


async def agent_cli(api, token, tmp_path, *args, stdin: str = "") -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEPHONY_")}
    env.update({"TELEPHONY_API_URL": api.url, "TELEPHONY_TOKEN": token, "PYTHONPATH": str(ROOT)})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "telephony", "agent", *args, cwd=tmp_path, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate(stdin.encode())
    return process.returncode, out.decode(), err.decode()


async def test_add_edit_list_and_remove(api, people, tmp_path):
    token = people["admin"].token
    code, out, err = await agent_cli(api, token, tmp_path, "add", "Carol", "1003", "--softphone", "PJSIP/1003",
                                     "--queues", "sales:0 support:5", "--skills", "french:3", "--user", "carol",
                                     "--password-stdin", stdin="carol's secret\n")
    assert code == 0, err
    assert "created agent Carol (extension 1003)" in out and "carol's secret" not in out + err
    code, out, err = await agent_cli(api, token, tmp_path, "edit", "1003", "--name", "Carol K.",
                                     "--recording", "never")
    assert code == 0, err
    code, out, err = await agent_cli(api, token, tmp_path, "list")
    assert code == 0, err
    line = next(line for line in out.splitlines() if line.startswith("1003"))
    assert "Carol K." in line and "sales:0 support:5" in line and "french:3" in line
    code, _, err = await agent_cli(api, token, tmp_path, "edit", "1003", "--queues", "billing:0")
    assert code == 1 and "queues: unknown queue(s): billing (allowed: sales, support)" in err
    code, out, err = await agent_cli(api, token, tmp_path, "remove", "1003")
    assert code == 0, err
    code, _, err = await agent_cli(api, token, tmp_path, "remove", "1003")
    assert code == 1 and "no agent with extension or id 1003" in err


async def test_import_prints_the_rows_that_failed(api, people, tmp_path):
    csv = tmp_path / "agents.csv"
    csv.write_text("name,extension,softphone,queues\nDora,1004,PJSIP/1004,sales:0\nEd,1001,PJSIP/1005,\n")
    code, out, err = await agent_cli(api, people["admin"].token, tmp_path, "import", str(csv))
    assert code == 1
    assert out.strip() == f"{csv}:3: extension 1001 belongs to another agent"
    assert "1 agent(s) created, 1 row(s) failed" in err


async def test_a_token_that_may_not_change_agents_is_told_why(api, people, tmp_path):
    code, _, err = await agent_cli(api, people["sam"].token, tmp_path, "remove", "1001")
    assert code == 1 and "admin" in err
    code, _, err = await agent_cli(api, "", tmp_path, "list")
    assert code == 2 and "TELEPHONY_TOKEN" in err
