"""The liveness marks: every call in flight marked with its queue, once more at the stop, and a failed mark
does not stop the next one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from structlog.testing import capture_logs

from telephony.call_flow import CallView
from telephony.calls.in_flight import CallsInFlight
from telephony.calls.liveness import LivenessMarks

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Session:
    channel_id: str
    view: CallView


class Store:
    def __init__(self, fail_first: int = 0):
        self.marks: list[tuple[list, datetime]] = []
        self.fail_first = fail_first

    async def seen_alive(self, calls, at):
        if self.fail_first:
            self.fail_first -= 1
            raise ConnectionRefusedError("database down")
        self.marks.append((calls, at))
        return len(calls)


def calls_in_flight(*sessions) -> CallsInFlight:
    calls = CallsInFlight()
    for session in sessions:
        calls.add(session)
    return calls


async def test_each_call_is_marked_with_its_queue_and_once_more_at_the_stop():
    calls = calls_in_flight(Session("c1", CallView(queue="nl-wait")), Session("c2", CallView()))
    store = Store()
    marks = LivenessMarks(calls, store, lambda: NOW, interval=0.01)
    marks.start()
    await asyncio.sleep(0.05)
    seen = len(store.marks)
    assert seen >= 2 and store.marks[0] == ([("c1", "nl-wait"), ("c2", None)], NOW)
    await marks.close()
    assert len(store.marks) == seen + 1


async def test_a_failed_mark_is_logged_and_the_next_one_goes_on():
    store = Store(fail_first=1)
    marks = LivenessMarks(calls_in_flight(Session("c1", CallView())), store, lambda: NOW, interval=0.01)
    with capture_logs() as logs:
        marks.start()
        await asyncio.sleep(0.05)
        await marks.close()
    assert any(entry["event"] == "calls.liveness_mark_failed" for entry in logs)
    assert store.marks


async def test_no_call_no_write():
    store = Store()
    marks = LivenessMarks(CallsInFlight(), store, lambda: NOW)
    await marks.mark()
    await marks.close()
    assert store.marks == []
