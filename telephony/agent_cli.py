"""`telephony agent list|add|edit|remove|import`: agent administration from a shell, through the daemon's
HTTP API, so that a change takes effect in the ACD at once and is audited under the token's user.

The API's address comes from --api or TELEPHONY_API_URL (default http://127.0.0.1:8080), an admin's token
from --token or TELEPHONY_TOKEN (`telephony user token NAME` prints one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

import aiohttp

from telephony.agent_admin import parse_pairs
from telephony.errors import TelephonyError

DEFAULT_API = "http://127.0.0.1:8080"


def add_agent_commands(commands) -> None:
    agent = commands.add_parser("agent", help="manage agents through the running daemon's API")
    agent.add_argument("--api", default=os.environ.get("TELEPHONY_API_URL", DEFAULT_API),
                       help="the daemon's HTTP address (TELEPHONY_API_URL)")
    agent.add_argument("--token", default=os.environ.get("TELEPHONY_TOKEN"),
                       help="an admin's API token (TELEPHONY_TOKEN)")
    sub = agent.add_subparsers(dest="agent_command", required=True)
    sub.add_parser("list", help="the agents, their states, queues and skills")
    add = sub.add_parser("add", help="create an agent")
    add.add_argument("name")
    add.add_argument("extension")
    _profile_options(add)
    add.add_argument("--user", help="create a user of this name for the agent")
    add.add_argument("--password-stdin", action="store_true", help="the new user's password, from standard input")
    edit = sub.add_parser("edit", help="change an agent (named by extension or id)")
    edit.add_argument("agent")
    edit.add_argument("--name")
    edit.add_argument("--extension")
    _profile_options(edit)
    edit.add_argument("--no-softphone", action="store_true")
    edit.add_argument("--no-mobile", action="store_true")
    remove = sub.add_parser("remove", help="remove an agent (named by extension or id)")
    remove.add_argument("agent")
    load = sub.add_parser("import", help="create agents from a CSV file; prints a line per failed row")
    load.add_argument("file", type=Path)


def _profile_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--softphone", help="PJSIP endpoint, such as PJSIP/1001")
    parser.add_argument("--mobile", help="E.164 number, such as +4915112345678")
    parser.add_argument("--skills", help="such as 'french:3 english:5' (replaces the agent's)")
    parser.add_argument("--queues", help="queue:penalty, such as 'sales:0 vip:10' (replaces the agent's)")
    parser.add_argument("--recording", choices=("always", "on_demand", "never", "queue"),
                        help="the agent's own recording policy; queue follows each queue's")


def cmd_agent(args) -> int:
    if not args.token:
        print("telephony: an admin's API token is needed: --token or TELEPHONY_TOKEN", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_run(args))
    except aiohttp.ClientError as exc:
        print(f"telephony: cannot reach the daemon at {args.api}: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"telephony: {exc}", file=sys.stderr)
        return 2


class ApiRefused(TelephonyError):
    """The daemon answered with an error: its message (and each field's problem) is shown."""

    def __init__(self, status: int, body):
        self.status = status
        self.body = body
        super().__init__(_message(body))


async def _run(args) -> int:
    headers = {"Authorization": f"Bearer {args.token}"}
    async with aiohttp.ClientSession(args.api.rstrip("/"), headers=headers,
                                     timeout=aiohttp.ClientTimeout(total=30)) as http:
        api = _Api(http)
        try:
            return await COMMANDS[args.agent_command](api, args)
        except ApiRefused as exc:
            print(f"telephony: {exc}", file=sys.stderr)
            return 1


class _Api:
    def __init__(self, http: aiohttp.ClientSession):
        self._http = http

    async def call(self, method: str, path: str, body=None):
        async with self._http.request(method, path, json=body) as resp:
            answer = await resp.json() if resp.content_type == "application/json" else await resp.text()
            if resp.status >= 400:
                raise ApiRefused(resp.status, answer)
            return answer

    async def agent_id(self, name: str) -> str:
        agents = (await self.call("GET", "/api/v1/agents"))["agents"]
        for agent in agents:
            if name in (agent["extension"], agent["id"]):
                return agent["id"]
        raise ApiRefused(404, {"error": {"message": f"no agent with extension or id {name}"}})


async def _list(api: _Api, _args) -> int:
    agents = (await api.call("GET", "/api/v1/agents"))["agents"]
    print(f"{'EXT':<8} {'NAME':<24} {'STATE':<11} {'QUEUES':<24} {'SKILLS':<24} ID")
    for a in agents:
        queues = " ".join(f"{q}:{p}" for q, p in sorted(a["queues"].items()))
        skills = " ".join(f"{s}:{v}" for s, v in sorted(a["skills"].items()))
        print(f"{a['extension']:<8} {a['name'][:24]:<24} {a['state']:<11} {queues:<24} {skills:<24} {a['id']}")
    return 0


async def _add(api: _Api, args) -> int:
    body = {"name": args.name, "extension": args.extension, **_profile(args)}
    if args.user:
        body["user"] = {"name": args.user}
        if args.password_stdin:
            body["user"]["password"] = sys.stdin.read().rstrip("\r\n")
    agent = await api.call("POST", "/api/v1/agents", body)
    print(f"created agent {agent['name']} (extension {agent['extension']}): {agent['id']}")
    return 0


async def _edit(api: _Api, args) -> int:
    body = {k: v for k, v in (("name", args.name), ("extension", args.extension)) if v is not None}
    body.update(_profile(args))
    if args.no_softphone:
        body["softphone"] = None
    if args.no_mobile:
        body["mobile"] = None
    if not body:
        raise ValueError("nothing to change: give at least one option")
    agent = await api.call("PATCH", f"/api/v1/agents/{await api.agent_id(args.agent)}", body)
    print(json.dumps(agent, indent=2))
    return 0


async def _remove(api: _Api, args) -> int:
    await api.call("DELETE", f"/api/v1/agents/{await api.agent_id(args.agent)}")
    print(f"removed agent {args.agent}")
    return 0


async def _import(api: _Api, args) -> int:
    report = await api.call("POST", "/api/v1/agents/import", {"csv": args.file.read_text(encoding="utf-8")})
    for row in report["failed"]:
        for error in row["errors"]:
            place = f"{error['field']}: " if error.get("field") else ""
            print(f"{args.file}:{row['line']}: {place}{error['message']}")
    print(f"{len(report['created'])} agent(s) created, {len(report['failed'])} row(s) failed", file=sys.stderr)
    return 1 if report["failed"] else 0


COMMANDS = {"list": _list, "add": _add, "edit": _edit, "remove": _remove, "import": _import}


def _profile(args) -> dict:
    body = {}
    for name in ("softphone", "mobile"):
        if getattr(args, name):
            body[name] = getattr(args, name)
    for name in ("skills", "queues"):
        if getattr(args, name) is not None:
            body[name] = parse_pairs(getattr(args, name))
    if args.recording is not None:
        body["recording"] = None if args.recording == "queue" else args.recording
    return body


def _message(body) -> str:
    if isinstance(body, dict) and "error" in body:
        error = body["error"]
        details = error.get("details")
        if isinstance(details, list) and details:
            parts = []
            for d in details:
                allowed = f" (allowed: {', '.join(map(str, d['allowed']))})" if d.get("allowed") else ""
                parts.append(f"{'.'.join(map(str, d.get('loc', [])))}: {d.get('msg')}{allowed}")
            return "; ".join(parts)
        return error.get("message", str(body))
    return str(body)
