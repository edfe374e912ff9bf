"""AMI client: panoramisk's wire protocol, with our own connection lifecycle.

panoramisk parses AMI well but its Manager reconnects on a fixed timer, never checks that a ping was
answered, re-sends unanswered actions after a reconnect (an Originate could run twice) and leaves an
action sent while disconnected unresolved. So we use only its `AMIProtocol` and keep the rest here:
backoff reconnects, a ping that must be answered with a pong, every action bounded by a timeout, and an
action whose connection drops fails with AsteriskUnavailable instead of being replayed.

A link that stalls (no data, no close) or is half-open is noticed by the ping within `ping_interval` +
`ping_timeout` (6 s by default); reconnects back off from 0.2 s up to 2 s, so that an Asterisk that comes
back is reached again within about 2 s.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable

from panoramisk.ami_protocol import AMIProtocol
from panoramisk.message import Message

from telephony.backoff import Backoff
from telephony.errors import AmiError, AsteriskUnavailable
from telephony.logs import get_logger

log = get_logger(__name__)

EventHandler = Callable[[Message], Awaitable[None] | None]


class _ProtocolOwner:
    """The 'factory' panoramisk's protocol reports to, for one connection."""

    # panoramisk moves unanswered actions here when the link closes; we fail them instead of resending.
    forgetable_actions = ()

    def __init__(self, client: AmiClient):
        self.awaiting_actions: deque = deque()
        self._client = client
        self.lost = asyncio.Event()
        self.save_stream = None

    def dispatch(self, message: Message) -> None:
        self._client.events.put_nowait(message)

    def connection_lost(self, exc) -> None:
        self.lost.set()


class AmiClient:
    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        secret: str,
        timeout: float = 5.0,
        ping_interval: float = 3.0,
        backoff: Backoff | None = None,
        ping_timeout: float = 3.0,
    ):
        self._host, self._port = host, port
        self._user, self._secret = user, secret
        self._timeout = timeout
        self._ping_interval = ping_interval
        self._ping_timeout = min(ping_timeout, timeout)
        self._backoff = backoff or Backoff(initial=0.2, maximum=2.0)
        self._protocol: AMIProtocol | None = None
        self._owner: _ProtocolOwner | None = None
        self._handlers: list[EventHandler] = []
        self._tasks: list[asyncio.Task] = []
        self._hook_tasks: set[asyncio.Task] = set()
        self.events: asyncio.Queue[Message] = asyncio.Queue()
        self.connected = False
        self._connected_hooks: list[Callable[[], Awaitable[None]]] = []

    def on_event(self, handler: EventHandler) -> None:
        self._handlers.append(handler)

    def add_connected_hook(self, hook: Callable[[], Awaitable[None]]) -> None:
        """`hook()` runs after every (re)connect: the place to re-read state missed while away."""
        self._connected_hooks.append(hook)

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name="ami-connection"),
            asyncio.create_task(self._deliver_events(), name="ami-events"),
        ]

    async def close(self) -> None:
        tasks = [*self._tasks, *self._hook_tasks]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._drop_connection()

    async def send_action(self, action: dict, timeout: float | None = None) -> Message | list[Message]:
        """Send one action and wait for its answer; never queued for a later connection."""
        if not self.connected or self._protocol is None:
            raise AsteriskUnavailable(f"AMI {action.get('Action')}: not connected")
        return await self._send(self._protocol, self._owner, action, timeout)

    async def _send(self, protocol, owner, action: dict, timeout: float | None):
        future = protocol.send(dict(action))
        lost = asyncio.ensure_future(owner.lost.wait())
        try:
            done, _ = await asyncio.wait({future, lost}, timeout=timeout or self._timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
        if future not in done:
            future.cancel()
            reason = "connection lost" if owner.lost.is_set() else "no answer in time"
            raise AsteriskUnavailable(f"AMI {action.get('Action')}: {reason}")
        response = future.result()
        first = response[0] if isinstance(response, list) else response
        if first.get("Response", "").lower() == "error":
            raise AmiError(f"AMI {action.get('Action')}: {first.get('Message', 'error')}")
        return response

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        ever_connected = False
        while True:
            owner = _ProtocolOwner(self)
            try:
                _, protocol = await asyncio.wait_for(
                    loop.create_connection(AMIProtocol, self._host, self._port), self._timeout
                )
                protocol.factory = owner
                protocol.encoding = "utf8"
                protocol.log = _quiet_logger
                await self._send(protocol, owner, {"Action": "Login", "Username": self._user,
                                                   "Secret": self._secret, "Events": "on"}, None)
                self._protocol, self._owner = protocol, owner
                self.connected = True
                self._backoff.reset()
                log.info("ami.connected", reconnect=ever_connected, version=protocol.version)
                ever_connected = True
                for hook in self._connected_hooks:
                    self._spawn(hook())
                await self._watch(protocol, owner)
                log.warning("ami.disconnected")
            except asyncio.CancelledError:
                raise
            except AmiError as exc:
                log.error("ami.login_refused", error=str(exc), user=self._user)
            except (OSError, asyncio.TimeoutError, AsteriskUnavailable) as exc:
                log.warning("ami.connect_failed", error=f"{exc.__class__.__name__}: {exc}")
            finally:
                self.connected = False
                self._drop_connection(owner)
            delay = self._backoff.next_delay()
            log.info("ami.reconnecting", in_seconds=round(delay, 2), attempt=self._backoff.attempts)
            await asyncio.sleep(delay)

    def _spawn(self, coroutine) -> None:
        """Run a hook beside the connection, keeping a reference and logging its failure."""
        task = asyncio.create_task(coroutine)
        self._hook_tasks.add(task)
        task.add_done_callback(self._hook_done)

    def _hook_done(self, task: asyncio.Task) -> None:
        self._hook_tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("ami.hook_failed", error=f"{task.exception().__class__.__name__}: {task.exception()}")

    async def _watch(self, protocol: AMIProtocol, owner: _ProtocolOwner) -> None:
        """Ping until a ping is not answered with a pong in time, or the link drops: a stalled or half-open
        socket counts as down."""
        while not owner.lost.is_set():
            try:
                await asyncio.wait_for(owner.lost.wait(), self._ping_interval)
                return
            except asyncio.TimeoutError:
                pass
            try:
                answer = await self._send(protocol, owner, {"Action": "Ping"}, self._ping_timeout)
            except (AsteriskUnavailable, AmiError) as exc:
                log.warning("ami.ping_failed", error=str(exc))
                return
            if not _is_pong(answer):
                log.warning("ami.ping_failed", error="the answer to a ping was not a pong")
                return

    def _drop_connection(self, owner: _ProtocolOwner | None = None) -> None:
        owner = owner or self._owner
        protocol = self._protocol if owner is self._owner else None
        if owner is self._owner:
            self._protocol, self._owner = None, None
        if protocol is not None:
            protocol.close()
        if owner is not None:
            owner.lost.set()
            while owner.awaiting_actions:
                action = owner.awaiting_actions.popleft()
                if not action.future.done():
                    action.future.set_exception(AsteriskUnavailable(f"AMI {action['action']}: connection lost"))

    async def _deliver_events(self) -> None:
        while True:
            message = await self.events.get()
            if message.get("Event") == "Shutdown" and self._owner is not None:
                self._owner.lost.set()
            for handler in self._handlers:
                try:
                    result = handler(message)
                    if asyncio.iscoroutine(result):
                        await result
                except Exception:
                    log.exception("ami.handler_failed", event=message.get("Event"))


def _is_pong(answer: Message | list[Message]) -> bool:
    first = answer[0] if isinstance(answer, list) else answer
    return first.get("Response", "").lower() == "success" and first.get("Ping", "").lower() == "pong"


class _QuietLogger:
    """panoramisk logs every parsed message at debug and unanswered actions at info; we log our own."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


_quiet_logger = _QuietLogger()
