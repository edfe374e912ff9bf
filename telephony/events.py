"""Events about a call, in our own terms rather than Asterisk's wire formats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Union

from telephony.timers import TimerId

Direction = Literal["inbound", "outbound", "internal"]


@dataclass(frozen=True, slots=True)
class CallArrived:
    """A channel entered our Stasis application and asks to be handled."""

    channel_id: str
    direction: Direction
    dialled: str
    caller_number: str
    caller_name: str
    at: datetime
    adopted: bool = False  # found already in the app after a reconnect or restart
    answered: bool = False  # the channel was already up when we met it


@dataclass(frozen=True, slots=True)
class LinkConnected:
    """A link to Asterisk (`ami` or `ari`) came up: at start, or again after it dropped."""

    link: Literal["ami", "ari"]
    reconnect: bool = False  # it had been up before


@dataclass(frozen=True, slots=True)
class PlaybackFinished:
    channel_id: str
    playback_id: str


@dataclass(frozen=True, slots=True)
class DtmfReceived:
    channel_id: str
    digit: str


@dataclass(frozen=True, slots=True)
class ChannelHungUp:
    """The channel left our application: hung up, or gone while we were not watching.

    `cause` FOUND_GONE: a command of ours met the channel gone before Asterisk's StasisEnd arrived."""

    channel_id: str
    cause: str


FOUND_GONE = "found_gone"
FAILED = "failed"  # the call's task failed: the flow lets go of the call as if the caller had hung up


@dataclass(frozen=True, slots=True)
class CallerIdentified:
    """The interaction writer found (or made) the caller's customer; `vip` as their record says."""

    channel_id: str
    vip: bool


@dataclass(frozen=True, slots=True)
class LegAnswered:
    """A leg we originated for call `channel_id` answered and entered our application."""

    channel_id: str
    leg_id: str


@dataclass(frozen=True, slots=True)
class LegEnded:
    """A leg of call `channel_id` is gone: never answered (busy, no answer, unreachable) or hung up.

    `cause` is the Q.850 cause code (16 normal clearing, 17 busy, 19 no answer, 20 unregistered...).
    """

    channel_id: str
    leg_id: str
    cause: int
    cause_text: str = ""


@dataclass(frozen=True, slots=True)
class TimerFired:
    channel_id: str
    timer_id: TimerId


@dataclass(frozen=True, slots=True)
class RecordingFinished:
    """A recording on the call ended (`#`, silence, maximum length, hang-up) or failed."""

    channel_id: str
    name: str
    duration: float | None = None
    failed: bool = False


@dataclass(frozen=True, slots=True)
class LeftBridge:
    """The call's channel left one of its bridges (ours destroyed it, or moved the channel on)."""

    channel_id: str
    bridge_id: str


@dataclass(frozen=True, slots=True)
class CallRecordingFinished:
    """A call recording (`<call>-rec-<n>`, of its talk bridge or of a snoop) is done: stopped, its bridge
    or channel gone, or failed. Not a call's event: the recordings archive takes it, whether or not the
    call is still up."""

    name: str
    failed: bool = False


@dataclass(frozen=True, slots=True)
class RecordingSnoopEntered:
    """The snoop on the caller's channel that a recording from the queue records has entered our app."""

    channel_id: str
    snoop_id: str


@dataclass(frozen=True, slots=True)
class SupervisorLegAnswered:
    """The phone of a supervisor monitoring call `channel_id` answered (their leg entered our app)."""

    channel_id: str
    leg_id: str


@dataclass(frozen=True, slots=True)
class SupervisorLegEnded:
    channel_id: str
    leg_id: str
    cause: int = 0


@dataclass(frozen=True, slots=True)
class SnoopEntered:
    """A supervisor's snoop on call `channel_id` has entered our app: it can be bridged now."""

    channel_id: str
    snoop_id: str


CallEvent = Union[CallArrived, CallerIdentified, PlaybackFinished, DtmfReceived, ChannelHungUp, LegAnswered, LegEnded, TimerFired,
                  RecordingFinished, LeftBridge, RecordingSnoopEntered, SupervisorLegAnswered, SupervisorLegEnded,
                  SnoopEntered]
