"""Supervision's requests on a call (from the API), its events (from Asterisk) and its reports to the service."""

from __future__ import annotations

from dataclasses import dataclass


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
class SupervisorLegAnswered:
    channel_id: str
    leg_id: str


@dataclass(frozen=True, slots=True)
class SupervisorLegEnded:
    channel_id: str
    leg_id: str
    cause: int = 0


@dataclass(frozen=True, slots=True)
class SnoopEntered:
    channel_id: str
    snoop_id: str


SUPERVISION_EVENTS = (SupervisorLegAnswered, SupervisorLegEnded, SnoopEntered)  # Asterisk's, on the session's channels
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
