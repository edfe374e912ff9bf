"""Queue and agent reports per interval (the README's Reports section defines every figure): JSON, or CSV of
the report's rows with `Accept: text/csv`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web
from pydantic import BaseModel

from telephony.api.errors import invalid_fields
from telephony.api.routing import RouteTable, principal_of
from telephony.reports.csv_rows import to_csv
from telephony.reports.intervals import Interval
from telephony.reports.queues import ReportWindow, View
from telephony.reports.service import ReportRequest, Reports

routes = RouteTable()
REPORTS = web.AppKey("reports", Reports)
MAX_DAYS = 93
QUERY = ("Query: from, to (ISO 8601 with an offset; to excluded), interval (15m, 30m, 1h, 1d; default 1h), tz (a "
         "zone name; default: each queue's own), queue and agent (repeatable), view (queue, caller).")


class QueueReport(BaseModel):
    queues: list[dict]
    volumes: list[dict]
    missed: list[dict]


class AgentReport(BaseModel):
    agents: list[dict]


def _bad(field: str, message: str):
    return invalid_fields([{"loc": ["query", field], "msg": message}])


def _instant(request: web.Request, name: str) -> datetime:
    raw = request.query.get(name, "")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise _bad(name, "an ISO 8601 date and time with its offset") from None
    if value.tzinfo is None:
        raise _bad(name, "an ISO 8601 date and time with its offset")
    return value


def report_request(request: web.Request) -> ReportRequest:
    start, end = _instant(request, "from"), _instant(request, "to")
    if not start < end or (end - start).days > MAX_DAYS:
        raise _bad("to", f"after from, at most {MAX_DAYS} days later")
    try:
        interval = Interval(request.query.get("interval", "1h"))
    except ValueError:
        raise _bad("interval", "one of 15m, 30m, 1h, 1d") from None
    tz = None
    if "tz" in request.query:
        try:
            tz = ZoneInfo(request.query["tz"])
        except (ZoneInfoNotFoundError, ValueError):
            raise _bad("tz", "a time zone name such as Europe/Berlin") from None
    try:
        view = View(request.query.get("view", "queue"))
    except ValueError:
        raise _bad("view", "queue or caller") from None
    queues = tuple(q for value in request.query.getall("queue", []) for q in value.split(",") if q)
    agents = tuple(a for value in request.query.getall("agent", []) for a in value.split(",") if a)
    return ReportRequest(ReportWindow(start, end, interval, tz), queues, agents, view)


def _answer(request: web.Request, report: dict, rows_key: str, model: type[BaseModel]):
    if "text/csv" in request.headers.get("Accept", ""):
        return web.Response(text=to_csv(report[rows_key]), content_type="text/csv")
    return model(**report)


@routes.route("GET", "/api/v1/reports/queues", "Queue figures per interval, with volumes and missed calls",
              response=QueueReport, errors=(403, 422), tag="reporting",
              description="Supervisors see their queues, admins all. " + QUERY)
async def queue_report(request: web.Request):
    report = await request.app[REPORTS].queues(principal_of(request), report_request(request))
    return _answer(request, report, "queues", QueueReport)


@routes.route("GET", "/api/v1/reports/agents", "Agent figures per interval",
              response=AgentReport, errors=(403, 422), tag="reporting",
              description="An agent sees their own row, a supervisor the agents of their queues' calls, admins "
                          "all. " + QUERY)
async def agent_report(request: web.Request):
    report = await request.app[REPORTS].agents(principal_of(request), report_request(request))
    return _answer(request, report, "agents", AgentReport)
