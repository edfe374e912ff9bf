"""The CRM's routes, served by the daemon's one aiohttp application and listed in its OpenAPI document.

Every route admits the roles agent, supervisor and admin ("agents and above") with a bearer token.
"""

from __future__ import annotations

from aiohttp import web

from telephony.api import customers, tickets
from telephony.api.customers import CRM
from telephony.api.routing import Route
from telephony.crm.service import CrmService


def add_crm_routes(app: web.Application, service: CrmService) -> list[Route]:
    """Give the app the CRM service; return the routes for build_app to document and install."""
    app[CRM] = service
    return customers.routes.routes + tickets.routes.routes
