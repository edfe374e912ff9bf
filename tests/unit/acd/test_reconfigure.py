"""A reload of the call-center file and a change of an agent's skills, with calls and agents in flight."""

import pytest

from telephony.acd import events as ev
from telephony.acd.commands import Announce, Overflow
from telephony.model import AgentProfile
from telephony.model import AgentState as S
from telephony.acd.phases import WaitingCallPhase
from telephony.config import parse_config
from telephony.errors import Refused
from tests.unit.acd.rig import Rig, of


def reload(rig, text):
    return rig.send(ev.Reconfigured, parse_config(text))


def test_waiting_calls_keep_their_places_and_agents_their_states():
    rig = Rig("queues: {q: {strategy: longest-idle}}")
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c1"))
    rig.call("c2", priority=1)
    rig.call("c3", priority=5)
    out = reload(rig, "queues: {q: {strategy: round-robin, ring_timeout: 7}}")
    assert rig.offered(out) == []  # ann still rings for c1
    assert rig.state("ann") is S.RINGING
    queue = rig.dispatcher.queue("q")
    assert [queue.position(c) for c in ("c3", "c2", "c1")] == [1, 2, 3]
    (next_offer,) = rig.offers(rig.send(ev.AgentLegEnded, offer.offer_id, cause="rejected"))
    assert (next_offer.call_id, next_offer.agent_id, next_offer.timeout) == ("c3", "ann", 7)
    assert queue.staffed == 1


def test_new_required_skills_apply_to_logged_in_agents():
    rig = Rig("queues: {q: {}}")
    rig.login("ann", skills={"french": 2})
    rig.login("bob", skills={"french": 4})
    reload(rig, "queues: {q: {required_skills: {french: 3}}}")
    assert rig.offered(rig.call("c1")) == [("c1", "bob")]
    assert rig.offered(rig.call("c2")) == []
    assert rig.dispatcher.queue("q").staffed == 1


def test_a_new_queue_takes_the_agents_whose_profile_names_it():
    rig = Rig("queues: {q: {}}")
    rig.login("ann", queues={"q": 0, "later": 0})
    with pytest.raises(Refused, match="unknown queue"):
        rig.call("c1", queue="later")
    reload(rig, "queues: {q: {}, later: {}}")
    assert rig.offered(rig.call("c1", queue="later")) == [("c1", "ann")]


def test_a_removed_queue_serves_its_calls_but_takes_no_new_ones():
    rig = Rig("queues: {q: {}, old: {}}")
    rig.call("c1", queue="old")
    reload(rig, "queues: {q: {}}")
    with pytest.raises(Refused, match="unknown queue 'old'"):
        rig.call("c2", queue="old")
    assert rig.offered(rig.login("ann", queues={"old": 0})) == [("c1", "ann")]


def test_max_wait_and_announcements_added_by_a_reload_reach_waiting_calls():
    rig = Rig("queues: {q: {}}")
    rig.call("c1")
    rig.advance(50)
    reload(rig, "queues: {q: {max_wait: 60, overflow: 'voicemail:1', announce_every: 20}}")
    assert of(Announce, rig.advance(9)) == []
    out = rig.advance(1)
    assert [o.call_id for o in of(Overflow, out)] == ["c1"]


def test_max_wait_removed_by_a_reload_no_longer_overflows():
    rig = Rig("queues: {q: {max_wait: 60, overflow: 'voicemail:1'}}")
    rig.call("c1")
    reload(rig, "queues: {q: {}}")
    assert of(Overflow, rig.advance(120)) == []
    assert rig.dispatcher.call("c1").phase is WaitingCallPhase.WAITING


def test_a_profile_change_moves_a_logged_in_agent_between_queues():
    rig = Rig("queues: {sales: {}, support: {required_skills: {tech: 2}}}")
    rig.login("ann", queues={"sales": 0})
    rig.call("t1", queue="support")
    out = rig.send(ev.AgentProfileChanged, AgentProfile("ann", "Ann", "1001", {"tech": 3}, {"support": 0}))
    assert rig.offered(out) == [("t1", "ann")]
    assert rig.dispatcher.queue("sales").staffed == 0 and rig.dispatcher.queue("support").staffed == 1
    assert rig.offered(rig.call("s1", queue="sales")) == []
