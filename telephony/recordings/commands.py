"""What a call's recording control tells the archive beside the Asterisk commands it gives
(telephony.commands: RecordBridge, RecordChannel, PauseRecording, ResumeRecording, StopRecording); the
archive hears of each as it is carried out."""

from __future__ import annotations

from dataclasses import dataclass

from telephony.commands import PauseRecording, RecordBridge, RecordChannel, ResumeRecording, StopRecording


@dataclass(frozen=True, slots=True)
class RecordingAgent:
    """A note for the archive only: the recording `name`, begun before an agent answered, is now theirs."""

    name: str
    agent_id: str


RECORDING_COMMANDS = (RecordBridge, RecordChannel, PauseRecording, ResumeRecording, StopRecording)
ARCHIVE_NOTES = (RecordingAgent,)
