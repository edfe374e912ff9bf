"""Carries out our commands through ARI."""

from __future__ import annotations

from telephony.asterisk.ari import AriClient
from telephony.commands import Answer, ChannelGone, Command, Hangup, Play, StopPlayback
from telephony.errors import AriError


class AriCommandExecutor:
    def __init__(self, ari: AriClient):
        self._ari = ari

    async def execute(self, command: Command) -> None:
        try:
            match command:
                case Answer(channel_id):
                    await self._ari.answer(channel_id)
                case Play(channel_id, playback_id, media, language):
                    await self._ari.play(channel_id, playback_id, list(media), language)
                case StopPlayback(playback_id):
                    await self._ari.stop_playback(playback_id)
                case Hangup(channel_id, reason):
                    await self._ari.hangup(channel_id, reason)
                case _:
                    raise TypeError(f"no ARI mapping for {command!r}")
        except AriError as exc:
            if isinstance(command, StopPlayback) and exc.not_found:
                return  # the playback already ended
            # 404: no such channel; 409: the channel has left our application.
            if exc.status in (404, 409):
                raise ChannelGone(str(exc)) from None
            raise
