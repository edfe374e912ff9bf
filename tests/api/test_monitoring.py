"""Listen-in over the API: only supervisors of the call's queue, one at a time, on a connected call."""

from __future__ import annotations

from telephony.audience import Audience
from telephony.requests import MonitorRequested, MonitorStopped, MonitorSwitched
from telephony.supervision.desk import LiveCall


def _call(api, agent: str | None = "a1", queue: str = "sales") -> None:
    api.live_calls["c1"] = LiveCall("c1", queue, agent, Audience.of())


async def test_a_supervisor_of_the_queue_joins_switches_and_leaves(api, people):
    _call(api)
    status, body = await api.call("POST", "/api/v1/calls/c1/monitor", people["sam"], json={"mode": "listen",
                                                                                          "to": "1900"})
    assert status == 202 and body == {"call_id": "c1", "mode": "listen", "state": "dialing"}
    assert api.delivered[-1] == MonitorRequested("c1", "listen", "PJSIP/1900", str(people["sam"].id))
    status, body = await api.call("PATCH", "/api/v1/calls/c1/monitor", people["sam"], json={"mode": "whisper"})
    assert status == 200 and api.delivered[-1] == MonitorSwitched("c1", "whisper")
    assert (await api.call("DELETE", "/api/v1/calls/c1/monitor", people["sam"]))[0] == 204
    assert api.delivered[-1] == MonitorStopped("c1")


async def test_others_are_refused_with_a_reason(api, people):
    _call(api)
    status, body = await api.call("POST", "/api/v1/calls/c1/monitor", people["sue"], json={"mode": "listen"})
    assert status == 403 and body["error"]["code"] == "not_your_queue"
    status, body = await api.call("POST", "/api/v1/calls/c1/monitor", people["sam"], json={"mode": "listen"})
    assert status == 409 and "no phone" in body["error"]["message"]  # sam has no agent record: say `to`
    status, body = await api.call("PATCH", "/api/v1/calls/c1/monitor", people["sam"], json={"mode": "barge"})
    assert status == 409 and "nobody is monitoring" in body["error"]["message"]
    _call(api, agent=None)
    status, body = await api.call("POST", "/api/v1/calls/c1/monitor", people["sam"], json={"mode": "barge",
                                                                                          "to": "1900"})
    assert status == 409 and "not connected" in body["error"]["message"]
    assert api.delivered == []
