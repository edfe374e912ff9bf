"""Which flow an arrived call gets, and the priority its queue flow starts with: the IVR node's, else the
queue's own, raised to the queue's VIP priority for a VIP."""

from __future__ import annotations

from datetime import datetime, timezone

from telephony.calls.flow_factory import FlowFactory
from telephony.calls.inbound_flow import InboundFlow
from telephony.calls.internal_call import InternalCallFlow
from telephony.commands import EnterQueue
from telephony.config import parse_config
from telephony.events import CallArrived

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
CONFIG = parse_config("""
dids: {"1": {entry: q}}
queues: {gold: {priority: 3, vip_priority: 9}, plain: {}}
ivr:
  q: {kind: queue, queue: gold}
""")


def factory() -> FlowFactory:
    return FlowFactory(lambda: CONFIG, lambda agent_id: None, lambda: NOW, lambda: "id", 30, "wav")


def queue_flow_of(arrived: CallArrived, enter: EnterQueue, vip: bool):
    flow = factory()(arrived)
    assert isinstance(flow, InboundFlow)
    return flow._queue_flow_for(enter, vip)


def test_an_internal_call_and_an_inbound_call_get_their_flows():
    assert isinstance(factory()(CallArrived("c1", "internal", "1002", "1001", "", NOW)), InternalCallFlow)
    assert isinstance(factory()(CallArrived("c2", "inbound", "1", "+4930123456", "", NOW)), InboundFlow)


def test_the_nodes_priority_else_the_queues_else_zero_and_a_vips_raised():
    arrived = CallArrived("c1", "inbound", "1", "+4930123456", "", NOW)
    assert queue_flow_of(arrived, EnterQueue("c1", "gold"), vip=False).priority == 3
    assert queue_flow_of(arrived, EnterQueue("c1", "gold", 1), vip=False).priority == 1
    assert queue_flow_of(arrived, EnterQueue("c1", "gold", 1), vip=True).priority == 9
    assert queue_flow_of(arrived, EnterQueue("c1", "plain"), vip=True).priority == 0  # no VIP priority there
