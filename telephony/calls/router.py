"""Where a call's commands go: reports for the ACD to its service, everything else to Asterisk."""

from __future__ import annotations

from collections.abc import Callable

from telephony.acd.events import AcdEvent, AgentLegEnded, CallBridged, CallerHungUp, CallQueued, OfferAnswered
from telephony.commands import CommandExecutor

ACD_REPORTS = (CallQueued, OfferAnswered, CallBridged, AgentLegEnded, CallerHungUp)


class CommandRouter:
    def __init__(self, asterisk: CommandExecutor, submit_to_acd: Callable[[AcdEvent], None]):
        self._asterisk = asterisk
        self._submit_to_acd = submit_to_acd

    async def execute(self, command) -> None:
        if isinstance(command, ACD_REPORTS):
            self._submit_to_acd(command)
        else:
            await self._asterisk.execute(command)
