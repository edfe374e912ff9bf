"""Mutated ARI and AMI payloads and hostile caller ids never crash the parts that read them: each is read
into our event, or refused (None), and a caller id is kept as the text it was, never a customer's number.

The payloads start from ones the real Asterisk 22 sent (tests/unit/test_translate.py) and have any of their
values replaced by arbitrary JSON; hypothesis shrinks a failure to the smallest payload that shows it."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from panoramisk.message import Message

from telephony.asterisk.device_states import DeviceStates
from telephony.asterisk.executor import caller_id
from telephony.asterisk.translate import call_arrived, parse_time, stasis_args, translate
from telephony.crm.numbers import normalise
from telephony.events import CallArrived
from tests.unit.test_translate import STASIS_START

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
KINDS = ["StasisStart", "StasisEnd", "ChannelDtmfReceived", "RecordingFinished", "RecordingFailed",
         "ChannelLeftBridge", "PlaybackFinished", "ChannelDestroyed", "ChannelStateChange", None, 7]
CHANNEL_IDS = ["1763815681.7", "c1-leg-1", "c1-sup-0-leg", "c1-sup-2-snoop", "c1-recsnoop-1", "", "-leg-",
               "c1-leg-x", "\u0000", "a" * 5000]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)
HOSTILE_TEXT = ['"', "'; DROP TABLE customers;--", "$(rm -rf /)", '{"json": true}', "\u0007\u0000\r\n",
                "\U0001F4DE Ünïcødé", "", "anonymous", "<sip:evil@example.com>", "x" * 10_000, "\\", "%00"]
hostile = st.sampled_from(HOSTILE_TEXT) | st.text(max_size=300)


def sample_events():
    channel = STASIS_START["channel"]
    return [
        STASIS_START,
        {"type": "StasisEnd", "channel": channel},
        {"type": "ChannelDtmfReceived", "digit": "7", "channel": channel},
        {"type": "PlaybackFinished", "playback": {"id": "pb1", "target_uri": "channel:1763815681.7"}},
        {"type": "RecordingFinished", "recording": {"name": "vm-1", "target_uri": "channel:1763815681.7",
                                                    "duration": 4}},
        {"type": "RecordingFinished", "recording": {"name": "c1-rec-1", "target_uri": "bridge:c1-talk"}},
        {"type": "ChannelLeftBridge", "channel": channel, "bridge": {"id": "c1-hold"}},
        {"type": "StasisStart", "channel": {"id": "c1-leg-1"}, "args": ["leg", "c1"]},
        {"type": "ChannelDestroyed", "channel": {"id": "c1-leg-1"}, "cause": 17, "cause_txt": "User busy"},
        {"type": "ChannelDestroyed", "channel": {"id": "c1-sup-0-leg"}, "cause": 19},
    ]


def mutated(draw_value, event, path_choice):
    """`event` with the value at one path (chosen by `path_choice`) replaced by `draw_value`."""
    paths = []

    def walk(node, trail):
        if isinstance(node, dict):
            for key, value in node.items():
                paths.append(trail + [key])
                walk(value, trail + [key])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                paths.append(trail + [i])
                walk(value, trail + [i])
    walk(event, [])
    copy = _deep_copy(event)
    if not paths:
        return copy
    path = paths[path_choice % len(paths)]
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = draw_value
    return copy


def _deep_copy(value):
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(range(len(sample_events()))), st.integers(min_value=0), json_values)
def test_a_mutated_ari_event_is_read_or_refused_never_raises(which, path_choice, value):
    translate(mutated(value, sample_events()[which], path_choice))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS), st.sampled_from(CHANNEL_IDS) | json_values,
       st.dictionaries(st.text(max_size=12), json_values, max_size=6))
def test_an_arbitrary_ari_event_never_raises(kind, channel, extra):
    translate({**extra, "type": kind, "channel": {"id": channel} if isinstance(channel, str) else channel})
    translate({**extra, "type": kind, "channel": channel})


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_what_is_not_even_an_object_is_refused(value):
    assert translate(value) is None or not isinstance(value, dict)
    stasis_args(value if isinstance(value, dict) else {"dialplan": value})
    parse_time({"timestamp": value})


@settings(max_examples=300, deadline=None)
@given(hostile, hostile)
def test_a_hostile_caller_id_is_kept_as_text_and_is_no_customers_number(number, name):
    channel = {**STASIS_START["channel"], "caller": {"number": number, "name": name}}
    arrived = call_arrived(channel, ["inbound", "100"], NOW)
    assert isinstance(arrived, CallArrived)
    assert (arrived.caller_number, arrived.caller_name) == (number, name)
    e164 = normalise(number, "DE")
    assert e164 is None or (e164.startswith("+") and e164[1:].isdigit())
    presented = caller_id(name, number)
    shown, _, rest = presented.partition(" <")
    if rest:  # "Name" <number>
        assert shown.startswith('"') and shown.endswith('"') and not set(shown[1:-1]) & set('"<>\\')
        assert rest.endswith(">") and all(c.isalnum() or c in "+*#.-_" for c in rest[:-1])
    else:
        assert all(c.isalnum() or c in "+*#.-_" for c in presented)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["Event", "Device", "State", "Privilege", "X"]),
                       st.text(max_size=40) | st.sampled_from(HOSTILE_TEXT), max_size=5))
def test_a_mutated_ami_device_state_never_raises(fields):
    states = DeviceStates()
    seen = []
    states.subscribe(lambda device, state: seen.append((device, state)))
    states.on_ami_event(Message(fields))
    states.on_ami_event(Message({**fields, "Event": "DeviceStateChange"}))
    assert all(isinstance(device, str) and device for device, _ in seen)
