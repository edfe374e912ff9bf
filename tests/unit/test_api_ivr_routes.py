"""The voicemail listing and the config reload routes, on a real in-process server with fake services."""

from datetime import datetime, timezone
from uuid import uuid4

from aiohttp.test_utils import TestClient, TestServer

from telephony.api.app import build_app
from telephony.db.voicemails import Voicemail

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
MESSAGE = Voicemail(uuid4(), uuid4(), "sales", "abc", "wav", "/var/spool/asterisk/recording/abc.wav", 4.5, NOW,
                    False, "+4930123456")


class FakeVoicemails:
    def __init__(self):
        self.queries = []

    async def list(self, **query):
        self.queries.append(query)
        return [MESSAGE]


async def healthy():
    return {"database": True}


async def client(voicemails=None, reload=None) -> TestClient:
    c = TestClient(TestServer(build_app(healthy, voicemails, reload)))
    await c.start_server()
    return c


async def test_lists_voicemails_with_filters():
    store = FakeVoicemails()
    c = await client(voicemails=store)
    try:
        resp = await c.get("/api/v1/voicemails?box=sales&heard=false")
        assert resp.status == 200
        body = await resp.json()
        assert body["voicemails"][0]["box"] == "sales" and body["voicemails"][0]["duration_seconds"] == 4.5
        assert store.queries[-1] == {"box": "sales", "heard": False, "limit": 100}
        assert (await c.get("/api/v1/voicemails?heard=maybe")).status == 400
        resp = await c.get(f"/api/v1/interactions/{MESSAGE.interaction_id}/voicemails")
        assert resp.status == 200 and store.queries[-1] == {"interaction_id": MESSAGE.interaction_id}
        assert (await c.get("/api/v1/interactions/not-a-uuid/voicemails")).status == 404
    finally:
        await c.close()


async def test_reload_answers_with_the_problems():
    results = [[("ivr.main.options.3.target", "unknown queue 'billing'")], []]
    c = await client(reload=lambda: results.pop(0))
    try:
        resp = await c.post("/api/v1/config/reload")
        assert resp.status == 422
        assert (await resp.json())["problems"] == [
            {"place": "ivr.main.options.3.target", "message": "unknown queue 'billing'"}]
        resp = await c.post("/api/v1/config/reload")
        assert resp.status == 200 and (await resp.json()) == {"reloaded": True}
    finally:
        await c.close()
