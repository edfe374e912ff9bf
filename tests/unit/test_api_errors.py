"""The one place exceptions become HTTP answers: every Refused is a 409 with its code and reason, every
NotFound a 404, and anything else (a ValueError from deep down included) a 500, never a 409."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil

import pytest
from aiohttp.test_utils import make_mocked_request
from structlog.testing import capture_logs

import telephony
from telephony.acd.agent_state import AgentStateRefused
from telephony.api.errors import error_middleware
from telephony.calls.click_to_call import CallRefused
from telephony.calls.transfer_control import TransferRefused
from telephony.crm.service import CustomerConflict
from telephony.crm.tickets import TicketStatus, TicketStatusRefused
from telephony.db.agents import AgentNotFound, DuplicateExtension
from telephony.db.users import DuplicateUserName
from telephony.errors import NotFound, Refused, TelephonyError
from telephony.recordings.control import RecordingRefused
from telephony.supervision.monitor import MonitorRefused


async def answer(exc: Exception) -> tuple[int, dict]:
    async def handler(request):
        raise exc

    response = await error_middleware(make_mocked_request("POST", "/api/v1/anything"), handler)
    return response.status, json.loads(response.text)


async def test_a_refusal_is_a_409_with_its_code_and_reason():
    status, body = await answer(TransferRefused("a transfer of this call is already under way"))
    assert status == 409
    assert body == {"error": {"code": "transfer_refused", "message": "a transfer of this call is already under way",
                              "details": None}}


async def test_a_refusal_raised_with_a_code_keeps_it_and_carries_its_details():
    assert await answer(Refused("you may not disable yourself", "own_account")) == (409, {"error": {
        "code": "own_account", "message": "you may not disable yourself", "details": None}})
    status, body = await answer(TicketStatusRefused(TicketStatus.CLOSED, TicketStatus.RESOLVED, "reopen it first"))
    assert status == 409 and body["error"]["details"] == {"from": "closed", "to": "resolved"}


@pytest.mark.parametrize(("refusal", "code"), [
    (AgentStateRefused("the agent is not logged in"), "state_refused"),
    (CallRefused("you are on_call: finish that call first"), "call_refused"),
    (TransferRefused("you cannot transfer a call to yourself"), "transfer_refused"),
    (RecordingRefused("the recording is already paused"), "recording_refused"),
    (MonitorRefused("another supervisor is monitoring this call"), "monitor_refused"),
    (CustomerConflict("a customer cannot be merged into itself"), "conflict"),
    (TicketStatusRefused(TicketStatus.OPEN, TicketStatus.OPEN, "the ticket is already open"), "invalid_transition"),
    (DuplicateExtension("extension 1001 belongs to another agent"), "duplicate_extension"),
    (DuplicateUserName("alice"), "duplicate_name"),
])
async def test_every_refusal_family_answers_409_with_its_own_code(refusal, code):
    assert isinstance(refusal, Refused) and not isinstance(refusal, ValueError)
    status, body = await answer(refusal)
    assert (status, body["error"]["code"], body["error"]["message"]) == (409, code, refusal.reason)


async def test_what_is_not_there_is_a_404_saying_what():
    assert await answer(NotFound("recording")) == (404, {"error": {
        "code": "not_found", "message": "no such recording", "details": {"kind": "recording"}}})
    status, body = await answer(AgentNotFound("42"))
    assert status == 404 and body["error"]["details"] == {"kind": "agent"} and "42" in body["error"]["message"]


@pytest.mark.parametrize("bug", [ValueError("invalid literal for int()"), LookupError("k"), KeyError("k")])
async def test_an_unexpected_error_is_a_500_not_a_refusal(bug):
    with capture_logs() as logs:
        status, body = await answer(bug)
    assert (status, body["error"]["code"], body["error"]["message"]) == (500, "internal_error", "internal error")
    assert [e["event"] for e in logs] == ["http.unhandled_error"]


# Outside the hierarchy on purpose: the API's own request-shape error, a signal between the executor and a
# call's task, what pydantic needs from a validator (a ValueError), a private rollback; the transfer
# machine's own IllegalTransition goes when its phases move to telephony.phases.
OUTSIDE = {"telephony.api.errors.ApiError", "telephony.commands.ChannelGone",
           "telephony.config.models.ReferenceProblems", "telephony.db.customers._NumberTaken",
           "telephony.calls.transfer.IllegalTransition"}


def test_every_exception_of_ours_derives_from_telephony_error():
    strays = []
    for module in pkgutil.walk_packages(telephony.__path__, "telephony."):
        if module.name == "telephony.__main__":
            continue
        for name, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            qualified = f"{module.name}.{name}"
            if (cls.__module__ == module.name and issubclass(cls, BaseException)
                    and not issubclass(cls, TelephonyError) and qualified not in OUTSIDE):
                strays.append(qualified)
    assert strays == []
