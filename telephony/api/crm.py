"""The CRM's routes, added to the daemon's one aiohttp application."""

from __future__ import annotations

from aiohttp import web

from telephony.api.customers import CRM, add_customer_routes
from telephony.api.tickets import add_ticket_routes
from telephony.crm.service import CrmService


def add_crm_routes(app: web.Application, service: CrmService) -> None:
    app[CRM] = service
    add_customer_routes(app)
    add_ticket_routes(app)
