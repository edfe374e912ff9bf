"""Events in random orders and at awkward moments, against the dispatcher's guarantees.

A fake Asterisk keeps the legs the dispatcher asked for and answers, refuses, hangs up, bridges and
reports leg ends at random, sometimes late and out of order, while callers hang up at random. After every
event: an agent holds at most one offer and a call has at most one answered agent. At the end, once every
channel is gone and time has passed, nothing is left ringing, talking or held.
"""

import random
from datetime import timedelta

import pytest

from telephony.acd import events as ev
from telephony.acd.agent_state import AgentStateRefused
from telephony.acd.commands import CancelOffer, ConnectCallToAgent, EndCall, Offer, Overflow
from telephony.model import AgentProfile, Device
from telephony.model import AgentState as S
from telephony.acd.phases import OfferPhase
from telephony.config import parse_config
from tests.unit.acd.rig import Rig

CONFIG = """
queues:
  sales: {strategy: ring-all, ring_timeout: 4, wrap_up_seconds: 2, max_wait: 40, overflow: 'queue:support',
          announce_every: 10, missed_offers_before_pause: 3}
  support: {strategy: longest-idle, ring_timeout: 3, wrap_up_seconds: 1, max_length: 6, overflow: 'voicemail:1'}
  vip: {strategy: skills-based, required_skills: {vip: 2}, ring_timeout: 5, priority: 8}
"""
RELOADED = """
queues:
  sales: {strategy: round-robin, ring_timeout: 6, wrap_up_seconds: 0, max_wait: 20, overflow: 'voicemail:2'}
  support: {strategy: ring-all, ring_timeout: 2, wrap_up_seconds: 3, max_length: 2, overflow: 'queue:vip'}
  vip: {strategy: fewest-calls, required_skills: {vip: 4}, ring_timeout: 5, priority: 8}
"""
AGENTS = [f"a{i}" for i in range(6)]


class FakeAsterisk:
    def __init__(self, rng):
        self.rng = rng
        self.ringing: set[str] = set()
        self.answered: set[str] = set()
        self.to_bridge: set[str] = set()
        self.ending: set[str] = set()  # legs asked to hang up, whose end is still to be reported
        self.callers: set[str] = set()

    def take(self, outputs):
        for out in outputs:
            if isinstance(out, Offer):
                self.ringing.add(out.offer_id)
            elif isinstance(out, CancelOffer):
                self.ringing.discard(out.offer_id)
                self.answered.discard(out.offer_id)
                self.to_bridge.discard(out.offer_id)
                self.ending.add(out.offer_id)
            elif isinstance(out, ConnectCallToAgent):
                self.to_bridge.add(out.offer_id)
            elif isinstance(out, (EndCall, Overflow)):
                self.callers.discard(out.call_id)

    def random_event(self):
        """Something Asterisk (or a person) could do now, as (event type, args, kwargs), or None."""
        choices = []
        if self.ringing:
            offer = self.rng.choice(sorted(self.ringing))
            choices += [("answer", offer), ("refuse", offer)]
        if self.to_bridge:
            choices.append(("bridge", self.rng.choice(sorted(self.to_bridge))))
        if self.answered:
            choices.append(("agent_hangup", self.rng.choice(sorted(self.answered))))
        if self.ending:
            choices.append(("leg_gone", self.rng.choice(sorted(self.ending))))
        if self.callers:
            choices.append(("caller_hangup", self.rng.choice(sorted(self.callers))))
        if not choices:
            return None
        kind, ref = self.rng.choice(choices)
        if kind == "answer":
            self.ringing.discard(ref)
            self.answered.add(ref)
            return ev.OfferAnswered, (ref,), {}
        if kind == "bridge":
            self.to_bridge.discard(ref)
            return ev.CallBridged, (ref,), {}
        if kind in ("refuse", "agent_hangup", "leg_gone"):
            for legs in (self.ringing, self.answered, self.to_bridge, self.ending):
                legs.discard(ref)
            return ev.AgentLegEnded, (ref,), {"cause": kind}
        self.callers.discard(ref)
        return ev.CallerHungUp, (ref,), {}


def check_invariants(dispatcher):
    holders = {}
    answered_per_call = {}
    for offer in dispatcher._offers.values():
        assert offer.agent_id not in holders, f"{offer.agent_id} holds two offers"
        holders[offer.agent_id] = offer.offer_id
        if offer.phase in (OfferPhase.ANSWERED, OfferPhase.CONNECTED):
            assert offer.call_id not in answered_per_call, f"{offer.call_id} has two agents"
            answered_per_call[offer.call_id] = offer.agent_id
    for agent_id, record in dispatcher._agents.items():
        assert record.leg == holders.get(agent_id), agent_id
        if record.status.state in (S.RINGING, S.ON_CALL):
            assert record.leg is not None, f"{agent_id} is {record.status.state} without an offer"


@pytest.mark.parametrize("seed", range(40))
def test_random_interleavings_keep_the_guarantees(seed):
    rng = random.Random(seed)
    rig = Rig(CONFIG, seed=seed)
    asterisk = FakeAsterisk(rng)
    for i, agent_id in enumerate(AGENTS):
        queues = {"sales": i % 2, "support": 0} if i % 3 else {"vip": 0, "sales": 1}
        profile = AgentProfile(agent_id, agent_id, f"10{i}", {"vip": 1 + i % 5}, queues)
        asterisk.take(rig.send(ev.AgentLoggedIn, profile, Device("softphone", f"PJSIP/{agent_id}")))
    calls = 0
    for _ in range(500):
        roll = rng.random()
        if roll < 0.15:
            calls += 1
            call_id = f"c{calls}"
            asterisk.callers.add(call_id)
            outputs = rig.call(call_id, queue=rng.choice(["sales", "support", "vip"]))
        elif roll < 0.25:
            rig.now += timedelta(seconds=rng.choice([0.5, 1, 3, 5]))
            outputs = rig.send(ev.Tick)
        elif roll < 0.31:
            outputs = rig.send(ev.Reconfigured, parse_config(rng.choice([CONFIG, RELOADED])))
        elif roll < 0.36:
            agent_id = rng.choice(AGENTS)
            event = rng.choice([(ev.AgentPaused, (agent_id, "break")), (ev.AgentUnpaused, (agent_id,)),
                                (ev.AgentLoggedOut, (agent_id,)),
                                (ev.DeviceRegistration, (f"PJSIP/{agent_id}",), {"registered": rng.random() < .7}),
                                (ev.DeviceBusy, (f"PJSIP/{agent_id}",), {"busy": rng.random() < .3})])
            try:
                outputs = rig.send(event[0], *event[1], **(event[2] if len(event) > 2 else {}))
            except AgentStateRefused:
                outputs = []
        else:
            picked = asterisk.random_event()
            if picked is None:
                continue
            kind, args, kwargs = picked
            outputs = rig.send(kind, *args, **kwargs)
        asterisk.take(outputs)
        check_invariants(rig.dispatcher)

    # wind down: every caller leaves, every leg ends, time passes
    for call_id in sorted(asterisk.callers):
        asterisk.take(rig.send(ev.CallerHungUp, call_id))
    while (picked := asterisk.random_event()) is not None:
        kind, args, kwargs = picked
        if kind is ev.OfferAnswered:
            kind, kwargs = ev.AgentLegEnded, {"cause": "refuse"}
        asterisk.take(rig.send(kind, *args, **kwargs))
        check_invariants(rig.dispatcher)
    rig.advance(60)
    d = rig.dispatcher
    assert d._offers == {} and d._calls == {}
    for agent_id in AGENTS:
        assert rig.state(agent_id) in (S.AVAILABLE, S.PAUSED, S.LOGGED_OUT), agent_id
        assert d.holds_offer(agent_id) is None
