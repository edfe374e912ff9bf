"""Which timer of a call a StartTimer, CancelTimer or TimerFired is about.

A call has one timer at a time (calls/timers.py runs it). Its id says what it is for (`kind`) and which
start of it (`serial`, for a flow that restarts the same kind): a TimerFired already queued when the flow
restarted its timer carries the old serial, and the flow ignores it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class TimerKind(enum.Enum):
    IVR_INPUT = "ivr-input"              # an IVR node waits for a key (a menu's choice, the next digit...)
    INTERNAL_RING = "internal-ring"      # an internal call rings its target, for the call's ring timeout
    INTERNAL_PROMPT = "internal-prompt"  # an internal call's refusal prompt: hang up if its end goes unheard


@dataclass(frozen=True, slots=True)
class TimerId:
    kind: TimerKind
    serial: str = ""
