"""One call's recording, as a pure state machine: policy and the agent's requests in, commands out.

The recording is of the call's talk bridge, so it starts when the agent answers and holds both sides;
IVR and hold are never in it. With policy "always" it starts by itself; "on_demand" waits for the agent;
"never" refuses. Pausing (while the caller reads out a card number) leaves that span out of the file;
stopping ends the file, and starting again makes the next one (`<call>-rec-2`).
"""

from __future__ import annotations

from dataclasses import dataclass

from telephony.recordings.commands import PauseRecording, RecordBridge, ResumeRecording, StopRecording
from telephony.recordings.policy import Policy

ACTIONS = ("start", "stop", "pause", "resume")


class RecordingRefused(ValueError):
    """The request makes no sense now (nothing to pause, policy never, ...); the message says why."""


@dataclass
class CallRecording:
    call_id: str
    bridge_id: str
    policy: Policy
    agent_id: str | None = None
    queue: str | None = None
    format: str = "wav"
    name: str | None = None  # the recording in progress
    paused: bool = False
    _made: int = 0

    @property
    def recording(self) -> bool:
        return self.name is not None

    def connected(self) -> list:
        """The agent answered: an "always" call starts recording now."""
        return self._start() if self.policy == "always" else []

    def check(self, action: str) -> None:
        """Raise RecordingRefused if `action` cannot be done now, without doing it."""
        if action not in ACTIONS:
            raise RecordingRefused(f"unknown recording action {action!r}")
        if action == "start":
            if self.policy == "never":
                raise RecordingRefused("calls of this queue (or agent) are never recorded")
            if self.recording:
                raise RecordingRefused("the call is already being recorded")
            return
        if not self.recording:
            raise RecordingRefused("the call is not being recorded")
        if action == "pause" and self.paused:
            raise RecordingRefused("the recording is already paused")
        if action == "resume" and not self.paused:
            raise RecordingRefused("the recording is not paused")

    def request(self, action: str) -> list:
        self.check(action)
        if action == "start":
            return self._start()
        name = self.name
        if action == "stop":
            self.name, self.paused = None, False
            return [StopRecording(name)]
        self.paused = action == "pause"
        return [PauseRecording(name) if self.paused else ResumeRecording(name)]

    def _start(self) -> list:
        self._made += 1
        self.name = f"{self.call_id}-rec-{self._made}"
        self.paused = False
        return [RecordBridge(self.bridge_id, self.name, self.format, self.call_id, self.agent_id, self.queue)]
