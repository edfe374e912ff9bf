"""People's requests to a live call go to the call's own task and come back with its answer: done, refused
(the flow's Refused, with its reason), or gone. Every kind of flow takes the one CallFlow protocol."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from itertools import count

import pytest

from telephony.acd.commands import ConnectCallToAgent, HoldCaller, Offer
from telephony.model import Device
from telephony.calls.click_to_call import ClickToCallFlow
from telephony.call_flow import AgentCallPhase, CallFlow
from telephony.calls.inbound_flow import InboundFlow
from telephony.calls.internal_call import InternalCallFlow
from telephony.calls.queue_flow import QueueFlow
from telephony.calls.registry import CallRegistry
from telephony.calls.transfer_control import TransferRefused
from telephony.commands import Hangup, Originate
from telephony.config import parse_config
from telephony.events import CallArrived, ChannelHungUp, LegAnswered
from telephony.ivr.flow import IvrFlow, flow_for_call
from telephony.requests import (CallGone, HangupRequested, HelpRequested, NotConnected, Target, TargetKind,
                                TransferAction, TransferMode, TransferRequested, TransferStep)
from tests.unit.test_call_session import MemoryStore, RecordingExecutor

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
CONFIG = parse_config("dids: {\"1\": {entry: q}}\nqueues: {support: {}}\nivr:\n  q: {kind: queue, queue: support}\n")
BOB = Target(TargetKind.AGENT, "b1", "PJSIP/1002")


def test_every_kind_of_call_is_a_call_flow():
    arrived = CallArrived("c1", "inbound", "1", "+4930123456", "Ada", NOW)
    ivr = flow_for_call(CONFIG, arrived, lambda: NOW, lambda: "id")
    queue = QueueFlow("c1", "support", "+4930123456", "Ada", lambda: NOW, lambda: "id")
    flows = [ivr, queue, InboundFlow(ivr, lambda enter, vip: queue),
             InternalCallFlow("c2", "1002", "1001", "Ann", lambda: NOW),
             ClickToCallFlow("c3", "a1", "PJSIP/1001", "1001", "Ann", "PJSIP/1002", "1002", lambda: NOW)]
    assert all(isinstance(flow, CallFlow) for flow in flows)
    assert isinstance(ivr, IvrFlow)


def queue_call() -> tuple[CallRegistry, RecordingExecutor]:
    """A registry whose call c1 is a queue call, run by its own task."""
    executor, ids = RecordingExecutor(), count(1)
    calls = CallRegistry(lambda arrived: QueueFlow(arrived.channel_id, "support", arrived.caller_number,
                                                   arrived.caller_name, lambda: NOW, lambda: f"id{next(ids)}"),
                         executor, MemoryStore(), lambda: NOW)
    calls.handle(CallArrived("c1", "inbound", "1", "+4930123456", "Ada", NOW))
    return calls, executor


async def settle():
    for _ in range(20):
        await asyncio.sleep(0)


async def connect(calls: CallRegistry) -> None:
    for event in (HoldCaller("c1", "support", "default"),
                  Offer("o1", "c1", "a1", Device("softphone", "PJSIP/1001"), 15, "+4930123456", "Ada", "support"),
                  LegAnswered("c1", "c1-leg-1"), ConnectCallToAgent("c1", "o1", "a1")):
        calls.calls.deliver("c1", event)
    await settle()


async def test_a_request_is_answered_after_the_call_has_done_it():
    calls, executor = queue_call()
    await connect(calls)
    assert calls.calls.get("c1").view.phase_for("a1") is AgentCallPhase.CONNECTED
    await calls.calls.ask("c1", TransferRequested("c1", "a1", TransferMode.ATTENDED, BOB, "b1"))
    assert any(isinstance(c, Originate) and c.leg_id == "c1-leg-2" for c in executor.commands)


async def test_a_refused_request_raises_the_flows_reason_and_sends_nothing():
    calls, executor = queue_call()
    await connect(calls)
    sent = len(executor.commands)
    with pytest.raises(TransferRefused, match="no attended transfer"):
        await calls.calls.ask("c1", TransferStep("c1", "a1", TransferAction.COMPLETE))
    with pytest.raises(TransferRefused, match="not the agent"):
        await calls.calls.ask("c1", TransferRequested("c1", "b1", TransferMode.BLIND, BOB))
    assert len(executor.commands) == sent


async def test_a_request_to_a_call_that_ended_is_answered_gone():
    calls, executor = queue_call()
    await connect(calls)
    calls.handle(ChannelHungUp("c1", "left"))
    pending = asyncio.ensure_future(calls.calls.ask("c1", HangupRequested("c1", "a1")))
    with pytest.raises(CallGone):
        await pending
    await settle()
    with pytest.raises(CallGone):
        await calls.calls.ask("c1", HangupRequested("c1", "a1"))
    assert Hangup("c1") not in executor.commands  # the call was over before the request's turn


async def test_the_call_task_refreshes_the_view_the_api_reads():
    calls, _ = queue_call()
    await settle()
    session = calls.calls.get("c1")
    assert session.view.queue == "support" and session.view.agents == {}
    await connect(calls)
    assert session.view.talking == "a1"
    await calls.calls.ask("c1", HangupRequested("c1", "a1"))


async def test_help_is_vouched_for_by_the_call_only_while_the_agent_is_on_it():
    calls, _ = queue_call()
    await settle()
    with pytest.raises(NotConnected):
        await calls.calls.ask("c1", HelpRequested("c1", "a1"))  # still waiting: nobody to help
    await connect(calls)
    await calls.calls.ask("c1", HelpRequested("c1", "a1"))
    with pytest.raises(NotConnected):
        await calls.calls.ask("c1", HelpRequested("c1", "a2"))
