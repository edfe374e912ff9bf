"""A call whose flow fails: what it holds is let go through the flow, and the caller is hung up."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from telephony.call_flow import CallStory, CallView
from telephony.calls.session import CallSession
from telephony.commands import Hangup
from telephony.events import FAILED, CallArrived, ChannelHungUp, LegAnswered
from telephony.requests import NotConnected

NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


class Executor:
    def __init__(self):
        self.done = []

    async def execute(self, command):
        self.done.append(command)


class Recorder:
    caller = None

    def __init__(self):
        self.outcome = None

    def started(self, call, identified=None): pass
    def answered(self, at): pass
    def segments(self, write, segments): pass

    def ended(self, at, outcome, path, data=None, voicemail=None, ended_by=None):
        self.outcome = outcome
        self.ended_by = ended_by

    async def finished(self): pass


class BreakingFlow:
    """Fails on its first event; on the hang-up it is told of afterwards, lets its agent go."""

    ended = False

    def __init__(self, fail_again: bool = False):
        self.fail_again = fail_again
        self.told = []

    def start(self):
        return []

    def handle(self, event):
        self.told.append(event)
        if isinstance(event, ChannelHungUp):
            if self.fail_again:
                raise RuntimeError("still broken")
            return [Hangup("c1-leg-1")]
        raise RuntimeError("a bug")

    def request(self, request):
        raise NotConnected("nobody steers this call")

    def view(self):
        return CallView()

    def story(self):
        return CallStory(None)


async def run(flow):
    executor, recorder = Executor(), Recorder()
    session = CallSession(CallArrived("c1", "inbound", "400", "+4930", "", NOW), flow, executor, recorder,
                          lambda: NOW)
    session.deliver(LegAnswered("c1", "c1-leg-1"))
    await asyncio.wait_for(session.run(), 5)
    return executor.done, recorder.outcome


async def test_a_failing_flow_is_told_the_call_is_over_before_the_caller_is_hung_up():
    flow = BreakingFlow()
    done, outcome = await run(flow)
    assert flow.told[-1] == ChannelHungUp("c1", FAILED)
    assert done == [Hangup("c1-leg-1"), Hangup("c1")] and outcome == "failed"


async def test_a_flow_failing_again_on_the_release_still_hangs_up_the_caller():
    done, outcome = await run(BreakingFlow(fail_again=True))
    assert done == [Hangup("c1")] and outcome == "failed"
