"""The screen pop on offer and answer: the caller's customer, history and open tickets to the agent."""

import asyncio
from datetime import datetime, timezone
from uuid import uuid4

from telephony.crm.model import CallerIdentity, Customer, ScreenPop
from telephony.crm.screen_pops import ScreenPops

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
CUSTOMER = Customer(uuid4(), "Ada", "", "", "", True, NOW, NOW, ("+4930123456",))


class Agents(list):
    def __call__(self, name, payload, agent_id):
        self.append((name, payload, agent_id))


async def pop_of(customer_id):
    assert customer_id == CUSTOMER.id
    return ScreenPop(CUSTOMER, (), ())


async def test_offer_and_answer_pop_the_known_customer_to_the_agent():
    published = Agents()
    pops = ScreenPops({"c1": CallerIdentity("+4930123456", CUSTOMER)}.get, pop_of, published)
    pops.offered("c1", "agent-7", "sales")
    pops.answered("c1", "agent-7", "sales")
    await asyncio.sleep(0.01)
    assert [(n, p["moment"], a) for n, p, a in published] == [
        ("call.screen_pop", "offered", "agent-7"), ("call.screen_pop", "answered", "agent-7")]
    payload = published[0][1]
    assert payload["screen_pop"]["customer"]["id"] == str(CUSTOMER.id)
    assert payload["screen_pop"]["customer"]["vip"] is True
    assert payload["caller_e164"] == "+4930123456" and payload["queue"] == "sales"


async def test_withheld_or_unidentified_caller_pops_without_a_customer():
    published = Agents()
    pops = ScreenPops({"c1": CallerIdentity(None)}.get, pop_of, published)
    await pops.announce("offered", "c1", "a", "q")
    await pops.announce("offered", "gone", "a", "q")
    assert [p["screen_pop"] for _, p, _ in published] == [None, None]


async def test_a_failing_lookup_still_pops_and_is_logged():
    async def broken(_):
        raise RuntimeError("boom")
    published = Agents()
    pops = ScreenPops({"c1": CallerIdentity("+4930123456", CUSTOMER)}.get, broken, published)
    await pops.announce("answered", "c1", "a", "q")
    assert published[0][1]["screen_pop"] is None
    await pops.close()
