"""A TCP proxy in front of one of Asterisk's ports (AMI, HTTP/ARI) whose links the tests break on purpose:
cut (both sides closed), stalled (nothing flows either way, nothing is closed) or half-open (what the daemon
sends still arrives, nothing comes back). Faults Asterisk cannot be made to produce on demand."""

from __future__ import annotations

import asyncio
import contextlib
import enum


class Fault(enum.Enum):
    CUT = "cut"
    STALL = "stall"
    HALF_OPEN = "half-open"


class _Link:
    def __init__(self, client: asyncio.StreamWriter, upstream: asyncio.StreamWriter):
        self.writers = (client, upstream)
        self.fault: Fault | None = None
        self.tasks: list[asyncio.Task] = []

    def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for writer in self.writers:
            with contextlib.suppress(Exception):
                writer.transport.abort()


class TcpProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self._upstream = (upstream_host, upstream_port)
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()
        self._fault: Fault | None = None  # what links made during a fault get
        self.port = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        self.heal()
        for link in list(self._links):
            link.close()
        self._server.close()
        await self._server.wait_closed()

    def break_links(self, fault: Fault) -> None:
        """Break every link now; links made until heal() stall (a network that is gone accepts nothing)."""
        for link in list(self._links):
            if fault is Fault.CUT:
                link.close()
            else:
                link.fault = fault
        self._fault = None if fault is Fault.CUT else Fault.STALL

    def heal(self) -> None:
        """The network is back: the broken links are dropped (as a real peer would reset them), new ones
        flow."""
        self._fault = None
        for link in list(self._links):
            if link.fault is not None:
                link.close()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            client_writer.transport.abort()
            return
        link = _Link(client_writer, upstream_writer)
        link.fault = self._fault
        self._links.add(link)
        link.tasks = [asyncio.create_task(self._pump(link, client_reader, upstream_writer, True)),
                      asyncio.create_task(self._pump(link, upstream_reader, client_writer, False))]
        try:
            await asyncio.gather(*link.tasks, return_exceptions=True)
        finally:
            self._links.discard(link)
            link.close()

    async def _pump(self, link: _Link, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    to_upstream: bool) -> None:
        while True:
            if link.fault is Fault.STALL:
                await asyncio.sleep(0.05)  # read nothing, send nothing, close nothing
                continue
            data = await reader.read(65536)
            if not data:
                link.close()
                return
            if link.fault is Fault.STALL or (link.fault is Fault.HALF_OPEN and not to_upstream):
                continue  # dropped on the floor
            writer.write(data)
            await writer.drain()
