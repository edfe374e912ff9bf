"""Our types that several features and the database share, independent of Asterisk's wire formats: who the
agents are, where they take calls and the states they move through (the state machine that moves an agent is
`telephony.acd.agent_state`), and the stretches of a call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class StateChanged:
    """One line of the state log and one event on the stream.

    `reason` is the pause reason while paused; `previous_reason` keeps the one being left, so that an
    unpause still says which pause it ended. `cause` says what moved the agent (login, offer, missed...).
    """

    agent_id: str
    previous: AgentState
    state: AgentState
    reason: str | None
    at: datetime
    cause: str
    previous_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Device:
    """Where an agent takes calls, chosen at login.

    A softphone is a PJSIP endpoint (`PJSIP/1001`) whose registration Asterisk reports; a mobile is an
    external number dialled through the trunk, assumed reachable.
    """

    kind: Literal["softphone", "mobile"]
    address: str


def dial_string(device: Device, trunk: str = "trunk") -> str:
    """The endpoint Asterisk dials for an agent's device: the softphone itself, or the mobile through the
    trunk."""
    if device.kind == "mobile":
        return f"PJSIP/{device.address}@{trunk}"
    return device.address if "/" in device.address else f"PJSIP/{device.address}"


@dataclass(frozen=True, slots=True)
class AgentProfile:
    id: str
    name: str
    extension: str
    skills: Mapping[str, int] = field(default_factory=dict)  # skill -> level 1-5
    queues: Mapping[str, int] = field(default_factory=dict)  # queue -> penalty (lower is tried first)


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of the interaction handled by one agent or target; ended when `ended` is set."""

    agent_id: str | None
    target: str
    kind: str  # queue | transfer | conference | internal
    started: datetime
    ended: datetime | None = None
    outcome: str | None = None
