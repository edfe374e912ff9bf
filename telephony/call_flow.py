"""The one shape of every call's logic: the CallFlow protocol, and what a flow shows of itself.

A flow is pure: it takes the call's events (from Asterisk, the ACD, its timers) and people's requests, and
returns the commands to run; the call's task (telephony.calls.session) is the only thing that touches it.
What the rest of the daemon may know of a live call — which queue it is in, which agents are on it and how —
is the flow's `view()`, a frozen snapshot the task takes after every step, so that the API never reads a
flow from its own task. What the interaction keeps when the call ends is its `story()`.

The flows: IvrFlow (telephony.ivr.flow), QueueFlow, InboundFlow (the IVR, then its queue),
InternalCallFlow, ClickToCallFlow; new kinds of calls implement the same protocol.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

from telephony.commands import Command
from telephony.requests import CallRequest


class AgentCallPhase(str, enum.Enum):
    """How a live call stands for one agent on it."""

    RINGING = "ringing"  # offered: their phone rings
    CONNECTED = "connected"  # talking with the caller
    CONSULTING = "consulting"  # the answered target of a colleague's transfer, before it completes


NOBODY: Mapping[str, AgentCallPhase] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CallView:
    """A live call as the rest of the daemon sees it. `agents`: agent id -> phase, for the agents on the
    call; `talking`: the agent connected with the caller (whom a supervisor would watch), if any."""

    queue: str | None = None
    agents: Mapping[str, AgentCallPhase] = field(default_factory=lambda: NOBODY)
    talking: str | None = None

    def phase_for(self, agent_id: str) -> AgentCallPhase | None:
        return self.agents.get(agent_id)


def agents_view(phases: Mapping[str, AgentCallPhase]) -> Mapping[str, AgentCallPhase]:
    """A read-only copy of `phases`, for a CallView."""
    return MappingProxyType(dict(phases)) if phases else NOBODY


@dataclass(frozen=True, slots=True)
class CallStory:
    """What the interaction's row keeps of a call that ended: its outcome, the IVR's path and data, the
    voicemail left, and who handled which stretch (segments, for calls that were transferred)."""

    outcome: str | None
    path: tuple = ()
    data: dict[str, Any] | None = None
    voicemail: Any = None
    segments: tuple = ()


@runtime_checkable
class CallFlow(Protocol):
    """Every kind of call. `request` raises a Refused (telephony.errors) saying why when the request makes
    no sense now; `ended` is true once nothing of the call is left for its task to wait for (a call made only
    of legs, such as click-to-call, ends with its last leg; a call with a caller ends when they hang up)."""

    def start(self) -> list[Command]: ...

    def handle(self, event: object) -> list[Command]: ...

    def request(self, request: CallRequest) -> list[Command]: ...

    def view(self) -> CallView: ...

    def story(self) -> CallStory: ...

    @property
    def ended(self) -> bool: ...
