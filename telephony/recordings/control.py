"""One call's recording, as a pure state machine: policy and the agent's requests in, commands out.

By default the recording is of the call's talk bridge, so it starts when the agent answers and holds both
sides; IVR and hold are never in it. A queue with `record_from: queue` records from the caller's entry
into the queue instead: a snoop on the caller's channel (spy both) is recorded, which follows the caller
from the holding bridge into the talk bridge, music and all. With policy "always" it starts by itself; "on_demand" waits for the agent;
"never" refuses. Pausing (while the caller reads out a card number) leaves that span out of the file;
stopping ends the file, and starting again makes the next one (`<call>-rec-2`).
"""

from __future__ import annotations

from dataclasses import dataclass

from telephony.channel_ids import recording_name, recording_snoop
from telephony.commands import (Hangup, PauseRecording, RecordBridge, RecordChannel, ResumeRecording, Snoop,
                                StopRecording)
from telephony.errors import Refused
from telephony.recordings.commands import RecordingAgent
from telephony.recordings.policy import Policy
from telephony.requests import RecordingAction



class RecordingRefused(Refused):
    """The request makes no sense now (nothing to pause, policy never, ...); the reason says why."""

    code = "recording_refused"


@dataclass
class CallRecording:
    call_id: str
    bridge_id: str
    policy: Policy
    agent_id: str | None = None
    queue: str | None = None
    format: str = "wav"
    source: str = "talk"  # talk: the talk bridge; caller: a snoop on the caller's channel
    name: str | None = None  # the recording in progress
    snoop_id: str | None = None  # source caller: the snoop being recorded
    paused: bool = False
    _made: int = 0

    @property
    def recording(self) -> bool:
        return self.name is not None

    def connected(self, agent_id: str | None = None, policy: Policy | None = None) -> list:
        """The agent answered: an "always" call starts recording now. A recording from the queue goes on,
        now the agent's, unless their own policy is never."""
        if agent_id is not None:
            self.agent_id = agent_id
        if policy is not None:
            self.policy = policy
        if self.recording:
            if self.policy == "never":
                return self.request(RecordingAction.STOP)
            return [RecordingAgent(self.name, self.agent_id)] if self.agent_id else []
        return self._start() if self.policy == "always" else []

    def snoop_entered(self, snoop_id: str) -> list:
        """The snoop to record has entered our application: recording it can begin."""
        if snoop_id != self.snoop_id or self.name is None:
            return [Hangup(snoop_id)]
        return [RecordChannel(snoop_id, self.name, self.format, self.call_id, self.agent_id, self.queue)]

    def check(self, action: RecordingAction) -> None:
        """Raise RecordingRefused if `action` cannot be done now, without doing it."""
        if action is RecordingAction.START:
            if self.policy == "never":
                raise RecordingRefused("calls of this queue (or agent) are never recorded")
            if self.recording:
                raise RecordingRefused("the call is already being recorded")
            return
        if not self.recording:
            raise RecordingRefused("the call is not being recorded")
        if action is RecordingAction.PAUSE and self.paused:
            raise RecordingRefused("the recording is already paused")
        if action is RecordingAction.RESUME and not self.paused:
            raise RecordingRefused("the recording is not paused")

    def request(self, action: RecordingAction) -> list:
        self.check(action)
        if action is RecordingAction.START:
            return self._start()
        name = self.name
        if action is RecordingAction.STOP:
            snoop, self.name, self.paused, self.snoop_id = self.snoop_id, None, False, None
            return [StopRecording(name), *([Hangup(snoop)] if snoop else [])]
        self.paused = action is RecordingAction.PAUSE
        return [PauseRecording(name) if self.paused else ResumeRecording(name)]

    def _start(self) -> list:
        self._made += 1
        self.name = recording_name(self.call_id, self._made)
        self.paused = False
        if self.source == "caller":
            self.snoop_id = recording_snoop(self.call_id, self._made)
            return [Snoop(self.snoop_id, self.call_id, spy="both", whisper="none")]
        return [RecordBridge(self.bridge_id, self.name, self.format, self.call_id, self.agent_id, self.queue)]
