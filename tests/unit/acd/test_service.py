"""The dispatcher's task on a real event loop: hand-off of outputs, timers, refusals."""

import asyncio
from datetime import datetime, timezone

import pytest

from telephony.acd import events as ev
from telephony.acd.agent_state import AgentStateRefused
from telephony.acd.commands import CallEnteredQueue, CancelOffer, HoldCaller, Offer, OfferMissed
from telephony.acd.dispatcher import Dispatcher
from telephony.model import AgentProfile, Device, StateChanged
from telephony.acd.service import AcdService
from telephony.config import parse_config


def now():
    return datetime.now(timezone.utc)


@pytest.fixture
async def service():
    commands, records = [], []
    dispatcher = Dispatcher(parse_config("queues: {q: {ring_timeout: 0.05}}"))
    acd = AcdService(dispatcher, commands.append, records.append, now)
    task = asyncio.create_task(acd.run())
    yield acd, commands, records
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def settle(predicate, timeout=2.0):
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


async def test_commands_and_records_are_handed_on_and_timers_fire(service):
    acd, commands, records = service
    acd.submit(ev.AgentLoggedIn(AgentProfile("ann", "Ann", "1001", {}, {"q": 0}), Device("softphone", "PJSIP/1"),
                                now()))
    acd.submit(ev.CallQueued("c1", "q", now()))
    await settle(lambda: any(isinstance(c, CancelOffer) for c in commands))  # the ring timeout passed
    kinds = [type(c) for c in commands]
    assert kinds[:2] == [HoldCaller, Offer] and CancelOffer in kinds
    call_log = [type(r) for r in records if not isinstance(r, StateChanged)]
    assert call_log[0] is CallEnteredQueue and set(call_log[1:]) == {OfferMissed}  # the rest: state changes


async def test_ask_raises_the_dispatchers_refusal_and_the_task_goes_on(service):
    acd, _, _ = service
    with pytest.raises(AgentStateRefused, match="unknown agent"):
        await acd.ask(ev.AgentPaused("nobody", "lunch", now()))
    outputs = await acd.ask(ev.CallQueued("c1", "q", now()))
    assert [type(o) for o in outputs] == [HoldCaller, CallEnteredQueue]
