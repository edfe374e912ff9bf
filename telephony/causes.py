"""How a leg we rang ended, in our words: the one vocabulary every flow stores and publishes for it (an
offer's leg for the ACD, a transfer target's segment and report, an internal call's or a click-to-call's
outcome).

Asterisk reports the end of a channel as a Q.850 cause code (ChannelDestroyed, so LegEnded.cause). For a
SIP leg it has already turned the final SIP response into one (chan_pjsip's table): 486 and 600 become 17,
408 becomes 18, 480 becomes 19, 403 and 603 become 21, a PJSIP endpoint with no contact gives 20. So one
table of Q.850 codes covers SIP's responses too.
"""

from __future__ import annotations

from enum import StrEnum


class LegOutcome(StrEnum):
    HUNG_UP = "hung up"  # 16 normal clearing: answered and hung up, or put down while it rang
    BUSY = "busy"  # 17 user busy
    NO_ANSWER = "no answer"  # 18 no user responding, 19 no answer (or our own ring timeout ran out)
    REJECTED = "rejected"  # 21 call rejected: the phone declined the call
    UNREACHABLE = "unreachable"  # 3 no route, 20 subscriber absent: nothing registered to ring
    FAILED = "failed"  # anything else (0 when Asterisk gave no cause)


_BY_CAUSE = {
    16: LegOutcome.HUNG_UP,
    17: LegOutcome.BUSY,
    18: LegOutcome.NO_ANSWER,
    19: LegOutcome.NO_ANSWER,
    21: LegOutcome.REJECTED,
    3: LegOutcome.UNREACHABLE,
    20: LegOutcome.UNREACHABLE,
}


def outcome_of_cause(cause: int) -> LegOutcome:
    """What the Q.850 `cause` of a leg's end means for us."""
    return _BY_CAUSE.get(cause, LegOutcome.FAILED)


class CallEnder(StrEnum):
    """Who ended a call: stored on the interaction (`ended_by`) and logged with `call.ended`."""

    CALLER = "caller"  # the caller hung up
    AGENT = "agent"  # the agent (or the party a transfer handed the caller to) hung up their phone
    API = "api"  # someone asked over the API (an agent's hang-up request)
    SUPERVISOR = "supervisor"  # a supervisor's request on the call
    SYSTEM = "system"  # the daemon: the flow's end (a closing message, a refusal), a failure of ours
