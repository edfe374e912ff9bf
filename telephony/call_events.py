"""The call log's vocabulary: what happened to a call in the ACD, one fact a row (table `call_events`).

The log is append-only and written in the order things happened, through the ACD's one ordered writer
(the same that writes the agent state log). A row names its call by the caller's channel id, which is the
interaction's `channel_id` (unique), so a row never waits for the interaction's own row: the two are joined
when read. Reports (telephony.reports) are computed from these rows, the interactions and the agent state
log; nothing they need is kept only in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CallEventKind(StrEnum):
    QUEUED = "queued"  # entered a queue: `priority`, `arrived_at` (first arrival), `reason` moved_from queue
    OFFERED = "offered"  # an agent's phone rings for it: `agent_id`, `offer_id`
    RANG_OUT = "rang_out"  # an offer rang without answer: `outcome` how its leg ended (causes.LegOutcome)
    ANSWERED = "answered"  # the agent who answered is bridged with the caller: `agent_id`
    TALK_ENDED = "talk_ended"  # the agent's part is over: `talk_seconds`; `reason` handed_over after a transfer
    ABANDONED = "abandoned"  # the caller hung up before being connected
    OVERFLOWED = "overflowed"  # left the queue for `target` (queue:NAME, voicemail:BOX, message:PROMPT)
    TRANSFERRED = "transferred"  # an agent handed the call on: `mode` blind/attended, `target`, `agent_id`
    WRAP_UP_STARTED = "wrap_up_started"  # the agent's wrap-up after the call
    WRAP_UP_ENDED = "wrap_up_ended"
    CALLBACK_REQUESTED = "callback_requested"  # the caller asked to be called back (no feature feeds it yet)


@dataclass(frozen=True, slots=True)
class CallEvent:
    """One row of the log. `wait_seconds`: as the ACD measured it, since the call's first arrival (reports
    measure a queue's own stretch from its `queued` row instead). Fields a kind does not use stay None."""

    call_id: str
    kind: CallEventKind
    at: datetime
    queue: str | None = None
    agent_id: str | None = None
    offer_id: str | None = None
    wait_seconds: float | None = None
    talk_seconds: float | None = None
    priority: int | None = None
    arrived_at: datetime | None = None
    outcome: str | None = None
    target: str | None = None
    mode: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class InteractionFacts:
    """What reports read of an interaction row: its direction and how it ended; `closed_hours`: its IVR path
    went through a schedule's closed branch."""

    call_id: str
    direction: str
    started_at: datetime
    outcome: str | None
    closed_hours: bool = False
