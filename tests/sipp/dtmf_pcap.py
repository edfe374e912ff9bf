#!/usr/bin/env python3
"""Write one pcap of RFC 4733 DTMF events for a digit sequence, for caller_dtmf.xml to play.

    python3 tests/sipp/dtmf_pcap.py 1#42 /tmp/digits.pcap [--tone-ms 200] [--gap-ms 300]

Why not sipp's own /usr/share/sip-tester/dtmf_2833_N.pcap, one per digit: they are slices of one capture
and keep its RTP sequence numbers and timestamps (sipp replays packets unchanged). Asterisk drops an event
whose timestamp is not newer than the last one it saw, so with those files a repeated digit ("11") or a
digit after a higher one ("21") silently never arrives. Here every event gets its own increasing
timestamp and sequence numbers, and the pcap's packet times pace the tones and the gaps between them.
Standard library only.
"""

from __future__ import annotations

import argparse
import struct
import sys

EVENTS = {**{str(d): d for d in range(10)}, "*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15}
PAYLOAD_TYPE = 101  # telephone-event/8000, as offered in caller_dtmf.xml's SDP
SSRC = 0x7E1E7E1E
RATE = 8000  # samples per second
PACKET_MS = 20
VOLUME = 10  # -10 dBm0


def ipv4_udp_frame(rtp: bytes) -> bytes:
    """Ethernet + IPv4 + UDP around an RTP packet. sipp only reads the UDP payload; addresses and ports
    are replaced by the call's own, so placeholders do."""
    udp_len = 8 + len(rtp)
    ip_header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0, 64, 17, 0,
                            bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    checksum = 0
    for i in range(0, 20, 2):
        checksum += (ip_header[i] << 8) + ip_header[i + 1]
    checksum = (checksum & 0xFFFF) + (checksum >> 16)
    checksum = ~(checksum + (checksum >> 16)) & 0xFFFF
    ip_header = ip_header[:10] + struct.pack("!H", checksum) + ip_header[12:]
    udp_header = struct.pack("!HHHH", 6000, 6000, udp_len, 0)  # checksum 0: none (IPv4)
    ethernet = b"\x00" * 12 + b"\x08\x00"
    return ethernet + ip_header + udp_header + rtp


def dtmf_packets(digits: str, tone_ms: int, gap_ms: int) -> list[tuple[int, bytes]]:
    """(time in microseconds, frame) for every packet: per digit, one packet every 20 ms with a growing
    duration (the first with the marker bit), then the end packet three times, as RFC 4733 asks. All
    packets of one event share its start timestamp; sequence numbers grow by one per packet."""
    packets = []
    seq, timestamp, now_us = 1000, 16000, 0
    steps = max(1, tone_ms // PACKET_MS)
    for digit in digits:
        event = EVENTS[digit]
        for step in range(steps + 3):
            end = step >= steps
            duration = min(step + 1, steps) * PACKET_MS * RATE // 1000
            marker = 0x80 if step == 0 else 0
            rtp = struct.pack("!BBHII", 0x80, marker | PAYLOAD_TYPE, seq & 0xFFFF, timestamp & 0xFFFFFFFF,
                              SSRC)
            rtp += struct.pack("!BBH", event, (0x80 if end else 0) | VOLUME, duration)
            packets.append((now_us, ipv4_udp_frame(rtp)))
            seq += 1
            if step < steps:
                now_us += PACKET_MS * 1000
        # the next event starts after this tone and the pause, on both the wall clock and the RTP clock
        now_us += gap_ms * 1000
        timestamp += (tone_ms + gap_ms) * RATE // 1000
    return packets


def write_pcap(path: str, packets: list[tuple[int, bytes]]) -> None:
    base_s = 1_700_000_000
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet link type
        for time_us, frame in packets:
            seconds, micros = divmod(time_us, 1_000_000)
            out.write(struct.pack("<IIII", base_s + seconds, micros, len(frame), len(frame)))
            out.write(frame)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("digits", help="the sequence to send: 0-9, *, #, A-D")
    parser.add_argument("output", help="the pcap file to write")
    parser.add_argument("--tone-ms", type=int, default=200, help="length of each tone (default 200)")
    parser.add_argument("--gap-ms", type=int, default=300, help="silence between tones (default 300)")
    args = parser.parse_args(argv)
    bad = sorted({d for d in args.digits if d not in EVENTS})
    if not args.digits or bad:
        parser.error(f"digits must be a non-empty sequence of 0-9 * # A-D (bad: {''.join(bad) or 'empty'})")
    if args.tone_ms < PACKET_MS or args.gap_ms < 0:
        parser.error(f"--tone-ms must be at least {PACKET_MS} and --gap-ms not negative")
    write_pcap(args.output, dtmf_packets(args.digits, args.tone_ms, args.gap_ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
