"""Branch on business hours, in the node's time zone, with holidays closed all day."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from telephony.config.hours import weekly_spans
from telephony.ivr.nodes.base import NodeHandler


def is_open(node, now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(node.timezone))
    if local.date() in node.holidays:
        return False
    spans = weekly_spans(node.hours)[0].get(local.weekday(), [])
    moment = local.time().replace(tzinfo=None)
    return any(start <= moment < end or (end == time.max and moment >= start) for start, end in spans)


class Schedule(NodeHandler):
    def enter(self, node, flow):
        opened = is_open(node, flow.now)
        flow.step("open" if opened else "closed")
        return flow.goto(node.open if opened else node.closed)
