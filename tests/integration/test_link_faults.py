"""The daemon's AMI and ARI links through a TCP proxy that cuts them, stalls them (no data, no close) or
leaves them half-open: each fault is noticed within 10 s, the links come back with backoff once the network
does, and what was missed meanwhile is reconciled (a call that entered Stasis while the events went
nowhere is adopted)."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from tests.integration.conftest import daemon_env
from tests.integration.rig import Daemon, place_call_and_hang_up
from tests.integration.tcp_proxy import Fault, TcpProxy
from tests.integration.test_inbound_call import wait_for_row


def _at(line: dict) -> datetime:
    return datetime.fromisoformat(line["timestamp"].replace("Z", "+00:00"))


async def first_line_after(daemon: Daemon, since: datetime, predicate, timeout: float, what: str) -> datetime:
    """When the daemon logged the first line after `since` that `predicate` admits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in daemon.log_lines():
            if "timestamp" in line and _at(line) >= since and predicate(line):
                return _at(line)
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {what} within {timeout} s")


@pytest_asyncio.fixture
async def proxied(daemon, credentials, database_dsn, workdir):
    """The daemon with its AMI and HTTP/ARI links through proxies, in place of the session's daemon (same
    Stasis app: calls come to it); the session's daemon is back afterwards."""
    ami, http = TcpProxy(5038), TcpProxy(8088)
    await ami.start()
    await http.start()
    env = {**daemon_env(credentials, database_dsn, workdir), "TELEPHONY_AMI_PORT": str(ami.port),
           "TELEPHONY_ARI_URL": f"http://127.0.0.1:{http.port}/ari"}
    process = Daemon(env, workdir / "proxied-daemon.log", int(env["TELEPHONY_HTTP_PORT"]))
    daemon.stop()
    process.start()
    try:
        await process.wait_healthy()
        yield process, ami, http
    finally:
        process.stop(signal.SIGTERM)
        await ami.close()
        await http.close()
        daemon.start()
        await daemon.wait_healthy()


@pytest.mark.parametrize("fault", [Fault.CUT, Fault.STALL, Fault.HALF_OPEN], ids=lambda f: f.value)
async def test_a_broken_link_is_noticed_within_10_s_and_reconciled_when_back(proxied, db, fault):
    process, ami, http = proxied
    caller = f"+4930531{[*Fault].index(fault) + 201}"
    broken_at = datetime.now(UTC)
    ami.break_links(fault)
    http.break_links(fault)
    # A caller arrives while the links are stalled or half-open: Asterisk, which thinks the app is still
    # there, puts them into Stasis, and their events go nowhere. (A cut link is redialled at once.)
    call = None if fault is Fault.CUT else asyncio.create_task(
        place_call_and_hang_up("530", caller, after_ms=14000, timeout=40))
    ami_down = await first_line_after(process, broken_at, lambda line: line["event"] in (
        "ami.ping_failed", "ami.disconnected"), 15, "AMI fault noticed")
    ari_down = await first_line_after(process, broken_at, lambda line: line["event"] == "ari.disconnected",
                                      15, "ARI fault noticed")
    healed_at = datetime.now(UTC)
    ami.heal()
    http.heal()
    # A cut link may be back before heal(): new connections were never refused.
    back_since = broken_at if fault is Fault.CUT else healed_at
    ami_back = await first_line_after(process, ami_down, lambda line: line["event"] == "device.states_loaded",
                                      15, "AMI resync")
    ari_back = await first_line_after(process, ari_down, lambda line: line["event"] == "calls.reconciled", 15,
                                      "ARI resync")
    noticed_ami, noticed_ari = ((t - broken_at).total_seconds() for t in (ami_down, ari_down))
    back_ami, back_ari = ((t - back_since).total_seconds() for t in (ami_back, ari_back))
    print(f"\n{fault.value}: noticed AMI {noticed_ami:.2f} s, ARI {noticed_ari:.2f} s after the fault; "
          f"resynced AMI {back_ami:.2f} s, ARI {back_ari:.2f} s after the network was back")
    assert noticed_ami < 10 and noticed_ari < 10
    assert back_ami < 5 and back_ari < 5

    if call is not None:
        result = await call
        assert result.returncode == 0, result.stdout[-1500:]
        rows = await db.fetch("SELECT * FROM interactions WHERE caller_raw = $1", caller)
        assert len(rows) == 1, "the call that entered Stasis during the fault was not adopted"
        ended = await wait_for_row(db, "SELECT * FROM interactions WHERE id = $1 AND ended_at IS NOT NULL",
                                   rows[0]["id"])
        assert ended["outcome"] == "abandoned"
    status, body = await process.health()
    assert status == 200, body
