import uuid
from datetime import datetime, timedelta, timezone

import pytest

from telephony.crm.model import TicketStatus as S
from telephony.crm.tickets import TicketStatusRefused
from telephony.errors import NotFound
from tests.db.crm.conftest import add_interaction


async def a_ticket(crm, pool, owner=None):
    customer = (await crm.identify_caller(f"+4940{uuid.uuid4().int % 10**8:08d}")).customer
    interaction = await add_interaction(pool, customer.id)
    return await crm.open_ticket(interaction, "Router keeps rebooting", owner, by="agent-1",
                                 note="first call")


async def test_ticket_on_an_interaction_belongs_to_its_customer_with_a_history(crm, pool):
    ticket = await a_ticket(crm, pool)
    assert ticket.status is S.OPEN and ticket.customer_id is not None
    (entry,) = ticket.history
    assert (entry.from_status, entry.to_status, entry.changed_by, entry.note) == (None, S.OPEN, "agent-1",
                                                                                 "first call")


async def test_ticket_on_unknown_interaction_is_not_found(crm):
    with pytest.raises(NotFound):
        await crm.open_ticket(uuid.uuid4(), "x")


async def test_follow_up_needs_a_due_time_and_shows_in_the_owners_list(crm, pool):
    owner = uuid.uuid4()
    ticket = await a_ticket(crm, pool, owner)
    with pytest.raises(TicketStatusRefused, match="requires a follow-up due time"):
        await crm.change_ticket_status(ticket.id, S.NEEDS_FOLLOW_UP)
    due = datetime.now(timezone.utc) + timedelta(days=2)
    changed = await crm.change_ticket_status(ticket.id, S.NEEDS_FOLLOW_UP, "call back Tuesday", "agent-2",
                                             due)
    assert changed.status is S.NEEDS_FOLLOW_UP and changed.follow_up_due == due
    assert [t.id for t in await crm.follow_ups(owner)] == [ticket.id]
    assert changed.history[-1].changed_by == "agent-2" and changed.history[-1].follow_up_due == due
    await crm.change_ticket_status(ticket.id, S.OPEN, "called back")
    assert await crm.follow_ups(owner) == []


async def test_closing_emits_an_event_reopening_works_and_illegal_moves_say_why(crm, pool, published):
    ticket = await a_ticket(crm, pool)
    await crm.change_ticket_status(ticket.id, S.RESOLVED, "fixed", "agent-1")
    assert published[-1][0] == "ticket.resolved" and published[-1][1]["ticket_id"] == str(ticket.id)
    await crm.change_ticket_status(ticket.id, S.CLOSED, "confirmed")
    assert len(published) == 1  # resolved -> closed does not ask for feedback twice
    with pytest.raises(TicketStatusRefused) as caught:
        await crm.change_ticket_status(ticket.id, S.RESOLVED)
    assert caught.value.reason == "a closed ticket cannot become resolved; reopen it first"
    reopened = await crm.change_ticket_status(ticket.id, S.OPEN, "it broke again")
    await crm.change_ticket_status(ticket.id, S.CLOSED, "")
    assert published[-1][0] == "ticket.closed"
    assert [h.to_status for h in (await crm.get_ticket(ticket.id)).history] == [
        S.OPEN, S.RESOLVED, S.CLOSED, S.OPEN, S.CLOSED]
    assert reopened.status is S.OPEN


async def test_database_refuses_follow_up_without_due_time(pool, crm):
    import asyncpg
    ticket = await a_ticket(crm, pool)
    with pytest.raises(asyncpg.CheckViolationError):
        await pool.execute("UPDATE tickets SET status = 'needs_follow_up' WHERE id = $1", ticket.id)
