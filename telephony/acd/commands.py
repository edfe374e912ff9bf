"""What the ACD decides: commands for the Asterisk executor, and records to store and publish.

Commands name channels by the ids the ACD was given (`call_id` is the caller's channel) or made itself
(`offer_id` names the agent leg the executor originates for an Offer). Every command carries the call it
is about, so that it can be run by that call's own task, in order with the call's other commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Union

from telephony.model import Device, StateChanged
from telephony.config.models import OverflowTarget


@dataclass(frozen=True, slots=True)
class HoldCaller:
    """Put the caller in the queue's holding bridge with its music on hold."""

    call_id: str
    queue: str
    moh_class: str


@dataclass(frozen=True, slots=True)
class Offer:
    """Originate to the agent's device, showing the customer's number and name, ringing `timeout` s.

    Answer → OfferAnswered; the leg's end (for any reason) → AgentLegEnded.
    """

    offer_id: str
    call_id: str
    agent_id: str
    device: Device
    timeout: float
    caller_number: str
    caller_name: str
    queue: str


@dataclass(frozen=True, slots=True)
class CancelOffer:
    """Hang up the agent's leg of an offer (ringing or answered); AgentLegEnded follows."""

    offer_id: str
    call_id: str
    agent_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ConnectCallToAgent:
    """Move the caller and the answered agent leg into one bridge; CallBridged follows."""

    call_id: str
    offer_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class Announce:
    """Tell the waiting caller its position (1 = next) and the estimated wait in seconds, if known."""

    call_id: str
    position: int
    estimated_wait: int | None


@dataclass(frozen=True, slots=True)
class Overflow:
    """The call leaves the ACD for voicemail or a message (the call's flow carries it on)."""

    call_id: str
    destination: OverflowTarget
    reason: str  # max_wait | full


@dataclass(frozen=True, slots=True)
class EndCall:
    """The agent hung up a connected call: the caller's side is finished with the ACD too."""

    call_id: str


@dataclass(frozen=True, slots=True)
class CallMoved:
    """Record: the call overflowed into another queue (keeping its arrival time and priority)."""

    call_id: str
    from_queue: str
    to_queue: str
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CallAbandoned:
    """Record: the caller hung up before being connected."""

    call_id: str
    queue: str
    waited: float
    at: datetime


@dataclass(frozen=True, slots=True)
class CallOverflowed:
    """Record: the call left the ACD for voicemail or a message after `waited` seconds."""

    call_id: str
    queue: str
    destination: str  # voicemail:BOX | message:PROMPT
    reason: str  # max_wait | full
    waited: float
    at: datetime


@dataclass(frozen=True, slots=True)
class CallConnected:
    call_id: str
    queue: str
    agent_id: str
    waited: float
    at: datetime


@dataclass(frozen=True, slots=True)
class CallCompleted:
    """Record: a connected call ended for its agent; `talked` feeds the estimated wait of the queue.
    `handed_over`: a transfer took the caller on, so the call itself goes on without this agent."""

    call_id: str
    queue: str
    agent_id: str
    talked: float
    at: datetime
    handed_over: bool = False


@dataclass(frozen=True, slots=True)
class CallEnteredQueue:
    """Record: the call entered `queue`, first or moved on from `moved_from` (an overflow), with the priority
    it waits at and its first arrival (which a call coming back keeps)."""

    call_id: str
    queue: str
    priority: int
    arrived_at: datetime
    at: datetime
    moved_from: str | None = None


@dataclass(frozen=True, slots=True)
class OfferMissed:
    """Record: an offer rang without the agent answering; `outcome`: how its leg ended (a LegOutcome)."""

    offer_id: str
    call_id: str
    queue: str
    agent_id: str
    outcome: str
    at: datetime


@dataclass(frozen=True, slots=True)
class WrapUpStarted:
    call_id: str
    queue: str
    agent_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class WrapUpEnded:
    call_id: str
    queue: str
    agent_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TransferTalkEnded:
    """Record: an agent who took the call over from a transfer is done talking with the caller."""

    call_id: str
    queue: str
    agent_id: str
    talked: float
    at: datetime


Command = Union[HoldCaller, Offer, CancelOffer, ConnectCallToAgent, Announce, Overflow, EndCall]
Record = Union[StateChanged, CallMoved, CallAbandoned, CallOverflowed, CallConnected, CallCompleted,
               CallEnteredQueue, OfferMissed, WrapUpStarted, WrapUpEnded, TransferTalkEnded]
Output = Union[Command, Record]
RECORD_TYPES = (StateChanged, CallMoved, CallAbandoned, CallOverflowed, CallConnected, CallCompleted,
                CallEnteredQueue, OfferMissed, WrapUpStarted, WrapUpEnded, TransferTalkEnded)
