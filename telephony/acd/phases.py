"""The phases of a call waiting in the ACD and of an offer made to an agent, with their allowed moves.

The dispatcher checks every event against the current phase before it moves anything (a late or duplicate
event is ignored there), so a move missing from these tables is a bug in the dispatcher, never a race.
"""

from __future__ import annotations

import enum

from telephony.phases import PhaseTable


class WaitingCallPhase(enum.Enum):
    WAITING = "waiting"        # in its queue, no offer out
    RINGING = "ringing"        # offered to one or more agents (one offer each)
    CONNECTING = "connecting"  # an agent answered; the caller is being bridged to them
    CONNECTED = "connected"    # talking with that agent, until either leaves


class WaitingCallEvent(enum.Enum):
    OFFERED = "offered"
    RING_TIMEOUT = "ring_timeout"  # nobody answered within the queue's ring timeout
    OFFERS_GONE = "offers_gone"    # every ringing leg ended (refused, lost) or its agent stopped taking calls
    ANSWERED = "answered"
    WINNER_LOST = "winner_lost"    # the agent who answered left, or was never bridged, before the bridge
    BRIDGED = "bridged"
    MOVED = "moved"                # overflowed into another queue, where it waits again


W, WE = WaitingCallPhase, WaitingCallEvent
WAITING_CALL_PHASES: PhaseTable[WaitingCallPhase, WaitingCallEvent] = PhaseTable("waiting_call", {
    (W.WAITING, WE.OFFERED): W.RINGING,
    (W.WAITING, WE.MOVED): W.WAITING,
    (W.RINGING, WE.RING_TIMEOUT): W.WAITING,
    (W.RINGING, WE.OFFERS_GONE): W.WAITING,
    (W.RINGING, WE.MOVED): W.WAITING,
    (W.RINGING, WE.ANSWERED): W.CONNECTING,
    (W.CONNECTING, WE.WINNER_LOST): W.WAITING,
    (W.CONNECTING, WE.BRIDGED): W.CONNECTED,
})


class OfferPhase(enum.Enum):
    RINGING = "ringing"      # the agent's leg is being called
    ANSWERED = "answered"    # the agent took it; the caller is being bridged to them
    CONNECTED = "connected"  # the agent talks with the caller
    ENDING = "ending"        # we hung the agent's leg up; the agent is held until the leg is reported gone


class OfferEvent(enum.Enum):
    ANSWERED = "answered"
    BRIDGED = "bridged"
    HANG_UP = "hang_up"  # the ACD ends the agent's leg (CancelOffer, whose reason says why)


O, OE = OfferPhase, OfferEvent
OFFER_PHASES: PhaseTable[OfferPhase, OfferEvent] = PhaseTable("offer", {
    (O.RINGING, OE.ANSWERED): O.ANSWERED,
    (O.RINGING, OE.HANG_UP): O.ENDING,
    (O.ANSWERED, OE.BRIDGED): O.CONNECTED,
    (O.ANSWERED, OE.HANG_UP): O.ENDING,
    (O.CONNECTED, OE.HANG_UP): O.ENDING,
})
