"""The screen pop: when the ACD offers a call to an agent and when the agent answers it, the agent's event
stream gets `call.screen_pop` with the caller's customer, their last 10 interactions and open tickets.

Fed from the ACD's traffic (an Offer command, a CallConnected record) without blocking it: the lookup runs
in its own task. A caller not (yet) identified — withheld number, database away — pops with no customer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable
from uuid import UUID

from telephony.crm.model import CallerIdentity, ScreenPop, json_default
from telephony.logs import get_logger

log = get_logger(__name__)

CallerOf = Callable[[str], CallerIdentity | None]
Publish = Callable[[str, dict, str], None]  # event type, payload, agent id


class ScreenPops:
    def __init__(self, caller_of: CallerOf, screen_pop: Callable[[UUID], Awaitable[ScreenPop]],
                 publish: Publish):
        self._caller_of = caller_of
        self._screen_pop = screen_pop
        self._publish = publish
        self._tasks: set[asyncio.Task] = set()

    def offered(self, call_id: str, agent_id: str, queue: str) -> None:
        self._spawn("offered", call_id, agent_id, queue)

    def answered(self, call_id: str, agent_id: str, queue: str) -> None:
        self._spawn("answered", call_id, agent_id, queue)

    def _spawn(self, moment: str, call_id: str, agent_id: str, queue: str) -> None:
        task = asyncio.create_task(self.announce(moment, call_id, agent_id, queue),
                                   name=f"screen-pop-{call_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def lookup(self, call_id: str) -> dict | None:
        """The pop of a call's customer as JSON, or None (caller not identified, or the lookup failed)."""
        caller = self._caller_of(call_id)
        if caller is None or caller.customer is None:
            return None
        try:
            return as_json(await self._screen_pop(caller.customer.id))
        except Exception:
            log.exception("crm.screen_pop_failed", call_id=call_id)
            return None

    async def announce(self, moment: str, call_id: str, agent_id: str, queue: str) -> None:
        caller = self._caller_of(call_id)
        self._publish("call.screen_pop", {
            "moment": moment, "call_id": call_id, "agent_id": agent_id, "queue": queue,
            "caller_e164": caller.e164 if caller else None,
            "screen_pop": await self.lookup(call_id),
        }, agent_id)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def as_json(value) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(value), default=json_default))
