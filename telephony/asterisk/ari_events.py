"""The ARI events WebSocket: one reader task, reconnecting with backoff.

The reader only parses and enqueues, so a slow consumer never stalls the socket (Asterisk drops a
WebSocket whose reader falls behind its write timeout). After every (re)connect a `Connected` marker goes
into the queue ahead of the new events, so the consumer can re-read the application's state from ARI
before it trusts anything it remembers: Asterisk does not keep events for a disconnected app.

A link that stalls (no data, no close) or is half-open is noticed by the WebSocket's ping: sent after
`heartbeat` quiet seconds, unanswered for half as long, it closes the socket (6 s by default). A handshake
that gets no answer gives up after `timeout`; reconnects back off from 0.2 s up to 2 s.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import aiohttp

from telephony.asterisk.ari import basic_auth_header
from telephony.backoff import Backoff
from telephony.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Connected:
    """The stream (re)connected; what follows is live."""

    reconnect: bool


class AriEventStream:
    def __init__(self, ws_url: str, app: str, user: str, password: str, backoff: Backoff | None = None,
                 timeout: float = 5.0, heartbeat: float = 4.0):
        self._url = ws_url
        self._params = {"app": app, "subscribeAll": "false"}
        self._headers = basic_auth_header(user, password)
        self._backoff = backoff or Backoff(initial=0.2, maximum=2.0)
        self._timeout = timeout
        self._heartbeat = heartbeat
        self.queue: asyncio.Queue = asyncio.Queue()
        self.connected = False
        self._task: asyncio.Task | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        self._session = aiohttp.ClientSession(headers=self._headers)
        self._task = asyncio.create_task(self._run(), name="ari-events")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        self.connected = False

    async def _run(self) -> None:
        ever_connected = False
        while True:
            try:
                ws = await asyncio.wait_for(self._session.ws_connect(
                    self._url, params=self._params, heartbeat=self._heartbeat,
                    timeout=aiohttp.ClientWSTimeout(ws_close=2)), self._timeout)
                async with ws:
                    self.connected = True
                    self._backoff.reset()
                    log.info("ari.connected", reconnect=ever_connected)
                    self.queue.put_nowait(Connected(reconnect=ever_connected))
                    ever_connected = True
                    await self._read(ws)
                    log.warning("ari.disconnected", close_code=ws.close_code)
            except asyncio.CancelledError:
                raise
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                log.warning("ari.connect_failed", error=f"{exc.__class__.__name__}: {exc}")
            self.connected = False
            delay = self._backoff.next_delay()
            log.info("ari.reconnecting", in_seconds=round(delay, 2), attempt=self._backoff.attempts)
            await asyncio.sleep(delay)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                try:
                    event = json.loads(message.data)
                except ValueError:
                    log.warning("ari.bad_event", size=len(message.data))
                    continue
                if isinstance(event, dict):
                    self.queue.put_nowait(event)
            elif message.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                break
