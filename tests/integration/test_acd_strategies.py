"""Each queue strategy and call priorities with real SIP: two sipp softphones (1001, 1002) logged in as
agents of one queue, callers through the trunk, and the interaction rows saying who took which call.

The choices themselves are unit-tested in tests/unit; here the point is that the daemon's picks reach
the right phone in Asterisk, call after call."""

from __future__ import annotations

import asyncio
from itertools import count

import aiohttp
import pytest

from tests.integration.rig import ASTERISK_ROOT, AgentPhone, place_call_and_hang_up
from tests.integration.test_acd import Agent, wait_until
from tests.integration.test_inbound_call import wait_for_row

_callers = count(1)
_names = count(1)


def next_caller() -> str:
    return f"+49304501{next(_callers):04d}"


class Desk:
    """Agents of one queue with their phones, and the calls placed to it."""

    def __init__(self, daemon, http, db, credentials, admin_headers, did: str):
        self.daemon, self.http, self.db = daemon, http, db
        self.password = credentials["TELEPHONY_SIP_AGENT_PASSWORD"]
        self.admin_headers = admin_headers
        self.did = did
        self.agents: list[Agent] = []

    async def add(self, phone: str, queue: str, skills: dict[str, int] | None = None,
                  scenario: str = "agent_answers.xml", log_in: bool = True) -> Agent:
        number = next(_names)
        agent = Agent(self.daemon, self.http, AgentPhone(phone, self.password))
        user = await agent._call("POST", "/api/v1/users", self.admin_headers,
                                 {"name": f"strategist{number}", "role": "agent"}, 201)
        issued = await agent._call("POST", "/api/v1/auth/tokens", self.admin_headers, {"user_id": user["id"]}, 201)
        agent.headers = {"Authorization": f"Bearer {issued['token']}"}
        record = await agent._call("POST", "/api/v1/agents", self.admin_headers, {
            "name": f"strategist{number}", "extension": f"24{number:02d}", "softphone": f"PJSIP/{phone}",
            "user_id": user["id"], "queues": {queue: 0}, "skills": skills or {}}, 201)
        agent.id = record["id"]
        agent.scenario = scenario
        self.agents.append(agent)
        await agent.phone.register()
        await agent.listen()
        await self.ready(agent)
        if log_in:
            await agent.log_in()
        return agent

    async def ready(self, agent: Agent) -> None:
        """A phone answers one call per sipp run: start it again once it has taken one."""
        if agent.phone.process is None or agent.phone.process.returncode is not None:
            await agent.phone.start(agent.scenario, ring_ms=300)

    async def call(self, talk_ms: int = 1500) -> Agent | None:
        """Place one call, wait for its row, and return the agent who took it."""
        caller = next_caller()
        result = await place_call_and_hang_up(self.did, caller, after_ms=talk_ms)
        assert result.returncode == 0, result.stdout[-1500:]
        row = await wait_for_row(self.db, "SELECT * FROM interactions WHERE caller_raw = $1 "
                                          "AND ended_at IS NOT NULL AND talk_seconds IS NOT NULL", caller)
        taker = next((a for a in self.agents if a.id == str(row["agent_id"])), None)
        if taker is not None:
            await wait_until(lambda: taker.states()[-1:] == ["available"], what="wrap-up to end")
            await self.ready(taker)
        return taker

    async def close(self) -> None:
        for agent in self.agents:
            await agent.close()


@pytest.fixture
async def desk(request, daemon, db, credentials, admin_headers):
    async with aiohttp.ClientSession() as http:
        desk = Desk(daemon, http, db, credentials, admin_headers, request.param)
        try:
            yield desk
        finally:
            await desk.close()


@pytest.mark.parametrize("desk", ["450"], indirect=True)
async def test_longest_idle_offers_the_agent_waiting_longest(desk):
    first = await desk.add("1001", "by-idle")
    await asyncio.sleep(1)
    second = await desk.add("1002", "by-idle")
    assert await desk.call() is first
    assert await desk.call() is second  # the first's idle time began again after their call


@pytest.mark.parametrize("desk", ["451"], indirect=True)
async def test_round_robin_takes_turns_in_the_order_agents_joined(desk):
    await desk.add("1001", "by-turns")
    await desk.add("1002", "by-turns")
    takers = [await desk.call() for _ in range(3)]
    assert takers[0] is not takers[1] and takers[2] is takers[0]


@pytest.mark.parametrize("desk", ["452"], indirect=True)
async def test_fewest_calls_offers_the_agent_who_took_fewest(desk):
    busy = await desk.add("1001", "by-count")
    assert await desk.call() is busy
    fresh = await desk.add("1002", "by-count")
    assert await desk.call() is fresh
    assert await desk.call() in (busy, fresh)
    assert await desk.call() is not None


@pytest.mark.parametrize("desk", ["453"], indirect=True)
async def test_random_offers_one_of_the_available_agents(desk):
    agents = [await desk.add("1001", "by-chance"), await desk.add("1002", "by-chance")]
    for _ in range(3):
        assert await desk.call() in agents


@pytest.mark.parametrize("desk", ["454"], indirect=True)
async def test_ring_all_rings_every_phone_and_the_first_answer_wins(desk):
    ringing = await desk.add("1001", "all-ring", scenario="agent_rings.xml")
    answering = await desk.add("1002", "all-ring")
    assert await desk.call() is answering
    assert (await ringing.phone.finish(timeout=20)).returncode == 0  # it rang, and was cancelled
    assert "ringing" in ringing.states()
    await wait_until(lambda: ringing.states()[-1:] == ["available"], what="the unanswered phone to be free")


@pytest.mark.parametrize("desk", ["455"], indirect=True)
async def test_skills_based_offers_the_best_match_before_the_longest_idle(desk):
    await desk.add("1001", "by-skill", skills={"german": 2})
    await asyncio.sleep(1)
    expert = await desk.add("1002", "by-skill", skills={"german": 5})
    assert await desk.call() is expert


@pytest.mark.parametrize("desk", ["456"], indirect=True)
async def test_a_higher_priority_call_is_served_before_an_earlier_one(desk):
    agent = await desk.add("1001", "prioritised", log_in=False)
    ordinary, urgent = next_caller(), next_caller()
    waiting = asyncio.create_task(place_call_and_hang_up("456", ordinary, after_ms=8000))
    await asyncio.sleep(1)
    pressing = asyncio.create_task(place_call_and_hang_up("457", urgent, after_ms=8000))
    await asyncio.sleep(1.5)  # both wait in the queue, the ordinary one longer
    await agent.log_in()
    served = await wait_for_row(desk.db, "SELECT * FROM interactions WHERE agent_id = $1", agent.id)
    assert served["caller_raw"] == urgent
    assert (await pressing).returncode == 0 and (await waiting).returncode == 0
    query = "SELECT * FROM interactions WHERE caller_raw = $1 AND ended_at IS NOT NULL AND wait_seconds IS NOT NULL"
    first, second = await wait_for_row(desk.db, query, urgent), await wait_for_row(desk.db, query, ordinary)
    assert first["wait_seconds"] < second["wait_seconds"]


async def test_a_waiting_caller_hears_their_position_announced(daemon, db):
    caller = next_caller()
    result = await place_call_and_hang_up("458", caller, after_ms=7500)
    assert result.returncode == 0, result.stdout[-1500:]
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = $1 AND ended_at IS NOT NULL", caller)
    lines = [line for line in daemon.log_lines() if line.get("call_id") == row["channel_id"]]
    plays = [line["playback_id"] for line in lines
             if line.get("command") == "Play" and line.get("media") == ["sound:queue-youarenext"]]
    finished = [line["playback_id"] for line in lines if line.get("kind") == "PlaybackFinished"]
    assert len(plays) == 1 and plays == finished  # Asterisk played it to the end, in the holding bridge
    assert row["outcome"] == "abandoned"


async def test_a_call_waiting_past_the_maximum_overflows_to_voicemail(daemon, db):
    caller = next_caller()
    result = await place_call_and_hang_up("459", caller, after_ms=10000)  # 2 s queued, the greeting, a message
    assert result.returncode == 0, result.stdout[-1500:]
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = $1 AND ended_at IS NOT NULL", caller)
    assert row["outcome"] == "voicemail" and row["queue"] == "to-voicemail" and row["wait_seconds"] >= 2
    message = await wait_for_row(db, "SELECT * FROM voicemails WHERE interaction_id = $1", row["id"])
    assert message["box"] == "sales" and message["duration_seconds"] is not None  # this caller sends no audio
    audio = ASTERISK_ROOT / message["path"].lstrip("/")
    assert audio.read_bytes()[:4] == b"RIFF"


@pytest.mark.parametrize("desk", ["449"], indirect=True)
async def test_a_call_waiting_past_the_maximum_overflows_into_another_queue(desk):
    agent = await desk.add("1001", "spill-target")
    caller = next_caller()
    result = await place_call_and_hang_up("449", caller, after_ms=5000)
    assert result.returncode == 0, result.stdout[-1500:]
    row = await wait_for_row(desk.db, "SELECT * FROM interactions WHERE caller_raw = $1 AND ended_at IS NOT NULL "
                                      "AND talk_seconds IS NOT NULL", caller)
    assert row["outcome"] == "answered" and row["queue"] == "spill-target" and str(row["agent_id"]) == agent.id
    assert row["wait_seconds"] >= 2  # counted from the arrival in the first queue
