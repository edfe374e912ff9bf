"""Structured logging: JSON lines by default, readable output on a terminal.

Lines about a call carry `call_id` because each call's task binds it with
`structlog.contextvars.bound_contextvars`; `merge_contextvars` puts it on every line.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import sys
from collections.abc import Mapping, Set
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import PurePath
from uuid import UUID

import structlog

SECRET_KEYS = frozenset({"secret", "password", "token", "authorization", "dsn", "ami_secret", "ari_password"})


def redact_secrets(_logger, _name, event_dict):
    """Last line of defence: a key that names a secret never reaches the output."""
    for key in event_dict.keys() & SECRET_KEYS:
        event_dict[key] = "***"
    return event_dict


def json_value(value):
    """What a log value that JSON has no type for is written as: a time in ISO 8601, a duration in seconds,
    an enum as its value, an id or a path as text, a dataclass as its fields, a set as a list. Numbers and
    booleans stay what they are (JSON has them); anything else is its repr, as structlog would write it."""
    match value:
        case datetime() | date() | time():
            return value.isoformat()
        case timedelta():
            return value.total_seconds()
        case enum.Enum():
            return value.value
        case UUID() | PurePath():
            return str(value)
        case Decimal():
            return float(value)
        case Set() | frozenset():
            return sorted(value, key=repr)
        case Mapping():
            return dict(value)
        case _ if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return repr(value)


def configure_logging(fmt: str = "auto", level: str = "info", stream=None) -> None:
    stream = stream or sys.stderr
    if fmt == "auto":
        fmt = "console" if stream.isatty() else "json"
    # Rich tracebacks print each frame's locals by default, and a local may hold a token or password.
    formatter = (structlog.dev.RichTracebackFormatter(show_locals=False) if structlog.dev.rich
                 else structlog.dev.plain_traceback)
    renderer = (
        structlog.dev.ConsoleRenderer(colors=stream.isatty(), exception_formatter=formatter)
        if fmt == "console"
        else structlog.processors.JSONRenderer(default=json_value)
    )
    processors = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info if fmt == "json" else structlog.dev.set_exc_info,
        renderer,
    ]
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    # Libraries log through the standard library; keep their warnings, in the same stream.
    logging.basicConfig(stream=stream, level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")


def get_logger(name: str | None = None):
    return structlog.get_logger(name)
