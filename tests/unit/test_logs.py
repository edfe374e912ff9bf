"""The JSON log is real JSON: times in ISO 8601, numbers and booleans as JSON has them, enums as values."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import datetime, timedelta, timezone
from uuid import UUID

import structlog
from structlog.testing import capture_logs

from telephony.acd.commands import CallAbandoned
from telephony.acd_runtime import AcdRuntime
from telephony.causes import CallEnder, LegOutcome
from telephony.logs import configure_logging, get_logger, json_value

AT = datetime(2026, 12, 1, 9, 30, 15, tzinfo=timezone.utc)


@dataclasses.dataclass(frozen=True)
class Spot:
    queue: str
    at: datetime


def rendered(**values) -> dict:
    stream = io.StringIO()
    configure_logging("json", "info", stream)
    try:
        get_logger("test").info("something.happened", **values)
    finally:
        structlog.reset_defaults()
    return json.loads(stream.getvalue())


def test_values_keep_their_json_types():
    line = rendered(at=AT, waited=12.5, offers=3, paused=True, idle=None, by=CallEnder.API,
                    outcome=LegOutcome.NO_ANSWER, id=UUID(int=1), wrap_up=timedelta(seconds=30),
                    where=Spot("support", AT), skills={"fr"})
    assert line["at"] == "2026-12-01T09:30:15+00:00"
    assert line["waited"] == 12.5 and line["offers"] == 3 and line["paused"] is True and line["idle"] is None
    assert line["by"] == "api" and line["outcome"] == "no answer"
    assert line["id"] == "00000000-0000-0000-0000-000000000001" and line["wrap_up"] == 30.0
    assert line["where"] == {"queue": "support", "at": "2026-12-01T09:30:15+00:00"}
    assert line["skills"] == ["fr"]
    assert datetime.fromisoformat(line["timestamp"]).tzinfo is not None
    assert line["level"] == "info" and line["event"] == "something.happened"


def test_secrets_are_still_redacted():
    assert rendered(password="hunter2", dsn="postgres://x")["password"] == "***"


def test_an_unknown_object_is_its_repr():
    class Thing:
        def __repr__(self):
            return "<thing>"
    assert json_value(Thing()) == "<thing>"


def test_acd_records_are_logged_with_their_values_not_their_strings():
    runtime = AcdRuntime.__new__(AcdRuntime)
    runtime._interactions = None
    runtime._publish = lambda record: None
    with capture_logs() as logs:
        runtime._record(CallAbandoned("c1", "support", 12.5, AT))
    (line,) = [entry for entry in logs if entry["event"] == "acd.record"]
    assert line["waited"] == 12.5 and line["at"] == AT and line["queue"] == "support"
