"""Carries out our commands through ARI."""

from __future__ import annotations

from telephony.asterisk.ari import AriClient
from telephony.commands import (AddToBridge, Answer, ChannelGone, Command, CreateBridge, DestroyBridge,
                                EnterQueue, Hangup, Originate, PauseRecording, Play, RecordBridge,
                                RecordChannel, RemoveFromBridge, ResumeRecording, Ring, Snoop,
                                StartBridgeMusic, StartMusicOnHold, StartRecording, StopMusicOnHold,
                                StopPlayback, StopRecording, Transfer)
from telephony.errors import AriError


MAX_NAME = 80
MAX_NUMBER = 40


def caller_id(name: str, number: str) -> str:
    """ARI's callerId: `"Name" <number>`. The caller's own id is passed on to the agent's phone, so what
    would break the header is dropped: quotes, angle brackets, backslashes and control characters from the
    name, and from the number anything a dial string does not hold."""
    clean = "".join(c for c in name if c not in '"<>\\' and c.isprintable()).strip()[:MAX_NAME]
    digits = "".join(c for c in number if c.isascii() and (c.isalnum() or c in "+*#.-_"))[:MAX_NUMBER]
    return f'"{clean}" <{digits}>' if clean else digits


LOCAL_CONTEXT = "telephony-local"
EXTERNAL_CONTEXT = "telephony-external"
# Where an EnterQueue no ACD took sends the caller: "please hold", then a hang-up.
NO_QUEUE_CONTEXT = "telephony-no-queue"


def dialplan_target(destination: str) -> tuple[str, str]:
    """Where a Transfer leaves the call in the dialplan: extensions ring their device, E.164 numbers go
    out through the trunk. The call then leaves our application; the dialplan owns it from there."""
    return (EXTERNAL_CONTEXT if destination.startswith("+") else LOCAL_CONTEXT), destination


class AriCommandExecutor:
    def __init__(self, ari: AriClient, app: str):
        self._ari = ari
        self._app = app

    async def execute(self, command: Command) -> None:
        try:
            await self._run(command)
        except AriError as exc:
            if isinstance(command, (StopPlayback, StopMusicOnHold, StopRecording, Hangup)) and exc.not_found:
                return  # already gone: the goal is reached
            if isinstance(command, DestroyBridge) and exc.status in (404, 409):
                return  # gone, or being torn down ("Bridge not in Stasis application"): the goal is reached
            # 404: no such channel; 409: the channel has left our application (or is not up yet).
            if exc.status in (404, 409) and not isinstance(command, (CreateBridge, Originate)):
                raise ChannelGone(str(exc)) from None
            raise

    async def _run(self, command: Command) -> None:
        ari = self._ari
        match command:
            case Answer(channel_id):
                await ari.answer(channel_id)
            case Play(channel_id, playback_id, media, language):
                await ari.play(channel_id, playback_id, list(media), language)
            case StopPlayback(playback_id):
                await ari.stop_playback(playback_id)
            case Hangup(channel_id, reason):
                await ari.hangup(channel_id, reason)
            case Originate(leg_id, owner_id, endpoint, number, name, timeout):
                await ari.originate(leg_id, endpoint, self._app, ["leg", owner_id], caller_id(name, number),
                                    timeout)
            case Ring(channel_id):
                await ari.ring(channel_id)
            case CreateBridge(bridge_id, kind):
                await ari.create_bridge(bridge_id, kind)
            case AddToBridge(bridge_id, channel_id):
                await ari.add_to_bridge(bridge_id, channel_id)
            case DestroyBridge(bridge_id):
                await ari.destroy_bridge(bridge_id)
            case StartBridgeMusic(bridge_id, moh_class):
                await ari.start_bridge_moh(bridge_id, moh_class)
            case StartMusicOnHold(channel_id, moh_class):
                await ari.start_moh(channel_id, moh_class)
            case StopMusicOnHold(channel_id):
                await ari.stop_moh(channel_id)
            case Transfer(channel_id, destination):
                await ari.continue_in_dialplan(channel_id, *dialplan_target(destination))
            case EnterQueue(channel_id):
                await ari.continue_in_dialplan(channel_id, NO_QUEUE_CONTEXT, "s")
            case StartRecording(channel_id, name, max_seconds, max_silence, terminate_on, beep, fmt):
                await ari.record(channel_id, name, fmt, max_seconds, max_silence, terminate_on, beep)
            case Snoop(snoop_id, channel_id, spy, whisper):
                await ari.snoop(channel_id, snoop_id, spy, whisper, self._app, ["snoop", spy, whisper])
            case RemoveFromBridge(bridge_id, channel_id):
                await ari.remove_from_bridge(bridge_id, channel_id)
            case RecordBridge(bridge_id, name, fmt):
                await ari.record_bridge(bridge_id, name, fmt)
            case RecordChannel(channel_id, name, fmt):
                await ari.record(channel_id, name, fmt, 0, 0, "none", False)
            case PauseRecording(name):
                await ari.pause_recording(name)
            case ResumeRecording(name):
                await ari.unpause_recording(name)
            case StopRecording(name):
                await ari.stop_recording(name)
            case _:
                raise TypeError(f"no ARI mapping for {command!r}")
