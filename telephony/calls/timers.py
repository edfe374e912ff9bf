"""The call's timer: StartTimer commands from the flow become TimerFired events in the call's queue.

One timer per call: a new one replaces the one running, as a flow waits for one thing at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from telephony.commands import CancelTimer, StartTimer
from telephony.events import TimerFired
from telephony.timers import TimerId


class CallTimer:
    def __init__(self, channel_id: str, deliver: Callable[[TimerFired], None]):
        self._channel_id = channel_id
        self._deliver = deliver
        self._task: asyncio.Task | None = None
        self._timer_id: TimerId | None = None

    def run(self, command: StartTimer | CancelTimer) -> None:
        if isinstance(command, StartTimer):
            self.cancel()
            self._timer_id = command.timer_id
            self._task = asyncio.create_task(self._fire(command.timer_id, command.seconds),
                                             name=f"timer-{self._channel_id}")
        elif command.timer_id == self._timer_id:
            self.cancel()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task = self._timer_id = None

    async def _fire(self, timer_id: TimerId, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._task = self._timer_id = None
        self._deliver(TimerFired(self._channel_id, timer_id))
