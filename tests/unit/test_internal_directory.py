"""Who an internal call reaches, with the real dispatcher and a fake agent store."""

from datetime import datetime, timezone
from uuid import UUID

from telephony.acd import events as ev
from telephony.acd.dispatcher import Dispatcher
from telephony.model import AgentState
from telephony.calls.internal_call import FindInternalTarget, InternalTarget, InternalTargetFound
from telephony.calls.internal_directory import InternalDirectory
from telephony.config import parse_config
from telephony.db.agents import Agent

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
ANN = Agent(UUID(int=1), "Ann", "2471", "PJSIP/1001", None, None, AgentState.AVAILABLE, None, "softphone", NOW)
BOB = Agent(UUID(int=2), "Bob", "2472", "PJSIP/1002", "+4915100000002", None, AgentState.AVAILABLE, None, "mobile",
            NOW)
DEE = Agent(UUID(int=4), "Dee", "2474", "PJSIP/1003", None, None, AgentState.LOGGED_OUT, None, None, NOW)


class Store:
    async def by_extension(self, extension):
        return {a.extension: a for a in (ANN, BOB, DEE)}.get(extension)


def directory(logged_in=(ANN, BOB), endpoints=("1900",)):
    dispatcher = Dispatcher(parse_config("queues: {q: {}}"))
    for agent in logged_in:
        dispatcher.handle(ev.AgentLoggedIn(agent.profile(), agent.device(), NOW))
    delivered = []

    async def exists(extension):
        return extension in endpoints

    return InternalDirectory(Store(), dispatcher, exists, lambda cid, m: delivered.append((cid, m))), delivered


async def test_an_agent_extension_reaches_the_agent_on_their_current_device_and_the_caller_is_known():
    found, delivered = directory()
    await found.find(FindInternalTarget("c1", "2472", "1001"))
    assert delivered == [("c1", InternalTargetFound("c1", InternalTarget(
        "agent", "PJSIP/+4915100000002@trunk", str(BOB.id), "Bob"), str(ANN.id)))]


async def test_what_cannot_be_rung():
    found, _ = directory()
    assert (await found.target("2474", None)).kind == "unavailable"  # logged out
    assert (await found.target("2999", None)).kind == "unknown"
    assert (await found.target("+4930123", None)).kind == "refused"
    assert (await found.target("2471", str(ANN.id))).kind == "refused"  # oneself


async def test_a_plain_endpoint_is_rung_as_it_is():
    found, _ = directory()
    assert await found.target("1900", None) == InternalTarget("extension", "PJSIP/1900", None)


async def test_an_agent_on_another_call_is_busy_without_ringing():
    found, _ = directory()
    found._dispatcher.handle(ev.InternalCallStarted("x", str(BOB.id), NOW))
    target = await found.target("2472", str(ANN.id))
    assert target.kind == "busy" and target.endpoint is None
