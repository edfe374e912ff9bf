"""Finished recordings into the recordings directory and the database.

Asterisk writes a recording into its own spool; when it reports the recording finished, the archive
fetches the file over ARI (so Asterisk may run on another host), stores it as
`YYYY/MM/DD/<interaction id>.<format>` (`-2`, `-3` for later recordings of the same call) under the
recordings directory, writes its row, and only then deletes Asterisk's copy. Asterisk or the database
being away delays this (retried with backoff) instead of losing the file: Asterisk's copy stays until
the archive has its own.
"""

from __future__ import annotations

import asyncio
import os
import wave
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from telephony.backoff import Backoff
from telephony.channel_ids import recording_of
from telephony.db.recordings import NewRecording, RecordingStore
from telephony.db.writer import with_retries
from telephony.errors import AriError, AsteriskUnavailable
from telephony.logs import get_logger
from telephony.recordings.commands import ARCHIVE_NOTES, RECORDING_COMMANDS
from telephony.recordings.takes import Take, Takes

log = get_logger(__name__)


def file_name(take: Take, interaction_id: str | None) -> str:
    stem = interaction_id or take.call_id
    suffix = f"-{take.number}" if take.number > 1 else ""
    return f"{take.started_at:%Y/%m/%d}/{stem}{suffix}.{take.format}"


def audio_seconds(path: Path, fmt: str) -> float | None:
    """The length of a WAV file from its header; None for formats we do not parse."""
    if fmt != "wav":
        return None
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


class RecordingArchive:
    def __init__(self, ari, store: RecordingStore, directory: Path, clock: Callable[[], datetime],
                 give_up_after: float = 3600.0):
        self._ari = ari
        self._store = store
        self._directory = directory
        self._clock = clock
        self._give_up_after = give_up_after
        self._takes = Takes()
        self._jobs: set[asyncio.Task] = set()
        self._archiving: set[str] = set()  # names being fetched and stored

    def observe(self, command) -> None:
        """A recording command has been carried out by Asterisk."""
        if isinstance(command, (*RECORDING_COMMANDS, *ARCHIVE_NOTES)):
            self._takes.note(command, self._clock())

    def finished(self, name: str, failed: bool) -> None:
        """Asterisk reports the recording `name` done (stopped, or its bridge gone) or failed."""
        take = self._takes.finish(name, self._clock())
        if take is None:
            return
        if failed:
            log.error("recording.failed", call_id=take.call_id, recording=name)
            return
        self._start_job(self._archive(take))

    def _start_job(self, coroutine) -> None:
        job = asyncio.create_task(coroutine)
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)

    async def sweep(self, live_calls: set[str]) -> int:
        """Archive the recordings Asterisk finished while nobody listened (the daemon was down or its link
        was): ours by name, of calls no longer up, and not being archived. Their paused spans are not
        known; the rest comes from the call's interaction."""
        try:
            stored = await self._ari.list_stored_recordings()
        except (AriError, AsteriskUnavailable) as exc:
            log.warning("recording.sweep_failed", error=str(exc))
            return 0
        found = 0
        for recording in stored:
            name = str(recording.get("name", ""))
            ours = recording_of(name)
            if not ours or ours[0] in live_calls or name in self._takes or name in self._archiving:
                continue
            found += 1
            self._start_job(self._archive_orphan(name, ours[0], str(recording.get("format", "wav"))))
        if found:
            log.info("recording.orphans_found", recordings=found)
        return found

    async def _archive_orphan(self, name: str, call_id: str, fmt: str) -> None:
        facts = await with_retries(lambda: self._store.call_facts(call_id), self._give_up_after) or {}
        agent = facts.get("agent_id")
        ended = facts.get("ended_at") or self._clock()
        take = Take(name, call_id, str(agent) if agent else None, facts.get("queue"), fmt,
                    facts.get("answered_at") or ended, ended_at=ended)
        await self._archive(take, started_from_length=True)

    async def close(self, timeout: float = 10.0) -> None:
        """Give files being fetched a moment; what is left stays in Asterisk's spool."""
        if self._jobs:
            _, pending = await asyncio.wait(set(self._jobs), timeout=timeout)
            for job in pending:
                job.cancel()

    async def _archive(self, take: Take, started_from_length: bool = False) -> None:
        """`started_from_length`: the start is not known (an orphan); it is the end less the file's length."""
        self._archiving.add(take.name)
        try:
            interaction = await with_retries(lambda: self._store.interaction_of(take.call_id), self._give_up_after)
            relative = file_name(take, str(interaction) if interaction else None)
            path = self._directory / relative
            await self._fetch(take.name, path)
            size = path.stat().st_size
            seconds = audio_seconds(path, take.format)
            if seconds is None:
                seconds = take.expected_seconds
            if started_from_length:
                take.started_at = take.ended_at - timedelta(seconds=seconds)
            row = NewRecording(take.call_id, take.agent_id, take.queue, relative, take.format, take.started_at,
                               take.ended_at, round(seconds, 3), size, take.paused_spans())
            recording_id = await with_retries(lambda: self._store.add(row), self._give_up_after)
            if recording_id is None:
                return  # the database never came back: the file stays, Asterisk's copy too
            log.info("recording.archived", call_id=take.call_id, recording_id=str(recording_id), path=relative,
                     seconds=round(seconds, 2), bytes=size, paused_spans=len(take.spans))
            try:
                await self._ari.delete_stored_recording(take.name)
            except (AriError, AsteriskUnavailable) as exc:
                log.warning("recording.spool_not_cleaned", recording=take.name, error=str(exc))
        except Exception:
            log.exception("recording.archive_failed", call_id=take.call_id, recording=take.name)
        finally:
            self._archiving.discard(take.name)

    async def _fetch(self, name: str, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        backoff = Backoff(initial=0.5, maximum=30.0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._give_up_after
        while True:
            try:
                await self._ari.download_stored_recording(name, partial)
                break
            except AsteriskUnavailable as exc:
                if loop.time() > deadline:
                    raise
                delay = backoff.next_delay()
                log.warning("recording.fetch_retry", recording=name, error=str(exc), in_seconds=round(delay, 1))
                await asyncio.sleep(delay)
        os.replace(partial, path)
