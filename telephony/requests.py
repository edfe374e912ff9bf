"""People's requests to a live call (agents and supervisors, over the API), and the call's answer.

A request is addressed to a call by its id and handled by that call's own task, in order with the call's
events: `CallsInFlight.ask(call_id, request)` returns once the call's flow has taken it and its commands
have run, raises the flow's Refused (409 over HTTP, with the reason) or CallGone (a NotFound: 404) when the
call ended before it could answer. Nothing outside the call's task reads or changes its flow.

Vocabulary: imports nothing of ours but the errors.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Union

from telephony.errors import NotFound, Refused


class TransferMode(str, enum.Enum):
    BLIND = "blind"  # the customer goes straight to the target
    ATTENDED = "attended"  # the agent talks with the target first


class TargetKind(str, enum.Enum):
    AGENT = "agent"
    QUEUE = "queue"
    EXTENSION = "extension"
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class Target:
    """Where a transfer takes the call: an agent (with the dial string of their current device), a queue, an
    extension or an external number (through the trunk)."""

    kind: TargetKind
    value: str
    endpoint: str = ""  # the dial string for agent/extension/number; empty for a queue


class TransferAction(str, enum.Enum):
    COMPLETE = "complete"
    CANCEL = "cancel"
    CONFERENCE = "conference"


class RecordingAction(str, enum.Enum):
    START = "start"
    STOP = "stop"
    PAUSE = "pause"  # the span until resume is left out of the file
    RESUME = "resume"


class MonitorMode(str, enum.Enum):
    LISTEN = "listen"  # the supervisor hears both sides
    WHISPER = "whisper"  # the agent hears the supervisor, the caller does not
    BARGE = "barge"  # everyone hears everyone


@dataclass(frozen=True, slots=True)
class HangupRequested:
    """The agent ends their part of the call (all of it, unless a transfer leaves the caller with someone)."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class TransferRequested:
    """The agent transfers the call, blind or attended, to `target` (an agent target: `target_agent_id`)."""

    call_id: str
    agent_id: str
    mode: TransferMode
    target: Target
    target_agent_id: str | None = None
    ring_timeout: int = 20


@dataclass(frozen=True, slots=True)
class TransferStep:
    """The agent completes or cancels their attended transfer, or makes it a three-way conference."""

    call_id: str
    agent_id: str
    action: TransferAction


@dataclass(frozen=True, slots=True)
class RecordingRequested:
    """The agent starts, stops, pauses or resumes recording the call."""

    call_id: str
    agent_id: str
    action: RecordingAction


@dataclass(frozen=True, slots=True)
class HelpRequested:
    """The agent asks for a supervisor on the call; the call's task answers whether they are on it."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class MonitorRequested:
    """A supervisor joins the call in `mode`, their phone being `endpoint`; or, already on, switches mode."""

    call_id: str
    mode: MonitorMode
    endpoint: str
    supervisor: str  # the supervisor's user id, for the events and logs


@dataclass(frozen=True, slots=True)
class MonitorSwitched:
    call_id: str
    mode: MonitorMode


@dataclass(frozen=True, slots=True)
class MonitorStopped:
    call_id: str


CallRequest = Union[HangupRequested, TransferRequested, TransferStep, RecordingRequested, HelpRequested,
                    MonitorRequested, MonitorSwitched, MonitorStopped]
MONITOR_REQUESTS = (MonitorRequested, MonitorSwitched, MonitorStopped)


class CallGone(NotFound):
    """The call ended (or never was) before its task could answer the request."""

    def __init__(self, call_id: str):
        self.call_id = call_id
        super().__init__("call", f"the call {call_id} has ended")


class NotConnected(Refused):
    """The request needs the asker connected with the call (or an agent on it), and they are not."""

    code = "not_connected"
