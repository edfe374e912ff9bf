"""check-config reads the agents' queue memberships from the database named by TELEPHONY_DATABASE_DSN."""

import asyncio

import asyncpg

from telephony.check_config import check_config
from telephony.db.agents import AgentStore
from telephony.db.migrations import migrate
from tests.conftest import fresh_database
from tests.db.conftest import ROOT


async def test_agents_in_a_queue_the_file_lacks_are_warned_of(postgres_server, tmp_path, monkeypatch, capsys):
    dsn = await fresh_database(postgres_server, "check_config_test")
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        await migrate(pool, ROOT / "migrations")
        agents = AgentStore(pool)
        ann = await agents.create("Ann", "1001", softphone="PJSIP/1001")
        await agents.set_queues(ann.id, {"sales": 0, "billing": 5})
    finally:
        await pool.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEPHONY_DATABASE_DSN", dsn)
    monkeypatch.setenv("TELEPHONY_DATABASE_NAME", "check_config_test")
    path = tmp_path / "cc.yaml"
    path.write_text("queues: {sales: {}}\n")
    code = await asyncio.to_thread(check_config, path, ask_ari=False, sounds_dir=tmp_path)
    out = capsys.readouterr().out
    assert code == 0
    assert f"{path}: warning: queues: agent 1001 (Ann) is a member of queue 'billing', which the file" in out
    assert "sales'" not in out and "agents' queues checked in the database" in out
