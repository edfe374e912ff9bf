"""A call's recording control, the takes the archive keeps, and the file names it gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from telephony.recordings.archive import file_name
from telephony.commands import (Hangup, PauseRecording, RecordBridge, RecordChannel, ResumeRecording, Snoop,
                                StopRecording)
from telephony.recordings.commands import RecordingAgent
from telephony.recordings.control import CallRecording, RecordingRefused
from telephony.recordings.policy import effective_policy
from telephony.recordings.takes import Takes
from telephony.requests import RecordingAction

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def test_agent_policy_overrides_the_queue_both_ways():
    assert effective_policy("on_demand", None) == "on_demand"
    assert effective_policy("on_demand", "always") == "always"
    assert effective_policy("always", "never") == "never"


def test_always_starts_on_answer_and_on_demand_waits_for_the_agent():
    always = CallRecording("c1", "c1-talk", "always", "a1", "sales")
    assert always.connected() == [RecordBridge("c1-talk", "c1-rec-1", "wav", "c1", "a1", "sales")]
    on_demand = CallRecording("c2", "c2-talk", "on_demand")
    assert on_demand.connected() == []
    assert on_demand.request(RecordingAction.START) == [RecordBridge("c2-talk", "c2-rec-1", "wav", "c2", None, None)]


def test_pause_resume_stop_and_start_again_makes_a_second_file():
    rec = CallRecording("c1", "c1-talk", "always")
    rec.connected()
    assert rec.request(RecordingAction.PAUSE) == [PauseRecording("c1-rec-1")]
    with pytest.raises(RecordingRefused, match="already paused"):
        rec.request(RecordingAction.PAUSE)
    assert rec.request(RecordingAction.RESUME) == [ResumeRecording("c1-rec-1")]
    assert rec.request(RecordingAction.STOP) == [StopRecording("c1-rec-1")]
    with pytest.raises(RecordingRefused, match="not being recorded"):
        rec.request(RecordingAction.PAUSE)
    assert rec.request(RecordingAction.START)[0].name == "c1-rec-2"


def test_never_refuses_to_start():
    rec = CallRecording("c1", "c1-talk", "never")
    assert rec.connected() == []
    with pytest.raises(RecordingRefused, match="never recorded"):
        rec.check(RecordingAction.START)
    with pytest.raises(RecordingRefused, match="already"):
        started = CallRecording("c2", "c2-talk", "always")
        started.connected()
        started.check(RecordingAction.START)


def test_takes_keep_paused_spans_with_their_place_in_the_file():
    takes = Takes()
    takes.note(RecordBridge("c1-talk", "c1-rec-1", "wav", "c1", "a1", "sales"), T0)
    takes.note(PauseRecording("c1-rec-1"), T0 + timedelta(seconds=2))
    takes.note(ResumeRecording("c1-rec-1"), T0 + timedelta(seconds=5))
    takes.note(PauseRecording("c1-rec-1"), T0 + timedelta(seconds=7))
    take = takes.finish("c1-rec-1", T0 + timedelta(seconds=8))  # ended while paused: the span closes
    assert take.expected_seconds == 4.0
    spans = take.paused_spans()
    assert [(s["offset_seconds"], s["seconds"]) for s in spans] == [(2.0, 3.0), (4.0, 1.0)]
    assert takes.finish("c1-rec-1", T0) is None


def test_file_names_follow_the_interaction_and_number_later_recordings():
    takes = Takes()
    takes.note(RecordBridge("c1-talk", "c1-rec-2", "wav", "c1", None, None), T0)
    take = takes.finish("c1-rec-2", T0)
    assert file_name(take, "5f0c") == "2026/11/22/5f0c-2.wav"
    takes.note(RecordBridge("c1-talk", "c1-rec-1", "gsm", "c1", None, None), T0)
    assert file_name(takes.finish("c1-rec-1", T0), None) == "2026/11/22/c1.gsm"


def test_from_the_queue_a_snoop_on_the_caller_is_recorded_and_handed_to_the_agent():
    rec = CallRecording("c1", "c1-talk", "always", None, "sales", source="caller")
    [snoop] = rec.connected()
    assert snoop == Snoop("c1-recsnoop-1", "c1", spy="both", whisper="none")
    assert rec.snoop_entered("c1-recsnoop-1") == [RecordChannel("c1-recsnoop-1", "c1-rec-1", "wav", "c1", None,
                                                                "sales")]
    assert rec.snoop_entered("c1-recsnoop-9") == [Hangup("c1-recsnoop-9")]
    assert rec.connected("a1", "always") == [RecordingAgent("c1-rec-1", "a1")]  # same file, now the agent's
    assert rec.request(RecordingAction.STOP) == [StopRecording("c1-rec-1"), Hangup("c1-recsnoop-1")]


def test_an_agent_who_is_never_recorded_stops_a_recording_begun_in_the_queue():
    rec = CallRecording("c1", "c1-talk", "always", None, "sales", source="caller")
    rec.connected()
    assert rec.connected("a1", "never") == [StopRecording("c1-rec-1"), Hangup("c1-recsnoop-1")]
    assert not rec.recording


def test_call_recordings_of_any_kind_go_to_the_archive():
    from telephony.asterisk.translate import translate
    from telephony.events import CallRecordingFinished, RecordingSnoopEntered

    snooped = {"type": "RecordingFinished", "recording": {"name": "c1-rec-1", "target_uri": "channel:c1-recsnoop-1"}}
    assert translate(snooped) == CallRecordingFinished("c1-rec-1", False)
    entered = {"type": "StasisStart", "channel": {"id": "c1-recsnoop-1"}, "args": ["snoop", "both", "none"]}
    assert translate(entered) == RecordingSnoopEntered("c1", "c1-recsnoop-1")
    assert translate({"type": "ChannelDestroyed", "channel": {"id": "c1-recsnoop-1"}}) is None
