"""Routing benchmark: how long the dispatcher takes to choose an agent for a call.

5,000 logged-in agents over 20 queues (skills, penalties, every strategy) and 1,000 waiting calls.
Two decisions are timed, each as one `Dispatcher.handle` call (the routing code alone, no I/O):

- agent frees up: a busy agent's call ends while 1,000 calls wait in their queues; the dispatcher
  updates the agent and offers them the best waiting call over all their queues;
- call arrives: a call joins a queue that has about 100 available agents; the dispatcher picks one.

After each timed decision the offer is answered and bridged (not timed), and a new call is queued, so the
state stays the same size. Aim: p99 under 1 ms.

    .venv/bin/python bench/acd_routing.py [--iterations N] [--seed S]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
from datetime import datetime, timedelta, timezone

from telephony.acd import events as ev
from telephony.acd.commands import Offer
from telephony.acd.dispatcher import Dispatcher
from telephony.model import AgentProfile, Device
from telephony.config.models import CallCenterConfig, QueueConfig
from telephony.logs import configure_logging

AGENTS = 5_000
WAITING = 1_000
HOT = [f"hot{i}" for i in range(10)]  # every agent busy, the 1,000 calls wait here
COOL = [f"cool{i}" for i in range(10)]  # agents to spare
SKILLS = ["english", "french", "german", "billing", "tech", "sales"]
STRATEGIES = ["longest-idle", "skills-based", "fewest-calls", "round-robin", "random"]
AIM_MS = 1.0


def build_config() -> CallCenterConfig:
    queues = {}
    for i, name in enumerate(HOT + COOL):
        required = {SKILLS[i % len(SKILLS)]: 1 + i % 3}
        queues[name] = QueueConfig(strategy=STRATEGIES[i % len(STRATEGIES)], required_skills=required)
    queues["cool-ringall"] = QueueConfig(strategy="ring-all")
    return CallCenterConfig(queues=queues)


class Bench:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
        ids = itertools.count()
        self.config = build_config()
        self.d = Dispatcher(self.config, rng=random.Random(seed), new_id=lambda: f"o{next(ids)}")
        self.calls = itertools.count()
        self.connected: dict[str, str] = {}  # agent -> offer of their connected call
        self.hot_agents: list[str] = []
        self.cool_agents: list[str] = []

    def send(self, event):
        return self.d.handle(event)

    def tick(self) -> datetime:
        self.now += timedelta(milliseconds=10)
        return self.now

    def profile(self, agent_id: str, queues: list[str]) -> AgentProfile:
        skills = {s: self.rng.randint(1, 5) for s in self.rng.sample(SKILLS, 4)}
        for q in queues:  # members meet their queues' requirements (others would simply not be indexed)
            skills.update(self.config.queues[q].required_skills)
        return AgentProfile(agent_id, agent_id, agent_id[1:], skills,
                            {q: self.rng.choice((0, 0, 1, 2)) for q in queues})

    def populate(self) -> None:
        for i in range(AGENTS):
            agent_id = f"a{i}"
            hot = i < 3_000
            pool = HOT if hot else COOL
            queues = self.rng.sample(pool, self.rng.randint(1, 3))
            if not hot and i % 100 == 0:
                queues.append("cool-ringall")
            (self.hot_agents if hot else self.cool_agents).append(agent_id)
            self.send(ev.AgentLoggedIn(self.profile(agent_id, queues), Device("softphone", f"PJSIP/{agent_id}"),
                                       self.tick()))
        # every hot agent on a call, then 1,000 calls waiting behind them
        while len(self.connected) < len(self.hot_agents):
            self.connect(self.send(ev.CallQueued(self.new_call(), self.rng.choice(HOT), self.tick(),
                                                 priority=self.rng.randint(0, 10))))
        while self.waiting() < WAITING:
            assert not self.offers(self.send(ev.CallQueued(self.new_call(), self.rng.choice(HOT), self.tick(),
                                                           priority=self.rng.randint(0, 10))))
        # a third of the cool agents busy, the rest available
        for _ in range(len(self.cool_agents) // 3):
            self.connect(self.send(ev.CallQueued(self.new_call(), self.rng.choice(COOL), self.tick())))

    def waiting(self) -> int:
        return sum(len(self.d.queue(q)) for q in HOT)

    def new_call(self) -> str:
        return f"c{next(self.calls)}"

    @staticmethod
    def offers(out) -> list[Offer]:
        return [o for o in out if isinstance(o, Offer)]

    def connect(self, out) -> None:
        offers = self.offers(out)
        if not offers:
            return
        winner = offers[0]
        self.send(ev.OfferAnswered(winner.offer_id, self.tick()))
        for other in offers[1:]:
            self.send(ev.AgentLegEnded(other.offer_id, self.tick(), "cancelled"))
        self.send(ev.CallBridged(winner.offer_id, self.tick()))
        self.connected[winner.agent_id] = winner.offer_id

    def agent_frees_up(self) -> int:
        agent_id = self.rng.choice(self.hot_agents)
        offer_id = self.connected.pop(agent_id)
        event = ev.AgentLegEnded(offer_id, self.tick())
        start = time.perf_counter_ns()
        out = self.send(event)
        elapsed = time.perf_counter_ns() - start
        assert self.offers(out), "a waiting call should have been offered"
        self.connect(out)
        self.send(ev.CallQueued(self.new_call(), self.rng.choice(HOT), self.tick(), priority=self.rng.randint(0, 10)))
        return elapsed

    def call_arrives(self) -> int:
        event = ev.CallQueued(self.new_call(), self.rng.choice(COOL), self.tick())
        start = time.perf_counter_ns()
        out = self.send(event)
        elapsed = time.perf_counter_ns() - start
        offers = self.offers(out)
        assert offers, "a cool queue should have had an available agent"
        self.connect(out)
        # end a random cool call, so the number of available cool agents stays put
        busy = [a for a in self.rng.sample(self.cool_agents, 50) if a in self.connected]
        agent_id = busy[0] if busy else offers[0].agent_id
        self.send(ev.AgentLegEnded(self.connected.pop(agent_id), self.tick()))
        return elapsed


def report(name: str, samples_ns: list[int]) -> bool:
    ms = sorted(s / 1e6 for s in samples_ns)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    ok = p99 < AIM_MS
    print(f"{name:<16} n={len(ms):>6}  p50={p50:.3f} ms  p99={p99:.3f} ms  max={ms[-1]:.3f} ms  "
          f"{'ok' if ok else 'ABOVE AIM'} (aim p99 < {AIM_MS} ms)")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    configure_logging(level="warning")  # the dispatcher logs each phase move at info: not part of the figures
    bench = Bench(args.seed)
    started = time.perf_counter()
    bench.populate()
    print(f"state: {AGENTS} agents logged in, {bench.waiting()} calls waiting, "
          f"{sum(len(bench.d.queue(q).pool) for q in COOL)} available agent-queue memberships in the cool queues "
          f"(set up in {time.perf_counter() - started:.1f} s)")
    for _ in range(500):  # warm-up
        bench.agent_frees_up()
        bench.call_arrives()
    ok = report("agent frees up", [bench.agent_frees_up() for _ in range(args.iterations)])
    ok &= report("call arrives", [bench.call_arrives() for _ in range(args.iterations)])
    print(f"after: {bench.waiting()} calls waiting")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
