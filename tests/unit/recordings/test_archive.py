"""The archive's bookkeeping with a stand-in for ARI and the database: the file moved in and named, the
row written, Asterisk's copy deleted last; a fetch retried while Asterisk is away; orphans swept."""

from __future__ import annotations

import asyncio
import wave
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from telephony.commands import PauseRecording, RecordBridge, ResumeRecording
from telephony.errors import AsteriskUnavailable
from telephony.recordings.archive import RecordingArchive

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
INTERACTION = UUID("5f0c0000-0000-0000-0000-000000000001")


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


class FakeAri:
    def __init__(self, seconds: float, unavailable: int = 0, stored: list[dict] | None = None):
        self.seconds = seconds
        self.unavailable = unavailable
        self.stored = stored or []
        self.deleted: list[str] = []

    async def download_stored_recording(self, name, dest):
        if self.unavailable:
            self.unavailable -= 1
            raise AsteriskUnavailable("ARI GET: connection refused")
        with wave.open(str(dest), "wb") as audio:
            audio.setnchannels(1), audio.setsampwidth(2), audio.setframerate(8000)
            audio.writeframes(b"\0\0" * int(8000 * self.seconds))

    async def delete_stored_recording(self, name):
        self.deleted.append(name)

    async def list_stored_recordings(self):
        return self.stored


class FakeStore:
    def __init__(self):
        self.rows = []

    async def interaction_of(self, call_id):
        return INTERACTION

    async def call_facts(self, call_id):
        return {"agent_id": None, "queue": "sales", "answered_at": T0, "ended_at": T0 + timedelta(seconds=30)}

    async def add(self, row):
        self.rows.append(row)
        return uuid4()


async def settle(archive):
    while archive._jobs:
        await asyncio.gather(*archive._jobs)


async def test_a_finished_recording_is_filed_under_its_interaction_then_asterisks_copy_goes(tmp_path):
    clock, ari, store = Clock(), FakeAri(4.0, unavailable=1), FakeStore()
    archive = RecordingArchive(ari, store, tmp_path, clock)
    archive.observe(RecordBridge("c1-talk", "c1-rec-1", "wav", "c1", "a1", "sales"))
    clock.now = T0 + timedelta(seconds=2)
    archive.observe(PauseRecording("c1-rec-1"))
    clock.now = T0 + timedelta(seconds=3)
    archive.observe(ResumeRecording("c1-rec-1"))
    clock.now = T0 + timedelta(seconds=5)
    archive.finished("c1-rec-1", failed=False)
    await settle(archive)
    [row] = store.rows
    assert row.path == f"2026/11/22/{INTERACTION}.wav" and (tmp_path / row.path).is_file()
    assert row.duration_seconds == 4.0 and row.size_bytes == (tmp_path / row.path).stat().st_size
    assert row.paused_spans[0]["seconds"] == 1.0 and row.agent_id == "a1"
    assert ari.deleted == ["c1-rec-1"]
    assert not list(tmp_path.rglob("*.part"))


async def test_a_failed_or_unknown_recording_writes_nothing(tmp_path):
    ari, store = FakeAri(1.0), FakeStore()
    archive = RecordingArchive(ari, store, tmp_path, Clock())
    archive.observe(RecordBridge("c1-talk", "c1-rec-1", "wav", "c1", None, None))
    archive.finished("c1-rec-1", failed=True)
    archive.finished("someone-elses", failed=False)
    await settle(archive)
    assert store.rows == [] and ari.deleted == []


async def test_sweep_archives_our_recordings_of_calls_that_are_gone(tmp_path):
    stored = [{"name": "c9-rec-1", "format": "wav"}, {"name": "c8-rec-1", "format": "wav"},
              {"name": "3f2a-voicemail", "format": "wav"}]
    ari, store = FakeAri(10.0, stored=stored), FakeStore()
    archive = RecordingArchive(ari, store, tmp_path, Clock())
    assert await archive.sweep(live_calls={"c8"}) == 1
    await settle(archive)
    [row] = store.rows
    assert row.call_id == "c9" and row.queue == "sales" and row.duration_seconds == 10.0
    assert row.ended_at - row.started_at == timedelta(seconds=10)
    assert ari.deleted == ["c9-rec-1"]
