"""ARI events as the real Asterisk 22 sent them (recorded from the local chroot)."""

from telephony.asterisk.translate import call_arrived, parse_time, stasis_args, translate
from telephony.events import CallArrived, ChannelHungUp, DtmfReceived, PlaybackFinished

STASIS_START = {
    "type": "StasisStart",
    "timestamp": "2026-11-22T12:48:01.123+0000",
    "args": ["inbound", "100"],
    "channel": {
        "id": "1763815681.7",
        "name": "PJSIP/trunk-00000003",
        "state": "Ring",
        "caller": {"name": "", "number": "+4930123456"},
        "dialplan": {"context": "from-trunk", "exten": "100", "priority": 2,
                     "app_name": "Stasis", "app_data": "telephony,inbound,100"},
    },
    "application": "telephony",
}


def test_stasis_start_becomes_call_arrived():
    event = translate(STASIS_START)
    assert isinstance(event, CallArrived)
    assert event.channel_id == "1763815681.7"
    assert event.direction == "inbound"
    assert event.dialled == "100"
    assert event.caller_number == "+4930123456"
    assert event.at.isoformat() == "2026-11-22T12:48:01.123000+00:00"


def test_stasis_start_without_our_arguments_is_not_a_call():
    assert translate({**STASIS_START, "args": []}) is None
    assert translate({**STASIS_START, "args": ["snoop"]}) is None


def test_adoption_reads_arguments_back_from_app_data():
    channel = STASIS_START["channel"]
    assert stasis_args(channel) == ["inbound", "100"]
    arrived = call_arrived(channel, stasis_args(channel), parse_time({}), adopted=True)
    assert arrived.adopted and arrived.dialled == "100"
    assert not arrived.answered
    assert call_arrived({**channel, "state": "Up"}, ["inbound", "100"], parse_time({})).answered


def test_other_events():
    assert translate({"type": "StasisEnd", "channel": {"id": "c1"}}) == ChannelHungUp("c1", "left")
    assert translate({"type": "ChannelDtmfReceived", "digit": "7", "channel": {"id": "c1"}}) == DtmfReceived("c1", "7")
    assert translate({"type": "PlaybackFinished", "playback": {"id": "p1", "target_uri": "channel:c1"}}) == \
        PlaybackFinished("c1", "p1")
    assert translate({"type": "PlaybackFinished", "playback": {"id": "p1", "target_uri": "bridge:b1"}}) is None
    assert translate({"type": "ChannelVarset"}) is None
    assert translate({}) is None


def test_bad_timestamp_falls_back_to_now():
    assert parse_time({"timestamp": "yesterday"}).tzinfo is not None


def test_recording_finished_and_failed():
    from telephony.events import RecordingFinished

    done = {"type": "RecordingFinished", "recording": {"name": "vm1", "format": "wav", "state": "done",
                                                      "target_uri": "channel:chan-9", "duration": 4}}
    assert translate(done) == RecordingFinished("chan-9", "vm1", 4.0, False)
    failed = {"type": "RecordingFailed", "recording": {"name": "vm1", "target_uri": "channel:chan-9"}}
    assert translate(failed) == RecordingFinished("chan-9", "vm1", None, True)
    assert translate({"type": "RecordingFinished", "recording": {"target_uri": "endpoint:x"}}) is None


def test_bridge_recording_goes_to_the_archive_not_a_call():
    from telephony.events import CallRecordingFinished

    done = {"type": "RecordingFinished", "recording": {"name": "c1-rec-1", "target_uri": "bridge:c1-talk"}}
    assert translate(done) == CallRecordingFinished("c1-rec-1", False)
    failed = {"type": "RecordingFailed", "recording": {"name": "c1-rec-1", "target_uri": "bridge:c1-talk"}}
    assert translate(failed) == CallRecordingFinished("c1-rec-1", True)
