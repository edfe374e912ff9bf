"""ARI event JSON to our events. Pure, so recorded transcripts make its tests.

Legs we originate carry their owner in their channel id (see telephony.calls.legs).
"""

from __future__ import annotations

from datetime import datetime, timezone

from telephony.calls.legs import owner_of
from telephony.supervision.events import SnoopEntered, SupervisorLegAnswered, SupervisorLegEnded
from telephony.supervision.monitor import call_of
from telephony.events import (CallArrived, CallEvent, CallRecordingFinished, ChannelHungUp, DtmfReceived,
                              LeftBridge, LegAnswered, LegEnded, PlaybackFinished, RecordingFinished,
                              RecordingSnoopEntered)
from telephony.recordings.control import CALL_RECORDING, RECORDING_SNOOP_MARK

DIRECTIONS = ("inbound", "outbound", "internal")


def translate(event: dict) -> CallEvent | None:
    kind = event.get("type")
    channel_id = _channel_id(event)
    recorded, mark, _ = channel_id.partition(RECORDING_SNOOP_MARK)
    if mark:
        return RecordingSnoopEntered(recorded, channel_id) if kind == "StasisStart" else None
    supervised = call_of(channel_id)
    if supervised is not None:
        return _supervision_event(kind, event, supervised, channel_id)
    owner = owner_of(channel_id)
    if owner is not None:
        return _leg_event(kind, event, owner, channel_id)
    if kind == "StasisStart":
        return call_arrived(event.get("channel") or {}, event.get("args") or [], parse_time(event))
    if kind == "StasisEnd":
        return ChannelHungUp(channel_id=channel_id, cause="left")
    if kind == "ChannelDtmfReceived":
        digit = str(event.get("digit", ""))
        return DtmfReceived(channel_id=channel_id, digit=digit) if digit else None
    if kind in ("RecordingFinished", "RecordingFailed"):
        return _recording_finished(event, failed=kind == "RecordingFailed")
    if kind == "ChannelLeftBridge":
        bridge_id = str((event.get("bridge") or {}).get("id", ""))
        return LeftBridge(channel_id=channel_id, bridge_id=bridge_id) if channel_id and bridge_id else None
    if kind == "PlaybackFinished":
        playback = event.get("playback") or {}
        target = str(playback.get("target_uri", ""))
        if target.startswith("channel:"):
            return PlaybackFinished(channel_id=target.removeprefix("channel:"), playback_id=playback.get("id", ""))
    return None


def _recording_finished(event: dict, failed: bool) -> RecordingFinished | CallRecordingFinished | None:
    recording = event.get("recording") or {}
    target = str(recording.get("target_uri", ""))
    name = str(recording.get("name", ""))
    if target.startswith("bridge:") or CALL_RECORDING.match(name):
        return CallRecordingFinished(name=name, failed=failed)
    if not target.startswith("channel:"):
        return None
    duration = recording.get("duration")
    return RecordingFinished(channel_id=target.removeprefix("channel:"), name=str(recording.get("name", "")),
                             duration=float(duration) if duration is not None else None, failed=failed)


def _leg_event(kind, event: dict, owner: str, leg: str) -> CallEvent | None:
    if kind == "StasisStart":
        return LegAnswered(channel_id=owner, leg_id=leg)
    if kind == "ChannelDestroyed":
        return LegEnded(channel_id=owner, leg_id=leg, cause=int(event.get("cause") or 0),
                        cause_text=str(event.get("cause_txt", "")))
    return None


def _supervision_event(kind, event: dict, call: str, channel_id: str):
    """A supervisor's leg (`<call>-sup-0-leg`) or a snoop channel (`<call>-sup-<n>-snoop`) on the call."""
    snoop = channel_id.endswith("-snoop")
    if kind == "StasisStart":
        return SnoopEntered(call, channel_id) if snoop else SupervisorLegAnswered(call, channel_id)
    if kind == "ChannelDestroyed" and not snoop:
        return SupervisorLegEnded(call, channel_id, int(event.get("cause") or 0))
    return None


def call_arrived(channel: dict, args: list, at: datetime, adopted: bool = False) -> CallArrived | None:
    """Build CallArrived from a channel object and the Stasis() arguments `direction,dialled`."""
    channel_id = channel.get("id")
    if not channel_id or not args or args[0] not in DIRECTIONS or owner_of(channel_id) is not None:
        return None
    caller = channel.get("caller") or {}
    dialled = str(args[1]) if len(args) > 1 else str((channel.get("dialplan") or {}).get("exten", ""))
    return CallArrived(
        channel_id=channel_id,
        direction=args[0],
        dialled=dialled,
        caller_number=str(caller.get("number", "")),
        caller_name=str(caller.get("name", "")),
        at=at,
        adopted=adopted,
        answered=channel.get("state") == "Up",
    )


def stasis_args(channel: dict) -> list[str]:
    """The Stasis() arguments of a channel read back from ARI (`app_data` is "app,arg1,arg2")."""
    app_data = str((channel.get("dialplan") or {}).get("app_data", ""))
    return app_data.split(",")[1:] if app_data else []


def parse_time(event: dict) -> datetime:
    raw = event.get("timestamp")
    if raw:
        try:
            # Asterisk writes 2026-11-22T12:00:00.123+0000
            return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S.%f%z")
        except ValueError:
            pass
    return datetime.now(timezone.utc)


def _channel_id(event: dict) -> str:
    return str((event.get("channel") or {}).get("id", ""))
