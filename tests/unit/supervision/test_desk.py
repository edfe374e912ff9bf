"""Supervision's use cases with stand-ins for the calls and the event hub: who hears what."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from telephony.audience import Audience
from telephony.supervision.desk import LiveCall, SupervisorDesk
from telephony.supervision.events import SupervisorJoined, SupervisorLeft

AGENT_USER = uuid4()


class OneCall:
    """Call c1 of queue sales, agent a1 talking; its task takes every request."""

    def __init__(self):
        self.call = LiveCall("c1", "sales", "a1", Audience.of(users=[AGENT_USER]))
        self.asked = []

    def live_call(self, call_id):
        return self.call if call_id == "c1" else None

    def agent_live_call(self, agent_id):
        return self.call if agent_id == "a1" else None

    async def ask(self, call_id, request):
        self.asked.append((call_id, request))


def desk_with_call():
    published = []
    desk = SupervisorDesk(OneCall(), agents=None,
                          publish=lambda name, data, audience: published.append((name, data, audience)),
                          clock=lambda: datetime(2026, 11, 22, tzinfo=UTC))
    return desk, published


async def test_help_goes_to_the_agent_and_the_queue_supervisors_once_and_clears_when_one_joins():
    desk, published = desk_with_call()
    assert await desk.request_help_for("a1") and await desk.request_help_for("a1")
    assert not await desk.request_help_for("a2")  # no connected call
    [(name, data, audience)] = published
    assert name == "help.requested" and data["call_id"] == "c1"
    assert audience == Audience.of(users=[AGENT_USER], queues=["sales"])
    desk.report(SupervisorJoined("c1", "u1", "listen"))
    kinds = [(n, d.get("reason"), a) for n, d, a in published[1:]]
    assert ("call.monitor", None, Audience.of(queues=["sales"])) in kinds  # not to the agent: silent
    assert ("help.cleared", "joined", Audience.of(users=[AGENT_USER], queues=["sales"])) in kinds


async def test_the_call_ending_clears_an_open_request_and_a_left_supervisor_is_announced():
    desk, published = desk_with_call()
    await desk.request_help_for("a1")
    desk.agent_done("c1", "sales", "a1", Audience.of(users=[AGENT_USER]))
    assert published[-1][0] == "help.cleared" and published[-1][1]["reason"] == "ended"
    desk.report(SupervisorLeft("c1", "u1", "hung up"))
    assert published[-1][0] == "call.monitor" and published[-1][1]["reason"] == "hung up"


async def test_a_transfer_taking_the_caller_on_clears_the_agents_request_as_handed_over():
    desk, published = desk_with_call()
    await desk.request_help_for("a1")
    desk.agent_done("c1", "sales", "a1", Audience.of(users=[AGENT_USER]), handed_over=True)
    assert published[-1][0] == "help.cleared" and published[-1][1]["reason"] == "handed_over"
