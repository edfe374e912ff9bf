"""Every kind of IVR node driven through the pure flow, with an injected clock and ids."""

from datetime import datetime, timedelta, timezone
from itertools import count

import pytest

from telephony.commands import (Answer, CancelTimer, EnterQueue, Hangup, Play, StartRecording, StartTimer,
                                StopPlayback, Transfer)
from telephony.config import parse_config
from telephony.events import (CallArrived, ChannelHungUp, DtmfReceived, PlaybackFinished, RecordingFinished,
                              TimerFired)
from telephony.ivr.choice import Choice
from telephony.ivr.flow import flow_for_call
from telephony.timers import TimerId, TimerKind

CONFIG = parse_config("""
dids:
  "1": {entry: main}
  "2": {entry: account}
  "3": {entry: hours}
  "4": {entry: language}
  "5": {entry: vm}
  "6": {entry: strict}
queues: {sales: {}, billing: {}}
ivr:
  main:
    kind: menu
    prompts: ["sound:main"]
    options: {1: sales, 2: "queue:billing", 3: agent, 4: outside, 9: sub}
    timeout: 5
    retries: 1
    invalid_prompts: ["sound:invalid"]
    timeout_prompts: ["sound:try-again"]
    default: bye
  sub: {kind: menu, prompts: ["sound:sub"], options: {1: bye}}
  sales: {kind: queue, queue: sales, priority: 7, skills: {french: 2}, prompts: ["sound:hold"]}
  agent: {kind: transfer, to: "1002"}
  outside: {kind: transfer, to: "+4930123456"}
  account:
    kind: collect
    prompts: ["sound:account"]
    variable: account
    min_length: 4
    max_length: 6
    pattern: "^[1-9][0-9]*$"
    retries: 1
    next: bye
    on_invalid: sorry
  strict: {kind: menu, prompts: ["sound:x"], options: {1: bye}, retries: 0}
  hours:
    kind: schedule
    timezone: America/New_York
    hours: {mon-fri: "09:00-17:00", sat: "10:00-24:00"}
    holidays: [2026-12-25]
    open: bye
    closed: sorry
  language: {kind: language, prompts: ["sound:lang"], options: {1: en, 2: fr}, next: bye}
  vm: {kind: voicemail, box: sales, max_seconds: 60, silence_seconds: 4}
  bye: {kind: hangup, prompts: ["sound:bye"]}
  sorry: {kind: hangup}
""")

START = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in New York


class Clock:
    def __init__(self, now=START):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds: float):
        self.now += timedelta(seconds=seconds)


def ivr_timer(serial):
    return TimerId(TimerKind.IVR_INPUT, serial)


def make(dialled, clock=None):
    ids = count(1)
    call = CallArrived("c", "inbound", dialled, "+4930123456", "", START)
    return flow_for_call(CONFIG, call, clock or Clock(), lambda: f"id{next(ids)}")


def key(flow, digit):
    return flow.handle(DtmfReceived("c", digit))


def notes(flow):
    return [(s.node, s.note, s.digits) for s in flow.path]


# ---- menu ----

def test_key_during_prompt_stops_it_and_routes():
    flow = make("1")
    assert flow.start() == [Answer("c"), Play("c", "id1", ("sound:main",), "en")]
    assert key(flow, "9") == [StopPlayback("id1"), Play("c", "id2", ("sound:sub",), "en")]
    assert flow.handle(PlaybackFinished("c", "id1")) == []  # the stopped prompt's end moves nothing
    assert notes(flow) == [("main", "", ""), ("main", "interrupted", ""), ("main", "chosen", "9"), ("sub", "", "")]


def test_key_after_prompt_cancels_the_timer():
    flow = make("1")
    flow.start()
    assert flow.handle(PlaybackFinished("c", "id1")) == [StartTimer(ivr_timer("id2"), 5)]
    assert key(flow, "9") == [CancelTimer(ivr_timer("id2")), Play("c", "id3", ("sound:sub",), "en")]
    assert flow.handle(TimerFired("c", ivr_timer("id2"))) == []  # a stale timer does nothing


def test_timeout_retries_with_its_prompt_then_goes_to_default():
    flow = make("1")
    flow.start()
    flow.handle(PlaybackFinished("c", "id1"))
    assert flow.handle(TimerFired("c", ivr_timer("id2"))) == [
        Play("c", "id3", ("sound:try-again", "sound:main"), "en")]
    flow.handle(PlaybackFinished("c", "id3"))
    assert flow.handle(TimerFired("c", ivr_timer("id4"))) == [Play("c", "id5", ("sound:bye",), "en")]
    assert flow.handle(PlaybackFinished("c", "id5")) == [Hangup("c")]
    assert flow.outcome == "ivr_completed"
    assert [n for _, n, _ in notes(flow)] == ["", "timeout", "timeout", "default", ""]


def test_invalid_key_retries_with_its_prompt_then_goes_to_default():
    flow = make("1")
    flow.start()
    assert key(flow, "7") == [StopPlayback("id1"), Play("c", "id2", ("sound:invalid", "sound:main"), "en")]
    assert key(flow, "8")[-1] == Play("c", "id3", ("sound:bye",), "en")
    assert notes(flow)[-3:] == [("main", "invalid", "8"), ("main", "default", ""), ("bye", "", "")]


def test_menu_without_default_hangs_up_when_retries_are_spent():
    flow = make("6")
    flow.start()
    flow.handle(PlaybackFinished("c", "id1"))
    assert flow.handle(TimerFired("c", ivr_timer("id2"))) == [Hangup("c")]
    assert flow.outcome == "ivr_no_choice"


def test_choice_from_any_source_is_the_same():
    flow = make("1")
    flow.start()
    assert flow.choose(Choice("9", source="speech"))[-1] == Play("c", "id2", ("sound:sub",), "en")


# ---- destinations ----

def test_queue_node_plays_its_prompt_then_enters_the_queue():
    flow = make("1")
    flow.start()
    assert key(flow, "1")[-1] == Play("c", "id2", ("sound:hold",), "en")
    assert flow.handle(PlaybackFinished("c", "id2")) == [EnterQueue("c", "sales", 7, (("french", 2),))]
    assert flow.outcome == "queued"
    assert flow.data["handoff"] == {"queue": "sales", "priority": 7, "skills": {"french": 2}}


def test_queue_shorthand_target():
    flow = make("1")
    flow.start()
    assert key(flow, "2") == [StopPlayback("id1"), EnterQueue("c", "billing", None, ())]  # the queue's own
    assert flow.path[-1].node == "queue:billing"


@pytest.mark.parametrize("digit, destination", [("3", "1002"), ("4", "+4930123456")])
def test_transfer(digit, destination):
    flow = make("1")
    flow.start()
    assert key(flow, digit)[-1] == Transfer("c", destination)
    assert flow.outcome == "transferred"


# ---- collect ----

def test_collect_until_terminator_stores_the_value():
    flow = make("2")
    flow.start()
    assert key(flow, "1") == [StopPlayback("id1"), StartTimer(ivr_timer("id2"), 5)]
    for d in "234":
        key(flow, d)
    assert key(flow, "#") == [CancelTimer(ivr_timer("id5")), Play("c", "id6", ("sound:bye",), "en")]
    assert flow.collected == {"account": "1234"}
    assert ("account", "collected", "1234") in notes(flow)
    assert flow.data["collected"] == {"account": "1234"}


def test_collect_ends_at_max_length_and_on_silence_after_keys():
    flow = make("2")
    flow.start()
    for d in "123456":
        key(flow, d)
    assert flow.collected == {"account": "123456"}
    flow = make("2")
    flow.start()
    flow.handle(PlaybackFinished("c", "id1"))
    for d in "12345":
        key(flow, d)
    flow.handle(TimerFired("c", flow._timer))
    assert flow.collected == {"account": "12345"}


def test_collect_rejects_bad_values_then_goes_on_invalid():
    flow = make("2")
    flow.start()
    for d in "0123#":  # does not match the pattern
        out = key(flow, d)
    assert out[-1] == Play("c", "id6", ("sound:invalid", "sound:account"), "en")
    for d in "12#":  # too short
        out = key(flow, d)
    assert flow.outcome == "ivr_completed" and out[-1] == Hangup("c")
    assert [(n, d) for _, n, d in notes(flow) if n in ("invalid", "default")] == [
        ("invalid", "0123"), ("invalid", "12"), ("default", "")]
    assert flow.collected == {}


# ---- schedule ----

@pytest.mark.parametrize("moment, opened", [
    (datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc), True),    # Monday 10:00 in New York
    (datetime(2026, 11, 23, 13, 59, tzinfo=timezone.utc), False),  # Monday 08:59
    (datetime(2026, 11, 23, 22, 0, tzinfo=timezone.utc), False),   # Monday 17:00: closing time
    (datetime(2026, 11, 29, 4, 30, tzinfo=timezone.utc), True),    # Saturday 23:30 (open until midnight)
    (datetime(2026, 11, 29, 16, 0, tzinfo=timezone.utc), False),   # Sunday
    (datetime(2026, 12, 25, 16, 0, tzinfo=timezone.utc), False),   # a holiday on a Friday
    (datetime(2026, 7, 1, 13, 30, tzinfo=timezone.utc), True),     # summer time: 09:30 EDT
])
def test_schedule_branches_on_local_hours_and_holidays(moment, opened):
    flow = make("3", Clock(moment))
    commands = flow.start()
    assert [s.note for s in flow.path][:2] == ["", "open" if opened else "closed"]
    if opened:
        assert commands[-1] == Play("c", "id1", ("sound:bye",), "en")
    else:
        assert commands[-1] == Hangup("c")


# ---- language ----

def test_language_choice_changes_the_following_prompts():
    flow = make("4")
    assert flow.start()[-1] == Play("c", "id1", ("sound:lang",), "en")
    assert key(flow, "2")[-1] == Play("c", "id2", ("sound:bye",), "fr")
    assert flow.data["language"] == "fr"


def test_language_timeout_keeps_the_language():
    flow = make("4")
    flow.start()
    flow.handle(PlaybackFinished("c", "id1"))
    assert flow.handle(TimerFired("c", ivr_timer("id2"))) == [Play("c", "id3", ("sound:bye",), "en")]


# ---- voicemail ----

def test_voicemail_greets_records_and_says_goodbye():
    clock = Clock()
    flow = make("5", clock)
    assert flow.start()[-1] == Play("c", "id1", ("sound:vm-intro",), "en")
    assert flow.handle(PlaybackFinished("c", "id1")) == [StartRecording("c", "id2", 60, 4, "#", True, "wav")]
    assert key(flow, "#") == []  # Asterisk ends the recording on # itself
    assert flow.handle(RecordingFinished("c", "id2", duration=7)) == [Play("c", "id3", ("sound:vm-goodbye",), "en")]
    assert flow.handle(PlaybackFinished("c", "id3")) == [Hangup("c")]
    assert flow.outcome == "voicemail"
    assert flow.voicemail.box == "sales" and flow.voicemail.duration == 7


def test_voicemail_kept_when_the_caller_hangs_up_while_recording():
    clock = Clock()
    flow = make("5", clock)
    flow.start()
    flow.handle(PlaybackFinished("c", "id1"))
    clock.advance(12.5)
    assert flow.handle(ChannelHungUp("c", "left")) == []
    assert flow.outcome == "voicemail" and flow.voicemail.duration == 12.5


def test_caller_hanging_up_during_greeting_leaves_no_message():
    flow = make("5")
    flow.start()
    flow.handle(ChannelHungUp("c", "left"))
    assert flow.outcome is None and flow.voicemail is None


def test_failed_recording_apologises():
    flow = make("5")
    flow.start()
    flow.handle(PlaybackFinished("c", "id1"))
    assert flow.handle(RecordingFinished("c", "id2", failed=True))[-1].media == ("sound:tt-somethingwrong",)
    assert flow.voicemail is None


# ---- reload ----

def test_a_reload_applies_to_new_calls_while_calls_in_progress_keep_their_menu():
    current = {"config": CONFIG}

    def new_call():
        ids = count(1)
        call = CallArrived("c", "inbound", "1", "+4930123456", "", START)
        return flow_for_call(current["config"], call, Clock(), lambda: f"id{next(ids)}")

    before = new_call()
    before.start()
    current["config"] = parse_config('dids: {"1": {entry: x}}\nivr: {x: {kind: hangup, prompts: ["sound:new"]}}')
    after = new_call()
    assert after.start()[-1] == Play("c", "id1", ("sound:new",), "en")
    assert key(before, "9")[-1] == Play("c", "id2", ("sound:sub",), "en")
