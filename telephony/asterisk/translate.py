"""ARI event JSON to our events. Pure, so recorded transcripts make its tests.

Nothing in a payload is trusted to have the shape ARI documents: every value is read through `_object`,
`_text`, `_number` or `_list`, so a malformed or hostile event is refused (None) or read as far as it makes
sense, and never raises (tests/unit/test_hostile_payloads.py fuzzes it).

The channels we create carry their call and their part in it in their id (telephony.channel_ids): a
channel's events go to the call it belongs to, as the events of that part.
"""

from __future__ import annotations

from datetime import datetime, timezone

from telephony.channel_ids import ChannelKind, OwnedChannel, classify, recording_of
from telephony.events import (CallArrived, CallEvent, CallRecordingFinished, ChannelHungUp, DtmfReceived,
                              LeftBridge, LegAnswered, LegEnded, PlaybackFinished, RecordingFinished,
                              RecordingSnoopEntered, SnoopEntered, SupervisorLegAnswered, SupervisorLegEnded)

DIRECTIONS = ("inbound", "outbound", "internal")


def translate(event: dict) -> CallEvent | None:
    if not isinstance(event, dict):
        return None
    kind = event.get("type")
    channel_id = _channel_id(event)
    owned = classify(channel_id)
    if owned.kind is not ChannelKind.CALL:
        return _owned_channel_event(kind, event, owned, channel_id)
    if kind == "StasisStart":
        return call_arrived(_object(event.get("channel")), _list(event.get("args")), parse_time(event))
    if kind == "StasisEnd":
        return ChannelHungUp(channel_id=channel_id, cause="left")
    if kind == "ChannelDtmfReceived":
        digit = _text(event.get("digit"))
        return DtmfReceived(channel_id=channel_id, digit=digit) if digit else None
    if kind in ("RecordingFinished", "RecordingFailed"):
        return _recording_finished(event, failed=kind == "RecordingFailed")
    if kind == "ChannelLeftBridge":
        bridge_id = _text(_object(event.get("bridge")).get("id"))
        return LeftBridge(channel_id=channel_id, bridge_id=bridge_id) if channel_id and bridge_id else None
    if kind == "PlaybackFinished":
        playback = _object(event.get("playback"))
        target = _text(playback.get("target_uri"))
        if target.startswith("channel:"):
            return PlaybackFinished(channel_id=target.removeprefix("channel:"),
                                    playback_id=_text(playback.get("id")))
    return None


def _recording_finished(event: dict, failed: bool) -> RecordingFinished | CallRecordingFinished | None:
    recording = _object(event.get("recording"))
    target = _text(recording.get("target_uri"))
    name = _text(recording.get("name"))
    if target.startswith("bridge:") or recording_of(name):
        return CallRecordingFinished(name=name, failed=failed)
    if not target.startswith("channel:"):
        return None
    return RecordingFinished(channel_id=target.removeprefix("channel:"), name=name,
                             duration=_number(recording.get("duration"), float), failed=failed)


_ENTERED = {ChannelKind.LEG: LegAnswered, ChannelKind.SUPERVISOR_LEG: SupervisorLegAnswered,
            ChannelKind.SUPERVISOR_SNOOP: SnoopEntered, ChannelKind.RECORDING_SNOOP: RecordingSnoopEntered}


def _owned_channel_event(kind, event: dict, owned: OwnedChannel, channel_id: str) -> CallEvent | None:
    """A channel of ours entering our app (answered), or gone; an event of the call it belongs to. The end
    of a snoop says nothing new: whoever hung it up knows."""
    call = owned.call_id
    if kind == "StasisStart":
        return _ENTERED[owned.kind](call, channel_id)
    if kind != "ChannelDestroyed":
        return None
    cause = _number(event.get("cause"), int) or 0
    if owned.kind is ChannelKind.LEG:
        return LegEnded(call, channel_id, cause, _text(event.get("cause_txt")))
    if owned.kind is ChannelKind.SUPERVISOR_LEG:
        return SupervisorLegEnded(call, channel_id, cause)
    return None


def call_arrived(channel: dict, args: list, at: datetime, adopted: bool = False) -> CallArrived | None:
    """Build CallArrived from a channel object and the Stasis() arguments `direction,dialled`."""
    channel, args = _object(channel), _list(args)
    channel_id = _text(channel.get("id"))
    if not channel_id or not args or args[0] not in DIRECTIONS:
        return None
    if classify(channel_id).kind is not ChannelKind.CALL:
        return None
    caller = _object(channel.get("caller"))
    dialled = _text(args[1]) if len(args) > 1 else _text(_object(channel.get("dialplan")).get("exten"))
    return CallArrived(
        channel_id=channel_id,
        direction=args[0],
        dialled=dialled,
        caller_number=_text(caller.get("number")),
        caller_name=_text(caller.get("name")),
        at=at,
        adopted=adopted,
        answered=channel.get("state") == "Up",
    )


def stasis_args(channel: dict) -> list[str]:
    """The Stasis() arguments of a channel read back from ARI (`app_data` is "app,arg1,arg2")."""
    app_data = _text(_object(_object(channel).get("dialplan")).get("app_data"))
    return app_data.split(",")[1:] if app_data else []


def parse_time(event: dict) -> datetime:
    raw = _object(event).get("timestamp")
    if isinstance(raw, str) and raw:
        try:
            # Asterisk writes 2026-11-22T12:00:00.123+0000
            return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S.%f%z")
        except ValueError:
            pass
    return datetime.now(timezone.utc)


def _channel_id(event: dict) -> str:
    return _text(_object(event.get("channel")).get("id"))


def _object(value) -> dict:
    """A JSON object of the payload, or an empty one where it holds anything else."""
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _text(value) -> str:
    """A string of the payload; numbers are read as their text (ARI sends some ids as numbers), anything
    else (null, objects, lists) as empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _number(value, kind: type[int] | type[float]) -> int | float | None:
    """A number of the payload (or a numeric string), None where it holds anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = kind(value)
    except (ValueError, OverflowError):
        return None
    return number if number == number else None  # NaN is no duration
