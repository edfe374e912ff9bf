"""The `telephony` command: run the daemon, migrate the database, check a configuration file."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from telephony.config import load_config
from telephony.errors import ConfigError, MigrationError, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="telephony", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the daemon in the foreground")
    commands.add_parser("migrate", help="apply the SQL migrations and exit")
    check = commands.add_parser("check-config", help="validate a call-center configuration file")
    check.add_argument("file", nargs="?", type=Path, help="default: the configured file")
    args = parser.parse_args(argv)
    try:
        return {"run": cmd_run, "migrate": cmd_migrate, "check-config": cmd_check_config}[args.command](args)
    except (SettingsError, MigrationError) as exc:
        print(f"telephony: {exc}", file=sys.stderr)
        return 2


def problem_lines(exc: ConfigError) -> list[str]:
    return [f"{exc.source}: {place}: {message}" if place else f"{exc.source}: {message}"
            for place, message in exc.problems]


def cmd_check_config(args) -> int:
    path = args.file
    if path is None:
        from telephony.settings import load_settings

        path = load_settings().config_file
    try:
        config = load_config(path)
    except ConfigError as exc:
        for line in problem_lines(exc):
            print(line)
        print(f"{len(exc.problems)} error(s)", file=sys.stderr)
        return 1
    print(f"{path}: ok ({len(config.dids)} DIDs, {len(config.ivr)} IVR nodes)")
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


def cmd_run(_args) -> int:
    from telephony.app import Service
    from telephony.logs import configure_logging, get_logger
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
        await stop.wait()
        await service.stop()
        return 0

    return asyncio.run(run())
