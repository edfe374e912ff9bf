"""An agent's softphone panel and a supervisor's view over real HTTP, with the real dispatcher."""

from telephony.acd.events import DeviceRegistration


async def test_agent_logs_in_pauses_with_a_reason_and_is_ready_again(api, people):
    alice = people["alice"]
    status, me = await api.call("GET", "/api/v1/me/agent", alice)
    assert status == 200 and me["state"] == "logged_out" and me["queues"] == {"sales": 0}

    status, me = await api.call("POST", "/api/v1/me/agent/login", alice, json={"device": "softphone"})
    assert status == 200 and me["state"] == "available" and me["device"] == "softphone"
    status, again = await api.call("POST", "/api/v1/me/agent/login", alice, json={"device": "softphone"})
    assert status == 409 and again["error"]["code"] == "state_refused"

    status, me = await api.call("POST", "/api/v1/me/agent/pause", alice, json={"reason": "lunch"})
    assert status == 200 and me["state"] == "paused" and me["pause_reason"] == "lunch"
    status, refused = await api.call("POST", "/api/v1/me/agent/pause", alice, json={"reason": "nap"})
    assert status == 409 and "nap" in refused["error"]["message"]
    assert "break, lunch" in refused["error"]["message"]
    assert refused["error"]["details"] == {"allowed": ["break", "lunch"]}

    status, me = await api.call("POST", "/api/v1/me/agent/ready", alice)
    assert status == 200 and me["state"] == "available" and me["pause_reason"] is None


async def test_supervisor_sees_the_agents_and_queues_they_supervise(api, people):
    await api.call("POST", "/api/v1/me/agent/login", people["alice"], json={"device": "softphone"})
    await api.call("POST", "/api/v1/me/agent/login", people["bob"], json={"device": "mobile"})

    status, seen = await api.call("GET", "/api/v1/agents", people["sam"])
    assert status == 200 and [a["name"] for a in seen["agents"]] == ["Alice"]
    assert seen["agents"][0]["state"] == "available"
    status, seen = await api.call("GET", "/api/v1/agents", people["admin"])
    assert sorted(a["name"] for a in seen["agents"]) == ["Alice", "Bob"]

    status, queues = await api.call("GET", "/api/v1/queues", people["sam"])
    assert status == 200 and queues["queues"] == [
        {"name": "sales", "waiting": 0, "longest_wait_seconds": 0.0, "staffed": 1, "strategy": "longest-idle"}]

    status, _ = await api.call("POST", f"/api/v1/agents/{api.agents['bob'].id}/pause", people["sam"],
                               json={"reason": "break"})
    assert status == 403
    status, bob = await api.call("POST", f"/api/v1/agents/{api.agents['bob'].id}/pause", people["sue"],
                                 json={"reason": "break"})
    assert status == 200 and bob["state"] == "paused"


async def test_an_unregistered_softphone_is_shown_warned_of_and_not_staffed(api, people, acd, clock):
    """The ACD hears the device states from AMI; here they are handed to it as AMI would."""
    dispatcher, service = acd
    await service.ask(DeviceRegistration("PJSIP/1001", False, clock()))
    status, me = await api.call("POST", "/api/v1/me/agent/login", people["alice"], json={"device": "softphone"})
    assert status == 200 and me["state"] == "available" and me["phone"] == "unregistered"
    assert "not registered" in me["warning"]
    status, queues = await api.call("GET", "/api/v1/queues", people["sam"])
    assert queues["queues"][0]["staffed"] == 0
    await service.ask(DeviceRegistration("PJSIP/1001", True, clock()))
    status, me = await api.call("GET", "/api/v1/me/agent", people["alice"])
    assert me["phone"] == "registered" and me["warning"] is None
    status, queues = await api.call("GET", "/api/v1/queues", people["sam"])
    assert queues["queues"][0]["staffed"] == 1
