from datetime import datetime, timedelta, timezone
from itertools import count

from telephony.commands import Answer, Hangup, Play
from telephony.config import parse_config
from telephony.events import FOUND_GONE, CallArrived, ChannelHungUp, DtmfReceived, PlaybackFinished
from telephony.ivr.flow import NO_SERVICE_PROMPT, flow_for_call

CONFIG = parse_config("""
dids:
  "100": {entry: welcome, language: fr}
ivr:
  welcome: {kind: play, prompts: ["sound:hello", "sound:menu"], next: bye}
  bye: {kind: hangup, prompts: ["sound:goodbye"]}
  silent: {kind: hangup}
""")


NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)

    def __call__(self):
        self.now += timedelta(seconds=1)
        return self.now


def make(dialled="100", config=CONFIG, answered=False):
    ids = count(1)
    call = CallArrived("chan-1", "inbound", dialled, "+4930123456", "", NOW, answered=answered)
    return flow_for_call(config, call, Clock(), lambda: f"pb-{next(ids)}")


def test_walks_play_then_hangup_with_goodbye():
    flow = make()
    assert flow.start() == [Answer("chan-1"), Play("chan-1", "pb-1", ("sound:hello", "sound:menu"), "fr")]
    assert flow.handle(PlaybackFinished("chan-1", "pb-1")) == [Play("chan-1", "pb-2", ("sound:goodbye",), "fr")]
    assert not flow.finished
    assert flow.handle(PlaybackFinished("chan-1", "pb-2")) == [Hangup("chan-1")]
    assert flow.outcome == "ivr_completed"
    assert [s.node for s in flow.path] == ["welcome", "bye"]
    assert flow.path[0].at < flow.path[1].at


def test_a_caller_hanging_up_during_the_goodbye_completed_the_ivr():
    flow = make()
    flow.start()
    flow.handle(PlaybackFinished("chan-1", "pb-1"))
    flow.handle(ChannelHungUp("chan-1", "left"))
    assert flow.outcome == "ivr_completed"


def test_a_caller_gone_before_the_goodbye_could_play_did_not():
    """The prompt ended because the caller hung up; the goodbye's Play then found the channel gone."""
    flow = make()
    flow.start()
    flow.handle(PlaybackFinished("chan-1", "pb-1"))
    flow.handle(ChannelHungUp("chan-1", FOUND_GONE))
    assert flow.outcome is None  # the session records the call as abandoned


def test_ignores_events_it_does_not_wait_for():
    flow = make()
    flow.start()
    assert flow.handle(PlaybackFinished("chan-1", "some-other")) == []
    assert flow.handle(DtmfReceived("chan-1", "5")) == []


def test_unknown_number_is_refused_with_a_message():
    flow = make("555")
    assert flow.start() == [Answer("chan-1"), Play("chan-1", "pb-1", (NO_SERVICE_PROMPT,), "en")]
    assert flow.handle(PlaybackFinished("chan-1", "pb-1")) == [Hangup("chan-1")]
    assert flow.outcome == "refused"


def test_hangup_node_without_prompts_hangs_up_at_once():
    config = parse_config('dids: {"1": {entry: silent}}\nivr: {silent: {kind: hangup}}')
    flow = make("1", config)
    assert flow.start() == [Answer("chan-1"), Hangup("chan-1")]
    assert flow.finished
    assert flow.handle(PlaybackFinished("chan-1", "x")) == []


def test_adopted_call_that_is_up_is_not_answered_again():
    flow = make(answered=True)
    assert flow.start() == [Play("chan-1", "pb-1", ("sound:hello", "sound:menu"), "fr")]
