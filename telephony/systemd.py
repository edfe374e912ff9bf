"""Telling systemd how the daemon stands (sd_notify), for a unit of Type=notify: READY=1 once AMI, ARI and
the database are all up, so that `systemctl start` returns (and units ordered after it start) only when the
daemon can take calls; STATUS= meanwhile says what it waits for; STOPPING=1 when it stops.

Without NOTIFY_SOCKET (not run by systemd) every call does nothing.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable

from telephony.logs import get_logger

log = get_logger(__name__)


def sd_notify(*fields: str) -> bool:
    """Send `fields` (such as "READY=1") to systemd; False when there is no one to tell."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # an abstract socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall("\n".join(fields).encode())
    except OSError as exc:
        log.warning("systemd.notify_failed", error=str(exc))
        return False
    return True


async def ready_when_healthy(health: Callable[[], Awaitable[dict[str, bool]]], interval: float = 1.0) -> None:
    """Poll `health()` (Service.health) until every component is up, then tell systemd READY=1."""
    while True:
        states = await health()
        down = sorted(name for name, up in states.items() if not up)
        if not down:
            sd_notify("READY=1", "STATUS=taking calls")
            log.info("service.ready")
            return
        sd_notify(f"STATUS=waiting for {', '.join(down)}")
        await asyncio.sleep(interval)
