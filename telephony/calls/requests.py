"""Requests to a live call from people (agents and supervisors over the API), and the call's answer.

A request is addressed to a call by its id and handled by that call's own task, in order with the call's
events: `CallRegistry.ask(call_id, request)` returns once the call's flow has taken it and its commands have
run, raises the flow's Refused (409 over HTTP, with the reason) or CallGone (a NotFound: 404) when the
call ended before it could answer. Nothing outside the call's task reads or changes its flow.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Union

from telephony.calls.transfer import Target, TransferMode
from telephony.errors import NotFound, Refused
from telephony.recordings.control import RecordingAction
from telephony.supervision.events import HelpRequested, MonitorRequested, MonitorStopped, MonitorSwitched


class TransferAction(str, enum.Enum):
    COMPLETE = "complete"
    CANCEL = "cancel"
    CONFERENCE = "conference"


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


# Help and a supervisor's requests are supervision's own vocabulary (telephony.supervision.events).
CallRequest = Union[HangupRequested, TransferRequested, TransferStep, RecordingRequested, HelpRequested,
                    MonitorRequested, MonitorSwitched, MonitorStopped]


class CallGone(NotFound):
    """The call ended (or never was) before its task could answer the request."""

    def __init__(self, call_id: str):
        self.call_id = call_id
        super().__init__("call", f"the call {call_id} has ended")


class NotConnected(Refused):
    """The request needs the asker connected with the call (or an agent on it), and they are not."""

    code = "not_connected"
