"""Synthetic call-log rows for the report tests: a call's story told in seconds from T0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telephony.call_events import CallEvent, CallEventKind as K

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Story:
    """Rows of calls, in the order written."""

    def __init__(self) -> None:
        self.rows: list[CallEvent] = []

    def add(self, call: str, kind: K, t: float, queue: str | None = "q", agent: str | None = None, **facts):
        self.rows.append(CallEvent(call, kind, at(t), queue, agent, **facts))
        return self

    def queued(self, call, t, queue="q", arrived=None, moved_from=None):
        return self.add(call, K.QUEUED, t, queue, arrived_at=at(t if arrived is None else arrived),
                        priority=0, reason=moved_from)

    def answered(self, call, t, agent, queue="q", talk=None, wrap=None, offered_at=None):
        self.add(call, K.OFFERED, t if offered_at is None else offered_at, queue, agent, offer_id=f"{call}-{agent}")
        self.add(call, K.ANSWERED, t, queue, agent)
        if talk is not None:
            self.add(call, K.TALK_ENDED, t + talk, queue, agent, talk_seconds=talk)
            if wrap:
                self.add(call, K.WRAP_UP_STARTED, t + talk, queue, agent)
                self.add(call, K.WRAP_UP_ENDED, t + talk + wrap, queue, agent)
        return self

    def rang_out(self, call, t, agent, queue="q", ring=15, outcome="no answer"):
        self.add(call, K.OFFERED, t, queue, agent, offer_id=f"{call}-{agent}-x")
        return self.add(call, K.RANG_OUT, t + ring, queue, agent, outcome=outcome)

    def abandoned(self, call, t, queue="q"):
        return self.add(call, K.ABANDONED, t, queue)

    def overflowed(self, call, t, target, queue="q"):
        return self.add(call, K.OVERFLOWED, t, queue, target=target)

    def transferred(self, call, t, agent, mode="attended", target="agent:1002", queue="q"):
        return self.add(call, K.TRANSFERRED, t, queue, agent, mode=mode, target=target, outcome="completed")
