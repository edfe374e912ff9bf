"""A supervisor inside a call's flow: routed by id, started only on a connected call, ended with it."""

from __future__ import annotations

import pytest

from telephony.asterisk.translate import translate
from telephony.commands import DestroyBridge, Hangup, Originate, Snoop
from telephony.events import SnoopEntered, SupervisorLegAnswered, SupervisorLegEnded
from telephony.requests import MonitorRequested, MonitorStopped
from telephony.supervision.call_supervision import CallSupervision
from telephony.supervision.events import SupervisorJoined, SupervisorLeft
from telephony.supervision.monitor import MonitorRefused


def test_supervision_channels_reach_the_call_they_watch():
    leg = {"type": "StasisStart", "channel": {"id": "c1-sup-0-leg"}, "args": ["leg", "c1"]}
    snoop = {"type": "StasisStart", "channel": {"id": "c1-sup-2-snoop"}, "args": ["snoop", "both", "out"]}
    gone = {"type": "ChannelDestroyed", "channel": {"id": "c1-sup-0-leg"}, "cause": 17}
    assert translate(leg) == SupervisorLegAnswered("c1", "c1-sup-0-leg")
    assert translate(snoop) == SnoopEntered("c1", "c1-sup-2-snoop")
    assert translate(gone) == SupervisorLegEnded("c1", "c1-sup-0-leg", 17)
    assert translate({"type": "ChannelDestroyed", "channel": {"id": "c1-sup-2-snoop"}}) is None


def test_a_call_without_an_agent_is_not_monitored():
    supervision = CallSupervision("c1")
    with pytest.raises(MonitorRefused, match="not connected"):
        supervision.request(MonitorRequested("c1", "listen", "PJSIP/1900", "u1"), None, None)
    assert supervision.session is None


def test_join_report_then_the_call_ending_ends_the_session():
    supervision = CallSupervision("c1")
    [originate] = supervision.request(MonitorRequested("c1", "listen", "PJSIP/1900", "u1"), "c1-leg-1", "c1-talk")
    assert isinstance(originate, Originate) and originate.leg_id == "c1-sup-0-leg"
    commands = supervision.handle(SupervisorLegAnswered("c1", "c1-sup-0-leg"), "c1-leg-1", "c1-talk")
    assert isinstance(commands[1], Snoop) and commands[-1] == SupervisorJoined("c1", "u1", "listen")
    assert supervision.call_ended()[-1] == SupervisorLeft("c1", "u1", "call ended")
    assert supervision.session is None and supervision.call_ended() == []


def test_an_unanswered_supervisor_phone_and_a_stop_are_reported():
    supervision = CallSupervision("c1")
    supervision.request(MonitorRequested("c1", "barge", "PJSIP/1900", "u1"), "c1-leg-1", "c1-talk")
    commands = supervision.handle(SupervisorLegEnded("c1", "c1-sup-0-leg", 19), "c1-leg-1", "c1-talk")
    assert commands == [DestroyBridge("c1-sup-0-bridge"), SupervisorLeft("c1", "u1", "no answer")]
    supervision.request(MonitorRequested("c1", "listen", "PJSIP/1900", "u2"), "c1-leg-1", "c1-talk")
    commands = supervision.request(MonitorStopped("c1"), "c1-leg-1", "c1-talk")
    assert commands[0] == Hangup("c1-sup-0-leg") and commands[-1] == SupervisorLeft("c1", "u2", "stopped")
    assert supervision.handle(SnoopEntered("c1", "c1-sup-1-snoop"), None, None) == [Hangup("c1-sup-1-snoop")]


def test_the_watched_agent_leaving_by_a_transfer_ends_the_session():
    supervision = CallSupervision("c1")
    supervision.request(MonitorRequested("c1", "listen", "PJSIP/1900", "u1"), "c1-leg-1", "c1-talk")
    supervision.handle(SupervisorLegAnswered("c1", "c1-sup-0-leg"), "c1-leg-1", "c1-talk")
    assert supervision.agent_changed("c1-leg-1") == []
    commands = supervision.agent_changed("c1-leg-2")
    assert Hangup("c1-sup-0-leg") in commands and commands[-1] == SupervisorLeft("c1", "u1", "agent left")
    assert supervision.session is None and supervision.agent_changed(None) == []
