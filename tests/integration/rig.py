"""The integration rig: the real local Asterisk, an embedded PostgreSQL, the daemon as a subprocess, sipp."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
SIPP_DIR = ROOT / "tests" / "sipp"
ASTERISK_ROOT = Path(os.environ.get("ASTERISK_ROOT", "/var/cache/telephony/asterisk-22"))
LOCAL_ASTERISK = ROOT / "deploy" / "asterisk" / "local.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_credentials(app: str) -> dict[str, str]:
    return {
        "TELEPHONY_AMI_USER": "telephony-test",
        "TELEPHONY_AMI_SECRET": secrets.token_urlsafe(16),
        "TELEPHONY_ARI_USER": "telephony-test",
        "TELEPHONY_ARI_PASSWORD": secrets.token_urlsafe(16),
        "TELEPHONY_ARI_APP": app,
        "TELEPHONY_SIP_AGENT_PASSWORD": secrets.token_urlsafe(12),
    }


class Asterisk:
    """The local Asterisk 22 in its chroot, configured from this repo's dialplan/."""

    def __init__(self, env: dict[str, str]):
        self.env = {**os.environ, **env, "ASTERISK_ROOT": str(ASTERISK_ROOT)}

    def ensure_built(self) -> None:
        if not (ASTERISK_ROOT / ".telephony-ready").exists():
            raise RuntimeError(
                f"no Asterisk chroot at {ASTERISK_ROOT}: run `make asterisk` (make test does it)"
            )

    def _script(self, action: str, timeout: float = 90) -> None:
        result = subprocess.run([str(LOCAL_ASTERISK), action], env=self.env, capture_output=True, text=True,
                                timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"local.sh {action} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        self.ensure_built()
        self._script("start")

    def stop(self) -> None:
        self._script("stop")

    def restart(self) -> None:
        self._script("restart")

    def cli(self, command: str) -> str:
        result = subprocess.run(["chroot", str(ASTERISK_ROOT), "asterisk", "-rx", command],
                                capture_output=True, text=True, timeout=20)
        return result.stdout


@dataclass
class Daemon:
    """`telephony run` as a subprocess, exactly as an ops team would start it."""

    env: dict[str, str]
    log_path: Path
    http_port: int
    process: subprocess.Popen | None = None
    _log_file: object = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> None:
        self._log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "telephony", "run"], cwd=ROOT,
                                        env={**os.environ, **self.env}, stdout=self._log_file,
                                        stderr=subprocess.STDOUT)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.process is None:
            return 0
        self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process = None
        self._log_file.close()
        return code

    def log_lines(self) -> list[dict]:
        lines = []
        for raw in self.log_path.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if isinstance(entry, dict):
                lines.append(entry)
        return lines

    async def health(self) -> tuple[int, dict]:
        async with aiohttp.ClientSession() as session:
            async with session.get(self.url + "/healthz", timeout=aiohttp.ClientTimeout(total=3)) as resp:
                return resp.status, await resp.json()

    async def wait_healthy(self, timeout: float = 45) -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"daemon exited with {self.process.returncode}:\n{self.log_path.read_text()[-3000:]}")
            try:
                status, body = await self.health()
                last = body
                if status == 200:
                    return body
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                pass
            await asyncio.sleep(0.2)
        raise TimeoutError(f"daemon not healthy after {timeout}s: {last}\n{self.log_path.read_text()[-3000:]}")


_ports = itertools.count(0)


@dataclass
class SippResult:
    returncode: int
    stdout: str
    stderr: str
    elapsed: float


def sipp_ports() -> tuple[int, int]:
    """A SIP and a media port of their own for one sipp phone."""
    n = next(_ports)
    return 15100 + 2 * n, 26000 + 10 * n


async def start_sipp(scenario: str, service: str, *args: str, timeout: float = 60,
                     ports: tuple[int, int] | None = None) -> asyncio.subprocess.Process:
    sip_port, media_port = ports or sipp_ports()
    command = ["sipp", "127.0.0.1:5060", "-sf", str(SIPP_DIR / scenario), "-s", service,
               "-i", "127.0.0.1", "-p", str(sip_port), "-mp", str(media_port), "-m", "1",
               "-timeout", f"{int(timeout)}s", "-timeout_error", "-nostdin", *args]
    return await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE, cwd="/tmp")


async def finish_sipp(process: asyncio.subprocess.Process, timeout: float = 60) -> SippResult:
    started = time.monotonic()
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    except asyncio.TimeoutError:
        process.kill()
        stdout, stderr = await process.communicate()
    return SippResult(process.returncode, stdout.decode(errors="replace"), stderr.decode(errors="replace"),
                      time.monotonic() - started)


async def run_sipp(scenario: str, service: str, *args: str, timeout: float = 60,
                   ports: tuple[int, int] | None = None) -> SippResult:
    """Run one sipp instance against the local Asterisk to its end."""
    process = await start_sipp(scenario, service, *args, timeout=timeout, ports=ports)
    return await finish_sipp(process, timeout + 10)


class AgentPhone:
    """A sipp softphone registered as an agent endpoint, answering (or only ringing for) one call."""

    def __init__(self, extension: str, password: str):
        self.extension = extension
        self.password = password
        self.ports = sipp_ports()
        self.process: asyncio.subprocess.Process | None = None

    async def register(self, expires: int = 120) -> None:
        result = await run_sipp("register.xml", self.extension, "-au", self.extension, "-ap", self.password,
                                "-key", "expires", str(expires), ports=self.ports, timeout=10)
        if result.returncode != 0:
            raise RuntimeError(f"{self.extension} did not register:\n{result.stdout[-1500:]}")

    async def start(self, scenario: str = "agent_answers.xml", ring_ms: int = 300, timeout: float = 60) -> None:
        self.process = await start_sipp(scenario, self.extension, "-d", str(ring_ms),
                                        ports=self.ports, timeout=timeout)

    async def finish(self, timeout: float = 60) -> SippResult:
        return await finish_sipp(self.process, timeout)

    async def stop(self) -> None:
        """Hang up the phone and unregister it, as a softphone does when it quits: a contact left behind
        would make Asterisk ring a dead port for the next test."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await self.unregister()

    async def unregister(self) -> None:
        """Register (replacing any contact an earlier phone left) and then unregister this extension."""
        await self.register()
        await self.register(expires=0)


async def place_call(did: str, caller: str, timeout: float = 60) -> SippResult:
    """One real SIP call through the trunk to `did`, from `caller`; ends when Asterisk hangs up."""
    return await run_sipp("caller.xml", did, "-key", "caller", caller, timeout=timeout)


async def place_call_and_hang_up(did: str, caller: str, after_ms: int, timeout: float = 60) -> SippResult:
    """A real SIP call to `did` whose caller hangs up `after_ms` after the answer."""
    return await run_sipp("caller_hangs_up.xml", did, "-key", "caller", caller, "-d", str(after_ms),
                          timeout=timeout)
