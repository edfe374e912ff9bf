"""What the caller chose, whatever way they chose it.

Menus, digit collection and language choice consume a `Choice`, not keypad events: today every Choice comes
from DTMF (below, the one place that maps it); a speech recogniser will produce Choices of its own (`source`
"speech", `key` the option it recognised) without the nodes changing.
"""

from __future__ import annotations

from dataclasses import dataclass

from telephony.events import DtmfReceived


@dataclass(frozen=True, slots=True)
class Choice:
    key: str  # one keypad key: 0-9, * or #
    source: str = "dtmf"


def choice_from_dtmf(event: DtmfReceived) -> Choice | None:
    key = event.digit.strip()
    if len(key) == 1 and key in "0123456789*#":
        return Choice(key)
    return None  # A-D and anything unexpected are not choices any node offers
