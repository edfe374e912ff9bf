"""Supervision's requests on a call (from the API) and its reports to the service. What Asterisk says of
the supervisor's channels (SupervisorLegAnswered, SupervisorLegEnded, SnoopEntered) is telephony.events'."""

from __future__ import annotations

from dataclasses import dataclass

from telephony.events import SnoopEntered, SupervisorLegAnswered, SupervisorLegEnded


SUPERVISION_EVENTS = (SupervisorLegAnswered, SupervisorLegEnded, SnoopEntered)  # Asterisk's, on its channels


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
