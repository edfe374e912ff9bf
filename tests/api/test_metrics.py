"""GET /metrics in Prometheus' format: fed from the domain events and the live state, HTTP requests counted
and timed by route, protected by the metrics token or served alone on a loopback port."""

from __future__ import annotations

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from telephony.acd.agent_state import StateChanged
from telephony.acd.commands import CallAbandoned, CallConnected, Offer
from telephony.acd.events import CallQueued
from telephony.model import AgentState, Device
from telephony.api.app import HttpServer
from telephony.api.metrics import loopback_app
from telephony.events import LinkConnected
from tests.api.conftest import METRICS_TOKEN


def samples(text: str) -> dict[tuple, float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def scrape(api) -> dict[tuple, float]:
    async with api.request("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain; version=")
        return samples(await resp.text())


async def test_queue_state_and_agents_by_state_are_read_at_the_scrape(api, people, acd, clock):
    _, service = acd
    await api.call("POST", "/api/v1/me/agent/login", people["alice"], json={"device": "softphone"})
    await api.call("POST", "/api/v1/me/agent/login", people["bob"], json={"device": "softphone"})
    await api.call("POST", "/api/v1/me/agent/pause", people["bob"], json={"reason": "lunch"})
    await service.ask(CallQueued("c1", "support", clock.now, "+4930123456"))
    got = await scrape(api)
    assert got[("telephony_calls_waiting", (("queue", "support"),))] == 1
    assert got[("telephony_calls_waiting", (("queue", "sales"),))] == 0
    assert got[("telephony_agents", (("queue", "sales"), ("state", "available")))] == 1
    assert got[("telephony_agents", (("queue", "support"), ("state", "paused")))] == 1
    assert got[("telephony_link_up", (("link", "ami"),))] == 1


async def test_domain_events_feed_the_counters(api):
    metrics = api.metrics
    at = api.auth._clock()
    for event in (CallConnected("c1", "sales", "a1", 3.0, at), CallAbandoned("c2", "sales", 9.0, at),
                  StateChanged("a1", AgentState.RINGING, AgentState.AVAILABLE, None, at, "missed"),
                  Offer("o1", "c3", "a1", Device("softphone", "PJSIP/1001"), 15, "+4930", "", "support"),
                  LinkConnected("ari"), LinkConnected("ari", reconnect=True)):
        metrics.notify(event)
    got = await scrape(api)
    assert got[("telephony_queue_calls_total", (("outcome", "answered"), ("queue", "sales")))] == 1
    assert got[("telephony_queue_calls_total", (("outcome", "abandoned"), ("queue", "sales")))] == 1
    assert got[("telephony_offers_missed_total", ())] == 1
    assert got[("telephony_offers_total", (("queue", "support"),))] == 1
    assert got[("telephony_link_reconnects_total", (("link", "ari"),))] == 1
    assert ("telephony_event_loop_lag_seconds", ()) in got


async def test_http_requests_are_counted_by_route_template_and_status(api, people):
    agent_id = api.agents["alice"].id
    await api.call("GET", f"/api/v1/agents/{agent_id}", people["admin"])
    await api.call("GET", f"/api/v1/agents/{agent_id}", people["alice"])
    await api.call("GET", "/no/such/place")
    got = await scrape(api)
    route = "/api/v1/agents/{agent_id}"
    assert got[("telephony_http_requests_total", (("method", "GET"), ("route", route), ("status", "200")))] == 1
    assert got[("telephony_http_requests_total", (("method", "GET"), ("route", route), ("status", "403")))] == 1
    assert got[("telephony_http_requests_total", (("method", "GET"), ("route", "unmatched"), ("status", "404")))]
    assert got[("telephony_http_request_seconds_count", (("method", "GET"), ("route", route)))] == 2


async def test_a_wrong_token_is_401(api):
    async with api.request("GET", "/metrics", headers={"Authorization": "Bearer nope"}) as resp:
        assert resp.status == 401 and resp.headers["WWW-Authenticate"] == "Bearer"


async def test_the_loopback_port_serves_metrics_without_a_token(api):
    server = HttpServer(loopback_app(api.metrics), "127.0.0.1", 0)
    await server.start()
    try:
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{server.port}/metrics") as resp:
            assert resp.status == 200
            assert "telephony_calls_waiting" in await resp.text()
    finally:
        await server.close()
