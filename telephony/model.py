"""Our types that several features and the database share, independent of Asterisk's wire formats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of the interaction handled by one agent or target; ended when `ended` is set."""

    agent_id: str | None
    target: str
    kind: str  # queue | transfer | conference | internal
    started: datetime
    ended: datetime | None = None
    outcome: str | None = None
