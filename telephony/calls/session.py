"""One call's task: feeds the call's events and people's requests to its flow, in order, and runs the
commands the flow returns. It is the only thing that touches the flow; what others may know of the call is
the flow's `view()`, taken after every step, and a request gets the flow's answer back (`ask`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from structlog.contextvars import bound_contextvars

from telephony.acd.commands import EndCall
from telephony.call_flow import CallFlow, CallView
from telephony.calls.recorder import InteractionRecorder
from telephony.calls.timers import CallTimer
from telephony.causes import CallEnder
from telephony.commands import (Answer, CancelTimer, ChannelGone, Command, CommandExecutor, Hangup, Originate,
                                StartTimer)
from telephony.crm.model import CallerIdentity
from telephony.errors import AriError, AsteriskUnavailable, Refused
from telephony.events import FAILED, FOUND_GONE, CallArrived, CallerIdentified, CallEvent, ChannelHungUp, LegEnded
from telephony.logs import get_logger
from telephony.requests import MONITOR_REQUESTS, CallGone, CallRequest

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class _Asked:
    """A request waiting in the call's queue, with the future its asker awaits."""

    request: CallRequest
    answer: asyncio.Future


class CallSession:
    def __init__(self, arrived: CallArrived, flow: CallFlow, executor: CommandExecutor,
                 recorder: InteractionRecorder, clock: Callable[[], datetime], write_segments=None):
        self.arrived = arrived
        self.channel_id = arrived.channel_id
        self._flow = flow
        self._executor = executor
        self._recorder = recorder
        self._clock = clock
        self._write_segments = write_segments  # a SegmentStore's replace, for calls that were transferred
        self._inbox: asyncio.Queue[CallEvent | _Asked] = asyncio.Queue()
        self._gone = False
        self._closed = False  # the task is done with the call: requests are answered CallGone
        self._ended_by: CallEnder | None = None  # set by the first hang-up of the caller, ours or theirs
        self._timer = CallTimer(self.channel_id, self.deliver)
        self.view = CallView()  # the flow's view after its latest step

    @property
    def caller(self) -> CallerIdentity | None:
        """Who is calling, once the interaction writer has identified them (None until then)."""
        return self._recorder.caller

    def deliver(self, event: CallEvent) -> None:
        self._inbox.put_nowait(event)

    async def ask(self, request: CallRequest) -> None:
        """Hand `request` to the call's task and wait for its answer: returns once the flow took it and its
        commands ran; raises the flow's Refused, or CallGone if the call ended first."""
        if self._closed:
            raise CallGone(self.channel_id)
        answer = asyncio.get_running_loop().create_future()
        self._inbox.put_nowait(_Asked(request, answer))
        await answer

    async def run(self) -> None:
        call = self.arrived
        with bound_contextvars(call_id=self.channel_id):
            log.info("call.arrived", direction=call.direction, dialled=call.dialled, caller=call.caller_number,
                     adopted=call.adopted)
            self._recorder.started(call, self._identified)
            outcome = None
            try:
                await self._step(self._flow.start(), CallEnder.SYSTEM)
                while not self._gone:
                    item = await self._inbox.get()
                    if isinstance(item, _Asked):
                        await self._answer(item)
                    elif isinstance(item, ChannelHungUp):
                        self._ended_by = self._ended_by or (
                            CallEnder.SYSTEM if item.cause == FAILED else CallEnder.CALLER)
                        log.info("call.hung_up", cause=item.cause, by=self._ended_by)
                        self._gone = True
                        await self._clean_up(self._flow.handle(item))
                        break
                    else:
                        log.debug("call.event", kind=type(item).__name__, **_fields(item))
                        await self._step(self._flow.handle(item), _ender_of(item))
                    if self._flow.ended:
                        # a call made only of legs (click-to-call) ends with its last leg
                        self._ended_by = self._ended_by or _ender_of(item)
                        break
            except asyncio.CancelledError:
                self._close()
                log.info("call.released", reason="daemon stopping; Asterisk keeps the channel")
                raise
            except Exception:
                log.exception("call.failed")
                outcome = "failed"
                self._ended_by = self._ended_by or CallEnder.SYSTEM
                await self._hang_up_quietly()
            self._close()
            story = self._flow.story()
            outcome = outcome or story.outcome or "abandoned"
            if story.segments and self._write_segments is not None:
                self._recorder.segments(self._write_segments, list(story.segments))
            ended_by = self._ended_by or CallEnder.SYSTEM
            self._recorder.ended(self._clock(), outcome, [step.as_dict() for step in story.path], story.data,
                                 story.voicemail, ended_by=ended_by.value)
            log.info("call.ended", outcome=outcome, ended_by=ended_by, path=[step.node for step in story.path])
            await self._recorder.finished()

    def _identified(self, caller: CallerIdentity) -> None:
        if caller.customer is not None:
            self.deliver(CallerIdentified(self.channel_id, caller.customer.vip))

    async def _step(self, commands: list[Command], ender: CallEnder) -> None:
        """Run `commands`; should one hang the caller up, `ender` is who ended the call."""
        await self._run_commands(commands, ender)
        self.view = self._flow.view()

    async def _answer(self, asked: _Asked) -> None:
        request = asked.request
        try:
            commands = self._flow.request(request)
        except Refused as exc:
            log.info("call.request_refused", request=type(request).__name__, reason=exc.reason)
            _settle(asked.answer, exc)
            return
        except Exception as exc:  # a bug of ours: the asker hears it failed, the call fails as on an event
            _settle(asked.answer, exc)
            raise
        log.info("call.request", request=type(request).__name__, **_fields(request))
        try:
            await self._step(commands, _ender_of(asked))
        except BaseException as exc:
            _settle(asked.answer, CallGone(self.channel_id) if isinstance(exc, asyncio.CancelledError) else exc)
            raise
        _settle(asked.answer, CallGone(self.channel_id) if self._gone else None)

    def _close(self) -> None:
        """The task is done with the call: its timer stops and requests still queued are answered CallGone."""
        self._closed = True
        self._timer.cancel()
        while not self._inbox.empty():
            item = self._inbox.get_nowait()
            if isinstance(item, _Asked):
                _settle(item.answer, CallGone(self.channel_id))

    async def _run_commands(self, commands: list[Command], ender: CallEnder) -> None:
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
                self._ended_by = self._ended_by or CallEnder.CALLER
                self._gone = True
                await self._clean_up(self._flow.handle(ChannelHungUp(self.channel_id, FOUND_GONE)))
                return
            except (AriError, AsteriskUnavailable) as exc:
                if not isinstance(command, Originate):
                    raise
                # Asterisk refused to call the leg (unknown or unregistered endpoint): the leg has ended.
                log.warning("call.originate_failed", leg=command.leg_id, error=str(exc))
                self.deliver(LegEnded(self.channel_id, command.leg_id, 0, str(exc)))
            if isinstance(command, Answer):
                self._recorder.answered(self._clock())
            elif isinstance(command, Hangup) and command.channel_id == self.channel_id:
                self._ended_by = self._ended_by or ender

    async def _hang_up_quietly(self) -> None:
        """After a failure of ours: the flow is told the call is over, so that what it holds (agents in the
        ACD, legs, bridges) is let go, then the caller is hung up. If the flow fails again, only the hang-up."""
        self._gone = True
        try:
            commands = self._flow.handle(ChannelHungUp(self.channel_id, FAILED))
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


def _settle(answer: asyncio.Future, outcome: BaseException | None) -> None:
    """Give the asker the call's answer, unless they stopped waiting."""
    if answer.done():
        return
    if outcome is None:
        answer.set_result(None)
    else:
        answer.set_exception(outcome)


def _ender_of(item) -> CallEnder:
    """Who is behind what the call's task does about `item` (a request or an event), should it end the call:
    a supervisor's or an agent's request over the API, the agent's phone (the ACD's EndCall when they hang
    up, or the end of the party's leg), or else the daemon's own flow."""
    match item:
        case _Asked(request=request) if isinstance(request, MONITOR_REQUESTS):
            return CallEnder.SUPERVISOR
        case _Asked():
            return CallEnder.API
        case EndCall() | LegEnded():
            return CallEnder.AGENT
    return CallEnder.SYSTEM


def _fields(obj) -> dict:
    return {k: v for k, v in ((s, getattr(obj, s)) for s in obj.__slots__) if k not in ("channel_id", "call_id")}
