"""Transfers end to end: a real SIP caller in a queue, agents' sipp phones, a phone behind the trunk for
external numbers; every path checked from Asterisk's side (who is in the call's bridges, over ARI), the
agents' states and the interaction's segments — including the failure paths."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import pytest_asyncio

from tests.integration.rig import AgentPhone, finish_sipp, place_call, place_call_and_hang_up, start_sipp
from tests.integration.ari_view import ari, bridge_channels, until_bridge  # noqa: F401  (fixture)
from tests.integration.test_acd import Agent, wait_until
from tests.integration.test_inbound_call import wait_for_row
from tests.integration.test_supervision import supervisor_of


async def channel_of(ari, channel_id: str) -> str:
    return (await ari.get_channel(channel_id))["name"]


async def blind_transfer_reaches(desk, ari, agent, call: str, target_kind: str, value: str, channel_prefix: str):
    """The agent's blind transfer puts the caller in the talk bridge with a channel named `channel_prefix`…;
    the agent's phone is done and the caller (who hangs up by themselves) finishes cleanly."""
    await desk.transfer(agent, "blind", target_kind, value)
    talk = await until_bridge(ari, f"{call}-talk", lambda c: len(c) == 2 and f"{call}-leg-1" not in c)
    [far] = talk - {call}
    assert (await channel_of(ari, far)).startswith(channel_prefix)
    assert (await agent.phone.finish(timeout=15)).returncode == 0
    assert (await asyncio.wait_for(desk.caller, 30)).returncode == 0


async def consult_with(desk, ari, agent, target, call: str) -> set[str]:
    """The agent's attended transfer to `target` (an agent), answered: the consult bridge's two channels."""
    await desk.transfer(agent, "attended", "agent", target.id)
    return await until_bridge(ari, f"{call}-consult", lambda c: len(c) == 2)


async def conference(desk, ari, agent, call: str) -> set[str]:
    """The consulting agent makes it a three-way conference: the talk bridge's three channels."""
    await desk.post(agent, "/api/v1/me/call/transfer/conference")
    return await until_bridge(ari, f"{call}-talk", lambda c: len(c) == 3)


class Desk:
    """Two agents of the transfer queues on their sipp phones, a caller, and the admin's view."""

    def __init__(self, daemon, http, credentials, admin_headers):
        self.daemon, self.http, self.admin = daemon, http, admin_headers
        self.password = credentials["TELEPHONY_SIP_AGENT_PASSWORD"]
        self.agents: list[Agent] = []
        self.listeners: list[Agent] = []  # supervisors: only their event sockets
        self.caller: asyncio.Task | None = None

    async def agent(self, name: str, phone: str, extension: str, queues: dict, scenario="agent_answers.xml",
                    ring_ms: int = 200, log_in: bool = True) -> Agent:
        agent = await Agent(self.daemon, self.http, AgentPhone(phone, self.password)).create(
            self.admin, name, queues, extension=extension)
        await agent.phone.register()
        await agent.phone.start(scenario, ring_ms=ring_ms)
        await agent.listen()
        if log_in:
            await agent.log_in()
        self.agents.append(agent)
        return agent

    async def call(self, did: str, caller: str, answered_by: Agent, hang_up_after_ms: int | None = None) -> str:
        """A caller (who waits for our hang-up, or hangs up `hang_up_after_ms` after the answer) reaching an
        agent; the call's id."""
        placed = (place_call(did, caller) if hang_up_after_ms is None
                  else place_call_and_hang_up(did, caller, after_ms=hang_up_after_ms))
        self.caller = asyncio.create_task(placed)
        await wait_until(lambda: "on_call" in answered_by.states(), what="the agent to answer")
        return (await answered_by._call("GET", "/api/v1/me/call", answered_by.headers, None, 200))["call_id"]

    async def transfer(self, agent: Agent, kind: str, target_kind: str, value: str, expected=202,
                       ring_timeout: int = 20) -> dict:
        return await self.post(agent, "/api/v1/me/call/transfer", {
            "kind": kind, "to": {"kind": target_kind, "value": value}, "ring_timeout": ring_timeout}, expected)

    async def post(self, agent: Agent, path: str, body=None, expected=204):
        async with self.http.post(self.daemon.url + path, headers=agent.headers, json=body) as resp:
            answer = await resp.text()
            assert resp.status == expected, answer
            return answer

    async def hang_up(self, agent: Agent) -> None:
        await self.post(agent, "/api/v1/me/call/hangup", expected=204)
        assert (await asyncio.wait_for(self.caller, 30)).returncode == 0

    async def close(self) -> None:
        if self.caller is not None and not self.caller.done():
            self.caller.cancel()
            with contextlib.suppress(BaseException):
                await self.caller
        for agent in self.agents:
            await agent.close()
        for listener in self.listeners:
            await listener._ws.close()
            listener._reader.cancel()


@pytest_asyncio.fixture
async def desk(daemon, credentials, admin_headers):
    async with aiohttp.ClientSession() as http:
        desk = Desk(daemon, http, credentials, admin_headers)
        try:
            yield desk
        finally:
            await desk.close()


def transfer_events(listener: Agent, call_id: str) -> list[str]:
    return [e["type"].removeprefix("call.transfer.") for e in listener.events
            if e["type"].startswith("call.transfer.") and e["data"]["call_id"] == call_id]


async def segments(db, call_id: str) -> list:
    await wait_for_row(db, "SELECT 1 FROM interactions WHERE channel_id = $1 AND ended_at IS NOT NULL", call_id)
    row = await wait_for_row(db, """SELECT array_agg(s.kind || ':' || coalesce(s.agent_id::text, s.target) || ':'
                                                    || coalesce(s.outcome, '') ORDER BY s.started_at, s.id) AS story
                                    FROM interaction_segments s JOIN interactions i ON i.id = s.interaction_id
                                    WHERE i.channel_id = $1 HAVING count(*) > 0""", call_id)
    return row["story"]


async def test_blind_transfer_to_an_agent(desk, db, ari):
    ann = await desk.agent("xf-ann", "1001", "2460", {"xfer-desk": 0})
    bob = await desk.agent("xf-bob", "1002", "2461", {}, ring_ms=500)
    sup = await supervisor_of(desk.daemon, desk.http, desk.admin, "xf-sup", "xfer-desk")
    desk.listeners.append(sup)
    call = await desk.call("460", "+4930460001", ann)
    await desk.transfer(ann, "blind", "agent", bob.id)
    talk = await until_bridge(ari, f"{call}-talk", lambda c: len(c) == 2 and call in c and f"{call}-leg-1" not in c)
    [bob_leg] = talk - {call}
    assert (await channel_of(ari, bob_leg)).startswith("PJSIP/1002-")
    assert (await ann.phone.finish(timeout=15)).returncode == 0  # the transferring agent was hung up
    await wait_until(lambda: ann.states()[-2:] == ["wrap_up", "available"], what="ann's wrap-up")
    current = await bob._call("GET", "/api/v1/me/call", bob.headers, None, 200)
    assert current["phase"] == "connected" and current["call_id"] == call
    assert bob.states()[-2:] == ["ringing", "on_call"]  # held by the ACD from the ring on: no queue offer
    await desk.hang_up(bob)
    assert (await bob.phone.finish(timeout=15)).returncode == 0
    await wait_until(lambda: bob.states()[-2:] == ["wrap_up", "available"], what="bob's wrap-up")
    assert await segments(db, call) == [f"queue:{ann.id}:transferred", f"transfer:{bob.id}:caller hung up"]
    for listener in (ann, bob, sup):
        await wait_until(lambda: transfer_events(listener, call) == ["started", "completed"],
                         what="call.transfer.started and completed")  # noqa: B023 (awaited at once)


async def test_blind_transfer_to_a_queue_keeps_the_priority(desk, db, ari):
    ann = await desk.agent("xf-ann2", "1001", "2462", {"xfer-requeue": 0})
    bob = await desk.agent("xf-bob2", "1002", "2463", {"xfer-second": 0})
    call = await desk.call("461", "+4930460002", ann)
    await desk.transfer(ann, "attended", "queue", "xfer-second", expected=409)  # a queue is blind only
    await desk.transfer(ann, "blind", "queue", "xfer-second")
    await wait_until(lambda: "on_call" in bob.states(), what="bob to be offered the call and answer")
    assert (await ann.phone.finish(timeout=15)).returncode == 0
    offered = next(e["data"] for e in bob.events if e["type"] == "call.offered")
    assert offered["call_id"] == call and offered["queue"] == "xfer-second"
    requeued = [line for line in desk.daemon.log_lines() if line.get("command") == "CallQueued"
                and line.get("call_id") == call]
    assert [(q["queue"], q["priority"]) for q in requeued] == [("xfer-requeue", 6), ("xfer-second", 6)]
    assert requeued[1]["arrived_at"] and requeued[1]["arrived_at"] != requeued[1]["at"]  # its first arrival
    assert transfer_events(ann, call) == ["started", "requeued"]
    await desk.hang_up(bob)
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE channel_id = $1 AND talk_seconds IS NOT NULL "
                                 "AND queue = 'xfer-second'", call)
    assert str(row["agent_id"]) == bob.id
    assert (await segments(db, call))[0] == f"queue:{ann.id}:transferred"


async def test_blind_transfer_to_an_external_number_through_the_trunk(desk, db, ari):
    ann = await desk.agent("xf-ann3", "1001", "2464", {"xfer-desk": 0})
    mobile = await start_sipp("agent_answers.xml", "+4915100000460", "-d", "300", ports=(5070, 27920))
    try:
        call = await desk.call("460", "+4930460003", ann, hang_up_after_ms=6000)
        await blind_transfer_reaches(desk, ari, ann, call, "number", "+4915100000460", "PJSIP/trunk-")
        assert (await finish_sipp(mobile, 20)).returncode == 0  # the caller hung up: the external leg went too
        assert await segments(db, call) == [f"queue:{ann.id}:transferred", "transfer:+4915100000460:caller hung up"]
    finally:
        if mobile.returncode is None:
            mobile.kill()
            await mobile.wait()


async def test_attended_transfer_consults_then_completes(desk, db, ari):
    ann = await desk.agent("xf-ann4", "1001", "2465", {"xfer-desk": 0})
    bob = await desk.agent("xf-bob4", "1002", "2466", {})
    call = await desk.call("460", "+4930460004", ann)
    await desk.post(ann, "/api/v1/me/call/transfer/complete", expected=409)  # nothing to complete yet
    await desk.transfer(ann, "attended", "extension", "2466")  # bob's extension: bob
    consult = await until_bridge(ari, f"{call}-consult", lambda c: len(c) == 2)
    assert f"{call}-leg-1" in consult  # ann talks with bob...
    assert call in await bridge_channels(ari, f"{call}-xfer-hold")  # ...while the caller holds
    await desk.post(ann, "/api/v1/me/call/transfer/complete")
    talk = await until_bridge(ari, f"{call}-talk", lambda c: len(c) == 2 and f"{call}-leg-1" not in c)
    assert call in talk
    assert (await ann.phone.finish(timeout=15)).returncode == 0
    await desk.hang_up(bob)
    story = await segments(db, call)
    assert story[0] == f"queue:{ann.id}:transferred" and story[1].startswith(f"transfer:{bob.id}:")


async def test_attended_transfer_cancelled_returns_to_the_caller(desk, db, ari):
    ann = await desk.agent("xf-ann5", "1001", "2467", {"xfer-desk": 0})
    bob = await desk.agent("xf-bob5", "1002", "2468", {})
    call = await desk.call("460", "+4930460005", ann)
    await consult_with(desk, ari, ann, bob, call)
    await desk.post(ann, "/api/v1/me/call/transfer/cancel")
    assert (await bob.phone.finish(timeout=15)).returncode == 0  # the target was hung up
    talk = await until_bridge(ari, f"{call}-talk", lambda c: c == {call, f"{call}-leg-1"})
    assert talk == {call, f"{call}-leg-1"}
    await desk.hang_up(ann)
    assert (await segments(db, call))[1] == f"transfer:{bob.id}:cancelled"


async def test_three_way_conference(desk, db, ari):
    ann = await desk.agent("xf-ann6", "1001", "2469", {"xfer-desk": 0})
    bob = await desk.agent("xf-bob6", "1002", "2470", {})
    call = await desk.call("460", "+4930460006", ann)
    await consult_with(desk, ari, ann, bob, call)
    talk = await conference(desk, ari, ann, call)
    assert {call, f"{call}-leg-1"} < talk
    assert await bridge_channels(ari, f"{call}-xfer-hold") == set()
    [bob_leg] = talk - {call, f"{call}-leg-1"}
    await desk.post(ann, "/api/v1/me/call/hangup", expected=204)  # over the API: only ann leaves
    assert await until_bridge(ari, f"{call}-talk", lambda c: c == {call, bob_leg}) == {call, bob_leg}
    assert (await ann.phone.finish(timeout=15)).returncode == 0
    await desk.hang_up(bob)
    assert (await bob.phone.finish(timeout=15)).returncode == 0


async def test_busy_and_unanswered_targets_return_the_caller_to_the_agent(desk, db, ari):
    ann = await desk.agent("xf-ann7", "1001", "2471", {"xfer-desk": 0})
    busy = await desk.agent("xf-busy", "1002", "2472", {}, scenario="agent_busy.xml")
    silent = await desk.agent("xf-silent", "1003", "2473", {}, scenario="agent_rings.xml")
    gone = await desk.agent("xf-gone", "1900", "2474", {}, log_in=False)
    call = await desk.call("460", "+4930460007", ann)
    back = {call, f"{call}-leg-1"}

    refused = await desk.transfer(ann, "blind", "agent", gone.id, expected=409)
    assert "logged out" in refused  # nothing rang; the caller never left ann

    await desk.transfer(ann, "attended", "agent", busy.id)
    assert (await busy.phone.finish(timeout=15)).returncode == 0
    await until_bridge(ari, f"{call}-talk", lambda c: c == back)

    await desk.transfer(ann, "attended", "agent", silent.id, ring_timeout=3)
    assert (await silent.phone.finish(timeout=20)).returncode == 0
    await until_bridge(ari, f"{call}-talk", lambda c: c == back)
    assert await bridge_channels(ari, f"{call}-xfer-hold") == set()
    assert "on_call" == (await ann.state())["state"]
    await desk.hang_up(ann)
    assert transfer_events(ann, call) == ["started", "failed", "returned"] * 2
    assert "available" == (await busy.state())["state"] == (await silent.state())["state"]  # freed, no miss
    story = await segments(db, call)
    assert story[1] == f"transfer:{busy.id}:busy"
    assert story[2] == f"transfer:{silent.id}:no answer"


async def test_blind_transfer_failing_after_the_agent_left_requeues_the_caller(desk, db, ari):
    ann = await desk.agent("xf-ann8", "1001", "2475", {"xfer-requeue": 0})
    silent = await desk.agent("xf-silent8", "1003", "2476", {}, scenario="agent_rings.xml")
    call = await desk.call("461", "+4930460008", ann)
    await desk.transfer(ann, "blind", "agent", silent.id, ring_timeout=3)
    assert (await ann.phone.finish(timeout=15)).returncode == 0  # ann is off the call at once
    bob = await desk.agent("xf-bob8", "1002", "2477", {"xfer-requeue": 0})
    assert (await silent.phone.finish(timeout=20)).returncode == 0
    await wait_until(lambda: "on_call" in bob.states(), what="the requeued caller to reach bob")
    offered = next(e["data"] for e in bob.events if e["type"] == "call.offered")
    assert offered["call_id"] == call and offered["queue"] == "xfer-requeue"
    await desk.hang_up(bob)
    story = await segments(db, call)
    assert story[0] == f"queue:{ann.id}:transferred" and story[1] == f"transfer:{silent.id}:no answer"


async def test_blind_transfer_to_a_plain_extension(desk, db, ari):
    ann = await desk.agent("xf-ann9", "1001", "2478", {"xfer-desk": 0})
    phone = AgentPhone("1900", desk.password)  # an extension that is nobody's agent
    await phone.register()
    await phone.start("agent_answers.xml", ring_ms=300)
    try:
        call = await desk.call("460", "+4930460009", ann, hang_up_after_ms=5000)
        await blind_transfer_reaches(desk, ari, ann, call, "extension", "1900", "PJSIP/1900-")
        assert (await phone.finish(timeout=20)).returncode == 0
        assert await segments(db, call) == [f"queue:{ann.id}:transferred", "transfer:1900:caller hung up"]
    finally:
        await phone.stop()


async def test_the_agent_leaving_a_conference_leaves_the_caller_with_the_target(desk, db, ari):
    ann = await desk.agent("xf-ann10", "1001", "2479", {"xfer-desk": 0})
    bob = await desk.agent("xf-bob10", "1002", "2480", {})
    call = await desk.call("460", "+4930460010", ann)
    await consult_with(desk, ari, ann, bob, call)
    talk = await conference(desk, ari, ann, call)
    [bob_leg] = talk - {call, f"{call}-leg-1"}
    await ari.hangup(f"{call}-leg-1")  # ann hangs up her phone: the other two talk on
    assert await until_bridge(ari, f"{call}-talk", lambda c: c == {call, bob_leg}) == {call, bob_leg}
    await wait_until(lambda: ann.states()[-2:] == ["wrap_up", "available"], what="ann's wrap-up")
    assert (await bob.state())["state"] == "on_call"
    await desk.hang_up(bob)
    assert (await bob.phone.finish(timeout=15)).returncode == 0
    story = await segments(db, call)
    assert story[0] == f"queue:{ann.id}:transferred" and story[1].startswith(f"conference:{bob.id}:")
    assert transfer_events(ann, call)[:3] == ["started", "answered", "conference"]


async def test_the_agent_hanging_up_while_consulting_completes_the_transfer(desk, db, ari):
    ann = await desk.agent("xf-ann11", "1001", "2481", {"xfer-desk": 0})
    bob = await desk.agent("xf-bob11", "1002", "2482", {})
    call = await desk.call("460", "+4930460011", ann)
    consult = await consult_with(desk, ari, ann, bob, call)
    [bob_leg] = consult - {f"{call}-leg-1"}
    await ari.hangup(f"{call}-leg-1")  # as on a PBX: hanging up mid-consultation hands the caller over
    assert await until_bridge(ari, f"{call}-talk", lambda c: c == {call, bob_leg}) == {call, bob_leg}
    await wait_until(lambda: ann.states()[-2:] == ["wrap_up", "available"], what="ann's wrap-up")
    await desk.hang_up(bob)
    assert (await bob.phone.finish(timeout=15)).returncode == 0
    await wait_until(lambda: bob.states()[-2:] == ["wrap_up", "available"], what="bob's wrap-up")
    story = await segments(db, call)
    assert story[0] == f"queue:{ann.id}:transferred" and story[1].startswith(f"transfer:{bob.id}:")


async def test_a_transfer_ends_the_supervisors_session_and_the_agents_help_request(desk, db, ari):
    ann = await desk.agent("xf-ann12", "1001", "2483", {"xfer-desk": 0})
    bob = await desk.agent("xf-bob12", "1002", "2484", {})
    sup = await supervisor_of(desk.daemon, desk.http, desk.admin, "xf-sup12", "xfer-desk")
    desk.listeners.append(sup)
    sup_phone = AgentPhone("1900", desk.password)
    await sup_phone.register()
    await sup_phone.start("agent_answers.xml", ring_ms=200)
    try:
        call = await desk.call("460", "+4930460012", ann)
        await sup._call("POST", f"/api/v1/calls/{call}/monitor", sup.headers, {"mode": "listen", "to": "1900"}, 202)
        await wait_until(lambda: monitor_states(sup, call) == ["joined"], what="the supervisor listening in")
        await desk.post(ann, "/api/v1/me/call/help", expected=204)
        await desk.transfer(ann, "blind", "agent", bob.id)
        await until_bridge(ari, f"{call}-talk", lambda c: len(c) == 2 and call in c and f"{call}-leg-1" not in c)
        await wait_until(lambda: monitor_states(sup, call)[-1:] == ["left"], what="the supervisor's session to end")
        left = [e["data"] for e in sup.events if e["type"] == "call.monitor" and e["data"]["state"] == "left"]
        assert left[-1]["reason"] == "agent left"
        assert (await sup_phone.finish(timeout=15)).returncode == 0  # their phone was hung up
        await wait_until(lambda: any(e["type"] == "help.cleared" for e in sup.events), what="help cleared")
        cleared = next(e["data"] for e in sup.events if e["type"] == "help.cleared")
        assert cleared["reason"] == "handed_over" and cleared["call_id"] == call
        assert (await bob._call("GET", "/api/v1/me/call", bob.headers, None, 200))["call_id"] == call
        await desk.hang_up(bob)
    finally:
        await sup_phone.stop()


def monitor_states(listener: Agent, call_id: str) -> list[str]:
    return [e["data"]["state"] for e in listener.events
            if e["type"] == "call.monitor" and e["data"]["call_id"] == call_id and e["data"]["state"] != "dialing"]


async def test_the_target_sees_the_caller_while_consulting_and_leaving_a_conference_returns_it_to_the_agent(
        desk, db, ari):
    ann = await desk.agent("xf-ann13", "1001", "2485", {"xfer-desk": 0})
    bob = await desk.agent("xf-bob13", "1002", "2486", {})
    call = await desk.call("460", "+4930460013", ann)
    await consult_with(desk, ari, ann, bob, call)
    current = await bob._call("GET", "/api/v1/me/call", bob.headers, None, 200)
    assert current["call_id"] == call and current["phase"] == "consulting"
    assert current["screen_pop"]["caller_number"] == "+4930460013"  # bob knows who he is about to take
    talk = await conference(desk, ari, ann, call)
    await desk.post(bob, "/api/v1/me/call/hangup", expected=204)  # bob leaves; ann keeps the caller
    assert (await bob.phone.finish(timeout=15)).returncode == 0
    assert await until_bridge(ari, f"{call}-talk", lambda c: c == {call, f"{call}-leg-1"}) < talk
    assert (await ann._call("GET", "/api/v1/me/call", ann.headers, None, 200))["phase"] == "connected"
    await desk.hang_up(ann)
    assert (await ann.phone.finish(timeout=15)).returncode == 0
