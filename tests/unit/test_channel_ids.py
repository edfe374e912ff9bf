"""Our ids for what a call owns: each built one reads back as what it is and whose."""

import pytest

from telephony import channel_ids as ids
from telephony.channel_ids import ChannelKind, OwnedChannel, classify

CALLS = ["1763815681.7", "c2c0123456789abcdef", ids.new_click_to_call_id()]


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("build, kind, n", [
    (lambda call: ids.leg_id(call, 1), ChannelKind.LEG, 1),
    (lambda call: ids.leg_id(call, 12), ChannelKind.LEG, 12),
    (lambda call: ids.supervisor_leg(call), ChannelKind.SUPERVISOR_LEG, 0),
    (lambda call: ids.supervisor_snoop(call, 3), ChannelKind.SUPERVISOR_SNOOP, 3),
    (lambda call: ids.recording_snoop(call, 2), ChannelKind.RECORDING_SNOOP, 2),
])
def test_a_channel_we_make_reads_back_as_its_kind_and_call(call, build, kind, n):
    assert classify(build(call)) == OwnedChannel(kind, call, n)


@pytest.mark.parametrize("call", CALLS)
def test_a_call_is_its_own(call):
    assert classify(call) == OwnedChannel(ChannelKind.CALL, call)


def test_ids_as_they_are_spelled():
    """Asterisk keeps channels and recordings across our restarts: the spelling must not drift."""
    assert ids.leg_id("c1", 2) == "c1-leg-2"
    assert ids.supervisor_leg("c1") == "c1-sup-0-leg" and ids.supervisor_snoop("c1", 1) == "c1-sup-1-snoop"
    assert ids.supervisor_bridge("c1") == "c1-sup-0-bridge"
    assert ids.recording_snoop("c1", 1) == "c1-recsnoop-1" and ids.recording_name("c1", 2) == "c1-rec-2"
    assert (ids.hold_bridge("c1"), ids.talk_bridge("c1")) == ("c1-hold", "c1-talk")
    assert ids.transfer_hold_bridge("c1", 1) == "c1-xfer-hold"
    assert ids.transfer_hold_bridge("c1", 2) == "c1-xfer-hold-2"
    assert (ids.consult_bridge("c1", 1), ids.consult_bridge("c1", 3)) == ("c1-consult", "c1-consult-3")
    assert (ids.overflow_playback("c1"), ids.refused_playback("c1")) == ("c1-overflow", "c1-refused")
    made = ids.new_click_to_call_id()
    assert made.startswith("c2c") and len(made) == 19 and made != ids.new_click_to_call_id()


@pytest.mark.parametrize("call", CALLS)
def test_a_recording_name_reads_back_as_its_call_and_number(call):
    assert ids.recording_of(ids.recording_name(call, 1)) == (call, 1)
    assert ids.recording_of(ids.recording_name(call, 10)) == (call, 10)


@pytest.mark.parametrize("name", ["vm1", "c1-recsnoop-1", "c1-rec-", "c1-rec-x", "c1-leg-1"])
def test_other_names_are_not_call_recordings(name):
    assert ids.recording_of(name) is None


@pytest.mark.parametrize("channel", ["PJSIP/1001-00000001", "c1-leg-", "c1-leg-x", "c1-sup-0-bridge", ""])
def test_ids_that_are_none_of_our_channels_are_calls(channel):
    assert classify(channel).kind is ChannelKind.CALL
