"""What the call-center logic asks Asterisk to do; an executor in `telephony.asterisk` carries it out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Union


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


Command = Union[Answer, Play, StopPlayback, Hangup]


class ChannelGone(Exception):
    """The channel a command was meant for no longer exists."""


class CommandExecutor(Protocol):
    async def execute(self, command: Command) -> None:
        """Carry out one command; raise ChannelGone when its channel has vanished."""
