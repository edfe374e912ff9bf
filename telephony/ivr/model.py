"""The IVR's types that the flow and its node handlers share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class VoicemailMessage:
    """A message left on the call; its id is also the name of Asterisk's stored recording."""

    id: str
    box: str
    started_at: datetime
    duration: float | None = None
    format: str = "wav"
