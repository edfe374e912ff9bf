"""Commands only supervision needs; the rest (Originate, Hangup, bridges) are telephony.commands'."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Snoop:
    """A snoop channel `snoop_id` on `channel_id` entering our app.

    `spy` is the audio of `channel_id` the snoop hears (in, out, both, none); `whisper` the direction in
    which what is played into the snoop reaches `channel_id` (out: the agent hears it, the caller not).
    """

    snoop_id: str
    channel_id: str
    spy: str
    whisper: str


@dataclass(frozen=True, slots=True)
class RemoveFromBridge:
    bridge_id: str
    channel_id: str
