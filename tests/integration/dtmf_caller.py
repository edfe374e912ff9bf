"""Callers that press keys: sipp UAC scenarios rendered from tests/sipp/caller.xml's shape.

sipp cannot take a pcap path from a `-key` variable reliably, so each call gets its own scenario file with
its steps written in: pauses, keys (RFC 4733 events from sipp's pcaps), audio; then the caller waits for
Asterisk's BYE or hangs up itself.

Each key is played from a copy of sipp's pcap with its own RTP sequence numbers and timestamp: Asterisk
takes an event with the timestamp of the one before as a repeat, so the same key twice would count once.
"""

from __future__ import annotations

import re
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.integration.rig import SIPP_DIR, SippResult, run_sipp

PCAPS = Path("/usr/share/sip-tester")
KEY_FILES = {**{str(d): f"dtmf_2833_{d}" for d in range(10)}, "#": "dtmf_2833_pound", "*": "dtmf_2833_star"}
KEY_GAP_MS = 250  # a key's pcap lasts 140 ms and plays asynchronously: wait past it before the next
AUDIO_MS = 7050  # g711a.pcap


@dataclass(frozen=True)
class Wait:
    ms: int


@dataclass(frozen=True)
class Keys:
    keys: str


@dataclass(frozen=True)
class Speak:
    """About seven seconds of a voice (sipp's g711a.pcap), waited for."""


Step = Wait | Keys | Speak


def _retimed_pcap(source: Path, target: Path, seq: int, timestamp: int) -> None:
    """Copy an RTP pcap, renumbering its packets from `seq` and moving its RTP timestamps to `timestamp`."""
    data = bytearray(source.read_bytes())
    offset, first_ts, n = 24, None, 0
    while offset + 16 <= len(data):
        length = struct.unpack_from("<I", data, offset + 8)[0]
        packet = offset + 16
        ip = packet + 14  # Ethernet
        rtp = ip + (data[ip] & 0x0F) * 4 + 8
        old_ts = struct.unpack_from(">I", data, rtp + 4)[0]
        first_ts = old_ts if first_ts is None else first_ts
        struct.pack_into(">HI", data, rtp + 2, (seq + n) & 0xFFFF, (timestamp + old_ts - first_ts) & 0xFFFFFFFF)
        struct.pack_into(">H", data, ip + (data[ip] & 0x0F) * 4 + 6, 0)  # no UDP checksum
        offset, n = packet + length, n + 1
    target.write_bytes(bytes(data))


def _play(path: Path) -> str:
    return f'  <nop><action><exec play_pcap_audio="{path}"/></action></nop>\n'


def _pause(ms: int) -> str:
    return f'  <pause milliseconds="{ms}"/>\n'


def render(steps: list[Step], hang_up: bool = False, workdir: Path | None = None) -> Path:
    """Write a caller scenario doing `steps` after the answer; return its path."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="sipp-caller-"))
    body, pressed = [], 0
    for step in steps:
        if isinstance(step, Wait):
            body.append(_pause(step.ms))
        elif isinstance(step, Speak):
            body += [_play(PCAPS / "g711a.pcap"), _pause(AUDIO_MS + 100)]
        else:
            for key in step.keys:
                pcap = workdir / f"key{pressed}.pcap"
                _retimed_pcap(PCAPS / f"{KEY_FILES[key]}.pcap", pcap, 1000 + 20 * pressed, 160_000 * (pressed + 1))
                body += [_play(pcap), _pause(KEY_GAP_MS)]
                pressed += 1
    template = (SIPP_DIR / "caller.xml").read_text()
    start = template.index("  <nop>")
    end = template.index("  <recv request=\"BYE\"/>")
    tail = _CALLER_HANGS_UP if hang_up else template[end:template.index("  <ResponseTimeRepartition")]
    scenario = template[:start] + "".join(body) + tail + "</scenario>\n"
    scenario = re.sub(r'<scenario name="caller">', '<scenario name="dtmf-caller">', scenario)
    path = workdir / "caller.xml"
    path.write_text(scenario)
    return path


_CALLER_HANGS_UP = """  <send retrans="500">
    <![CDATA[
      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "[caller]" <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: <sip:[caller]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200"/>
"""


async def call_with_keys(did: str, caller: str, steps: list[Step], hang_up: bool = False,
                         timeout: float = 60) -> SippResult:
    """A real SIP call to `did` from `caller` that does `steps` after the answer."""
    scenario = render(steps, hang_up)
    return await run_sipp(str(scenario), did, "-key", "caller", caller, timeout=timeout)
