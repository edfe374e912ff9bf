"""Database writes run one after another in a task of their own, retried while the database is away, so
the code that decided them never waits on the database and an outage delays rows without losing them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from telephony.backoff import Backoff
from telephony.logs import get_logger

log = get_logger(__name__)
T = TypeVar("T")

RETRYABLE = (OSError, asyncio.TimeoutError, asyncpg.InterfaceError, asyncpg.CannotConnectNowError,
             asyncpg.ConnectionDoesNotExistError, asyncpg.TooManyConnectionsError)


class OrderedWriter:
    def __init__(self, name: str, give_up_after: float = 600.0):
        self._name = name
        self._give_up_after = give_up_after
        self._writes: asyncio.Queue[Callable[[], Awaitable[object]]] = asyncio.Queue()
        self._task: asyncio.Task | None = None
        self._busy = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"writer-{self._name}")

    def submit(self, write: Callable[[], Awaitable[object]]) -> None:
        self._writes.put_nowait(write)

    @property
    def pending(self) -> int:
        """Writes submitted and not yet done, the one under way (perhaps being retried) included."""
        return self._writes.qsize() + (1 if self._busy else 0)

    async def drain(self) -> None:
        await self._writes.join()

    async def close(self, timeout: float = 5.0) -> None:
        try:
            await asyncio.wait_for(self.drain(), timeout)
        except asyncio.TimeoutError:
            log.warning("writer.unflushed", writer=self._name, pending=self._writes.qsize())
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            write = await self._writes.get()
            self._busy = True
            try:
                await with_retries(write, self._give_up_after, writer=self._name)
            except Exception:
                log.exception("writer.write_failed", writer=self._name)
            finally:
                self._busy = False
                self._writes.task_done()


async def with_retries(write: Callable[[], Awaitable[T]], give_up_after: float, **log_context) -> T | None:
    """Run `write`, again and again with backoff while the database is away; None if it never came back."""
    backoff = Backoff(initial=0.2, maximum=5.0)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + give_up_after
    while True:
        try:
            return await write()
        except RETRYABLE as exc:
            if loop.time() > deadline:
                log.error("writer.write_abandoned", error=str(exc), **log_context)
                return None
            delay = backoff.next_delay()
            log.warning("writer.retry", error=f"{exc.__class__.__name__}: {exc}", in_seconds=round(delay, 2),
                        **log_context)
            await asyncio.sleep(delay)
