"""The end-to-end benchmark's figures come from pairing sipp's logs: each caller's INVITE with the INVITE
its agent phone got. These check that pairing on written logs (bench/e2e_rig.py)."""

from __future__ import annotations

from types import SimpleNamespace

from bench.e2e_rig import Load, outcome


def stamp(at: float) -> str:
    return f"2026-11-22\t16:00:00.000000\t{at:.6f}"


async def test_calls_pair_by_caller_number_and_late_or_missing_rings_fail(tmp_path):
    load = Load("480", 10, 4, "+4930101", bound_ms=2000, workdir=tmp_path)
    load.log = tmp_path / "callers.log"
    n = load.numbers()
    load.log.write_text("\n".join([
        f"sent {n[0]} {stamp(100.000)}", f"sent {n[1]} {stamp(100.100)}", f"sent {n[2]} {stamp(100.200)}",
        f"sent {n[3]} {stamp(100.300)}",
        f"done {n[0]} {stamp(101.000)}", f"done {n[1]} {stamp(101.100)}", f"done {n[3]} {stamp(104.000)}",
    ]) + "\n")
    phones = SimpleNamespace(log=tmp_path / "agents.log")
    phones.log.write_text("\n".join([
        f"ring {n[0]} {stamp(100.012)}",
        f"ring {n[0]} {stamp(100.500)}",  # a second offer of the same call: the first ring counts
        f"ring {n[1]} {stamp(100.105)}",
        f"ring {n[3]} {stamp(102.400)}",  # 2.1 s after arrival: later than the bound
        f"ring +4930102{0:05d} {stamp(100.0)}",  # another step's call
        f"done {n[0]} {stamp(101.000)}", f"done {n[1]} {stamp(101.100)}", f"done {n[3]} {stamp(104.0)}",
    ]) + "\n")

    result = await outcome(load, sipp_failed=1, agents=phones, settle=0)

    assert [round(ms, 1) for ms in result.ringing_ms] == [12.0, 5.0]
    assert result.unanswered == 2  # n[2] never rang, n[3] rang too late
    assert result.unfinished == 0
    assert result.failed == 2
    assert round(result.percentile(50), 1) == 8.5


async def test_a_call_that_rang_but_did_not_end_normally_fails(tmp_path):
    load = Load("480", 1, 1, "+4930201", bound_ms=2000, workdir=tmp_path)
    load.log = tmp_path / "callers.log"
    number = load.numbers()[0]
    load.log.write_text(f"sent {number} {stamp(10.0)}\n")
    phones = SimpleNamespace(log=tmp_path / "agents.log")
    phones.log.write_text(f"ring {number} {stamp(10.02)}\n")

    result = await outcome(load, sipp_failed=0, agents=phones, settle=0)

    assert result.unfinished == 1 and result.failed == 1
    assert [round(ms) for ms in result.ringing_ms] == [20]
