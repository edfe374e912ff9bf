"""Where a call's commands go: reports for the ACD to its service, internal-call lookups to the directory,
reports of what happened (supervision, transfers, recording notes) onto the domain events, everything else
to Asterisk."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telephony.acd.events import (AcdEvent, AgentLegEnded, AgentReleased, CallBridged, CallerHungUp,
                                  CallPriorityRaised, CallQueued, InternalCallEnded, InternalCallStarted,
                                  OfferAnswered, TransferTargetAnswered, TransferTargetFreed,
                                  TransferTargetRinging)
from telephony.calls.internal_call import FindInternalTarget
from telephony.calls.transfer_reports import TransferReport
from telephony.commands import CommandExecutor
from telephony.errors import AriError
from telephony.logs import get_logger
from telephony.recordings.commands import ARCHIVE_NOTES, RECORDING_COMMANDS
from telephony.supervision.events import SUPERVISION_REPORTS

log = get_logger(__name__)

ACD_REPORTS = (CallQueued, CallPriorityRaised, OfferAnswered, CallBridged, AgentLegEnded, CallerHungUp, AgentReleased,
               InternalCallStarted, InternalCallEnded, TransferTargetRinging, TransferTargetAnswered,
               TransferTargetFreed)
REPORTS = (*ARCHIVE_NOTES, *SUPERVISION_REPORTS, TransferReport)


class CommandRouter:
    """A recording command that Asterisk carried out is published too (the archive keeps its times); one
    Asterisk refuses is logged, never allowed to break the call."""

    def __init__(self, asterisk: CommandExecutor, submit_to_acd: Callable[[AcdEvent], None],
                 publish: Callable[[object], None],
                 find_internal_target: Callable[[FindInternalTarget], Awaitable[None]]):
        """`publish`: the domain events (DomainEvents.publish) that reports and recording commands go to."""
        self._asterisk = asterisk
        self._submit_to_acd = submit_to_acd
        self._publish = publish
        self._find_internal_target = find_internal_target

    async def execute(self, command) -> None:
        if isinstance(command, ACD_REPORTS):
            self._submit_to_acd(command)
        elif isinstance(command, FindInternalTarget):
            await self._find_internal_target(command)
        elif isinstance(command, REPORTS):
            self._publish(command)
        elif isinstance(command, RECORDING_COMMANDS):
            try:
                await self._asterisk.execute(command)
            except AriError as exc:
                log.error("recording.command_failed", command=type(command).__name__, error=str(exc))
                return
            self._publish(command)
        else:
            await self._asterisk.execute(command)
