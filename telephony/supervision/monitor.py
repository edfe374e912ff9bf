"""One supervisor monitoring one live call, as a pure state machine: event in, commands out.

The supervisor's leg (their softphone or mobile) is originated once and kept for the whole session, so
switching mode never hangs it up:

- listen: the leg sits in a small mixing bridge of its own with a snoop on the agent's channel
  (spy both, whisper none): it hears both sides, nobody hears it;
- whisper: the same bridge, the snoop replaced by one with whisper out: the agent hears the supervisor,
  the caller does not;
- barge: the snoop is dropped and the leg joins the call's talk bridge: everyone hears everyone.

A snoop channel enters our Stasis application on its own; it is added to the bridge only when it has
(`snoop_entered`), since adding a channel that is not yet there fails.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from telephony.channel_ids import supervisor_bridge, supervisor_leg, supervisor_snoop
from telephony.commands import (AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, RemoveFromBridge,
                                Snoop)
from telephony.errors import Refused
from telephony.requests import MonitorMode


class Phase(str, enum.Enum):
    DIALING = "dialing"
    ACTIVE = "active"
    ENDED = "ended"


class MonitorRefused(Refused):
    """A supervisor's request that cannot be carried out now (the call has no agent yet, another supervisor
    is on it, the session has ended); the reason says why."""

    code = "monitor_refused"


@dataclass
class MonitorSession:
    call_id: str
    agent_channel: str
    talk_bridge: str
    supervisor_endpoint: str
    mode: MonitorMode
    phase: Phase = Phase.DIALING
    snoop_id: str | None = None
    snoop_ready: bool = False
    _counter: int = field(default=0, repr=False)

    @property
    def leg_id(self) -> str:
        return supervisor_leg(self.call_id)

    @property
    def bridge_id(self) -> str:
        return supervisor_bridge(self.call_id)

    def start(self) -> list:
        return [Originate(leg_id=self.leg_id, owner_id=self.call_id, endpoint=self.supervisor_endpoint)]

    def leg_answered(self) -> list:
        if self.phase is not Phase.DIALING:
            return []
        self.phase = Phase.ACTIVE
        return [CreateBridge(self.bridge_id), *self._enter(self.mode)]

    def snoop_entered(self, snoop_id: str) -> list:
        if self.phase is not Phase.ACTIVE or snoop_id != self.snoop_id:
            return [Hangup(snoop_id)]
        self.snoop_ready = True
        return [AddToBridge(self.bridge_id, snoop_id), AddToBridge(self.bridge_id, self.leg_id)]

    def switch(self, mode: MonitorMode) -> list:
        if self.phase is Phase.ENDED:
            raise MonitorRefused("the monitoring session has ended")
        if mode is self.mode:
            return []
        previous, self.mode = self.mode, mode
        if self.phase is Phase.DIALING:
            return []
        return [*self._leave(previous), *self._enter(mode)]

    def stop(self) -> list:
        """The supervisor leaves (DELETE), or the call ended: everything of the session goes."""
        if self.phase is Phase.ENDED:
            return []
        self.phase = Phase.ENDED
        commands: list = [Hangup(self.leg_id)]
        if self.snoop_id:
            commands.append(Hangup(self.snoop_id))
        commands.append(DestroyBridge(self.bridge_id))
        return commands

    def leg_ended(self) -> list:
        """The supervisor hung up their phone."""
        if self.phase is Phase.ENDED:
            return []
        self.phase = Phase.ENDED
        commands: list = []
        if self.snoop_id:
            commands.append(Hangup(self.snoop_id))
        commands.append(DestroyBridge(self.bridge_id))
        return commands

    def _enter(self, mode: MonitorMode) -> list:
        if mode is MonitorMode.BARGE:
            return [AddToBridge(self.talk_bridge, self.leg_id)]
        self._counter += 1
        self.snoop_id = supervisor_snoop(self.call_id, self._counter)
        self.snoop_ready = False
        whisper = "out" if mode is MonitorMode.WHISPER else "none"
        return [Snoop(self.snoop_id, self.agent_channel, spy="both", whisper=whisper)]

    def _leave(self, mode: MonitorMode) -> list:
        if mode is MonitorMode.BARGE:
            return [RemoveFromBridge(self.talk_bridge, self.leg_id)]
        old, self.snoop_id, self.snoop_ready = self.snoop_id, None, False
        return [Hangup(old)] if old else []
