"""The dispatcher's one task: events from anywhere in, commands and records handed on, timers kept.

Producers (per-call tasks, the ARI/AMI translators, the API) never call the dispatcher directly; they
`submit` events, or `ask` when they need the outcome (an API pause with an unknown reason must fail).
The task never waits on Asterisk or the database: `send_command` and `record` only hand the outputs on
(a command to its call's task, a record to an ordered writer), so a slow ARI request cannot delay the
next routing decision.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from telephony.acd.commands import RECORD_TYPES, Command, Output, Record
from telephony.acd.dispatcher import Dispatcher
from telephony.acd.events import AcdEvent, Tick
from telephony.errors import Refused
from telephony.logs import get_logger

log = get_logger(__name__)


class AcdService:
    def __init__(self, dispatcher: Dispatcher, send_command: Callable[[Command], None],
                 record: Callable[[Record], None], clock: Callable[[], datetime]):
        self._dispatcher = dispatcher
        self._send_command = send_command
        self._record = record
        self._clock = clock
        self._inbox: asyncio.Queue[tuple[AcdEvent, asyncio.Future | None]] = asyncio.Queue()

    def submit(self, event: AcdEvent) -> None:
        self._inbox.put_nowait((event, None))

    async def ask(self, event: AcdEvent) -> list[Output]:
        """Submit and wait for the outputs; the dispatcher's refusal (a Refused) is raised here."""
        future = asyncio.get_running_loop().create_future()
        self._inbox.put_nowait((event, future))
        return await future

    async def run(self) -> None:
        while True:
            deadline = self._dispatcher.next_deadline()
            now = self._clock()
            if deadline is not None and deadline <= now:
                self._process(Tick(now), None)  # timers first, even while events keep coming
                continue
            timeout = None if deadline is None else (deadline - now).total_seconds()
            try:
                event, future = await asyncio.wait_for(self._inbox.get(), timeout)
            except TimeoutError:
                continue
            self._process(event, future)

    def _process(self, event: AcdEvent, future: asyncio.Future | None) -> None:
        try:
            outputs = self._dispatcher.handle(event)
        except Exception as exc:  # one bad event must not stop all routing
            if future is not None:
                future.set_exception(exc)
            elif isinstance(exc, Refused):
                log.warning("acd.event_refused", event=type(event).__name__, error=str(exc))
            else:
                log.error("acd.event_failed", event=type(event).__name__, exc_info=exc)
            return
        for output in outputs:
            try:
                if isinstance(output, RECORD_TYPES):
                    self._record(output)
                else:
                    self._send_command(output)
            except Exception:  # a failing consumer must not stop all routing
                log.exception("acd.output_failed", output=type(output).__name__)
        if future is not None and not future.cancelled():
            future.set_result(outputs)
