"""AMI faults Asterisk cannot be made to produce on demand, against a tiny local AMI peer:
a half-open link (pings unanswered) and a link that drops while an action waits."""

import asyncio

import pytest

from telephony.asterisk.ami import AmiClient
from telephony.backoff import Backoff
from telephony.errors import AmiError, AsteriskUnavailable


class FakeAmi:
    """Speaks just enough AMI: banner, Login, and whatever `answer` decides for other actions."""

    def __init__(self, answer_pings=True, drop_on=None, refuse_login=False, error_on=None, pong=True):
        self.answer_pings = answer_pings
        self.pong = pong
        self.error_on = error_on
        self.drop_on = drop_on
        self.refuse_login = refuse_login
        self.logins = 0
        self.server = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def close(self):
        self.server.close()
        await self.server.wait_closed()

    async def _serve(self, reader, writer):
        writer.write(b"Asterisk Call Manager/9.0.0\r\n")
        try:
            while True:
                block = await reader.readuntil(b"\r\n\r\n")
                fields = dict(line.split(": ", 1) for line in block.decode().strip().split("\r\n"))
                action, action_id = fields["Action"].lower(), fields["ActionID"]
                if action == "login":
                    self.logins += 1
                    if self.refuse_login:
                        writer.write(f"Response: Error\r\nActionID: {action_id}\r\nMessage: Authentication failed\r\n\r\n".encode())
                        continue
                    writer.write(f"Response: Success\r\nActionID: {action_id}\r\nMessage: Authentication accepted\r\n\r\n".encode())
                elif action == self.drop_on:
                    return
                elif action == "ping" and not self.answer_pings:
                    continue
                elif action == "ping" and not self.pong:
                    not_a_pong = f"Response: Success\r\nActionID: {action_id}\r\nMessage: hi\r\n\r\n"
                    writer.write(not_a_pong.encode())
                elif action == self.error_on:
                    writer.write(f"Response: Error\r\nActionID: {action_id}\r\nMessage: Invalid/unknown command\r\n\r\n".encode())
                else:
                    writer.write(f"Response: Success\r\nActionID: {action_id}\r\nPing: Pong\r\n\r\n".encode())
        except (asyncio.IncompleteReadError, ConnectionResetError):
            pass
        finally:
            writer.close()


async def connected_client(port, **kwargs):
    client = AmiClient("127.0.0.1", port, "u", "s", backoff=Backoff(initial=0.05, maximum=0.1), **kwargs)
    client.start()
    for _ in range(100):
        if client.connected:
            return client
        await asyncio.sleep(0.02)
    raise AssertionError("never connected")


async def test_unanswered_ping_counts_as_a_dead_link_and_reconnects():
    peer = FakeAmi(answer_pings=False)
    port = await peer.start()
    client = await connected_client(port, timeout=0.2, ping_interval=0.1)
    for _ in range(100):
        if peer.logins >= 2:
            break
        await asyncio.sleep(0.02)
    assert peer.logins >= 2, "a half-open link was not noticed"
    await client.close()
    await peer.close()


@pytest.mark.parametrize("peer", [FakeAmi(pong=False), FakeAmi(error_on="ping")], ids=["no-pong", "error"])
async def test_a_ping_must_be_answered_with_a_pong(peer):
    port = await peer.start()
    client = await connected_client(port, timeout=0.5, ping_interval=0.1)
    for _ in range(100):
        if peer.logins >= 2:
            break
        await asyncio.sleep(0.02)
    assert peer.logins >= 2, "a ping answered without a pong was taken for a live link"
    await client.close()
    await peer.close()


async def test_action_fails_when_the_link_drops_and_is_not_replayed():
    peer = FakeAmi(drop_on="originate")
    port = await peer.start()
    client = await connected_client(port, timeout=2, ping_interval=10)
    with pytest.raises(AsteriskUnavailable, match="connection lost"):
        await client.send_action({"Action": "Originate", "Channel": "Local/1@x"})
    await client.close()
    await peer.close()


async def test_action_while_disconnected_fails_at_once():
    client = AmiClient("127.0.0.1", 9, "u", "s", backoff=Backoff(initial=5))
    with pytest.raises(AsteriskUnavailable, match="not connected"):
        await client.send_action({"Action": "Ping"})


async def test_refused_login_is_reported_and_retried():
    peer = FakeAmi(refuse_login=True)
    port = await peer.start()
    client = AmiClient("127.0.0.1", port, "u", "s", backoff=Backoff(initial=0.05, maximum=0.1))
    client.start()
    for _ in range(100):
        if peer.logins >= 2:
            break
        await asyncio.sleep(0.02)
    assert peer.logins >= 2 and not client.connected
    await client.close()
    await peer.close()


async def test_error_response_raises_ami_error():
    peer = FakeAmi(error_on="bogus")
    port = await peer.start()
    client = await connected_client(port)
    with pytest.raises(AmiError, match="Invalid/unknown command"):
        await client.send_action({"Action": "Bogus"})
    assert client.connected
    await client.close()
    await peer.close()
