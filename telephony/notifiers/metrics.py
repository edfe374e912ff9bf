"""The daemon's Prometheus metrics (prometheus-client), fed from the domain events and read from live state.

Counters come from the bus: offers and misses, queue calls by outcome, the Asterisk links' reconnects.
Gauges are read when Prometheus scrapes, from a snapshot the wiring hands in (calls in progress and waiting
per queue, agents by state per queue, link state, database write backlog), so nothing has to be kept in
step by hand. HTTP requests and the event loop's lag are measured by the API's middleware and a small task.
Everything lives in a registry of its own, not prometheus-client's global one.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter as CountOf
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from telephony.acd.agent_state import StateChanged
from telephony.acd.commands import CallAbandoned, CallConnected, CallOverflowed, Offer
from telephony.acd.dispatcher import Dispatcher
from telephony.calls.in_flight import CallsInFlight
from telephony.db.writer import OrderedWriter
from telephony.events import LinkConnected

KINDS = (Offer, StateChanged, CallConnected, CallAbandoned, CallOverflowed, LinkConnected)
LAG_INTERVAL = 0.5  # seconds between two looks at the event loop


@dataclass(frozen=True)
class LiveState:
    """What the gauges show, as the daemon stands at a scrape."""

    calls_in_progress: Mapping[str, int] = field(default_factory=dict)  # queue ("" for none yet) -> calls
    calls_waiting: Mapping[str, int] = field(default_factory=dict)  # queue -> calls waiting for an agent
    agents: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (queue, state) -> agents
    links: Mapping[str, bool] = field(default_factory=dict)  # ami, ari -> up
    write_backlog: Mapping[str, int] = field(default_factory=dict)  # writer -> writes waiting


class LiveStateReader:
    """Reads the LiveState from the daemon's parts at each scrape (in the event loop, as any handler)."""

    def __init__(self, dispatcher: Dispatcher, calls: CallsInFlight, links: Mapping[str, Callable[[], bool]],
                 writers: Mapping[str, OrderedWriter]):
        self._dispatcher = dispatcher
        self._calls = calls
        self._links = links
        self._writers = writers

    def __call__(self) -> LiveState:
        dispatcher = self._dispatcher
        names = dispatcher.queue_names()
        agents = CountOf((name, dispatcher.agent(agent_id).state.value)
                         for name in names for agent_id in dispatcher.queue(name).members
                         if dispatcher.knows_agent(agent_id))
        return LiveState(calls_in_progress=dict(CountOf(call.view.queue or "" for call in self._calls)),
                         calls_waiting={name: len(dispatcher.queue(name).calls()) for name in names},
                         agents=dict(agents), links={name: up() for name, up in self._links.items()},
                         write_backlog={name: writer.pending for name, writer in self._writers.items()})


class Metrics:
    def __init__(self, snapshot: Callable[[], LiveState] = LiveState):
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.offers = Counter("telephony_offers", "Calls offered to an agent", ["queue"], registry=r)
        self.missed = Counter("telephony_offers_missed", "Offers an agent let ring out or refused", registry=r)
        self.queue_calls = Counter("telephony_queue_calls", "Queue calls by outcome (answered, abandoned, "
                                   "overflowed)", ["queue", "outcome"], registry=r)
        self.reconnects = Counter("telephony_link_reconnects", "Reconnects of an Asterisk link", ["link"],
                                  registry=r)
        self.http_requests = Counter("telephony_http_requests", "HTTP requests by route and status",
                                     ["method", "route", "status"], registry=r)
        self.http_seconds = Histogram("telephony_http_request_seconds", "HTTP request latency by route",
                                      ["method", "route"], registry=r)
        self.loop_lag = Gauge("telephony_event_loop_lag_seconds", "How late the event loop last ran a task "
                              "due now", registry=r)
        r.register(_LiveCollector(snapshot))

    def notify(self, event) -> None:
        """A domain event (subscribe with KINDS)."""
        match event:
            case Offer(queue=queue):
                self.offers.labels(queue).inc()
            case StateChanged(cause="missed"):
                self.missed.inc()
            case CallConnected(queue=queue):
                self.queue_calls.labels(queue, "answered").inc()
            case CallAbandoned(queue=queue):
                self.queue_calls.labels(queue, "abandoned").inc()
            case CallOverflowed(queue=queue):
                self.queue_calls.labels(queue, "overflowed").inc()
            case LinkConnected(link=link, reconnect=True):
                self.reconnects.labels(link).inc()

    def http_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.http_requests.labels(method, route, str(status)).inc()
        self.http_seconds.labels(method, route).observe(seconds)

    async def watch_loop(self, interval: float = LAG_INTERVAL) -> None:
        """Sleep `interval` again and again; how much later than asked the loop woke us is its lag."""
        while True:
            before = time.monotonic()
            await asyncio.sleep(interval)
            self.loop_lag.set(max(0.0, time.monotonic() - before - interval))


class _LiveCollector(Collector):
    def __init__(self, snapshot: Callable[[], LiveState]):
        self._snapshot = snapshot

    def describe(self) -> list:
        return []  # read at each scrape; nothing to describe ahead

    def collect(self) -> Iterator[GaugeMetricFamily]:
        state = self._snapshot()
        in_progress = GaugeMetricFamily("telephony_calls_in_progress", "Calls in progress by queue (\"\": "
                                        "not in a queue yet)", labels=["queue"])
        for queue, count in sorted(state.calls_in_progress.items()):
            in_progress.add_metric([queue], count)
        waiting = GaugeMetricFamily("telephony_calls_waiting", "Calls waiting for an agent by queue",
                                    labels=["queue"])
        for queue, count in sorted(state.calls_waiting.items()):
            waiting.add_metric([queue], count)
        agents = GaugeMetricFamily("telephony_agents", "Agents by queue and state", labels=["queue", "state"])
        for (queue, agent_state), count in sorted(state.agents.items()):
            agents.add_metric([queue, agent_state], count)
        links = GaugeMetricFamily("telephony_link_up", "1 when the Asterisk link is up", labels=["link"])
        for link, up in sorted(state.links.items()):
            links.add_metric([link], 1 if up else 0)
        backlog = GaugeMetricFamily("telephony_db_write_backlog", "Database writes waiting by writer",
                                    labels=["writer"])
        for writer, count in sorted(state.write_backlog.items()):
            backlog.add_metric([writer], count)
        yield from (in_progress, waiting, agents, links, backlog)
