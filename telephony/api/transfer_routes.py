"""Transfers of the agent's connected call: blind or attended, to an agent, a queue, an extension or a
number; complete, cancel or conference an attended one."""

from __future__ import annotations

import re
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field, model_validator

from telephony.api.agent_routes import DESK, _mine
from telephony.api.routing import RouteTable
from telephony.crm.numbers import normalise
from telephony.requests import TargetKind, TransferAction, TransferMode

routes = RouteTable()
PATTERNS = {"agent": r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$",
            "queue": r"^[A-Za-z][A-Za-z0-9_-]{0,63}$",
            "extension": r"^[0-9]{2,8}$", "number": r"^\+[1-9][0-9]{6,14}$"}


class TransferTarget(BaseModel):
    kind: Literal["agent", "queue", "extension", "number"]
    value: str = Field(min_length=1, max_length=64,
                       description="agent: their id; queue: its name; extension: 2-8 digits; number: E.164")

    @model_validator(mode="after")
    def _value_fits_kind(self) -> TransferTarget:
        if not re.fullmatch(PATTERNS[self.kind], self.value):
            raise ValueError(f"{self.value!r} is not a valid {self.kind}")
        if self.kind == "number" and normalise(self.value, "ZZ") != self.value:
            raise ValueError(f"{self.value!r} is not a possible phone number in E.164")
        return self


class TransferIn(BaseModel):
    kind: Literal["blind", "attended"] = Field(
        description="blind: the caller goes straight to the target; attended: you talk to the target first")
    to: TransferTarget
    ring_timeout: int = Field(20, ge=3, le=120, description="seconds the target rings before the transfer fails")


@routes.route("POST", "/api/v1/me/call/transfer", "Transfer my connected call", body=TransferIn, status=202,
              errors=(404, 409), tag="agent",
              description="If the target does not answer, is busy or logged out, the caller comes back to you "
                          "(or to the queue, if you have left the call); a queue target is always blind.")
async def transfer_my_call(request: web.Request, body: TransferIn) -> None:
    """202: the call's task has started the transfer (the target rings); call.transfer.* events tell the rest."""
    await request.app[DESK].transfer(await _mine(request), TransferMode(body.kind), TargetKind(body.to.kind),
                                     body.to.value, body.ring_timeout)


def _step(action: TransferAction):
    async def step(request: web.Request) -> None:
        await request.app[DESK].transfer_step(await _mine(request), action)

    step.__name__ = f"{action.value}_transfer"
    return step


STEPS = ((TransferAction.COMPLETE, "Complete my attended transfer: the caller goes to the target"),
         (TransferAction.CANCEL, "Cancel my transfer: back to the caller, the target hung up"),
         (TransferAction.CONFERENCE, "Make my attended transfer a three-way conference"))
for _action, _summary in STEPS:
    routes.route("POST", f"/api/v1/me/call/transfer/{_action.value}", _summary, status=204, errors=(404, 409),
                 tag="agent")(_step(_action))
