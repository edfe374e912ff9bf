"""Device states followed from AMI: whether an agent's softphone is registered, and whether it is busy.

Asterisk's device state covers both: an unregistered PJSIP endpoint is UNAVAILABLE, one on any call
(ours or not) is INUSE, RINGING, ONHOLD... The full list is read again after every AMI (re)connect,
since changes during an outage were never sent to us.
"""

from __future__ import annotations

from collections.abc import Callable

from panoramisk.message import Message

from telephony.asterisk.ami import AmiClient
from telephony.logs import get_logger

log = get_logger(__name__)

UNREACHABLE = frozenset({"UNAVAILABLE", "UNKNOWN", "INVALID"})
BUSY = frozenset({"INUSE", "BUSY", "RINGING", "RINGINUSE", "ONHOLD"})

Listener = Callable[[str, str], None]


class DeviceStates:
    def __init__(self):
        self.states: dict[str, str] = {}
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """`listener(device, state)` is called on every change, e.g. ("PJSIP/1001", "NOT_INUSE")."""
        self._listeners.append(listener)

    def registered(self, device: str) -> bool:
        return self.states.get(device, "UNKNOWN") not in UNREACHABLE

    def busy(self, device: str) -> bool:
        return self.states.get(device) in BUSY

    def update(self, device: str, state: str) -> None:
        if not device or self.states.get(device) == state:
            return
        self.states[device] = state
        log.debug("device.state", device=device, state=state)
        for listener in self._listeners:
            listener(device, state)

    def on_ami_event(self, message: Message) -> None:
        if message.get("Event") == "DeviceStateChange":
            self.update(message.get("Device", ""), message.get("State", ""))

    def attach(self, ami: AmiClient) -> None:
        ami.on_event(self.on_ami_event)
        ami.add_connected_hook(lambda: self.refresh(ami))

    async def refresh(self, ami: AmiClient) -> None:
        reply = await ami.send_action({"Action": "DeviceStateList"})
        for message in reply if isinstance(reply, list) else [reply]:
            self.on_ami_event(message)
        log.info("device.states_loaded", devices=len(self.states))
