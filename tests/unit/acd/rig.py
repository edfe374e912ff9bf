"""A dispatcher under test: a fake clock, seeded randomness, readable offer ids."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta, timezone

from telephony.acd import events as ev
from telephony.acd.commands import Offer
from telephony.acd.dispatcher import Dispatcher
from telephony.model import AgentProfile, Device
from telephony.config import parse_config

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def of(kind, outputs):
    return [o for o in outputs if isinstance(o, kind)]


class Rig:
    def __init__(self, config_yaml: str, seed: int = 7):
        self.now = T0
        ids = itertools.count(1)
        self.dispatcher = Dispatcher(parse_config(config_yaml), rng=random.Random(seed),
                                     new_id=lambda: f"o{next(ids)}")
        self.outputs: list = []

    def send(self, event_type, *args, **kwargs):
        out = self.dispatcher.handle(event_type(*args, at=self.now, **kwargs))
        self.outputs.extend(out)
        return out

    def advance(self, seconds: float):
        self.now += timedelta(seconds=seconds)
        return self.send(ev.Tick)

    def login(self, agent_id, queues=None, skills=None, device=None, paused=None):
        profile = AgentProfile(agent_id, agent_id.title(), f"1{len(agent_id)}", dict(skills or {}),
                               dict(queues if queues is not None else {"q": 0}))
        return self.send(ev.AgentLoggedIn, profile, device or Device("softphone", f"PJSIP/{agent_id}"),
                         paused_reason=paused)

    def call(self, call_id, queue="q", priority=None, number="+15550001", name="Ann", skills=()):
        return self.send(ev.CallQueued, call_id, queue, caller_number=number, caller_name=name,
                         priority=priority, skills=tuple(skills))

    def offers(self, out):
        return of(Offer, out)

    def offered(self, out):
        """(call, agent) pairs offered, in order."""
        return [(o.call_id, o.agent_id) for o in of(Offer, out)]

    def answer_and_bridge(self, offer_id):
        out = self.send(ev.OfferAnswered, offer_id)
        out += self.send(ev.CallBridged, offer_id)
        return out

    def state(self, agent_id):
        return self.dispatcher.agent(agent_id).state
