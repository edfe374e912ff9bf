"""Who the agents are, as the ACD needs them (the database holds the rest)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Device:
    """Where an agent takes calls, chosen at login.

    A softphone is a PJSIP endpoint (`PJSIP/1001`) whose registration Asterisk reports; a mobile is an
    external number dialled through the trunk, assumed reachable.
    """

    kind: Literal["softphone", "mobile"]
    address: str


@dataclass(frozen=True, slots=True)
class AgentProfile:
    id: str
    name: str
    extension: str
    skills: Mapping[str, int] = field(default_factory=dict)  # skill -> level 1-5
    queues: Mapping[str, int] = field(default_factory=dict)  # queue -> penalty (lower is tried first)
