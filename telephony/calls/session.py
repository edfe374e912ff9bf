"""One call's task: feeds the call's events to its flow, in order, and runs the commands it returns."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from structlog.contextvars import bound_contextvars

from telephony.calls.recorder import InteractionRecorder
from telephony.calls.timers import CallTimer
from telephony.commands import (Answer, CancelTimer, ChannelGone, Command, CommandExecutor, Hangup, Originate,
                                StartTimer)
from telephony.crm.model import CallerIdentity
from telephony.errors import AriError, AsteriskUnavailable
from telephony.events import FAILED, FOUND_GONE, CallArrived, CallEvent, ChannelHungUp, LegEnded
from telephony.ivr.flow import IvrFlow
from telephony.logs import get_logger

log = get_logger(__name__)


class CallSession:
    def __init__(self, arrived: CallArrived, flow: IvrFlow, executor: CommandExecutor,
                 recorder: InteractionRecorder, clock: Callable[[], datetime], write_segments=None):
        self.arrived = arrived
        self.channel_id = arrived.channel_id
        self.flow = flow
        self._executor = executor
        self._recorder = recorder
        self._clock = clock
        self._write_segments = write_segments  # a SegmentStore's replace, for calls that were transferred
        self._events: asyncio.Queue[CallEvent] = asyncio.Queue()
        self._gone = False
        self._timer = CallTimer(self.channel_id, self.deliver)

    @property
    def caller(self) -> CallerIdentity | None:
        """Who is calling, once the interaction writer has identified them (None until then)."""
        return self._recorder.caller

    def deliver(self, event: CallEvent) -> None:
        self._events.put_nowait(event)

    async def run(self) -> None:
        call = self.arrived
        with bound_contextvars(call_id=self.channel_id):
            log.info("call.arrived", direction=call.direction, dialled=call.dialled, caller=call.caller_number,
                     adopted=call.adopted)
            self._recorder.started(call)
            outcome = None
            try:
                await self._run_commands(self.flow.start())
                while not self._gone:
                    event = await self._events.get()
                    if isinstance(event, ChannelHungUp):
                        log.info("call.hung_up", cause=event.cause)
                        self._gone = True
                        await self._clean_up(self.flow.handle(event))
                        break
                    log.debug("call.event", kind=type(event).__name__, **_fields(event))
                    await self._run_commands(self.flow.handle(event))
                    if getattr(self.flow, "ended", False):
                        break  # a call made only of legs (click-to-call) ends with its last leg
            except asyncio.CancelledError:
                self._timer.cancel()
                log.info("call.released", reason="daemon stopping; Asterisk keeps the channel")
                raise
            except Exception:
                log.exception("call.failed")
                outcome = "failed"
                await self._hang_up_quietly()
            outcome = outcome or self.flow.outcome or "abandoned"
            self._timer.cancel()
            segments = getattr(self.flow, "segments", None)
            if segments and self._write_segments is not None:
                self._recorder.segments(self._write_segments, segments)
            self._recorder.ended(self._clock(), outcome, [_step(s) for s in self.flow.path],
                                 getattr(self.flow, "data", None), getattr(self.flow, "voicemail", None))
            log.info("call.ended", outcome=outcome, path=[s.node for s in self.flow.path])
            await self._recorder.finished()

    async def _run_commands(self, commands: list[Command]) -> None:
        for command in commands:
            if self._gone:
                return
            log.info("call.command", command=type(command).__name__, **_fields(command))
            if isinstance(command, (StartTimer, CancelTimer)):
                self._timer.run(command)
                continue
            try:
                await self._executor.execute(command)
            except ChannelGone:
                if getattr(command, "channel_id", self.channel_id) != self.channel_id:
                    # A leg (an agent's, a transfer target's) went while we acted on it: its LegEnded follows.
                    log.info("call.leg_gone", command=type(command).__name__, leg=command.channel_id)
                    continue
                # The caller hung up before Asterisk told us: the flow hears it now, so that the ACD and
                # the interaction learn it even if the StasisEnd is never read.
                log.info("call.channel_gone", command=type(command).__name__)
                self._gone = True
                await self._clean_up(self.flow.handle(ChannelHungUp(self.channel_id, FOUND_GONE)))
                return
            except (AriError, AsteriskUnavailable) as exc:
                if not isinstance(command, Originate):
                    raise
                # Asterisk refused to call the leg (unknown or unregistered endpoint): the leg has ended.
                log.warning("call.originate_failed", leg=command.leg_id, error=str(exc))
                self.deliver(LegEnded(self.channel_id, command.leg_id, 0, str(exc)))
            if isinstance(command, Answer):
                self._recorder.answered(self._clock())

    async def _hang_up_quietly(self) -> None:
        """After a failure of ours: the flow is told the call is over, so that what it holds (agents in the
        ACD, legs, bridges) is let go, then the caller is hung up. If the flow fails again, only the hang-up."""
        self._gone = True
        try:
            commands = self.flow.handle(ChannelHungUp(self.channel_id, FAILED))
        except Exception:
            log.exception("call.release_failed")
            commands = []
        await self._clean_up([*commands, Hangup(self.channel_id)])

    async def _clean_up(self, commands: list[Command]) -> None:
        """Release what the call held (legs, bridges) after it ended; each step is best effort."""
        for command in commands:
            log.info("call.cleanup", command=type(command).__name__, **_fields(command))
            try:
                await self._executor.execute(command)
            except (ChannelGone, AriError, AsteriskUnavailable) as exc:
                log.info("call.cleanup_skipped", command=type(command).__name__, reason=str(exc))


def _fields(obj) -> dict:
    return {k: v for k, v in ((s, getattr(obj, s)) for s in obj.__slots__) if k != "channel_id"}


def _step(step) -> dict:
    return step.as_dict()
