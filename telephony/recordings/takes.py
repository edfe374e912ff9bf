"""What the archive knows of each recording while Asterisk writes it: whose call, when it started, and the
spans paused (left out of the file). Pure: commands and times in, a finished take out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from telephony.channel_ids import recording_of
from telephony.commands import PauseRecording, RecordBridge, RecordChannel, ResumeRecording
from telephony.recordings.commands import RecordingAgent


@dataclass
class Take:
    name: str
    call_id: str
    agent_id: str | None
    queue: str | None
    format: str
    started_at: datetime
    paused_since: datetime | None = None
    spans: list[tuple[datetime, datetime]] = field(default_factory=list)
    ended_at: datetime | None = None

    @property
    def number(self) -> int:
        """1 for a call's first recording, 2 for the one started after a stop, ..."""
        ours = recording_of(self.name)
        return ours[1] if ours else 1

    def paused_spans(self) -> list[dict]:
        """Each span with where it falls in the file (`offset_seconds`: audio before it) and its length."""
        out, left_out = [], 0.0
        for start, end in self.spans:
            seconds = (end - start).total_seconds()
            offset = (start - self.started_at).total_seconds() - left_out
            out.append({"start": start.isoformat(), "end": end.isoformat(), "offset_seconds": round(offset, 3),
                        "seconds": round(seconds, 3)})
            left_out += seconds
        return out

    @property
    def expected_seconds(self) -> float:
        end = self.ended_at or self.started_at
        return max(0.0, (end - self.started_at).total_seconds() - sum((e - s).total_seconds()
                                                                      for s, e in self.spans))


class Takes:
    """Recordings in progress by name."""

    def __init__(self) -> None:
        self._by_name: dict[str, Take] = {}

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    def note(self, command, at: datetime) -> None:
        match command:
            case RecordingAgent(name=name, agent_id=agent_id) if name in self._by_name:
                self._by_name[name].agent_id = agent_id
            case RecordBridge(name=name) | RecordChannel(name=name):
                self._by_name[name] = Take(name, command.call_id, command.agent_id, command.queue, command.format,
                                           at)
            case PauseRecording(name=name) if name in self._by_name:
                take = self._by_name[name]
                take.paused_since = take.paused_since or at
            case ResumeRecording(name=name) if name in self._by_name:
                self._resume(self._by_name[name], at)

    def finish(self, name: str, at: datetime) -> Take | None:
        take = self._by_name.pop(name, None)
        if take is not None:
            self._resume(take, at)
            take.ended_at = at
        return take

    @staticmethod
    def _resume(take: Take, at: datetime) -> None:
        if take.paused_since is not None:
            take.spans.append((take.paused_since, at))
            take.paused_since = None
