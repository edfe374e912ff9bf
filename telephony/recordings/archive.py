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
from datetime import datetime
from pathlib import Path

from telephony.backoff import Backoff
from telephony.db.recordings import NewRecording, RecordingStore
from telephony.db.writer import with_retries
from telephony.errors import AriError, AsteriskUnavailable
from telephony.logs import get_logger
from telephony.recordings.commands import RECORDING_COMMANDS
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

    def observe(self, command) -> None:
        """A recording command has been carried out by Asterisk."""
        if isinstance(command, RECORDING_COMMANDS):
            self._takes.note(command, self._clock())

    def finished(self, name: str, failed: bool) -> None:
        """Asterisk reports the recording `name` done (stopped, or its bridge gone) or failed."""
        take = self._takes.finish(name, self._clock())
        if take is None:
            return
        if failed:
            log.error("recording.failed", call_id=take.call_id, recording=name)
            return
        job = asyncio.create_task(self._archive(take), name=f"archive-{name}")
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)

    async def close(self, timeout: float = 10.0) -> None:
        """Give files being fetched a moment; what is left stays in Asterisk's spool."""
        if self._jobs:
            _, pending = await asyncio.wait(set(self._jobs), timeout=timeout)
            for job in pending:
                job.cancel()

    async def _archive(self, take: Take) -> None:
        try:
            interaction = await with_retries(lambda: self._store.interaction_of(take.call_id), self._give_up_after)
            relative = file_name(take, str(interaction) if interaction else None)
            path = self._directory / relative
            await self._fetch(take.name, path)
            size = path.stat().st_size
            seconds = audio_seconds(path, take.format)
            if seconds is None:
                seconds = take.expected_seconds
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
