"""The reports over HTTP, from call-log rows in the database: JSON and CSV, a supervisor's own queues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from telephony.call_events import CallEvent, CallEventKind as K
from telephony.db.call_events import CallEventStore
from tests.api.test_cli import telephony

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
WINDOW = "from=2026-01-05T00:00:00Z&to=2026-01-06T00:00:00Z&interval=1h"


def at(seconds):
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
async def logged(api, pool, people):
    await pool.execute("TRUNCATE call_events")
    ann = str(api.agents["alice"].id)
    await CallEventStore(pool).append([
        CallEvent("s1", K.QUEUED, at(0), "sales", arrived_at=at(0), priority=0),
        CallEvent("s1", K.OFFERED, at(2), "sales", ann, "o1"),
        CallEvent("s1", K.ANSWERED, at(12), "sales", ann, wait_seconds=12),
        CallEvent("s1", K.TALK_ENDED, at(72), "sales", ann, talk_seconds=60),
        CallEvent("s2", K.QUEUED, at(100), "sales", arrived_at=at(100), priority=0),
        CallEvent("s2", K.ABANDONED, at(130), "sales", wait_seconds=30),
        CallEvent("u1", K.QUEUED, at(200), "support", arrived_at=at(200), priority=0),
        CallEvent("u1", K.ABANDONED, at(202), "support", wait_seconds=2),
    ])
    return ann


async def test_a_supervisor_sees_the_figures_of_their_queues(api, people, logged):
    status, body = await api.call("GET", "/api/v1/reports/queues?" + WINDOW, people["sam"])
    assert status == 200
    (sales,) = body["queues"]
    assert (sales["queue"], sales["interval_start"]) == ("sales", "2026-01-05T09:00:00+00:00")
    assert (sales["offered"], sales["answered"], sales["abandoned"], sales["service_level"]) == (2, 1, 1, 0.5)
    status, body = await api.call("GET", "/api/v1/reports/queues?" + WINDOW, people["admin"])
    assert [q["queue"] for q in body["queues"]] == ["sales", "support"]
    assert body["queues"][1]["short_abandoned"] == 1 and body["queues"][1]["service_level"] is None


async def test_csv_with_accept_text_csv(api, people, logged):
    async with api.request("GET", f"/api/v1/reports/queues?{WINDOW}&queue=sales", people["sam"],
                           headers={"Accept": "text/csv"}) as response:
        assert response.status == 200 and response.content_type == "text/csv"
        lines = (await response.text()).splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    assert len(lines) == 2 and dict(zip(header, row))["offered"] == "2"


async def test_an_agent_sees_their_own_row(api, people, logged):
    status, body = await api.call("GET", "/api/v1/reports/agents?" + WINDOW, people["alice"])
    assert status == 200
    (row,) = body["agents"]
    assert (row["agent_id"], row["offered"], row["answered"], row["talk_time"]) == (logged, 1, 1, 60)


async def test_the_cli_prints_the_same_figures_as_a_table_and_as_the_apis_csv(api, people, logged, database_dsn,
                                                                             tmp_path):
    config = tmp_path / "callcenter.yaml"
    config.write_text("queues: {sales: {}, support: {}}\npause_reasons: [break, lunch]\n")
    env = {"TELEPHONY_CONFIG_FILE": str(config)}
    window = ["--from", "2026-01-05T00:00:00+00:00", "--to", "2026-01-06T00:00:00+00:00", "--interval", "1h"]
    code, table, err = await telephony(database_dsn, tmp_path, "report", "queues", *window, extra_env=env)
    assert code == 0, err
    header, *lines = table.splitlines()
    assert header.split()[:2] == ["queue", "interval_start"]
    assert [line.split()[0] for line in lines] == ["sales", "support"]
    code, csv_text, err = await telephony(database_dsn, tmp_path, "report", "queues", *window, "--csv",
                                          extra_env=env)
    assert code == 0, err
    async with api.request("GET", "/api/v1/reports/queues?" + WINDOW, people["admin"],
                           headers={"Accept": "text/csv"}) as response:
        assert csv_text == await response.text()
