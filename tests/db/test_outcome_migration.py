"""The migration to one vocabulary of leg outcomes rewrites the outcomes already stored."""

import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

import asyncpg

from telephony.calls.transfer import Segment
from telephony.causes import LegOutcome
from telephony.db.interactions import InteractionStore
from telephony.db.migrations import migrate
from telephony.db.segments import SegmentStore
from tests.conftest import fresh_database

ROOT = Path(__file__).resolve().parents[2]
REWRITE = "0008_no_answer_outcome.sql"


async def test_missed_interactions_become_no_answer(postgres_server, tmp_path):
    before, upto = tmp_path / "before", tmp_path / "upto"  # later migrations are not this test's business
    before.mkdir()
    upto.mkdir()
    for path in sorted((ROOT / "migrations").glob("*.sql")):
        if path.name < REWRITE:
            shutil.copy(path, before)
        if path.name <= REWRITE:
            shutil.copy(path, upto)
    pool = await asyncpg.create_pool(await fresh_database(postgres_server, "outcome_migration_test"),
                                     min_size=1, max_size=2)
    try:
        await migrate(pool, before)
        now = datetime.now(timezone.utc)
        for outcome in ("missed", "answered", "busy"):
            await pool.execute("INSERT INTO interactions (direction, channel_id, started_at, outcome) "
                               "VALUES ('internal', $1, $2, $3)", uuid.uuid4().hex, now, outcome)
        assert await migrate(pool, upto) == [REWRITE]
        rows = await pool.fetch("SELECT outcome FROM interactions ORDER BY outcome")
        assert [r["outcome"] for r in rows] == ["answered", "busy", "no answer"]
    finally:
        await pool.close()


async def test_a_leg_outcome_is_stored_as_its_spelling(pool):
    now = datetime.now(timezone.utc)
    interaction = uuid.uuid4()
    await pool.execute("INSERT INTO interactions (id, direction, channel_id, started_at) "
                       "VALUES ($1, 'internal', $2, $3)", interaction, uuid.uuid4().hex, now)
    await InteractionStore(pool).ended(interaction, now, LegOutcome.NO_ANSWER, [])
    segment = Segment(None, "1002", "transfer", now, now, LegOutcome.BUSY)
    await SegmentStore(pool).replace(interaction, [segment])
    assert await pool.fetchval("SELECT outcome FROM interactions WHERE id = $1", interaction) == "no answer"
    assert await pool.fetchval("SELECT outcome FROM interaction_segments WHERE interaction_id = $1",
                               interaction) == "busy"
