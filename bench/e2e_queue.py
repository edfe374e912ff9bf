"""End-to-end queue benchmark: the whole stack (sipp callers → Asterisk 22 → the daemon's ACD → sipp
agent phones, with the real PostgreSQL) against a baseline where Asterisk's own app_queue distributes the
same calls to the same phones (bench/baseline), in one run on this machine.

For each system it measures, with callers from one sipp client and agent phones on one sipp UAS that
rings for --ring-ms, answers, talks for --talk-ms and hangs up:

- arrival → ringing: from the caller's INVITE leaving sipp to the INVITE reaching the agent's phone (both
  stamped by sipp on this machine's clock, paired by the caller's number), over --latency-calls calls at
  --latency-rate calls per second; p50, p95 and p99;
- the highest sustained rate: --rates steps of --step-seconds each, until a step has a failed call: a sipp
  failure, a call no agent phone got within --max-wait-ms (2 s), or a call that did not end normally on both
  sides. The highest step with none is the figure.

Then it prints both systems' figures and their ratios. Uses the local Asterisk (taking the integration
tests' lock), the endpoints 1010-10xx added for the run (bench/e2e_rig.py), DID 480
(bench/e2e_callcenter.yaml for the daemon, bench/baseline for app_queue). About 4 minutes with the defaults.
The phones are one sipp process and the callers another, so the bench's own load shares this machine's
cores with the stack; each step prints how much of a core the daemon, Asterisk and PostgreSQL used.

A phone hangs up --talk-ms after it answered, connected to the caller yet or not. Near its limit the daemon
took longer than 200 ms from an answered leg to its bridge (seen in its log), so the phone left before the
caller was put through and the call was offered again; with --talk-ms 1000 the daemon carried 50 cps
without a failure, where 50 phones are nearly the limit. Short calls are the default so that app_queue's
limit, about four times higher, is not hidden by the phones.

    .venv/bin/python bench/e2e_queue.py [--agents N] [--rates 2,5,10] [--step-seconds S] [--only daemon]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.e2e_rig import (AgentPhones, CpuMeter, Load, Outcome, asterisk_pid, extensions,  # noqa: E402
                           install_agent_endpoints, install_baseline, outcome, remove_baseline,
                           take_asterisk_lock, wait_for_no_channels, with_children)
from telephony.db.pool import start_embedded_postgres, with_database  # noqa: E402
from tests.integration.rig import Asterisk, Daemon, free_port, test_credentials  # noqa: E402

DID = "480"
QUEUE = "bench"
CONFIG = ROOT / "bench" / "e2e_callcenter.yaml"
DAEMON_LOG_COPY = Path(tempfile.gettempdir()) / "telephony-bench-e2e-daemon.log"
CORES = os.cpu_count() or 1
SYSTEMS = {"daemon": 1, "app_queue": 2}  # the digit in the callers' numbers: +4930 S PP NNNNN


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=50, help="agent phones, endpoints 1010 and up (max 50)")
    parser.add_argument("--ring-ms", type=int, default=50, help="how long a phone rings before it answers")
    parser.add_argument("--talk-ms", type=int, default=200,
                        help="how long an agent talks before hanging up (short: phones are not the limit)")
    parser.add_argument("--latency-calls", type=int, default=100)
    parser.add_argument("--latency-rate", type=float, default=10,
                        help="calls per second for the latency part")
    parser.add_argument("--rates", default="10,20,30,40,50,60,80,100,130,160,200",
                        help="calls per second of the steps, ascending (comma-separated)")
    parser.add_argument("--step-seconds", type=float, default=8, help="how long each step places calls")
    parser.add_argument("--max-wait-ms", type=int, default=2000,
                        help="a call whose agent phone rings later than this counts as failed: a queue that "
                             "grows through a step is not sustained")
    parser.add_argument("--only", choices=sorted(SYSTEMS), help="measure one system only")
    parser.add_argument("--keep", action="store_true",
                        help="keep the sipp logs and the database (the path is printed)")
    args = parser.parse_args()
    args.rates = sorted(float(r) for r in args.rates.split(","))
    largest = max([args.latency_calls, *(round(r * args.step_seconds) for r in args.rates)])
    if len(args.rates) > 99 or largest > 99_999 or min(args.rates) <= 0 or args.latency_rate <= 0:
        parser.error("at most 99 positive rates, and at most 99,999 calls per step")
    args.exts = extensions(args.agents)
    return args


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def describe(result: Outcome) -> str:
    failures = []
    if result.sipp_failed:
        failures.append(f"sipp {result.sipp_failed}")
    if result.unanswered:
        failures.append(f"no ring within bound {result.unanswered}")
    if result.unfinished:
        failures.append(f"not ended normally {result.unfinished}")
    detail = f" ({', '.join(failures)})" if failures else ""
    return (f"{result.failed} failed{detail}; arrival→ringing p50 {ms(result.percentile(50))} "
            f"p95 {ms(result.percentile(95))} p99 {ms(result.percentile(99))} "
            f"max {ms(max(result.ringing_ms, default=float('nan')))} ms")


async def place(system: str, step: int, rate: float, calls: int, args, phones: AgentPhones, cpu: CpuMeter,
                workdir: Path) -> Outcome:
    load = Load(DID, rate, calls, f"+4930{SYSTEMS[system]}{step:02d}", args.max_wait_ms, workdir)
    started = time.monotonic()
    cpu.start()
    sipp_failed, tail = await load.run(args.ring_ms, args.talk_ms)
    used = cpu.stop()
    result = await outcome(load, sipp_failed, phones)
    result.cpu_ms_per_call = {name: share * 10 * cpu.elapsed / calls for name, share in used.items()}
    left = await wait_for_no_channels()
    machine = used.pop("machine")
    shares = ", ".join(f"{name} {share:.0f}%" for name, share in used.items())
    leftover = f"; {left} channels left, hung up" if left else ""
    print(f"  {system:9} {rate:6g} cps × {calls:4d} calls: {describe(result)}  "
          f"[{time.monotonic() - started:.0f} s; CPU of one core: {shares}; machine {machine:.0f}% of "
          f"{CORES * 100}%{leftover}]", flush=True)
    if result.failed and sipp_failed < 0:
        print(tail, flush=True)
    return result


async def measure(system: str, args, phones: AgentPhones, cpu: CpuMeter, workdir: Path) -> dict:
    """The latency part, then the rate steps until one fails."""
    print(f"== {system}: arrival → ringing, {args.latency_calls} calls at {args.latency_rate:g} cps",
          flush=True)
    latency = await place(system, 0, args.latency_rate, args.latency_calls, args, phones, cpu, workdir)
    print(f"== {system}: rate steps of {args.step_seconds:g} s until a call fails", flush=True)
    best, broke = None, False
    for step, rate in enumerate(args.rates, start=1):
        calls = max(1, round(rate * args.step_seconds))
        result = await place(system, step, rate, calls, args, phones, cpu, workdir)
        if result.failed:
            broke = True
            break
        best = rate
    return {"latency": latency, "best": best, "broke": broke}


class Api:
    def __init__(self, http: aiohttp.ClientSession, url: str):
        self.http, self.url = http, url

    async def call(self, method: str, path: str, headers: dict, body: dict | None, expected: int) -> dict:
        async with self.http.request(method, self.url + path, headers=headers, json=body) as resp:
            answer = await resp.json()
            if resp.status != expected:
                raise RuntimeError(f"{method} {path}: {resp.status} {answer}")
            return answer


async def log_in_agent(api: Api, admin: dict, ext: str) -> str:
    """An agent as an ops team makes one (user, token, agent on the bench queue), logged in on softphone."""
    user = await api.call("POST", "/api/v1/users", admin, {"name": f"bench-{ext}", "role": "agent"}, 201)
    issued = await api.call("POST", "/api/v1/auth/tokens", admin, {"user_id": user["id"]}, 201)
    await api.call("POST", "/api/v1/agents", admin, {
        "name": f"bench-{ext}", "extension": ext, "softphone": f"PJSIP/{ext}", "user_id": user["id"],
        "queues": {QUEUE: 0}}, 201)
    me = {"Authorization": f"Bearer {issued['token']}"}
    return (await api.call("POST", "/api/v1/me/agent/login", me, {"device": "softphone"}, 200))["state"]


async def measure_daemon(args, credentials: dict, dsn: str, postmaster: int, phones: AgentPhones,
                         workdir: Path) -> dict:
    env = {**credentials, "TELEPHONY_DATABASE_DSN": dsn, "TELEPHONY_HTTP_PORT": str(free_port()),
           "TELEPHONY_CONFIG_FILE": str(CONFIG), "TELEPHONY_RECORDINGS_DIR": str(workdir / "recordings"),
           "TELEPHONY_LOG_FORMAT": "json", "TELEPHONY_LOG_LEVEL": "info", "TELEPHONY_DEFAULT_REGION": "DE"}
    daemon = Daemon(env, workdir / "daemon.log", int(env["TELEPHONY_HTTP_PORT"]))
    daemon.start()
    try:
        await daemon.wait_healthy()
        command = [sys.executable, "-m", "telephony", "user", "add", "bench-admin", "--role", "admin"]
        made = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True,
                              timeout=60)
        if made.returncode != 0:
            raise RuntimeError(f"telephony user add failed:\n{made.stderr[-1500:]}")
        admin = {"Authorization": f"Bearer {made.stdout.strip().splitlines()[-1].split()[-1]}"}
        async with aiohttp.ClientSession() as http:
            api = Api(http, daemon.url)
            states = [await log_in_agent(api, admin, ext) for ext in args.exts]
        if any(state != "available" for state in states):
            raise RuntimeError(f"agents not available after login: {states}")
        print(f"[setup] daemon healthy, {len(states)} agents logged in to queue {QUEUE!r}", flush=True)
        cpu = CpuMeter({"daemon": [daemon.process.pid], "asterisk": [asterisk_pid()],
                        "postgresql": with_children(postmaster)})
        return await measure("daemon", args, phones, cpu, workdir)
    finally:
        daemon.stop()
        shutil.copy(daemon.log_path, DAEMON_LOG_COPY)
        await wait_for_no_channels(5)


async def measure_app_queue(args, phones: AgentPhones, workdir: Path) -> dict:
    await asyncio.to_thread(install_baseline, args.exts)
    print(f"[setup] baseline loaded: DID {DID} → Queue(bench-baseline), {len(args.exts)} static "
          "members", flush=True)
    try:
        return await measure("app_queue", args, phones, CpuMeter({"asterisk": [asterisk_pid()]}), workdir)
    finally:
        await asyncio.to_thread(remove_baseline)


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0 or math.isnan(a) or math.isnan(b):
        return "-"
    return f"{a / b:.2f}"


def report(args, results: dict) -> None:
    capacity = len(args.exts) / ((args.ring_ms + args.talk_ms) / 1000)
    names = list(results)
    both = len(names) == 2
    print(f"\n== arrival → agent's phone ringing, {args.latency_calls} calls at {args.latency_rate:g} cps "
          "(ms)")
    print(f"  {'':6}" + "".join(f"{n:>12}" for n in names) + ("   daemon/app_queue" if both else ""))
    for q in (50, 95, 99):
        values = [results[n]["latency"].percentile(q) for n in names]
        line = f"  p{q:<5}" + "".join(f"{ms(v):>12}" for v in values)
        if both:
            line += f"   {ratio(values[0], values[1]):>16}"
        print(line)
    for n in names:
        if results[n]["latency"].failed:
            print(f"  ({n}: {results[n]['latency'].failed} of the latency calls failed)")
    print(f"\n== CPU time per call in that part (ms; the machine: all processes, the bench's sipp included)")
    together = {}
    for n in names:
        per_call = dict(results[n]["latency"].cpu_ms_per_call)
        machine = per_call.pop("machine", float("nan"))
        together[n] = sum(per_call.values())
        parts = ", ".join(f"{name} {value:.1f}" for name, value in per_call.items())
        print(f"  {n:10} {parts}; together {together[n]:.1f}; machine {machine:.1f}")
    if both:
        print(f"  daemon/app_queue {ratio(together['daemon'], together['app_queue'])} (together)")
    print(f"\n== highest call rate with no failed call (steps {', '.join(f'{r:g}' for r in args.rates)} cps, "
          f"{args.step_seconds:g} s each)")
    rates = {}
    for n in names:
        best, broke = results[n]["best"], results[n]["broke"]
        rates[n] = best
        shown = "none of the steps" if best is None else f"{best:g} cps"
        more = "" if broke else " (no step failed: at least this)"
        print(f"  {n:10} {shown}{more}")
    if both:
        exact = results["daemon"]["broke"] and results["app_queue"]["broke"]
        print(f"  daemon/app_queue {ratio(rates['daemon'], rates['app_queue'])}"
              f"{'' if exact else ' (a bound: a system that never failed was only stepped this far)'}")
    print(f"\n  {len(args.exts)} agent phones ringing {args.ring_ms} ms and talking {args.talk_ms} ms take "
          f"about {capacity:.0f} cps at most: a limit near that is the phones', not the stack's.")


async def main() -> None:
    args = arguments()
    systems = [args.only] if args.only else list(SYSTEMS)
    print(f"e2e queue benchmark: {', '.join(systems)}; {len(args.exts)} agent phones ({args.exts[0]}-"
          f"{args.exts[-1]}, ring {args.ring_ms} ms, talk {args.talk_ms} ms), DID {DID}", flush=True)
    lock = take_asterisk_lock()
    workdir = Path(tempfile.mkdtemp(prefix="telephony-bench-e2e-"))
    credentials = test_credentials("telephony")
    postgres = asterisk = phones = None
    try:
        started = time.monotonic()
        postgres = start_embedded_postgres(workdir / "pgdata")
        admin_dsn = postgres.get_uri()
        conn = await asyncpg.connect(admin_dsn)
        await conn.execute('CREATE DATABASE "bench_e2e"')
        await conn.close()
        asterisk = Asterisk(credentials)
        await asyncio.to_thread(asterisk.start)
        await asyncio.to_thread(install_agent_endpoints, args.exts)
        phones = AgentPhones(args.exts, credentials["TELEPHONY_SIP_AGENT_PASSWORD"], workdir, args.ring_ms,
                             args.talk_ms)
        await phones.register()
        await phones.start()
        print(f"[setup] PostgreSQL and Asterisk up, {len(args.exts)} phones registered and answering "
              f"({time.monotonic() - started:.1f} s)", flush=True)
        results = {}
        if "daemon" in systems:
            dsn = with_database(admin_dsn, "bench_e2e")
            postmaster = int((workdir / "pgdata" / "postmaster.pid").read_text().split()[0])
            results["daemon"] = await measure_daemon(args, credentials, dsn, postmaster, phones, workdir)
        if "app_queue" in systems:
            results["app_queue"] = await measure_app_queue(args, phones, workdir)
        report(args, results)
        log = f"; the daemon's log: {DAEMON_LOG_COPY}" if "daemon" in results else ""
        print(f"\n(whole run {time.monotonic() - started:.0f} s{log})")
    finally:
        if phones is not None:
            await phones.stop()
        if asterisk is not None:
            await asyncio.to_thread(asterisk.stop)
        if postgres is not None:
            postgres.cleanup()
        if args.keep:
            print(f"kept: {workdir} (sipp logs; the database in pgdata)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        lock.close()


if __name__ == "__main__":
    asyncio.run(main())
