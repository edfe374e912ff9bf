import asyncio
import random
from datetime import datetime, timedelta, timezone

import pytest

from telephony.crm.service import CustomerConflict
from telephony.errors import NotFound
from tests.db.crm.conftest import add_interaction


def new_number() -> str:
    return f"+4930{random.randrange(10**7, 10**8)}"


async def test_first_call_creates_the_customer_and_the_next_finds_it(crm):
    number = new_number()
    first = await crm.identify_caller(number)
    assert first.created and first.e164 == number and first.customer.phones == (number,)
    national = "0" + number[3:]
    again = await crm.identify_caller(national)
    assert not again.created and again.customer.id == first.customer.id


async def test_twenty_simultaneous_first_calls_make_one_customer(crm, pool):
    number = new_number()
    results = await asyncio.gather(*(crm.identify_caller(number) for _ in range(20)))
    assert len({r.customer.id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert await pool.fetchval("SELECT count(*) FROM customer_phones WHERE e164 = $1", number) == 1
    orphans = await pool.fetchval(
        """SELECT count(*) FROM customers c
           WHERE NOT EXISTS (SELECT 1 FROM customer_phones p WHERE p.customer_id = c.id)""")
    assert orphans == 0


@pytest.mark.parametrize("raw", ["anonymous", "unknown", "", "Mr Smith", "1" * 300, '"+49301"',
                                 "'; DELETE FROM customers; --", "<b>+4930</b>"])
async def test_withheld_or_junk_ids_create_nobody(crm, pool, raw):
    before = await pool.fetchval("SELECT count(*) FROM customers")
    identity = await crm.identify_caller(raw)
    assert identity.e164 is None and identity.customer is None
    assert await pool.fetchval("SELECT count(*) FROM customers") == before


async def test_screen_pop_shows_last_ten_interactions_and_open_tickets(crm, pool):
    number = new_number()
    customer = (await crm.identify_caller(number)).customer
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    ids = [await add_interaction(pool, customer.id, number, number, base + timedelta(hours=h))
           for h in range(12)]
    open_ticket = await crm.open_ticket(ids[-1], "Invoice wrong")
    closed = await crm.open_ticket(ids[-2], "Old thing")
    await crm.change_ticket_status(closed.id, "closed", "done")
    pop = await crm.screen_pop(customer.id)
    assert pop.customer.id == customer.id
    assert [i.id for i in pop.interactions] == ids[::-1][:10]
    assert [t.id for t in pop.open_tickets] == [open_ticket.id]


async def test_screen_pop_of_unknown_customer_is_not_found(crm):
    import uuid
    with pytest.raises(NotFound):
        await crm.screen_pop(uuid.uuid4())


async def test_search_by_number_in_any_format_or_by_name(crm):
    number = new_number()
    customer = (await crm.identify_caller(number)).customer
    name = f"Zoë Search-{random.randrange(10**9)}"
    await crm.edit_customer(customer.id, {"name": name, "company": "ACME"})
    assert [c.id for c in await crm.search("0" + number[3:])] == [customer.id]
    assert [c.id for c in await crm.search(number)] == [customer.id]
    assert [c.id for c in await crm.search(name[:12].upper())][:50].count(customer.id) == 1
    assert await crm.search("100%_") == []


async def test_edit_adds_numbers_but_never_steals_one(crm):
    a = (await crm.identify_caller(new_number())).customer
    b = (await crm.identify_caller(new_number())).customer
    extra = new_number()
    edited = await crm.edit_customer(a.id, {"vip": True, "email": "a@example.com"}, add_phones=[extra])
    assert edited.vip and edited.email == "a@example.com" and set(edited.phones) == {a.phones[0], extra}
    with pytest.raises(CustomerConflict):
        await crm.edit_customer(b.id, {}, add_phones=[extra])
    with pytest.raises(ValueError):
        await crm.edit_customer(a.id, {"id": "x"})


async def test_merge_moves_numbers_interactions_and_tickets_to_the_survivor(crm, pool):
    survivor = (await crm.identify_caller(new_number())).customer
    loser = (await crm.identify_caller(new_number())).customer
    await crm.edit_customer(loser.id, {"name": "Loser Name", "notes": "likes tea", "vip": True})
    await crm.edit_customer(survivor.id, {"notes": "prefers email"})
    interaction = await add_interaction(pool, loser.id, loser.phones[0], loser.phones[0])
    ticket = await crm.open_ticket(interaction, "Refund")

    merged = await crm.merge(survivor.id, loser.id)

    assert set(merged.phones) == {survivor.phones[0], loser.phones[0]}
    assert merged.name == "Loser Name" and merged.vip and merged.notes == "prefers email\n\nlikes tea"
    assert [i.id for i in await crm.interactions(survivor.id)] == [interaction]
    assert (await crm.get_ticket(ticket.id)).customer_id == survivor.id
    assert (await crm.identify_caller(loser.phones[0])).customer.id == survivor.id
    with pytest.raises(NotFound):
        await crm.get_customer(loser.id)
    with pytest.raises(CustomerConflict):
        await crm.merge(survivor.id, survivor.id)
    with pytest.raises(NotFound):
        await crm.merge(survivor.id, loser.id)
