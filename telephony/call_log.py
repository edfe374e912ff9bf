"""The call log's feed: the ACD's records and offers and the calls' transfer reports, as they are published on
the domain events, become call-log rows (telephony.call_events) appended through one ordered writer.

The writer is the ACD's own (the one that writes the agent state log), and every row is submitted the moment
its record is published, so rows are written in the order things happened, for all calls alike. A row names
its call by the caller's channel id; it does not wait for the interaction's row (written by the call's
InteractionRecorder), which reports join it to by `channel_id`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telephony.acd.commands import (CallAbandoned, CallCompleted, CallConnected, CallEnteredQueue, CallMoved,
                                    CallOverflowed, Offer, OfferMissed, TransferTalkEnded, WrapUpEnded,
                                    WrapUpStarted)
from telephony.call_events import CallEvent, CallEventKind
from telephony.calls.transfer_reports import TransferReport
from telephony.db.call_events import CallEventStore

K = CallEventKind
KINDS = (CallEnteredQueue, Offer, OfferMissed, CallConnected, CallCompleted, TransferTalkEnded, CallAbandoned,
         CallOverflowed, CallMoved, WrapUpStarted, WrapUpEnded, TransferReport)
TRANSFERRED = ("completed", "requeued")  # the transfer reports that say the call went on without its agent


def call_event(item: object) -> CallEvent | None:
    """The log's row for a published record, offer or report; None for what the log does not keep."""
    match item:
        case CallEnteredQueue():
            return CallEvent(item.call_id, K.QUEUED, item.at, item.queue, priority=item.priority,
                             arrived_at=item.arrived_at, reason=item.moved_from)
        case Offer():
            return None  # logged by `offered`, which knows when it was made
        case OfferMissed():
            return CallEvent(item.call_id, K.RANG_OUT, item.at, item.queue, item.agent_id, item.offer_id,
                             outcome=str(item.outcome))
        case CallConnected():
            return CallEvent(item.call_id, K.ANSWERED, item.at, item.queue, item.agent_id, wait_seconds=item.waited)
        case CallCompleted():
            return CallEvent(item.call_id, K.TALK_ENDED, item.at, item.queue, item.agent_id,
                             talk_seconds=item.talked, reason="handed_over" if item.handed_over else None)
        case TransferTalkEnded():
            return CallEvent(item.call_id, K.TALK_ENDED, item.at, item.queue, item.agent_id,
                             talk_seconds=item.talked, reason="transferred_in")
        case CallAbandoned():
            return CallEvent(item.call_id, K.ABANDONED, item.at, item.queue, wait_seconds=item.waited)
        case CallOverflowed():
            return CallEvent(item.call_id, K.OVERFLOWED, item.at, item.queue, wait_seconds=item.waited,
                             target=item.destination, reason=item.reason)
        case CallMoved():
            return CallEvent(item.call_id, K.OVERFLOWED, item.at, item.from_queue, target=f"queue:{item.to_queue}",
                             reason=item.reason)
        case WrapUpStarted():
            return CallEvent(item.call_id, K.WRAP_UP_STARTED, item.at, item.queue, item.agent_id)
        case WrapUpEnded():
            return CallEvent(item.call_id, K.WRAP_UP_ENDED, item.at, item.queue, item.agent_id)
        case TransferReport(what=what) if what in TRANSFERRED:
            return CallEvent(item.call_id, K.TRANSFERRED, item.at, item.queue, item.agent_id, mode=item.mode,
                             target=f"{item.target_kind}:{item.target}", outcome=what, reason=item.reason or None)
    return None


class CallLog:
    def __init__(self, store: CallEventStore, submit: Callable[[Callable[[], Awaitable[object]]], None],
                 clock: Callable[[], object]):
        """`submit`: the ordered writer's (the ACD's OrderedWriter.submit)."""
        self._store = store
        self._submit = submit
        self._clock = clock

    def observe(self, item: object) -> None:
        """A DomainEvents listener for KINDS."""
        event = self.offered(item) if isinstance(item, Offer) else call_event(item)
        if event is not None:
            self._submit(lambda: self._store.append([event]))

    def offered(self, offer: Offer) -> CallEvent:
        return CallEvent(offer.call_id, K.OFFERED, self._clock(), offer.queue, offer.agent_id, offer.offer_id)
