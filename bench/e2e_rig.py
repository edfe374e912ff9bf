"""The parts of the end-to-end queue benchmark (bench/e2e_queue.py) beyond the integration rig it reuses:
bench-only Asterisk configuration put into the running Asterisk, the sipp agent phones and callers, and
reading their logs into per-call figures.

The Asterisk configuration installed by deploy/asterisk/local.sh (from dialplan/) stays as it is; the bench
adds files next to it and `#include`s them into the installed copies, then reloads. The next `local.sh
start` (any test session's) renders dialplan/ afresh and so drops them.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.integration.rig import ASTERISK_ROOT, ROOT, run_sipp

BENCH = ROOT / "bench"
SIPP = BENCH / "sipp"
BASELINE = BENCH / "baseline"
ETC = ASTERISK_ROOT / "etc" / "asterisk"
LOCK = "/tmp/telephony-asterisk.lock"
FIRST_EXTENSION = 1010
MAX_AGENTS = 50  # the bench's endpoint range is 1010-1059
CALLER_PORTS = (15900, 27000)
AGENT_PORTS = (15902, 27100)


def take_asterisk_lock(limit: float = 1200):
    """The lock the integration tests take (tests/integration/conftest.py): one user of the local Asterisk."""
    lock = open(LOCK, "w")
    deadline = time.monotonic() + limit
    told = False
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return lock
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise SystemExit(f"another session kept the local Asterisk for over {limit:.0f} s")
            if not told:
                print("waiting for another session (tests?) to finish with the local Asterisk", flush=True)
                told = True
            time.sleep(0.5)


def cli(command: str) -> str:
    result = subprocess.run(["chroot", str(ASTERISK_ROOT), "asterisk", "-rx", command],
                            capture_output=True, text=True, timeout=20)
    return result.stdout


def extensions(count: int) -> list[str]:
    if not 1 <= count <= MAX_AGENTS:
        raise SystemExit(f"--agents must be 1 to {MAX_AGENTS} (endpoints {FIRST_EXTENSION}-"
                         f"{FIRST_EXTENSION + MAX_AGENTS - 1})")
    return [str(FIRST_EXTENSION + i) for i in range(count)]


def _include(conf: str, name: str, text: str) -> None:
    """Write `name` into the installed configuration and include it at the end of `conf` (once)."""
    (ETC / name).write_text(text)
    target = ETC / conf
    line = f"#include {name}\n"
    current = target.read_text()
    if line not in current:
        target.write_text(current.rstrip("\n") + "\n\n" + line)


def _exclude(conf: str, name: str) -> None:
    target = ETC / conf
    target.write_text(target.read_text().replace(f"#include {name}\n", ""))
    (ETC / name).unlink(missing_ok=True)


def install_agent_endpoints(exts: list[str]) -> None:
    """PJSIP endpoints 1010-10xx from the agent templates of dialplan/pjsip.conf (same password)."""
    blocks = [f"[{e}](agent-endpoint)\nauth = {e}\naors = {e}\n[{e}](agent-aor)\n"
              f"[{e}](agent-auth)\nusername = {e}\n" for e in exts]
    _include("pjsip.conf", "pjsip_bench_agents.conf",
             "; bench/e2e_queue.py: agent phones for the benchmark\n\n" + "\n".join(blocks))
    cli("module reload res_pjsip.so")
    deadline = time.monotonic() + 10
    while f"{exts[-1]}/" not in cli(f"pjsip show endpoint {exts[-1]}"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"Asterisk did not load the bench endpoints (no {exts[-1]})")
        time.sleep(0.2)


def install_baseline(exts: list[str]) -> None:
    """Route the bench DID to app_queue (bench/baseline) with the agent phones as static members."""
    members = "".join(f"member => PJSIP/{e},0,{e}\n" for e in exts)
    _include("queues.conf", "queues_bench_baseline.conf", (BASELINE / "queues.conf").read_text() + members)
    _include("extensions.conf", "extensions_bench_baseline.conf", (BASELINE / "extensions.conf").read_text())
    cli("module reload app_queue.so")
    cli("dialplan reload")
    shown = cli("queue show bench-baseline")
    if f"PJSIP/{exts[-1]}" not in shown or "Queue(" not in cli("dialplan show 480@from-trunk"):
        raise RuntimeError(f"the baseline did not load:\n{shown}")


def remove_baseline() -> None:
    _exclude("extensions.conf", "extensions_bench_baseline.conf")
    _exclude("queues.conf", "queues_bench_baseline.conf")
    cli("dialplan reload")
    cli("module reload app_queue.so")


def active_channels() -> int:
    match = re.search(r"(\d+) active channel", cli("core show channels count"))
    return int(match.group(1)) if match else -1


async def wait_for_no_channels(timeout: float = 20) -> int:
    """Let the last calls end; after `timeout` hang up whatever is left. Returns the channels left then."""
    deadline = time.monotonic() + timeout
    while (left := await asyncio.to_thread(active_channels)) != 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.3)
    if left:
        await asyncio.to_thread(cli, "channel request hangup all")
        await asyncio.sleep(1)
    return left


def asterisk_pid() -> int | None:
    try:
        return int((ASTERISK_ROOT / "run" / "asterisk" / "asterisk.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def cpu_seconds(pid: int | None) -> float:
    """User and system CPU time of a process and all its threads so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all cores spent on anything but idling and waiting for I/O, since boot."""
    fields = Path("/proc/stat").read_text().split()[1:9]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields)
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def with_children(pid: int | None) -> list[int]:
    """A process and its direct children (PostgreSQL's postmaster and its backends, say)."""
    if pid is None:
        return []
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return [pid, *children]


class CpuMeter:
    """Share of one core each watched group of processes, and the whole machine ("machine", all cores
    together: 200% is two cores busy), used between start() and stop()."""

    def __init__(self, groups: dict[str, list[int]]):
        self.groups = groups
        self._at = 0.0
        self._used: dict[str, float] = {}
        self.elapsed = 0.0

    def _total(self, name: str) -> float:
        if name == "machine":
            return machine_busy_seconds()
        return sum(cpu_seconds(pid) for pid in self.groups[name])

    def start(self) -> None:
        self._at = time.monotonic()
        self._used = {name: self._total(name) for name in [*self.groups, "machine"]}

    def stop(self) -> dict[str, float]:
        self.elapsed = max(time.monotonic() - self._at, 1e-6)
        return {name: (self._total(name) - self._used[name]) / self.elapsed * 100 for name in self._used}


def read_log(path: Path) -> list[tuple[str, str, float]]:
    """A sipp log action file's `what NUMBER ... EPOCH` lines as (what, number, epoch seconds)."""
    entries = []
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] in ("sent", "done", "ring"):
                try:
                    entries.append((parts[0], parts[1], float(parts[-1])))
                except ValueError:
                    continue
    return entries


class AgentPhones:
    """All agent endpoints on one sipp UAS: it registers as each of them from its own port, then answers."""

    def __init__(self, exts: list[str], password: str, workdir: Path, ring_ms: int, talk_ms: int):
        self.exts, self.password = exts, password
        self.ring_ms, self.talk_ms = ring_ms, talk_ms
        self.log = workdir / "agents.log"
        self.errors = workdir / "agents-errors.log"
        self.process: asyncio.subprocess.Process | None = None

    async def register(self, expires: int = 3600) -> None:
        for ext in self.exts:
            result = await run_sipp("register.xml", ext, "-au", ext, "-ap", self.password,
                                    "-key", "expires", str(expires), ports=AGENT_PORTS, timeout=10)
            if result.returncode != 0:
                raise RuntimeError(f"{ext} did not register:\n{result.stdout[-1500:]}")

    async def start(self) -> None:
        sip_port, media_port = AGENT_PORTS
        self.process = await asyncio.create_subprocess_exec(
            "sipp", "-sf", str(SIPP / "agent.xml"), "-i", "127.0.0.1", "-p", str(sip_port),
            "-mp", str(media_port), "-d", str(self.ring_ms), "-key", "talk", str(self.talk_ms),
            "-trace_logs", "-log_file", str(self.log), "-trace_err", "-error_file", str(self.errors),
            "-nostdin", stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            cwd=self.log.parent)
        await asyncio.sleep(0.5)
        if self.process.returncode is not None:
            why = (await self.process.stderr.read()).decode(errors="replace")[-1500:]
            raise RuntimeError(f"the agents' sipp exited: {why}")

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except asyncio.TimeoutError:
                self.process.kill()
                await self.process.wait()
        self.process = None


@dataclass
class Load:
    """One sipp caller run: `calls` calls at `rate` per second to `did`, caller numbers from `prefix`."""

    did: str
    rate: float
    calls: int
    prefix: str
    bound_ms: int  # the longest a caller may wait for an agent's phone to ring
    workdir: Path

    def numbers(self) -> list[str]:
        return [f"{self.prefix}{i:05d}" for i in range(self.calls)]

    async def run(self, ring_ms: int, talk_ms: int) -> tuple[int, str]:
        name = f"callers-{self.prefix.lstrip('+')}"
        inject = self.workdir / f"{name}.csv"
        inject.write_text("SEQUENTIAL\n" + "\n".join(self.numbers()) + "\n")
        self.log = self.workdir / f"{name}.log"
        sip_port, media_port = CALLER_PORTS
        # A caller waits at most bound + ring + talk (+ slack) for each answer and for the agent's BYE.
        recv_timeout = self.bound_ms + ring_ms + talk_ms + 2000
        whole = self.calls / self.rate + recv_timeout / 1000 * 2 + 10
        process = await asyncio.create_subprocess_exec(
            "sipp", "127.0.0.1:5060", "-sf", str(SIPP / "caller.xml"), "-s", self.did, "-inf", str(inject),
            "-i", "127.0.0.1", "-p", str(sip_port), "-mp", str(media_port),
            "-r", f"{self.rate:g}", "-rp", "1000", "-m", str(self.calls), "-l", "100000",
            "-recv_timeout", str(recv_timeout),
            "-timeout", f"{int(whole)}s", "-timeout_error", "-trace_logs", "-log_file", str(self.log),
            "-trace_err", "-error_file", str(self.workdir / f"{name}-errors.log"), "-nostdin",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=self.workdir)
        stdout, stderr = await process.communicate()
        text = stdout.decode(errors="replace")
        failed = re.search(r"Failed call\s*\|\s*\d+\s*\|\s*(\d+)", text)
        return (int(failed.group(1)) if failed else -1), text[-2000:] + stderr.decode(errors="replace")[-500:]


@dataclass
class Outcome:
    """Per-call figures of one load: which calls failed, and arrival → ringing for the others."""

    calls: int
    sipp_failed: int
    ringing_ms: list[float] = field(default_factory=list)
    unanswered: int = 0  # no agent phone rang, or it rang later than the bound
    unfinished: int = 0  # the caller's or the agent's side did not end normally
    cpu_ms_per_call: dict[str, float] = field(default_factory=dict)  # by process group, while it ran

    @property
    def failed(self) -> int:
        return max(self.sipp_failed, self.unanswered + self.unfinished)

    def percentile(self, q: int) -> float:
        if not self.ringing_ms:
            return float("nan")
        if len(self.ringing_ms) == 1:
            return self.ringing_ms[0]
        return statistics.quantiles(self.ringing_ms, n=100, method="inclusive")[q - 1]


async def outcome(load: Load, sipp_failed: int, agents: AgentPhones, settle: float = 5) -> Outcome:
    """Pair each caller's INVITE with the INVITE the agent phone got (by the caller's number in its From)."""
    callers = read_log(load.log)
    sent = {n: t for what, n, t in callers if what == "sent"}
    caller_done = {n for what, n, _ in callers if what == "done"}
    deadline = time.monotonic() + settle
    while True:  # the agents' sipp writes its log as it goes: give the last lines a moment
        phones = [(what, n, t) for what, n, t in read_log(agents.log) if n.startswith(load.prefix)]
        rang: dict[str, float] = {}
        for what, n, t in phones:
            if what == "ring" and n not in rang:
                rang[n] = t
        agent_done = {n for what, n, _ in phones if what == "done"}
        if caller_done <= agent_done or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    result = Outcome(calls=load.calls, sipp_failed=sipp_failed)
    for number in load.numbers():
        if number not in sent:
            result.unfinished += 1
            continue
        if number not in rang or (rang[number] - sent[number]) * 1000 > load.bound_ms:
            result.unanswered += 1
            continue
        result.ringing_ms.append((rang[number] - sent[number]) * 1000)
        if number not in caller_done or number not in agent_done:
            result.unfinished += 1
    return result
