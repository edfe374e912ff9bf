"""The ACD end to end: real SIP callers queued by the daemon, real sipp agent phones offered the calls,
agents driving their state over the API and seeing their calls on the events WebSocket."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from tests.integration.rig import AgentPhone, finish_sipp, place_call, place_call_and_hang_up, start_sipp
from tests.integration.test_inbound_call import wait_for_row


class Agent:
    """An agent as the API knows them (user, token, agent record) with their sipp softphone."""

    def __init__(self, daemon, http: aiohttp.ClientSession, phone: AgentPhone):
        self.daemon, self.http, self.phone = daemon, http, phone
        self.headers: dict[str, str] = {}
        self.id = ""
        self.events: list[dict] = []
        self._reader: asyncio.Task | None = None

    async def create(self, admin_headers, name: str, queues: dict[str, int], extension: str | None = None) -> Agent:
        user = await self._call("POST", "/api/v1/users", admin_headers, {"name": name, "role": "agent"}, 201)
        issued = await self._call("POST", "/api/v1/auth/tokens", admin_headers, {"user_id": user["id"]}, 201)
        self.headers = {"Authorization": f"Bearer {issued['token']}"}
        agent = await self._call("POST", "/api/v1/agents", admin_headers, {
            "name": name, "extension": extension or self.phone.extension,
            "softphone": f"PJSIP/{self.phone.extension}",
            "user_id": user["id"], "queues": queues}, 201)
        self.id = agent["id"]
        return self

    async def listen(self) -> None:
        ws = await self.http.ws_connect(self.daemon.url + "/api/v1/events", headers=self.headers)

        async def read():
            async for message in ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    self.events.append(json.loads(message.data))

        self._reader = asyncio.create_task(read())
        self._ws = ws

    async def log_in(self) -> dict:
        return await self._call("POST", "/api/v1/me/agent/login", self.headers, {"device": "softphone"}, 200)

    async def state(self) -> dict:
        return await self._call("GET", "/api/v1/me/agent", self.headers, None, 200)

    async def close(self) -> None:
        """Log out (so later tests' calls are not offered to a phone that is gone) and hang up the phone."""
        async with self.http.post(self.daemon.url + "/api/v1/me/agent/logout", headers=self.headers):
            pass
        if self._reader:
            await self._ws.close()
            self._reader.cancel()
        await self.phone.stop()

    def states(self) -> list[str]:
        return [e["data"]["state"] for e in self.events if e.get("type") == "agent.state"]

    async def _call(self, method, path, headers, body, expected):
        async with self.http.request(method, self.daemon.url + path, headers=headers, json=body) as resp:
            answer = await resp.json()
            assert resp.status == expected, answer
            return answer


async def wait_until(predicate, timeout: float = 20, what: str = "condition"):
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.1)


async def test_call_is_queued_offered_to_the_agent_phone_answered_and_wrapped_up(daemon, db, credentials,
                                                                               admin_headers):
    async with aiohttp.ClientSession() as http:
        ann = await Agent(daemon, http, AgentPhone("1001", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])).create(
            admin_headers, "ann", {"helpdesk": 0})
        await ann.phone.register()
        await ann.phone.start(ring_ms=500)
        await ann.listen()
        assert (await ann.log_in())["state"] == "available"
        try:
            caller = await place_call_and_hang_up("400", "+4930400001", after_ms=5000)
            assert caller.returncode == 0, caller.stdout[-1500:]
            assert (await ann.phone.finish(timeout=20)).returncode == 0

            row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930400001' "
                                         "AND ended_at IS NOT NULL AND talk_seconds IS NOT NULL")
            assert row["outcome"] == "answered"
            assert row["queue"] == "helpdesk" and str(row["agent_id"]) == ann.id
            assert 0 <= row["wait_seconds"] < 5 and 3 < row["talk_seconds"] < 8
            await wait_until(lambda: ann.states()[-1:] == ["available"], what="wrap-up to end")
            assert ann.states() == ["available", "ringing", "on_call", "wrap_up", "available"]
            kinds = [e["type"] for e in ann.events]
            assert kinds.index("call.answered") < kinds.index("call.ended")
            seqs = [e["seq"] for e in ann.events]
            assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # no gap
            answered = next(e["data"] for e in ann.events if e["type"] == "call.answered")
            assert answered["queue"] == "helpdesk" and answered["agent_id"] == ann.id
            log = await db.fetch("SELECT state FROM agent_state_log WHERE agent_id = $1 ORDER BY at", ann.id)
            assert [r["state"] for r in log] == ["available", "ringing", "on_call", "wrap_up", "available"]
        finally:
            await ann.close()


async def test_unanswered_offer_rolls_over_to_the_next_agent_and_pauses_the_first(daemon, db, credentials,
                                                                                admin_headers):
    password = credentials["TELEPHONY_SIP_AGENT_PASSWORD"]
    async with aiohttp.ClientSession() as http:
        ben = await Agent(daemon, http, AgentPhone("1002", password)).create(admin_headers, "ben",
                                                                             {"second-line": 0})
        cid = await Agent(daemon, http, AgentPhone("1003", password)).create(admin_headers, "cid",
                                                                             {"second-line": 1})
        for agent, scenario in ((ben, "agent_rings.xml"), (cid, "agent_answers.xml")):
            await agent.phone.register()
            await agent.phone.start(scenario, ring_ms=300)
            await agent.log_in()
        try:
            caller = await place_call_and_hang_up("401", "+4930400002", after_ms=6000)
            assert caller.returncode == 0, caller.stdout[-1500:]
            assert (await cid.phone.finish(timeout=20)).returncode == 0
            row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930400002' "
                                         "AND ended_at IS NOT NULL")
            assert row["outcome"] == "answered"
            ben_now = await ben.state()
            assert ben_now["state"] == "paused" and ben_now["pause_reason"] == "missed"
        finally:
            await ben.close()
            await cid.close()


async def test_caller_hanging_up_while_waiting_is_abandoned(daemon, db):
    caller = await place_call_and_hang_up("401", "+4930400003", after_ms=2000)
    assert caller.returncode == 0, caller.stdout[-1500:]
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930400003' "
                                 "AND ended_at IS NOT NULL AND wait_seconds IS NOT NULL")
    assert row["outcome"] == "abandoned"
    assert row["queue"] == "second-line" and row["agent_id"] is None and 1 < row["wait_seconds"] < 5


async def test_agent_sees_the_offer_with_its_screen_pop_and_hangs_up_from_the_api(daemon, db, credentials,
                                                                                admin_headers):
    async with aiohttp.ClientSession() as http:
        dee = await Agent(daemon, http, AgentPhone("1001", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])).create(
            admin_headers, "dee", {"helpdesk": 0}, extension="2001")
        await dee.phone.register()
        await dee.phone.start(ring_ms=300)
        await dee.listen()
        await dee.log_in()
        try:
            caller = asyncio.create_task(place_call("400", "+4930400004"))  # waits for our hang-up
            await wait_until(lambda: "on_call" in dee.states(), what="the call to be connected")
            calls = await dee._call("GET", "/api/v1/calls", admin_headers, None, 200)
            assert [c["queue"] for c in calls["calls"] if c["caller_number"] == "+4930400004"] == ["helpdesk"]
            current = await dee._call("GET", "/api/v1/me/call", dee.headers, None, 200)
            assert current["phase"] == "connected" and current["queue"] == "helpdesk"
            assert current["screen_pop"]["caller_number"] == "+4930400004"
            # a new number: the caller became a customer, whose history now holds this very call
            customer = current["screen_pop"]["customer"]
            assert customer is not None and customer["phones"] == ["+4930400004"]
            assert current["screen_pop"]["recent_interactions"][0]["caller_raw"] == "+4930400004"
            async with http.post(daemon.url + "/api/v1/me/call/hangup", headers=dee.headers) as resp:
                assert resp.status == 204
            result = await caller
            assert result.returncode == 0, result.stdout[-1500:]
            pops = {e["data"]["moment"]: e["data"] for e in dee.events if e["type"] == "call.screen_pop"}
            assert set(pops) == {"offered", "answered"}
            assert pops["answered"]["screen_pop"]["customer"]["id"] == customer["id"]
            offered = next(e["data"] for e in dee.events if e["type"] == "call.offered")
            assert offered["screen_pop"]["caller_number"] == "+4930400004" and offered["agent_id"] == dee.id
            row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930400004' "
                                         "AND ended_at IS NOT NULL")
            assert row["outcome"] == "answered" and row["ended_by"] == "api"
        finally:
            await dee.close()


async def test_click_to_call_rings_the_agent_then_the_target_and_hangs_up_from_the_api(daemon, db, credentials,
                                                                                    admin_headers):
    password = credentials["TELEPHONY_SIP_AGENT_PASSWORD"]
    async with aiohttp.ClientSession() as http:
        eve = await Agent(daemon, http, AgentPhone("1001", password)).create(
            admin_headers, "eve", {"helpdesk": 0}, extension="2005")
        colleague = AgentPhone("1900", password)  # a plain extension: nobody's agent
        for phone in (eve.phone, colleague):
            await phone.register()
            await phone.start(ring_ms=300)
        try:
            placed = await eve._call("POST", "/api/v1/me/calls", eve.headers, {"to": "1900"}, 201)
            await wait_until(lambda: colleague.process.returncode is None, what="the colleague's phone")
            async with asyncio.timeout(15):
                while True:
                    async with http.get(daemon.url + "/api/v1/me/call", headers=eve.headers) as resp:
                        current = await resp.json() if resp.status == 200 else None
                    if current and current["phase"] == "connected":
                        break
                    await asyncio.sleep(0.2)
            assert current["call_id"] == placed["call_id"]
            async with http.post(daemon.url + "/api/v1/me/call/hangup", headers=eve.headers) as resp:
                assert resp.status == 204
            assert (await eve.phone.finish(timeout=20)).returncode == 0
            assert (await colleague.finish(timeout=20)).returncode == 0
            row = await wait_for_row(db, "SELECT * FROM interactions WHERE channel_id = $1 AND ended_at IS NOT NULL",
                                     placed["call_id"])
            assert row["direction"] == "internal" and row["dialled"] == "1900" and row["caller_raw"] == "2005"
            assert row["outcome"] == "answered" and row["customer_id"] is None
        finally:
            await eve.close()
            await colleague.stop()


async def test_a_call_waiting_past_the_maximum_overflows_to_its_message(daemon, db):
    caller = await place_call("402", "+4930400006")  # nobody serves this queue: Asterisk hangs up after the message
    assert caller.returncode == 0, caller.stdout[-1500:]
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930400006' "
                                 "AND ended_at IS NOT NULL")
    assert row["outcome"] == "overflow"
    assert 2 <= (row["ended_at"] - row["answered_at"]).total_seconds() < 10


async def test_an_agent_on_a_forwarded_mobile_takes_the_call_through_the_trunk(daemon, db, admin_headers):
    async with aiohttp.ClientSession() as http:
        fay = Agent(daemon, http, phone=None)
        user = await fay._call("POST", "/api/v1/users", admin_headers, {"name": "fay", "role": "agent"}, 201)
        issued = await fay._call("POST", "/api/v1/auth/tokens", admin_headers, {"user_id": user["id"]}, 201)
        fay.headers = {"Authorization": f"Bearer {issued['token']}"}
        await fay._call("POST", "/api/v1/agents", admin_headers, {
            "name": "fay", "extension": "2006", "mobile": "+4915100000006", "user_id": user["id"],
            "queues": {"mobiles": 0}}, 201)
        # The trunk's far end (dialplan/pjsip.conf: sip:127.0.0.1:5070) stands in for the mobile network.
        mobile = await start_sipp("agent_answers.xml", "+4915100000006", "-d", "300", ports=(5070, 27900))
        await fay._call("POST", "/api/v1/me/agent/login", fay.headers, {"device": "mobile"}, 200)
        try:
            caller = await place_call_and_hang_up("403", "+4930400007", after_ms=3000)
            assert caller.returncode == 0, caller.stdout[-1500:]
            assert (await finish_sipp(mobile, 20)).returncode == 0
            row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930400007' "
                                         "AND ended_at IS NOT NULL")
            assert row["outcome"] == "answered" and row["queue"] == "mobiles"
        finally:
            async with http.post(daemon.url + "/api/v1/me/agent/logout", headers=fay.headers):
                pass
            if mobile.returncode is None:
                mobile.kill()
                await mobile.wait()
