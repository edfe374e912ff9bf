"""Our ids for what a call owns in Asterisk (channels, bridges, recordings, playbacks): built here and read
back here, by `classify`, in one place.

Every id we choose starts with the id of the call it belongs to (`<call>`: the caller's channel id, or a
click-to-call's own id), so Asterisk's events about it reach that call's task without a table, and still
do after a daemon restart:

    <call>-leg-<n>               a leg we originate for the call: an agent, a transfer target, a callee
    <call>-sup-0-leg             the supervisor's phone
    <call>-sup-<n>-snoop         the snoop a supervisor listens or whispers through (n from 1)
    <call>-recsnoop-<n>          the snoop on the caller's channel that the call's n-th recording records
    <call>-rec-<n>               the call's n-th recording (a stored recording's name)
    <call>-hold  <call>-talk     the caller's holding bridge; the bridge where the call's parties talk
    <call>-xfer-hold[-<n>]       the n-th transfer's holding bridge (no suffix for the first)
    <call>-consult[-<n>]         the n-th transfer's consultation bridge
    <call>-sup-0-bridge          the supervisor's bridge (listen, whisper)
    <call>-overflow  <call>-refused   the playbacks that close a call
    c2c<hex>                     a click-to-call, which has no channel of its own: the call is its legs
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass


class ChannelKind(enum.Enum):
    CALL = "call"  # a call's own channel, or any channel whose id is not one of ours
    LEG = "leg"
    SUPERVISOR_LEG = "supervisor_leg"
    SUPERVISOR_SNOOP = "supervisor_snoop"
    RECORDING_SNOOP = "recording_snoop"


@dataclass(frozen=True, slots=True)
class OwnedChannel:
    """What a channel id says: its kind, the call it belongs to (itself, for a call), and its number."""

    kind: ChannelKind
    call_id: str
    n: int | None = None


_SCHEMES = (
    (ChannelKind.RECORDING_SNOOP, re.compile(r"^(?P<call>.+)-recsnoop-(?P<n>[0-9]+)$")),
    (ChannelKind.SUPERVISOR_LEG, re.compile(r"^(?P<call>.+)-sup-(?P<n>[0-9]+)-leg$")),
    (ChannelKind.SUPERVISOR_SNOOP, re.compile(r"^(?P<call>.+)-sup-(?P<n>[0-9]+)-snoop$")),
    (ChannelKind.LEG, re.compile(r"^(?P<call>.+)-leg-(?P<n>[0-9]+)$")),
)
_RECORDING = re.compile(r"^(?P<call>.+)-rec-(?P<n>[0-9]+)$")
_SUPERVISION_SESSION = 0  # one supervisor per call: their leg and bridge carry session number 0


def classify(channel_id: str) -> OwnedChannel:
    for kind, scheme in _SCHEMES:
        match = scheme.match(channel_id)
        if match:
            return OwnedChannel(kind, match["call"], int(match["n"]))
    return OwnedChannel(ChannelKind.CALL, channel_id)


def leg_id(call_id: str, n: int) -> str:
    return f"{call_id}-leg-{n}"


def supervisor_leg(call_id: str) -> str:
    return f"{call_id}-sup-{_SUPERVISION_SESSION}-leg"


def supervisor_snoop(call_id: str, n: int) -> str:
    return f"{call_id}-sup-{n}-snoop"


def recording_snoop(call_id: str, n: int) -> str:
    return f"{call_id}-recsnoop-{n}"


def recording_name(call_id: str, n: int) -> str:
    return f"{call_id}-rec-{n}"


def recording_of(name: str) -> tuple[str, int] | None:
    """The call and number of one of our recordings' names; None for a name that is not ours."""
    match = _RECORDING.match(name)
    return (match["call"], int(match["n"])) if match else None


def hold_bridge(call_id: str) -> str:
    return f"{call_id}-hold"


def talk_bridge(call_id: str) -> str:
    return f"{call_id}-talk"


def transfer_hold_bridge(call_id: str, n: int) -> str:
    """The n-th transfer's bridges get their own ids: the previous one's may still be being torn down."""
    return f"{call_id}-xfer-hold" + (f"-{n}" if n > 1 else "")


def consult_bridge(call_id: str, n: int) -> str:
    return f"{call_id}-consult" + (f"-{n}" if n > 1 else "")


def supervisor_bridge(call_id: str) -> str:
    return f"{call_id}-sup-{_SUPERVISION_SESSION}-bridge"


def overflow_playback(call_id: str) -> str:
    return f"{call_id}-overflow"


def refused_playback(call_id: str) -> str:
    return f"{call_id}-refused"


def new_click_to_call_id() -> str:
    return f"c2c{uuid.uuid4().hex[:16]}"
