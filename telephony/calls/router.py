"""Where a call's commands go: reports for the ACD to its service, everything else to Asterisk."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telephony.acd.events import (AcdEvent, AgentLegEnded, AgentReleased, CallBridged, CallerHungUp, CallQueued,
                                  InternalCallEnded, InternalCallStarted, OfferAnswered, TransferTargetAnswered,
                                  TransferTargetFreed, TransferTargetRinging)
from telephony.calls.internal_call import FindInternalTarget
from telephony.calls.transfer_reports import TransferReport
from telephony.commands import CommandExecutor
from telephony.errors import AriError
from telephony.logs import get_logger
from telephony.recordings.commands import ARCHIVE_NOTES, RECORDING_COMMANDS
from telephony.supervision.events import SUPERVISION_REPORTS

log = get_logger(__name__)

ACD_REPORTS = (CallQueued, OfferAnswered, CallBridged, AgentLegEnded, CallerHungUp, AgentReleased,
               InternalCallStarted, InternalCallEnded, TransferTargetRinging, TransferTargetAnswered,
               TransferTargetFreed)


class CommandRouter:
    """Recording commands that Asterisk carried out are also told to `recording_done` (the archive keeps
    their times); one Asterisk refuses is logged, never allowed to break the call."""

    def __init__(self, asterisk: CommandExecutor, submit_to_acd: Callable[[AcdEvent], None],
                 recording_done: Callable[[object], None] = lambda command: None,
                 supervision_report: Callable[[object], None] = lambda report: None,
                 find_internal_target: Callable[[FindInternalTarget], Awaitable[None]] | None = None,
                 transfer_report: Callable[[TransferReport], None] = lambda report: None):
        """`transfer_report`: each step of a transfer, for the event stream (call.transfer.*)."""
        self._supervision_report = supervision_report
        self._transfer_report = transfer_report
        self._find_internal_target = find_internal_target
        self._asterisk = asterisk
        self._submit_to_acd = submit_to_acd
        self._recording_done = recording_done

    async def execute(self, command) -> None:
        if isinstance(command, ACD_REPORTS):
            self._submit_to_acd(command)
        elif isinstance(command, FindInternalTarget) and self._find_internal_target is not None:
            await self._find_internal_target(command)
        elif isinstance(command, ARCHIVE_NOTES):
            self._recording_done(command)
        elif isinstance(command, SUPERVISION_REPORTS):
            self._supervision_report(command)
        elif isinstance(command, TransferReport):
            self._transfer_report(command)
        elif isinstance(command, RECORDING_COMMANDS):
            try:
                await self._asterisk.execute(command)
            except AriError as exc:
                log.error("recording.command_failed", command=type(command).__name__, error=str(exc))
                return
            self._recording_done(command)
        else:
            await self._asterisk.execute(command)
