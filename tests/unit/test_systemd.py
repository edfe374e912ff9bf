"""sd_notify: READY=1 reaches systemd's socket only once every component is healthy."""

from __future__ import annotations

import asyncio
import socket

from telephony.systemd import ready_when_healthy, sd_notify


async def test_ready_is_told_only_when_everything_is_up(tmp_path, monkeypatch):
    path = tmp_path / "notify"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(path))
    server.setblocking(False)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    answers = iter([{"ami": False, "ari": True, "database": False}, {"ami": True, "ari": True, "database": True}])

    async def health():
        return next(answers)

    try:
        await asyncio.wait_for(ready_when_healthy(health, interval=0.01), 5)
        messages = []
        while True:
            try:
                messages.append(server.recv(4096).decode())
            except BlockingIOError:
                break
    finally:
        server.close()
    assert messages == ["STATUS=waiting for ami, database", "READY=1\nSTATUS=taking calls"]


def test_without_systemd_nothing_is_sent(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert sd_notify("READY=1") is False
