"""What the ACD is told. Every event carries its time: the dispatcher has no clock of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Union

from telephony.model import AgentProfile, Device
from telephony.causes import LegOutcome
from telephony.config.models import CallCenterConfig


@dataclass(frozen=True, slots=True)
class CallQueued:
    """A caller asks for an agent of `queue`. `priority` None takes the queue's default. `arrived_at`: a
    caller coming back (a transfer to a queue, a failed transfer) keeps their place among the callers of
    the same priority; None means now."""

    call_id: str
    queue: str
    at: datetime
    caller_number: str = ""
    caller_name: str = ""
    priority: int | None = None
    skills: tuple[tuple[str, int], ...] = ()  # (skill, minimum level) this call needs, beyond the queue's
    arrived_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CallPriorityRaised:
    """A waiting caller turned out to deserve a higher priority (a VIP, identified after they queued): they
    move ahead of lower-priority callers, keeping their first arrival among callers of their new priority."""

    call_id: str
    priority: int
    at: datetime


@dataclass(frozen=True, slots=True)
class CallerHungUp:
    """The caller's channel is gone, whatever the call's phase (waiting, ringing, connected)."""

    call_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AgentLoggedIn:
    """An agent starts taking calls on `device`, or is paused from the start.

    `restored`: not a login but the agent handed back after a restart of the daemon, as the database
    had them (the state change is recorded with cause "restored").
    """

    profile: AgentProfile
    device: Device
    at: datetime
    paused_reason: str | None = None
    restored: bool = False


@dataclass(frozen=True, slots=True)
class AgentProfileChanged:
    """Skills or queue memberships changed (API, CLI) while the agent may be logged in."""

    profile: AgentProfile
    at: datetime


@dataclass(frozen=True, slots=True)
class AgentLoggedOut:
    agent_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AgentPaused:
    agent_id: str
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AgentUnpaused:
    agent_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DeviceRegistration:
    """A softphone endpoint registered or unregistered (from Asterisk's endpoint/contact state)."""

    device: str
    registered: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class DeviceBusy:
    """The device is (or no longer is) in use, whoever placed the call.

    A busy device is never offered; the ACD's own offers hold the agent anyway, so reporting them too
    is harmless.
    """

    device: str
    busy: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class OfferAnswered:
    offer_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CallBridged:
    """Caller and agent now share a bridge: the call is connected."""

    offer_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AgentLegEnded:
    """The agent's channel of an offer is gone: refused, unreachable, rang out, cancelled or hung up.

    Until this arrives the agent stays held by the offer, so a leg being torn down never overlaps the
    next offer to the same agent. `cause`: how the leg ended (a LegOutcome), or why the call let it go.
    """

    offer_id: str
    at: datetime
    cause: str = LegOutcome.HUNG_UP


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passes: ring timeouts, maximum waits, announcements and wrap-ups fall due."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Reconfigured:
    """The call-center file was reloaded."""

    config: CallCenterConfig
    at: datetime


@dataclass(frozen=True, slots=True)
class TransferTargetRinging:
    """An agent is rung as a transfer's target (`hold_id`: the target's leg): no queue offer may reach them
    until `TransferTargetFreed`; an available agent shows as ringing."""

    hold_id: str
    agent_id: str
    call_id: str
    queue: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TransferTargetAnswered:
    """The transfer's target agent answered: on a call until `TransferTargetFreed`."""

    hold_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TransferTargetFreed:
    """The transfer's target leg is gone (not answered, cancelled, or the call they took over ended): the
    agent wraps up if they talked, and takes queue calls again."""

    hold_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AgentReleased:
    """The agent of a connected call has left it while the caller goes on elsewhere (a transfer): the
    agent's part is complete (wrap-up follows) and the ACD lets go of the call, without ending it."""

    offer_id: str
    at: datetime
    reason: str = "transferred"


@dataclass(frozen=True, slots=True)
class InternalCallStarted:
    """Agent `agent_id` is on internal call `call_id` (ringing or talking, either side): they get no offers
    until InternalCallEnded, whatever their device state says meanwhile."""

    call_id: str
    agent_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class InternalCallEnded:
    call_id: str
    agent_id: str
    at: datetime


AcdEvent = Union[
    CallQueued, CallPriorityRaised, CallerHungUp, AgentLoggedIn, AgentLoggedOut, AgentPaused, AgentUnpaused,
    DeviceRegistration, DeviceBusy, OfferAnswered, CallBridged, AgentLegEnded, Tick, AgentProfileChanged,
    Reconfigured, AgentReleased, InternalCallStarted, InternalCallEnded,
    TransferTargetRinging, TransferTargetAnswered, TransferTargetFreed,
]
