"""What a call's recording control asks Asterisk to do; the archive hears of each as it is carried out."""

from __future__ import annotations

from dataclasses import dataclass


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
class RecordingAgent:
    """A note for the archive only: the recording `name`, begun before an agent answered, is now theirs."""

    name: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class PauseRecording:
    name: str


@dataclass(frozen=True, slots=True)
class ResumeRecording:
    name: str


@dataclass(frozen=True, slots=True)
class StopRecording:
    name: str


RECORDING_COMMANDS = (RecordBridge, RecordChannel, PauseRecording, ResumeRecording, StopRecording)
ARCHIVE_NOTES = (RecordingAgent,)
