"""A supervisor on one call, inside the call's own task: the monitoring session's commands run in order
with the call's, and the session ends with the call. Pure: the supervisor's requests and Asterisk's events
on the session's channels in, commands and reports out; a request that cannot be done raises MonitorRefused."""

from __future__ import annotations

from telephony.commands import Hangup
from telephony.events import SnoopEntered, SupervisorLegAnswered, SupervisorLegEnded
from telephony.requests import MonitorMode, MonitorRequested, MonitorStopped, MonitorSwitched
from telephony.supervision.events import SUPERVISION_EVENTS, SupervisorJoined, SupervisorLeft
from telephony.supervision.monitor import MonitorRefused, MonitorSession, Phase


class CallSupervision:
    def __init__(self, call_id: str):
        self.call_id = call_id
        self.session: MonitorSession | None = None
        self.supervisor: str | None = None

    @staticmethod
    def takes(event) -> bool:
        return isinstance(event, SUPERVISION_EVENTS)

    def request(self, request: MonitorRequested | MonitorSwitched | MonitorStopped, agent_channel: str | None,
                talk_bridge: str | None) -> list:
        """A supervisor's request; `agent_channel` and `talk_bridge` are the call's while an agent is on it."""
        session = self.session
        match request:
            case MonitorRequested(mode=mode, endpoint=endpoint, supervisor=supervisor) if session is None:
                if agent_channel is None or talk_bridge is None:
                    raise MonitorRefused("the call is not connected to an agent")
                self.supervisor = supervisor
                self.session = MonitorSession(self.call_id, agent_channel, talk_bridge, endpoint, MonitorMode(mode))
                return self.session.start()
            case MonitorRequested(mode=mode) | MonitorSwitched(mode=mode) if session is not None:
                return session.switch(MonitorMode(mode))
            case MonitorStopped() if session is not None:
                return [*session.stop(), *self._left("stopped")]
        raise MonitorRefused("nobody is monitoring this call")

    def handle(self, event, agent_channel: str | None, talk_bridge: str | None) -> list:
        """Asterisk's event on the session's channels."""
        session = self.session
        match event:
            case SupervisorLegAnswered(leg_id=leg) if session is not None and leg == session.leg_id:
                commands = session.leg_answered()
                return [*commands, SupervisorJoined(self.call_id, self.supervisor or "", session.mode.value)]
            case SnoopEntered(snoop_id=snoop) if session is not None:
                return session.snoop_entered(snoop)
            case SnoopEntered(snoop_id=snoop):
                return [Hangup(snoop)]  # left over from a session that has ended
            case SupervisorLegEnded(leg_id=leg) if session is not None and leg == session.leg_id:
                reason = "hung up" if session.phase is Phase.ACTIVE else "no answer"
                return [*session.leg_ended(), *self._left(reason)]
        return []

    def call_ended(self) -> list:
        if self.session is None:
            return []
        return [*self.session.stop(), *self._left("call ended")]

    def agent_changed(self, agent_channel: str | None) -> list:
        """The call's agent channel now: the session ends once the agent it watches has left (a transfer
        handed the caller on); the supervisor starts again on the new agent if they want."""
        if self.session is None or self.session.agent_channel == agent_channel:
            return []
        return [*self.session.stop(), *self._left("agent left")]

    def _left(self, reason: str) -> list:
        supervisor, self.session, self.supervisor = self.supervisor or "", None, None
        return [SupervisorLeft(self.call_id, supervisor, reason)]

