"""Supervision's requests on a call (from the API) and its reports to the service. What Asterisk says of
the supervisor's channels (SupervisorLegAnswered, SupervisorLegEnded, SnoopEntered) is telephony.events'."""

from __future__ import annotations

from dataclasses import dataclass

from telephony.events import SnoopEntered, SupervisorLegAnswered, SupervisorLegEnded


@dataclass(frozen=True, slots=True)
class MonitorRequested:
    """A supervisor asks to join call `channel_id` in `mode`, their phone being `endpoint`."""

    channel_id: str
    mode: str
    endpoint: str
    supervisor: str  # the supervisor's user id, for the events and logs


@dataclass(frozen=True, slots=True)
class MonitorSwitched:
    channel_id: str
    mode: str


@dataclass(frozen=True, slots=True)
class MonitorStopped:
    channel_id: str


@dataclass(frozen=True, slots=True)
class HelpRequested:
    """The agent on call `channel_id` asks for a supervisor; the call's task answers whether they are on it."""

    channel_id: str
    agent_id: str


SUPERVISION_EVENTS = (SupervisorLegAnswered, SupervisorLegEnded, SnoopEntered)  # Asterisk's, on its channels
SUPERVISION_REQUESTS = (MonitorRequested, MonitorSwitched, MonitorStopped)  # the supervisor's, over the API


@dataclass(frozen=True, slots=True)
class SupervisorJoined:
    """Report: the supervisor's phone answered; they are on the call in `mode`."""

    call_id: str
    supervisor: str
    mode: str


@dataclass(frozen=True, slots=True)
class SupervisorLeft:
    call_id: str
    supervisor: str
    reason: str  # stopped, hung up, no answer, call ended


SUPERVISION_REPORTS = (SupervisorJoined, SupervisorLeft)
