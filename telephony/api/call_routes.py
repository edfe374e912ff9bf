"""Calls in progress, for supervisors (their queues) and admins (all)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from telephony.api.routing import SUPERVISING, RouteTable, principal_of
from telephony.api.schemas import CallList, CallOut
from telephony.auth.policy import can_see_call

routes = RouteTable()

CallsProvider = Callable[[], list[dict]]
"""Returns the calls in progress, each a dict with the fields of `CallOut` (queue: None until queued)."""

CALLS = web.AppKey("calls", CallsProvider)


@routes.route("GET", "/api/v1/calls", "Calls in progress (supervisors: those of their queues)",
              roles=SUPERVISING, response=CallList, errors=(403,), tag="calls",
              description="Supervisors see the calls queued for or handled in their queues; calls not (yet) "
                          "in a queue, such as those in the IVR, are for admins.")
async def list_calls(request: web.Request) -> CallList:
    principal = principal_of(request)
    calls = [CallOut.model_validate(c) for c in request.app[CALLS]()]
    return CallList(calls=[c for c in calls if can_see_call(principal, c.queue)])
