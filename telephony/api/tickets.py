"""Ticket routes for agents: open a ticket on an interaction, read it, change its status, follow-ups.

Every route needs the `agent` role or above (attached when the API branch's auth lands).
"""

from __future__ import annotations

from uuid import UUID

from aiohttp import web
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from telephony.api.agent_routes import DESK
from telephony.api.crm_http import actor, ok
from telephony.api.customers import CRM
from telephony.api.routing import RouteTable, principal_of, uuid_param
from telephony.auth.policy import Forbidden
from telephony.crm.model import TicketStatus

routes = RouteTable()


class NewTicket(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=200)
    owner_agent_id: UUID | None = None
    note: str = Field("", max_length=10000)


class StatusChangeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: TicketStatus
    note: str = Field("", max_length=10000)
    follow_up_due: AwareDatetime | None = None


@routes.route("POST", "/api/v1/interactions/{id}/tickets", "Open a ticket on an interaction",
              tag="tickets", body=NewTicket, status=201, errors=(404,))
async def open_ticket(request: web.Request, new: NewTicket) -> web.Response:
    """POST /api/v1/interactions/{id}/tickets — a ticket for the interaction's customer. Role: agent."""
    interaction_id = uuid_param(request, "id", "interaction")
    ticket = await request.app[CRM].open_ticket(interaction_id, new.subject, new.owner_agent_id,
                                                actor(request), new.note)
    return ok(ticket, status=201)


@routes.route("GET", "/api/v1/tickets/{id}", "A ticket with its history",
              tag="tickets", errors=(404,))
async def read_ticket(request: web.Request) -> web.Response:
    """GET /api/v1/tickets/{id} — with its history. Role: agent."""
    return ok(await request.app[CRM].get_ticket(uuid_param(request, "id", "ticket")))


@routes.route("POST", "/api/v1/tickets/{id}/status", "Change a ticket's status (409 with the reason)",
              tag="tickets", body=StatusChangeRequest, errors=(404, 409))
async def change_ticket_status(request: web.Request,
                               change: StatusChangeRequest) -> web.Response:
    """POST /api/v1/tickets/{id}/status {"status", "note", "follow_up_due"} — 409 with the reason when the
    change is not allowed. Role: agent."""
    ticket = await request.app[CRM].change_ticket_status(uuid_param(request, "id", "ticket"), change.status,
                                                         change.note, actor(request), change.follow_up_due)
    return ok(ticket)


@routes.route("GET", "/api/v1/agents/{id}/follow-ups", "An agent's tickets needing follow-up, soonest first",
              tag="tickets", errors=(404,))
async def agent_follow_ups(request: web.Request) -> web.Response:
    """GET /api/v1/agents/{id}/follow-ups — the agent's tickets needing follow-up, soonest due first.
    The agent themself, supervisors of the agent's queues, admins."""
    agent_id = uuid_param(request, "id", "agent")
    desk = request.app.get(DESK)
    if desk is not None:
        await desk.agent_for(principal_of(request), agent_id)
    elif not principal_of(request).is_admin:
        raise Forbidden("only admins may read follow-ups here", "role_not_allowed")
    return ok(await request.app[CRM].follow_ups(agent_id))
