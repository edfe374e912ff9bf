"""An agent's state as an explicit state machine; a transition the table does not allow is refused
(AgentStateRefused).

Whether an agent can be offered a call also depends on two facts that are not states: the softphone's
registration and the device being busy on a call the ACD did not place. They make the agent unofferable
without touching the state (and so without polluting the state log).
"""

from __future__ import annotations

from datetime import datetime

from telephony.model import AgentState, StateChanged
from telephony.config.models import MISSED_REASON
from telephony.errors import Refused


S = AgentState
ALLOWED: dict[AgentState, frozenset[AgentState]] = {
    S.LOGGED_OUT: frozenset({S.AVAILABLE, S.PAUSED}),
    # on_call straight from available: an internal call (agent to agent), which the ACD did not offer
    S.AVAILABLE: frozenset({S.RINGING, S.ON_CALL, S.PAUSED, S.LOGGED_OUT}),
    S.RINGING: frozenset({S.ON_CALL, S.AVAILABLE, S.PAUSED, S.LOGGED_OUT}),
    # A call in progress is finished first: no logout from on_call, and a pause asked for during the call
    # waits for its end (AgentStatus.pause_after_call).
    S.ON_CALL: frozenset({S.WRAP_UP, S.AVAILABLE, S.PAUSED}),
    # on_call from wrap_up or paused: a transfer put straight to the agent, which they answered
    S.WRAP_UP: frozenset({S.AVAILABLE, S.PAUSED, S.LOGGED_OUT, S.ON_CALL}),
    S.PAUSED: frozenset({S.AVAILABLE, S.PAUSED, S.LOGGED_OUT, S.ON_CALL}),
}


class AgentStateRefused(Refused):
    """An agent's state cannot change so now: log in twice, pause while logged out, an unknown agent or
    pause reason. What an agent or a supervisor asked for, refused; `reason` says why."""

    code = "state_refused"


class AgentStatus:
    __slots__ = ("agent_id", "state", "reason", "since", "missed_in_row", "registered", "busy_elsewhere",
                 "pause_pending", "on_internal_call", "internal_hold")

    def __init__(self, agent_id: str, at: datetime, state: AgentState = S.LOGGED_OUT,
                 reason: str | None = None):
        """`state` and `reason` other than the default restore what the database held before a restart."""
        self.agent_id = agent_id
        self.state = state
        self.reason = reason if state is S.PAUSED else None
        self.since = at
        self.missed_in_row = 0
        self.registered = True
        self.busy_elsewhere = False
        self.pause_pending: str | None = None
        self.on_internal_call = False  # on a call with another agent (or a click-to-call): no offers
        self.internal_hold = False  # on_call because of that internal call, not because of an offer

    @property
    def offerable(self) -> bool:
        return (self.state is S.AVAILABLE and self.registered and not self.busy_elsewhere
                and not self.on_internal_call)

    @property
    def engaged(self) -> bool:
        """Ringing or on a call (a queue call, a transfer, an internal call): not to be rung for another."""
        return self.state in (S.RINGING, S.ON_CALL) or self.on_internal_call

    @property
    def staffed(self) -> bool:
        """Counted as working the queue (for the estimated wait and the supervisors' views): logged in, not
        paused, and on a phone that is registered."""
        return self.state not in (S.LOGGED_OUT, S.PAUSED) and self.registered

    def login(self, at: datetime, paused_reason: str | None = None, cause: str = "login") -> StateChanged:
        """`cause` "restored" marks the agent handed back to the ACD after a restart of the daemon."""
        if self.state is not S.LOGGED_OUT:
            raise self._refused(S.AVAILABLE)
        if paused_reason:
            return self._go(S.PAUSED, at, cause, paused_reason)
        return self._go(S.AVAILABLE, at, cause)

    def logout(self, at: datetime) -> StateChanged:
        return self._go(S.LOGGED_OUT, at, "logout")

    def pause(self, reason: str, at: datetime) -> StateChanged:
        if self.state in (S.LOGGED_OUT, S.ON_CALL):
            raise self._refused(S.PAUSED)
        return self._go(S.PAUSED, at, "pause", reason)

    def pause_after_call(self, reason: str) -> None:
        """A pause asked for during a call: it starts when the call (and its wrap-up) is over."""
        if self.state not in (S.ON_CALL, S.WRAP_UP):
            raise self._refused(S.PAUSED)
        self.pause_pending = reason

    def cancel_pending_pause(self) -> bool:
        """`ready` during the call that a pause was waiting for: the pause is off. False if none was."""
        pending, self.pause_pending = self.pause_pending, None
        return pending is not None

    def unpause(self, at: datetime) -> StateChanged:
        if self.state is not S.PAUSED:
            raise self._refused(S.AVAILABLE)
        self.missed_in_row = 0
        return self._go(S.AVAILABLE, at, "unpause")

    def ring(self, at: datetime) -> StateChanged:
        return self._go(S.RINGING, at, "offer")

    def answer(self, at: datetime) -> StateChanged:
        if self.state is not S.RINGING:  # on_call from available is an internal call's, not an answer's
            raise self._refused(S.ON_CALL)
        self.missed_in_row = 0
        return self._go(S.ON_CALL, at, "answered")

    def transfer_answered(self, at: datetime) -> StateChanged:
        """A colleague's transfer answered while paused or wrapping up: on the call now; a pause comes back
        when the call (and its wrap-up) is over, so pause time never counts talk."""
        if self.state not in (S.PAUSED, S.WRAP_UP):
            raise self._refused(S.ON_CALL)
        pending = self.reason if self.state is S.PAUSED else self.pause_pending
        change = self._go(S.ON_CALL, at, "transfer_answered")
        self.pause_pending = pending
        return change

    def missed(self, at: datetime, limit: int) -> StateChanged:
        """An offer rang out or was refused; the `limit`-th in a row pauses the agent with reason missed."""
        if self.state is not S.RINGING:
            raise self._refused(S.AVAILABLE)
        self.missed_in_row += 1
        if self.missed_in_row >= limit:
            self.missed_in_row = 0
            return self._go(S.PAUSED, at, "missed", MISSED_REASON)
        return self._go(S.AVAILABLE, at, "missed")

    def offer_withdrawn(self, at: datetime) -> StateChanged:
        """The ACD took the offer back (the caller left, another agent answered): not the agent's miss."""
        return self._go(S.AVAILABLE, at, "withdrawn")

    def call_ended(self, at: datetime, wrap_up: bool) -> StateChanged:
        if wrap_up:
            return self._go(S.WRAP_UP, at, "call_ended")
        return self._free(at, "call_ended")

    def internal_call_started(self, at: datetime) -> StateChanged:
        """An available agent on an internal call is on a call (no wrap-up follows it)."""
        self.internal_hold = True
        return self._go(S.ON_CALL, at, "internal_call")

    def internal_call_ended(self, at: datetime) -> StateChanged:
        self.internal_hold = False
        return self._free(at, "internal_call_ended")

    def leg_lost(self, at: datetime) -> StateChanged:
        """Answered, then gone before the caller was bridged: no talk, so no wrap-up."""
        return self._free(at, "hung_up_before_bridge")

    def wrap_up_done(self, at: datetime) -> StateChanged:
        return self._free(at, "wrap_up_done")

    def _free(self, at: datetime, cause: str) -> StateChanged:
        """Done with a call: available, or paused if a pause was asked for meanwhile."""
        if self.pause_pending is not None:
            return self._go(S.PAUSED, at, "pause", self.pause_pending)
        return self._go(S.AVAILABLE, at, cause)

    def _refused(self, wanted: AgentState) -> AgentStateRefused:
        return AgentStateRefused(f"agent {self.agent_id}: cannot go from {self.state} to {wanted}")

    def _go(self, to: AgentState, at: datetime, cause: str, reason: str | None = None) -> StateChanged:
        if to not in ALLOWED[self.state]:
            raise self._refused(to)
        change = StateChanged(self.agent_id, self.state, to, reason, at, cause, self.reason)
        if cause != "internal_call":
            self.internal_hold = False
        self.state, self.reason, self.since = to, reason, at
        if to in (S.PAUSED, S.LOGGED_OUT):
            self.pause_pending = None
        return change
