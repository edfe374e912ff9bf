"""The `telephony` command: run the daemon, migrate the database, check a configuration file, manage users
and agents."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from telephony.agent_cli import add_agent_commands, cmd_agent
from telephony.auth.models import ROLES
from telephony.config import load_config
from telephony.errors import ConfigError, MigrationError, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="telephony", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the daemon in the foreground")
    commands.add_parser("migrate", help="apply the SQL migrations and exit")
    check = commands.add_parser("check-config", help="validate a call-center configuration file")
    check.add_argument("file", nargs="?", type=Path, help="default: the configured file")
    check.add_argument("--strict", action="store_true", help="warnings (no DIDs, no queues, missing prompts, "
                                                             "agents in unknown queues) are errors")
    check.add_argument("--sounds-dir", type=Path, help="Asterisk's sounds directory to look prompts up in "
                                                       "(default: over ARI, else the local chroot's)")
    schema = commands.add_parser("config-schema", help="print the JSON Schema of the call-center file")
    schema.add_argument("--indent", type=int, default=2)
    user = commands.add_parser("user", help="manage users").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="create a user and print a long-lived API token for it")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--display-name", default="")
    add.add_argument("--password-stdin", action="store_true", help="read a login password from standard input")
    token = user.add_parser("token", help="print a new long-lived API token for a user")
    token.add_argument("name")
    token.add_argument("--label", default="cli")
    recordings = commands.add_parser("recordings", help="manage call recordings").add_subparsers(
        dest="recordings_command", required=True)
    prune = recordings.add_parser("prune", help="remove recordings older than the retention period; a dry run "
                                                "unless --apply")
    prune.add_argument("--older-than-days", type=float, default=None,
                       help="default: the recordings_retention_days setting")
    prune.add_argument("--apply", action="store_true", help="really remove the files and their rows")
    report = commands.add_parser("report", help="print a queue or agent report (the API's /reports, as admin)")
    report.add_argument("report_command", choices=("queues", "agents"))
    report.add_argument("--from", dest="start", required=True, help="ISO 8601 with its offset")
    report.add_argument("--to", dest="end", required=True, help="ISO 8601 with its offset; excluded")
    report.add_argument("--interval", default="1h", choices=("15m", "30m", "1h", "1d"))
    report.add_argument("--tz", default=None, help="a time zone name; default: each queue's own")
    report.add_argument("--queue", action="append", default=[], help="only these queues (repeatable)")
    report.add_argument("--agent", action="append", default=[], help="only these agents (repeatable)")
    report.add_argument("--view", default="queue", choices=("queue", "caller"))
    report.add_argument("--csv", action="store_true", help="CSV, as the API answers to Accept: text/csv")
    add_agent_commands(commands)
    args = parser.parse_args(argv)
    if args.command == "agent":
        return cmd_agent(args)
    if args.command in ("user", "recordings", "report"):
        args.command = f"{args.command}-{getattr(args, args.command + '_command')}"
    handlers = {"run": cmd_run, "migrate": cmd_migrate, "check-config": cmd_check_config,
                "config-schema": cmd_config_schema,
                "user-add": cmd_user_add, "user-token": cmd_user_token, "recordings-prune": cmd_recordings_prune,
                "report-queues": cmd_report, "report-agents": cmd_report}
    try:
        return handlers[args.command](args)
    except (SettingsError, MigrationError) as exc:
        print(f"telephony: {exc}", file=sys.stderr)
        return 2


def problem_lines(exc: ConfigError) -> list[str]:
    return [f"{exc.source}: {place}: {message}" if place else f"{exc.source}: {message}"
            for place, message in exc.problems]


def cmd_check_config(args) -> int:
    from telephony.check_config import check_config

    return check_config(args.file, strict_mode=args.strict, sounds_dir=args.sounds_dir)


def cmd_config_schema(args) -> int:
    import json

    from telephony.config.schema import config_schema

    print(json.dumps(config_schema(), indent=args.indent or None))
    return 0


def cmd_migrate(_args) -> int:
    from telephony.db.migrations import migrate
    from telephony.db.pool import Database
    from telephony.logs import configure_logging
    from telephony.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_format, settings.log_level)

    async def run() -> list[str]:
        database = Database(settings.database_dsn.get_secret_value() if settings.database_dsn else None,
                            settings.database_dir, settings.database_name, min_size=1, max_size=1)
        await database.start()
        try:
            return await migrate(database.pool, settings.migrations_dir)
        finally:
            await database.close()

    applied = asyncio.run(run())
    print(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))
    return 0


def cmd_recordings_prune(args) -> int:
    from datetime import datetime, timedelta

    from telephony.db.recordings import RecordingStore
    from telephony.recordings.prune import prune
    from telephony.settings import load_settings

    settings = load_settings()
    days = args.older_than_days if args.older_than_days is not None else settings.recordings_retention_days
    if days <= 0:
        print("telephony: --older-than-days must be more than 0", file=sys.stderr)
        return 2
    cutoff = datetime.now(UTC) - timedelta(days=days)
    report = _with_database(lambda pool, _settings: prune(RecordingStore(pool), settings.recordings_dir, cutoff,
                                                         args.apply))
    for line in report.lines():
        print(line)
    return 0


def cmd_report(args) -> int:
    """The figures the API's /reports routes answer, for an admin, printed as a table or CSV."""
    from uuid import uuid4
    from zoneinfo import ZoneInfo

    from telephony.auth.policy import Principal
    from telephony.db.call_events import CallEventStore
    from telephony.db.report_rows import ReportRows
    from telephony.reports.csv_rows import to_csv
    from telephony.reports.intervals import Interval
    from telephony.reports.queues import ReportWindow, View
    from telephony.reports.service import ReportRequest, Reports
    from telephony.reports.table import to_table

    start, end = datetime.fromisoformat(args.start), datetime.fromisoformat(args.end)
    if start.tzinfo is None or end.tzinfo is None or not start < end:
        print("telephony: --from and --to need their offset, --from before --to", file=sys.stderr)
        return 2
    window = ReportWindow(start, end, Interval(args.interval), ZoneInfo(args.tz) if args.tz else None)
    request = ReportRequest(window, tuple(args.queue), tuple(args.agent), View(args.view))
    admin = Principal(uuid4(), "cli", "admin")
    kind = args.command.removeprefix("report-")

    async def compute(pool, settings):
        config = load_config(settings.config_file)
        reports = Reports(CallEventStore(pool), ReportRows(pool), lambda: config.queues,
                          lambda: datetime.now(UTC))
        return await (reports.queues if kind == "queues" else reports.agents)(admin, request)

    rows = _with_database(compute)[kind]
    sys.stdout.write(to_csv(rows) if args.csv else to_table(rows))
    return 0


def _with_database(action):
    """Run `action(pool, settings)` against the configured database, migrated first."""
    from telephony.db.migrations import migrate
    from telephony.db.pool import Database
    from telephony.logs import configure_logging
    from telephony.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_format, "warning")

    async def run():
        database = Database(settings.database_dsn.get_secret_value() if settings.database_dsn else None,
                            settings.database_dir, settings.database_name, min_size=1, max_size=1)
        await database.start()
        try:
            await migrate(database.pool, settings.migrations_dir)
            return await action(database.pool, settings)
        finally:
            await database.close()

    return asyncio.run(run())


def _with_auth(action):
    """Run `action(auth)` against the configured database, migrated first."""
    from datetime import datetime

    from telephony.auth.service import build_auth_service

    return _with_database(lambda pool, settings: action(build_auth_service(pool, settings,
                                                                           lambda: datetime.now(UTC))))


def cmd_user_add(args) -> int:
    from pydantic import ValidationError

    from telephony.api.schemas import UserCreate
    from telephony.db.users import DuplicateUserName

    password = sys.stdin.read().rstrip("\r\n") if args.password_stdin else None
    try:
        request = UserCreate(name=args.name, display_name=args.display_name, role=args.role, password=password)
    except ValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            print(f"telephony: {'.'.join(map(str, error['loc']))}: {error['msg']}", file=sys.stderr)
        return 1

    async def add(auth):
        user = await auth.create_user(request.name, request.display_name, request.role, request.password)
        return await auth.issue_token(user.id, "api", "cli")

    try:
        issued = _with_auth(add)
    except DuplicateUserName as exc:
        print(f"telephony: {exc}", file=sys.stderr)
        return 1
    print(f"created {args.role} {args.name}; API token (shown once):", file=sys.stderr)
    print(issued.token)
    return 0


def cmd_user_token(args) -> int:
    async def issue(auth):
        user = await auth.users.get_by_name(args.name)
        if user is None or user.disabled:
            return None
        return await auth.issue_token(user.id, "api", args.label)

    issued = _with_auth(issue)
    if issued is None:
        print(f"telephony: no enabled user named {args.name!r}", file=sys.stderr)
        return 1
    print(issued.token)
    return 0


def cmd_run(_args) -> int:
    from telephony.app import Service
    from telephony.logs import configure_logging, get_logger
    from telephony.systemd import ready_when_healthy, sd_notify
    from telephony.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_format, settings.log_level)
    log = get_logger("telephony")
    try:
        config = load_config(settings.config_file)
    except ConfigError as exc:
        for line in problem_lines(exc):
            print(f"telephony: {line}", file=sys.stderr)
        return 2

    async def run() -> int:
        service = Service(settings, config)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        loop.add_signal_handler(signal.SIGHUP, service.reload)
        try:
            await service.start()
        except (OSError, MigrationError) as exc:
            log.error("service.start_failed", error=str(exc))
            await service.stop()
            print(f"telephony: cannot start: {exc}", file=sys.stderr)
            return 2
        ready = asyncio.create_task(ready_when_healthy(service.health), name="systemd-ready")
        await stop.wait()
        ready.cancel()
        sd_notify("STOPPING=1")
        await service.stop()
        return 0

    return asyncio.run(run())
