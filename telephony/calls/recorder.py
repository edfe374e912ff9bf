"""Writes one call's interaction row in order, retrying while the database is away.

A database outage delays the row instead of losing it or stalling the call: the call's task only
enqueues, and this writer catches up once the database answers again.

An inbound call's caller is identified (customer found or created) in the same ordered write as its
row, so the IVR never waits on the CRM, and a CRM failure other than an outage leaves the row written
without a customer rather than breaking the call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from uuid import UUID

import structlog

from telephony.crm.model import CallerIdentity
from telephony.db.interactions import InteractionStore
from telephony.db.writer import RETRYABLE, with_retries
from telephony.events import CallArrived
from telephony.logs import get_logger

log = get_logger(__name__)

Write = Callable[[UUID | None], Awaitable[UUID | None]]
Identify = Callable[[str], Awaitable[CallerIdentity]]
NOBODY = CallerIdentity(None)


class InteractionRecorder:
    def __init__(self, store: InteractionStore, call_id: str, give_up_after: float = 600.0,
                 identify: Identify | None = None):
        self._store = store
        self._identify = identify
        self.caller: CallerIdentity | None = None
        self._call_id = call_id
        self._writes: asyncio.Queue[Write | None] = asyncio.Queue()
        self._give_up_after = give_up_after
        self.interaction_id: UUID | None = None
        self._task = asyncio.create_task(self._write_all(), name="interaction-writer")

    def started(self, call: CallArrived, identified: Callable[[CallerIdentity], None] | None = None) -> None:
        """Write the call's row; `identified(caller)` is told once the caller is known (before the row is
        written), so the call can act on who they are (a VIP's priority)."""
        async def write(_):
            self.caller = await self._identify_caller(call)
            if identified is not None:
                identified(self.caller)
            customer_id = self.caller.customer.id if self.caller.customer else None
            return await self._store.start(call.channel_id, call.direction, call.dialled, call.caller_number,
                                           call.caller_name, call.at, caller_e164=self.caller.e164,
                                           customer_id=customer_id)
        self._writes.put_nowait(write)

    def answered(self, at: datetime) -> None:
        self._writes.put_nowait(lambda iid: self._store.answered(iid, at))

    def segments(self, write_segments: Callable[[UUID, list], Awaitable[None]], segments: list) -> None:
        """Write the call's segments (a transfer's story) in order with its row; `write_segments` is a
        SegmentStore's `replace`."""
        snapshot = list(segments)
        self._writes.put_nowait(lambda iid: write_segments(iid, snapshot))

    def ended(self, at: datetime, outcome: str, ivr_path: list[dict], ivr_data: dict | None = None,
              voicemail=None, ended_by: str | None = None) -> None:
        self._writes.put_nowait(lambda iid: self._store.ended(iid, at, outcome, ivr_path, ivr_data, voicemail,
                                                              ended_by=ended_by))
        self._writes.put_nowait(None)

    async def _identify_caller(self, call: CallArrived) -> CallerIdentity:
        if self._identify is None or call.direction != "inbound":
            return NOBODY
        try:
            return await self._identify(call.caller_number)
        except RETRYABLE:
            raise
        except Exception:
            log.exception("crm.identify_failed")
            return NOBODY

    async def finished(self) -> None:
        await asyncio.shield(self._task)

    async def _write_all(self) -> None:
        structlog.contextvars.bind_contextvars(call_id=self._call_id)
        while (write := await self._writes.get()) is not None:
            result = await with_retries(lambda: write(self.interaction_id), self._give_up_after)
            if self.interaction_id is None and isinstance(result, UUID):
                self.interaction_id = result
                structlog.contextvars.bind_contextvars(interaction_id=str(result))
