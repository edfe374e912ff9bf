"""What the call-center logic asks Asterisk to do; an executor in `telephony.asterisk` carries it out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Union

from telephony.timers import TimerId


@dataclass(frozen=True, slots=True)
class Answer:
    channel_id: str


@dataclass(frozen=True, slots=True)
class Play:
    """Play the media one after another; one PlaybackFinished follows for `playback_id`."""

    channel_id: str
    playback_id: str
    media: tuple[str, ...]
    language: str = "en"


@dataclass(frozen=True, slots=True)
class StopPlayback:
    playback_id: str


@dataclass(frozen=True, slots=True)
class Hangup:
    channel_id: str
    reason: str = "normal"


@dataclass(frozen=True, slots=True)
class Originate:
    """Call `endpoint` (e.g. PJSIP/1001, PJSIP/+15550100@trunk) as a leg of call `owner_id`.

    The leg enters our application when answered (LegAnswered); LegEnded follows when it fails or hangs
    up. Its channel id is chosen by us (`leg_id`) so events can be matched before the request returns.
    """

    leg_id: str
    owner_id: str
    endpoint: str
    caller_number: str = ""
    caller_name: str = ""
    timeout: int = 30


@dataclass(frozen=True, slots=True)
class Ring:
    """Let the caller hear ringback while a leg is being called."""

    channel_id: str


@dataclass(frozen=True, slots=True)
class CreateBridge:
    bridge_id: str
    kind: str = "mixing"  # or "holding": callers waiting, with music


@dataclass(frozen=True, slots=True)
class AddToBridge:
    bridge_id: str
    channel_id: str


@dataclass(frozen=True, slots=True)
class DestroyBridge:
    bridge_id: str


@dataclass(frozen=True, slots=True)
class StartBridgeMusic:
    """Music on hold for everyone in a (holding) bridge."""

    bridge_id: str
    moh_class: str = "default"


@dataclass(frozen=True, slots=True)
class StartMusicOnHold:
    channel_id: str
    moh_class: str = "default"


@dataclass(frozen=True, slots=True)
class StopMusicOnHold:
    channel_id: str


@dataclass(frozen=True, slots=True)
class StartTimer:
    """Deliver TimerFired(timer_id) to the call after `seconds`; a newer StartTimer replaces it.

    Carried out by the call's session, not by Asterisk, so the flows stay pure.
    """

    timer_id: TimerId
    seconds: float


@dataclass(frozen=True, slots=True)
class CancelTimer:
    timer_id: TimerId


@dataclass(frozen=True, slots=True)
class EnterQueue:
    """Hand the caller from the IVR to the ACD's queue `queue`.

    The call's CallFlow turns it into the ACD's QueueFlow. An executor that still gets one (a flow run
    without the ACD) sends the caller to the dialplan's `telephony-no-queue`: "please hold", a hang-up.
    `skills` are the IVR's wish; the ACD so far routes on the queue's own required skills.
    """

    channel_id: str
    queue: str
    priority: int | None = None  # None: the queue's own
    skills: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Transfer:
    """Hand the call back to the dialplan to reach `destination`: an extension (`1002`, context
    telephony-local) or an E.164 number (`+4930...`, context telephony-external, out through the trunk)."""

    channel_id: str
    destination: str


@dataclass(frozen=True, slots=True)
class StartRecording:
    """Record what the caller says into the stored recording `name`; RecordingFinished follows."""

    channel_id: str
    name: str
    max_seconds: int
    max_silence_seconds: int
    terminate_on: str = "#"
    beep: bool = True
    format: str = "wav"


@dataclass(frozen=True, slots=True)
class RemoveFromBridge:
    bridge_id: str
    channel_id: str


@dataclass(frozen=True, slots=True)
class Snoop:
    """A snoop channel `snoop_id` on `channel_id` entering our app.

    `spy` is the audio of `channel_id` the snoop hears (in, out, both, none); `whisper` the direction in
    which what is played into the snoop reaches `channel_id` (out: the agent hears it, the caller not).
    """

    snoop_id: str
    channel_id: str
    spy: str
    whisper: str


@dataclass(frozen=True, slots=True)
class RecordBridge:
    """Record the mix of `bridge_id` (both parties) into Asterisk's stored recording `name`."""

    bridge_id: str
    name: str
    format: str
    call_id: str
    agent_id: str | None
    queue: str | None


@dataclass(frozen=True, slots=True)
class RecordChannel:
    """Record what channel `channel_id` reads — for a snoop with spy both on the caller's channel, both
    directions of everything the caller says and hears, through IVR, hold and talk."""

    channel_id: str
    name: str
    format: str
    call_id: str
    agent_id: str | None
    queue: str | None


@dataclass(frozen=True, slots=True)
class PauseRecording:
    name: str


@dataclass(frozen=True, slots=True)
class ResumeRecording:
    name: str


@dataclass(frozen=True, slots=True)
class StopRecording:
    name: str


Command = Union[Answer, Play, StopPlayback, Hangup, Originate, Ring, CreateBridge, AddToBridge, DestroyBridge,
                StartBridgeMusic, StartMusicOnHold, StopMusicOnHold, StartTimer, CancelTimer, EnterQueue, Transfer,
                StartRecording, RemoveFromBridge, Snoop, RecordBridge, RecordChannel, PauseRecording,
                ResumeRecording, StopRecording]


class ChannelGone(Exception):
    """The channel a command was meant for no longer exists."""


class CommandExecutor(Protocol):
    async def execute(self, command: Command) -> None:
        """Carry out one command; raise ChannelGone when its channel has vanished."""
