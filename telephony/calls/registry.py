"""Starts and ends the calls' tasks: a task for each call that arrives (its flow made by the flow factory)
or that the daemon places, each registered in CallsInFlight while it runs; routes Asterisk's events to
them; and reconciles with what Asterisk reports after a reconnect or restart."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from telephony.call_flow import CallFlow
from telephony.calls.in_flight import CallsInFlight
from telephony.calls.recorder import Identify, InteractionRecorder
from telephony.calls.session import CallSession
from telephony.channel_ids import ChannelKind, classify
from telephony.commands import CommandExecutor
from telephony.db.interactions import InteractionStore
from telephony.events import CallArrived, CallEvent, ChannelHungUp
from telephony.logs import get_logger

log = get_logger(__name__)

FlowFactory = Callable[[CallArrived], CallFlow]


class CallRegistry:
    def __init__(self, flow_factory: FlowFactory, executor: CommandExecutor, store: InteractionStore,
                 clock: Callable[[], datetime], identify: Identify | None = None, write_segments=None,
                 calls: CallsInFlight | None = None):
        """`calls`: where the running calls are registered (a fresh table if none is shared)."""
        self._flow_factory = flow_factory
        self._identify = identify
        self._executor = executor
        self._store = store
        self._clock = clock
        self._write_segments = write_segments
        self.calls = calls if calls is not None else CallsInFlight()
        self._tasks: dict[str, asyncio.Task] = {}

    def handle(self, event: CallEvent) -> None:
        if isinstance(event, CallArrived):
            if event.channel_id not in self.calls:
                self._begin(event)
            return
        self.calls.deliver(event.channel_id, event)

    def start_call(self, arrived: CallArrived, flow: CallFlow) -> None:
        """Begin a call the daemon places itself (no channel arrived), run by `flow`."""
        self._begin(arrived, flow)

    def _begin(self, arrived: CallArrived, flow: CallFlow | None = None) -> None:
        recorder = InteractionRecorder(self._store, arrived.channel_id, identify=self._identify)
        session = CallSession(arrived, flow or self._flow_factory(arrived), self._executor, recorder, self._clock,
                              self._write_segments)
        self.calls.add(session)
        task = asyncio.create_task(session.run(), name=f"call-{arrived.channel_id}")
        self._tasks[arrived.channel_id] = task
        task.add_done_callback(lambda _t, cid=arrived.channel_id: self._forget(cid))

    def _forget(self, channel_id: str) -> None:
        self.calls.remove(channel_id)
        self._tasks.pop(channel_id, None)

    async def reconcile(self, live: dict[str, CallArrived | None]) -> None:
        """Bring memory and the database in line with the channels Asterisk has in our app.

        `live` maps each channel in the app to its CallArrived (None for channels that are not calls of
        ours, such as snoop channels). Calls we track that are gone end; calls we do not track are adopted;
        interactions left open for channels that no longer exist are closed as lost, when they were last
        seen alive.
        """
        owners = {owner.call_id for owner in map(classify, live) if owner.kind is ChannelKind.LEG}
        vanished = [s.channel_id for s in self.calls if s.channel_id not in live and s.channel_id not in owners]
        for cid in vanished:
            self.calls.deliver(cid, ChannelHungUp(cid, cause="vanished"))
        adopted = [arrived for cid, arrived in live.items() if arrived and cid not in self.calls]
        for arrived in adopted:
            self._begin(arrived)
        lost = [i.id for i in await self._store.open_interactions()
                if i.channel_id not in live and i.channel_id not in self.calls]
        if lost:
            await self._store.close_lost(lost)
        log.info("calls.reconciled", live=len(live), vanished=len(vanished), adopted=len(adopted),
                 closed_lost=len(lost))

    async def release_all(self) -> None:
        """Stop handling calls without touching them: Asterisk keeps the channels for the next start."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
