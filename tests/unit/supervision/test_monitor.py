from datetime import datetime, timezone

import pytest

from telephony.channel_ids import ChannelKind, OwnedChannel, classify
from telephony.commands import (AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, RemoveFromBridge,
                                Snoop)
from telephony.requests import MonitorMode
from telephony.supervision.help_requests import HelpRequests
from telephony.supervision.monitor import MonitorRefused, MonitorSession


def session(mode: MonitorMode = MonitorMode.LISTEN) -> MonitorSession:
    return MonitorSession(call_id="c1", agent_channel="c1-leg-1", talk_bridge="c1-talk",
                          supervisor_endpoint="PJSIP/1900", mode=mode)


def test_listen_dials_the_supervisor_then_snoops_both_ways_without_whisper():
    s = session()
    [originate] = s.start()
    assert isinstance(originate, Originate) and originate.endpoint == "PJSIP/1900"
    commands = s.leg_answered()
    assert commands[0] == CreateBridge(s.bridge_id)
    assert commands[1] == Snoop(s.snoop_id, "c1-leg-1", spy="both", whisper="none")
    assert s.snoop_entered(s.snoop_id) == [AddToBridge(s.bridge_id, s.snoop_id), AddToBridge(s.bridge_id, s.leg_id)]


def test_whisper_replaces_the_snoop_and_keeps_the_supervisors_leg():
    s = session()
    s.start(), s.leg_answered()
    old = s.snoop_id
    s.snoop_entered(old)
    commands = s.switch(MonitorMode.WHISPER)
    assert commands == [Hangup(old), Snoop(s.snoop_id, "c1-leg-1", spy="both", whisper="out")]
    assert s.snoop_id != old
    assert all(getattr(c, "channel_id", None) != s.leg_id for c in commands if isinstance(c, Hangup))


def test_barge_moves_the_leg_into_the_talk_bridge_and_back():
    s = session()
    s.start(), s.leg_answered()
    snoop = s.snoop_id
    assert s.switch(MonitorMode.BARGE) == [Hangup(snoop), AddToBridge("c1-talk", s.leg_id)]
    commands = s.switch(MonitorMode.LISTEN)
    assert commands[0] == RemoveFromBridge("c1-talk", s.leg_id)
    assert isinstance(commands[1], Snoop) and commands[1].whisper == "none"


def test_a_stale_snoop_is_hung_up():
    s = session()
    s.start(), s.leg_answered()
    old = s.snoop_id
    s.switch(MonitorMode.WHISPER)
    assert s.snoop_entered(old) == [Hangup(old)]


def test_stop_and_the_supervisor_hanging_up_clear_everything():
    s = session(MonitorMode.WHISPER)
    s.start(), s.leg_answered()
    snoop = s.snoop_id
    assert s.stop() == [Hangup(s.leg_id), Hangup(snoop), DestroyBridge(s.bridge_id)]
    with pytest.raises(MonitorRefused):
        s.switch(MonitorMode.LISTEN)
    other = session()
    other.start(), other.leg_answered()
    assert other.leg_ended() == [Hangup(other.snoop_id), DestroyBridge(other.bridge_id)]


def test_ids_belong_to_the_call_and_are_not_taken_for_call_legs():
    s = session()
    s.start(), s.leg_answered()
    assert classify(s.leg_id) == OwnedChannel(ChannelKind.SUPERVISOR_LEG, "c1", 0)
    assert classify(s.snoop_id) == OwnedChannel(ChannelKind.SUPERVISOR_SNOOP, "c1", 1)
    assert s.bridge_id.startswith("c1-sup-") and classify(s.bridge_id).kind is not ChannelKind.LEG


def test_help_request_is_cleared_once_on_join_or_end():
    board = HelpRequests()
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    kind, data = board.request("c1", 7, "sales", at)
    assert kind == "help.requested" and data["call_id"] == "c1" and data["queue"] == "sales"
    assert board.request("c1", 7, "sales", at) is None
    assert [r.call_id for r in board.open()] == ["c1"]
    kind, data = board.supervisor_joined("c1")
    assert kind == "help.cleared" and data["reason"] == "joined"
    assert board.agent_done("c1", 7) is None
    board.request("c2", 8, "billing", at)
    assert board.agent_done("c2", 9) is None  # another agent's part of the call ending leaves it open
    assert board.agent_done("c2", 8)[1]["reason"] == "ended"
    assert board.open() == []
