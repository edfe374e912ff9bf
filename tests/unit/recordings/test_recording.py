"""A call's recording control, the takes the archive keeps, and the file names it gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from telephony.recordings.archive import file_name
from telephony.recordings.commands import PauseRecording, RecordBridge, ResumeRecording, StopRecording
from telephony.recordings.control import CallRecording, RecordingRefused
from telephony.recordings.policy import effective_policy
from telephony.recordings.takes import Takes

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
    assert on_demand.request("start") == [RecordBridge("c2-talk", "c2-rec-1", "wav", "c2", None, None)]


def test_pause_resume_stop_and_start_again_makes_a_second_file():
    rec = CallRecording("c1", "c1-talk", "always")
    rec.connected()
    assert rec.request("pause") == [PauseRecording("c1-rec-1")]
    with pytest.raises(RecordingRefused, match="already paused"):
        rec.request("pause")
    assert rec.request("resume") == [ResumeRecording("c1-rec-1")]
    assert rec.request("stop") == [StopRecording("c1-rec-1")]
    with pytest.raises(RecordingRefused, match="not being recorded"):
        rec.request("pause")
    assert rec.request("start")[0].name == "c1-rec-2"


def test_never_refuses_to_start():
    rec = CallRecording("c1", "c1-talk", "never")
    assert rec.connected() == []
    with pytest.raises(RecordingRefused, match="never recorded"):
        rec.check("start")
    with pytest.raises(RecordingRefused, match="already"):
        started = CallRecording("c2", "c2-talk", "always")
        started.connected()
        started.check("start")


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
