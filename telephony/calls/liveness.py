"""Marks every call in flight as seen alive, every few seconds and once more when the daemon stops.

Asterisk keeps calls while no daemon watches them; one that ends meanwhile is closed as lost by the next
start's reconcile. These marks let that row end when the call was last known alive, in the queue it was
in, rather than at the next start's time with no queue: after a crash within one interval, after a
graceful stop at the stop itself. A failed mark (the database away) is skipped: the next one catches up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

from telephony.calls.in_flight import CallsInFlight
from telephony.db.liveness import LivenessStore
from telephony.logs import get_logger

log = get_logger(__name__)


class LivenessMarks:
    def __init__(self, calls: CallsInFlight, store: LivenessStore, clock: Callable[[], datetime],
                 interval: float = 2.0, final_timeout: float = 0.5):
        self._calls = calls
        self._store = store
        self._clock = clock
        self._interval = interval
        self._final_timeout = final_timeout
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="liveness-marks")

    async def close(self) -> None:
        """Stop marking, after one last mark of the calls still in flight (bounded: a stop stays quick)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._final_timeout):
                await self.mark()

    async def mark(self) -> None:
        calls = [(session.channel_id, session.view.queue) for session in self._calls]
        if not calls:
            return
        try:
            await self._store.seen_alive(calls, self._clock())
        except Exception as exc:  # the database away, or anything else: the next mark tries again
            log.warning("calls.liveness_mark_failed", calls=len(calls), error=str(exc) or type(exc).__name__)

    async def _run(self) -> None:
        while True:
            await self.mark()
            await asyncio.sleep(self._interval)
