"""Customer routes for agents: search, read, edit, merge, interactions, screen pop.

Every route needs the `agent` role or above (attached when the API branch's auth lands).
"""

from __future__ import annotations

from uuid import UUID

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from telephony.api.crm_http import ok, query_limit
from telephony.api.errors import invalid_fields
from telephony.api.routing import RouteTable, uuid_param
from telephony.crm.service import CrmService

CRM = web.AppKey("crm", CrmService)
routes = RouteTable()


class CustomerEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    company: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    notes: str | None = Field(None, max_length=10000)
    vip: bool | None = None
    add_phones: list[str] = Field(default_factory=list, max_length=10)


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merge: UUID = Field(description="the customer merged into this one, then deleted")


def _customer_id(request: web.Request) -> UUID:
    return uuid_param(request, "id", "customer")


@routes.route("GET", "/api/v1/customers", "Search customers by number (any format) or name prefix",
              tag="customers", errors=(422,))
async def search_customers(request: web.Request) -> web.Response:
    """GET /api/v1/customers?q=… — by number in any format, else by name prefix. Role: agent."""
    q = request.query.get("q", "")
    if not q.strip() or len(q) > 200:
        raise invalid_fields([{"loc": ["query", "q"], "msg": "a number or a name, 1 to 200 characters"}])
    return ok(await request.app[CRM].search(q, query_limit(request, 20, 100)))


@routes.route("GET", "/api/v1/customers/{id}", "A customer",
              tag="customers", errors=(404,))
async def read_customer(request: web.Request) -> web.Response:
    """GET /api/v1/customers/{id}. Role: agent."""
    return ok(await request.app[CRM].get_customer(_customer_id(request)))


@routes.route("PATCH", "/api/v1/customers/{id}", "Edit a customer; add numbers",
              tag="customers", body=CustomerEdit, errors=(404, 409))
async def edit_customer(request: web.Request, change: CustomerEdit) -> web.Response:
    """PATCH /api/v1/customers/{id} — fields given are changed; add_phones adds numbers. Role: agent."""
    fields = change.model_dump(exclude_unset=True, exclude={"add_phones"})
    crm = request.app[CRM]
    problems = [{"loc": [name], "msg": "may not be null"} for name, value in fields.items() if value is None]
    problems += [{"loc": ["add_phones", i], "msg": "not a phone number"}
                 for i, raw in enumerate(change.add_phones) if crm.normalise(raw) is None]
    if problems:
        raise invalid_fields(problems)
    return ok(await crm.edit_customer(_customer_id(request), fields, change.add_phones))


@routes.route("POST", "/api/v1/customers/{id}/merge", "Merge another customer into this one",
              tag="customers", body=MergeRequest, errors=(404, 409))
async def merge_customers(request: web.Request, other: MergeRequest) -> web.Response:
    """POST /api/v1/customers/{id}/merge {"merge": other_id} — numbers, interactions and tickets of the other
    customer move to this one. Role: agent."""
    return ok(await request.app[CRM].merge(_customer_id(request), other.merge))


@routes.route("GET", "/api/v1/customers/{id}/interactions", "A customer's interactions, newest first",
              tag="customers", errors=(404, 422))
async def customer_interactions(request: web.Request) -> web.Response:
    """GET /api/v1/customers/{id}/interactions?limit=… — newest first. Role: agent."""
    return ok(await request.app[CRM].interactions(_customer_id(request), query_limit(request, 50, 500)))


@routes.route("GET", "/api/v1/customers/{id}/screen-pop", "Customer, last 10 interactions, open tickets",
              tag="customers", errors=(404,))
async def customer_screen_pop(request: web.Request) -> web.Response:
    """GET /api/v1/customers/{id}/screen-pop — the customer, last 10 interactions, open tickets.
    Role: agent."""
    return ok(await request.app[CRM].screen_pop(_customer_id(request)))
