"""Priorities through real SIP: an IVR queue node without a priority gives its calls the queue's own
(vip-q: 3), and a VIP customer's call gets the queue's VIP priority (9) even when the VIP is recognised
only after they queued (DID 571's node says 0 and is the DID's entry, so the call queues at once and the
caller's identification raises it). One agent, then another, logs in with three callers waiting: the VIP
first, then the queue's default, then the plain caller who came first."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timezone

import pytest

from telephony.crm.service import CrmService
from telephony.db.customers import CustomerStore
from telephony.db.tickets import TicketStore
from tests.integration.rig import place_call_and_hang_up
from tests.integration.test_acd_strategies import desk  # noqa: F401  (the fixture)
from tests.integration.test_inbound_call import wait_for_row

SERVED = "SELECT caller_raw FROM interactions WHERE agent_id = $1 ORDER BY started_at"


async def make_vip(db, number: str) -> None:
    crm = CrmService(CustomerStore(db), TicketStore(db), "DE", lambda *_: None, lambda: datetime.now(timezone.utc))
    caller = await crm.identify_caller(number)
    await db.execute("UPDATE customers SET vip = true WHERE id = $1", caller.customer.id)


@pytest.mark.parametrize("desk", ["570"], indirect=True)
async def test_a_vip_then_the_queues_own_priority_come_before_an_earlier_plain_caller(desk):
    first = await desk.add("1001", "vip-q", log_in=False)
    second = await desk.add("1002", "vip-q", log_in=False)
    run = random.randrange(10_000)
    plain, default, vip = (f"+4930571{run:04d}1", f"+4930570{run:04d}2", f"+4930571{run:04d}3")
    await make_vip(desk.db, vip)
    callers = [asyncio.create_task(place_call_and_hang_up("571", plain, after_ms=9000))]
    await asyncio.sleep(1)
    callers.append(asyncio.create_task(place_call_and_hang_up("570", default, after_ms=9000)))
    await asyncio.sleep(1)
    callers.append(asyncio.create_task(place_call_and_hang_up("571", vip, after_ms=9000)))
    await asyncio.sleep(1.5)  # all three wait, the plain caller longest
    await first.log_in()
    assert (await wait_for_row(desk.db, SERVED, first.id))["caller_raw"] == vip
    await second.log_in()
    assert (await wait_for_row(desk.db, SERVED, second.id))["caller_raw"] == default
    results = await asyncio.gather(*callers)
    assert all(r.returncode == 0 for r in results), [r.stdout[-800:] for r in results]
    print(f"served: first agent {vip} (VIP, raised 0 -> 9), second agent {default} (the queue's 3); "
          f"{plain} (0) waited")
