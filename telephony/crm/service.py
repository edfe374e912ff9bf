"""The CRM's use cases: who is calling, the screen pop, search, edit, merge, tickets.

The stores are injected (SQL lives in telephony.db), as are the clock and the publisher that carries
`ticket.closed` / `ticket.resolved` to whoever listens (a later issue sends a feedback request from it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from telephony.crm.model import (
    EDITABLE_FIELDS,
    CallerIdentity,
    Customer,
    InteractionSummary,
    ScreenPop,
    Ticket,
    TicketStatus,
)
from telephony.crm.numbers import normalise
from telephony.crm.tickets import TicketStatusRefused, transition
from telephony.db.customers import CustomerStore
from telephony.db.tickets import TicketStore
from telephony.errors import NotFound, Refused
from telephony.logs import get_logger

log = get_logger(__name__)

Publish = Callable[[str, dict], None]
SCREEN_POP_HISTORY = 10


class CustomerConflict(Refused):
    """A change that contradicts the customers as they are (a number owned by someone else, a self-merge)."""

    code = "conflict"


class CrmService:
    def __init__(self, customers: CustomerStore, tickets: TicketStore, default_region: str,
                 publish: Publish, clock: Callable[[], datetime]):
        self._customers = customers
        self._tickets = tickets
        self._region = default_region
        self._publish = publish
        self._clock = clock

    def normalise(self, raw: str | None) -> str | None:
        return normalise(raw, self._region)

    async def identify_caller(self, raw: str | None) -> CallerIdentity:
        """The caller's customer, created on their first call; no customer for a withheld or junk id."""
        e164 = self.normalise(raw)
        if e164 is None:
            return CallerIdentity(None)
        customer, created = await self._customers.find_or_create_by_phone(e164)
        if created:
            log.info("crm.customer_created", customer_id=str(customer.id), e164=e164)
        return CallerIdentity(e164, customer, created)

    async def screen_pop(self, customer_id: UUID) -> ScreenPop:
        """The call offer's and answer's pop: the customer, last 10 interactions, open tickets."""
        pop = await self._customers.screen_pop(customer_id, SCREEN_POP_HISTORY)
        if pop is None:
            raise NotFound("customer")
        return pop

    async def search(self, query: str, limit: int = 20) -> list[Customer]:
        """By number when the query reads as one (any format), else by name prefix."""
        query = query.strip()
        e164 = self.normalise(query)
        if e164 is not None:
            found = await self._customers.find_by_phone(e164)
            return [found] if found else []
        return await self._customers.search_by_name(query, limit) if query else []

    async def get_customer(self, customer_id: UUID) -> Customer:
        customer = await self._customers.get(customer_id)
        if customer is None:
            raise NotFound("customer")
        return customer

    async def edit_customer(self, customer_id: UUID, changes: dict, add_phones: list[str] = ()) -> Customer:
        """Change the `changes` fields and add the numbers. The caller checks its input first: a field that
        is not editable or a number that `normalise` rejects is a ValueError (a bug there, not a refusal)."""
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        await self.get_customer(customer_id)
        for raw in add_phones:
            e164 = self.normalise(raw)
            if e164 is None:
                raise ValueError(f"not a phone number: {raw!r}")
            if not await self._customers.add_phone(customer_id, e164):
                owner = await self._customers.find_by_phone(e164)
                if owner is None or owner.id != customer_id:
                    raise CustomerConflict(f"{e164} belongs to another customer; merge them instead")
        customer = await self._customers.update(customer_id, changes)
        if customer is None:
            raise NotFound("customer")
        return customer

    async def merge(self, survivor_id: UUID, loser_id: UUID) -> Customer:
        if survivor_id == loser_id:
            raise CustomerConflict("a customer cannot be merged into itself")
        merged = await self._customers.merge(survivor_id, loser_id)
        if merged is None:
            missing = survivor_id if await self._customers.get(survivor_id) is None else loser_id
            raise NotFound("customer", f"no customer {missing}")
        log.info("crm.customers_merged", survivor=str(survivor_id), merged=str(loser_id))
        return merged

    async def interactions(self, customer_id: UUID, limit: int = 50) -> list[InteractionSummary]:
        await self.get_customer(customer_id)
        return await self._customers.interactions(customer_id, limit)

    async def open_ticket(self, interaction_id: UUID, subject: str, owner_agent_id: UUID | None = None,
                          by: str | None = None, note: str = "") -> Ticket:
        ticket = await self._tickets.create(interaction_id, subject, owner_agent_id, by, note)
        if ticket is None:
            raise NotFound("interaction")
        return ticket

    async def get_ticket(self, ticket_id: UUID) -> Ticket:
        ticket = await self._tickets.get(ticket_id)
        if ticket is None:
            raise NotFound("ticket")
        return ticket

    async def change_ticket_status(self, ticket_id: UUID, status: TicketStatus, note: str = "",
                                   by: str | None = None, follow_up_due: datetime | None = None) -> Ticket:
        """Raises TicketStatusRefused (with the reason) for a change the state machine refuses."""
        for _ in range(5):
            current = await self._tickets.current_status(ticket_id)
            if current is None:
                raise NotFound("ticket")
            change = transition(current, status, self._clock(), follow_up_due)
            if await self._tickets.apply(ticket_id, change, by, note):
                break
        else:
            raise TicketStatusRefused(current, TicketStatus(status), "the ticket keeps changing; try again")
        ticket = await self.get_ticket(ticket_id)
        if change.finishes:
            self._publish(f"ticket.{change.status.value}", {
                "ticket_id": str(ticket.id), "customer_id": ticket.customer_id and str(ticket.customer_id),
                "interaction_id": ticket.interaction_id and str(ticket.interaction_id),
                "status": change.status.value, "by": by, "note": note,
            })
        return ticket

    async def follow_ups(self, owner_agent_id: UUID) -> list[Ticket]:
        return await self._tickets.follow_ups(owner_agent_id)
