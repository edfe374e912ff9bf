"""Each strategy, penalties and required skills, through the dispatcher."""

from collections import Counter

import pytest

from telephony.acd import events as ev
from telephony.acd.commands import CancelOffer
from tests.unit.acd.rig import Rig, of


def queue_rig(strategy, extra=""):
    return Rig(f"queues: {{q: {{strategy: {strategy}, wrap_up_seconds: 0 {extra}}}}}")


def serve(rig, call_id):
    """Queue a call, connect whoever is offered, end the call; return the agent."""
    (offer,) = rig.offers(rig.call(call_id))
    rig.answer_and_bridge(offer.offer_id)
    rig.send(ev.CallerHungUp, call_id)
    rig.send(ev.AgentLegEnded, offer.offer_id)
    return offer.agent_id


def test_longest_idle_takes_the_agent_available_longest():
    rig = queue_rig("longest-idle")
    for name in ("ann", "bob", "cid"):
        rig.login(name)
        rig.advance(1)
    assert [serve(rig, f"c{i}") for i in range(4)] == ["ann", "bob", "cid", "ann"]


def test_round_robin_goes_around_in_join_order():
    rig = queue_rig("round-robin")
    for name in ("ann", "bob", "cid"):
        rig.login(name)
    rig.send(ev.AgentPaused, "bob", "lunch")
    assert [serve(rig, f"c{i}") for i in range(3)] == ["ann", "cid", "ann"]
    rig.send(ev.AgentUnpaused, "bob")
    assert [serve(rig, f"d{i}") for i in range(3)] == ["bob", "cid", "ann"]


def test_fewest_calls_takes_the_agent_with_fewest_answered_calls():
    rig = queue_rig("fewest-calls")
    rig.login("ann")
    rig.login("bob")
    assert serve(rig, "c1") == "ann"
    assert serve(rig, "c2") == "bob"
    rig.send(ev.AgentPaused, "bob", "break")
    assert serve(rig, "c3") == "ann"
    rig.send(ev.AgentUnpaused, "bob")
    assert serve(rig, "c4") == "bob"  # 1 call against ann's 2, though ann waited longer


def test_random_is_seeded_and_spreads():
    picks = []
    for _ in range(2):
        rig = queue_rig("random")
        for name in ("ann", "bob", "cid", "dan"):
            rig.login(name)
        picks.append([serve(rig, f"c{i}") for i in range(40)])
    assert picks[0] == picks[1]
    assert set(Counter(picks[0])) == {"ann", "bob", "cid", "dan"}


def test_ring_all_rings_every_offerable_agent_at_once():
    rig = queue_rig("ring-all")
    for name in ("ann", "bob", "cid"):
        rig.login(name)
    rig.send(ev.AgentPaused, "cid", "break")
    assert rig.offered(rig.call("c1")) == [("c1", "ann"), ("c1", "bob")]


def test_skills_based_prefers_best_match_then_longest_idle():
    rig = Rig("queues: {q: {strategy: skills-based, required_skills: {french: 2, billing: 1}}}")
    rig.login("low", skills={"french": 2, "billing": 1})
    rig.advance(1)
    rig.login("high1", skills={"french": 5, "billing": 3})
    rig.advance(1)
    rig.login("high2", skills={"french": 4, "billing": 4})
    rig.login("unfit", skills={"french": 1, "billing": 5})  # below the minimum in french
    rig.login("none")
    assert rig.offered(rig.call("c1")) == [("c1", "high1")]  # 8 = 8, high1 idle longer
    assert rig.offered(rig.call("c2")) == [("c2", "high2")]
    assert rig.offered(rig.call("c3")) == [("c3", "low")]
    assert rig.offered(rig.call("c4")) == []


def test_required_skills_filter_every_strategy():
    rig = Rig("queues: {q: {strategy: longest-idle, required_skills: {german: 3}}}")
    rig.login("ann", skills={"german": 2})
    rig.login("bob", skills={"german": 3})
    assert rig.offered(rig.call("c1")) == [("c1", "bob")]
    assert rig.offered(rig.call("c2")) == []


@pytest.mark.parametrize("strategy", ["longest-idle", "round-robin", "fewest-calls", "random", "ring-all",
                                      "skills-based"])
def test_lower_penalty_tier_first_then_the_next(strategy):
    rig = queue_rig(strategy)
    rig.login("far", queues={"q": 5})
    rig.login("near1", queues={"q": 0})
    rig.login("near2", queues={"q": 0})
    first = {a for _, a in rig.offered(rig.call("c1"))}
    assert first <= {"near1", "near2"} and first
    if strategy != "ring-all":
        assert {a for _, a in rig.offered(rig.call("c2"))} <= {"near1", "near2"}
    assert rig.offered(rig.call("c3")) == [("c3", "far")]


def test_ring_all_rings_only_the_best_tier():
    rig = queue_rig("ring-all")
    rig.login("far", queues={"q": 1})
    rig.login("near", queues={"q": 0})
    out = rig.call("c1")
    assert rig.offered(out) == [("c1", "near")]
    assert not of(CancelOffer, out)
