"""Agent administration: admins create, edit, remove and import agents; supervisors read their queues'.

Every change is audited (GET /api/v1/agents/{id}/audit) and takes effect in the ACD at once.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from telephony.agent_admin import AgentAdmin, NewUser, parse_pairs
from telephony.api.agent_routes import DESK, AgentOut
from telephony.api.routing import SUPERVISING, RouteTable, principal_of, uuid_param
from telephony.api.schemas import Password, Request, Text, UserName

routes = RouteTable()
ADMIN_ROLE = frozenset({"admin"})
ADMIN = web.AppKey("agent_admin", AgentAdmin)

EXTENSION = r"^[0-9]{2,8}$"
SOFTPHONE = r"^PJSIP/[A-Za-z0-9_.-]{1,64}$"
MOBILE = r"^\+[1-9][0-9]{6,14}$"
Recording = Literal["always", "on_demand", "never"]
Skills = dict[str, int]
Queues = dict[str, int]


class NewUserIn(Request):
    name: UserName
    password: Password | None = Field(None, description="left out: the user signs in with API tokens only")
    role: Literal["agent", "supervisor"] = "agent"
    display_name: Text = Field("", description="default: the agent's name")


class AgentIn(Request):
    name: str = Field(min_length=1, max_length=100)
    extension: str = Field(pattern=EXTENSION)
    softphone: str | None = Field(None, pattern=SOFTPHONE)
    mobile: str | None = Field(None, pattern=MOBILE)
    user_id: UUID | None = None
    user: NewUserIn | None = Field(None, description="a user to create for the agent in the same step")
    skills: Skills = Field({}, description="skill -> level, 1 to 5")
    queues: Queues = Field({}, description="queue name -> penalty (lower is offered first), 0 to 100")
    recording: Recording | None = Field(
        None, description="the agent's own recording policy over their queues'; null follows each queue's")


class AgentPatch(Request):
    """The fields to change; those left out stay. `null` clears a device, the user or the recording policy."""

    name: str | None = Field(None, min_length=1, max_length=100)
    extension: str | None = Field(None, pattern=EXTENSION)
    softphone: str | None = Field(None, pattern=SOFTPHONE)
    mobile: str | None = Field(None, pattern=MOBILE)
    user_id: UUID | None = None
    skills: Skills | None = None
    queues: Queues | None = None
    recording: Recording | None = None

    def changes(self) -> dict[str, Any]:
        values = self.model_dump(exclude_unset=True)
        for required in ("name", "extension", "skills", "queues"):
            if required in values and values[required] is None:
                values.pop(required)
        return values


class RecordingPolicyIn(Request):
    recording: Recording | None = Field(description="always, on_demand, never; null to follow each queue's policy")


class AgentImportIn(Request):
    csv: str = Field(max_length=60_000, description="a header line, then one agent per line: columns "
                                                    "name, extension, softphone, mobile, skills, queues, "
                                                    "recording, user (a user name to create)")


class ImportFailure(BaseModel):
    line: int
    errors: list[dict]


class ImportCreated(BaseModel):
    line: int
    id: UUID
    extension: str


class ImportReportOut(BaseModel):
    created: list[ImportCreated]
    failed: list[ImportFailure]


class AuditOut(BaseModel):
    at: datetime
    actor: str
    actor_id: UUID | None
    action: Literal["created", "edited", "removed"]
    changes: dict[str, list[Any]] = Field(description="field -> [before, after]")


class AuditList(BaseModel):
    entries: list[AuditOut]


def _admin(request: web.Request) -> AgentAdmin:
    return request.app[ADMIN]


async def _named(request: web.Request):
    """The agent of the path, if the principal may see them (supervisors: of their queues)."""
    return await request.app[DESK].agent_for(principal_of(request), uuid_param(request, "agent_id", "agent"))


def _new_user(body: NewUserIn | None) -> NewUser | None:
    if body is None:
        return None
    return NewUser(body.name, body.password, body.role, body.display_name)


@routes.route("POST", "/api/v1/agents", "Create an agent (and, if asked, their user)", roles=ADMIN_ROLE,
              body=AgentIn, response=AgentOut, status=201, errors=(403, 409, 422), tag="agents")
async def create_agent(request: web.Request, body: AgentIn) -> AgentOut:
    fields = body.model_dump(exclude={"user"})
    view = await _admin(request).create(principal_of(request), fields, _new_user(body.user))
    return AgentOut.of(view)


@routes.route("POST", "/api/v1/agents/import", "Create agents from a CSV file; a report per row",
              roles=ADMIN_ROLE, body=AgentImportIn, response=ImportReportOut, errors=(403, 422), tag="agents",
              description="Rows that fail are reported with their line and problems; the others are created. "
                          "skills and queues are lists such as `french:3 english:5` and `sales:0 vip:10`.")
async def import_agents(request: web.Request, body: AgentImportIn) -> ImportReportOut:
    report = await _admin(request).import_rows(principal_of(request), read_csv(body.csv))
    return ImportReportOut.model_validate(report.__dict__)


@routes.route("GET", "/api/v1/agents/{agent_id}", "An agent (supervisors: of their queues)", roles=SUPERVISING,
              response=AgentOut, errors=(403, 404), tag="agents")
async def get_agent(request: web.Request) -> AgentOut:
    return AgentOut.of(await request.app[DESK].view(await _named(request)))


@routes.route("PATCH", "/api/v1/agents/{agent_id}", "Change an agent: name, extension, devices, skills, "
              "queues and penalties, recording policy", roles=ADMIN_ROLE, body=AgentPatch, response=AgentOut,
              errors=(403, 404, 409, 422), tag="agents",
              description="Skills and queues given replace the agent's. 409 when the extension or user is "
                          "another agent's, or the device the agent is logged in on would change.")
async def edit_agent(request: web.Request, body: AgentPatch) -> AgentOut:
    agent_id = uuid_param(request, "agent_id", "agent")
    return AgentOut.of(await _admin(request).edit(principal_of(request), agent_id, body.changes()))


@routes.route("PUT", "/api/v1/agents/{agent_id}/recording", "Set an agent's own recording policy",
              roles=ADMIN_ROLE, body=RecordingPolicyIn, response=AgentOut, errors=(403, 404), tag="agents")
async def set_agent_recording(request: web.Request, body: RecordingPolicyIn) -> AgentOut:
    agent_id = uuid_param(request, "agent_id", "agent")
    return AgentOut.of(await _admin(request).edit(principal_of(request), agent_id, {"recording": body.recording}))


@routes.route("DELETE", "/api/v1/agents/{agent_id}", "Remove an agent (logged out first)", roles=ADMIN_ROLE,
              status=204, errors=(403, 404, 409), tag="agents",
              description="409 while the agent is on a call or being rung. Their history stays.")
async def remove_agent(request: web.Request) -> None:
    await _admin(request).remove(principal_of(request), uuid_param(request, "agent_id", "agent"))


@routes.route("GET", "/api/v1/agents/{agent_id}/audit", "Who changed the agent, when, and what",
              roles=SUPERVISING, response=AuditList, errors=(403, 404), tag="agents")
async def agent_audit(request: web.Request) -> AuditList:
    agent = await _named(request)
    entries = await _admin(request).audit(agent.id)
    return AuditList(entries=[AuditOut(at=e.at, actor=e.actor, actor_id=e.actor_id, action=e.action,
                                       changes=e.changes) for e in entries])


COLUMNS = ("name", "extension", "softphone", "mobile", "skills", "queues", "recording", "user")


def read_csv(text: str) -> list[tuple[int, dict, list[dict]]]:
    """The file's rows as (line, fields, problems): each row is checked as a POST /agents body would be."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        return _rows(reader)
    except csv.Error as exc:
        return [(reader.line_num, {}, [{"field": None, "message": f"not CSV: {exc}"}])]


def _rows(reader: csv.DictReader) -> list[tuple[int, dict, list[dict]]]:
    unknown = sorted(set(reader.fieldnames or ()) - set(COLUMNS))
    if unknown or not reader.fieldnames:
        return [(1, {}, [{"field": None, "message": f"unknown column(s): {', '.join(unknown)}; the columns "
                                                    f"are {', '.join(COLUMNS)}" if unknown else "no header"}])]
    rows = []
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        problems: list[dict] = []
        body = {k: v for k, v in values.items() if v and k in ("name", "extension", "softphone", "mobile",
                                                                 "recording")}
        for column in ("skills", "queues"):
            try:
                body[column] = parse_pairs(values.get(column, ""))
            except ValueError as exc:
                problems.append({"field": column, "message": str(exc)})
        if values.get("user"):
            body["user"] = {"name": values["user"]}
        try:
            parsed = AgentIn.model_validate(body)
        except ValidationError as exc:
            problems += [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]}
                         for e in exc.errors(include_url=False, include_input=False)]
            rows.append((line, {}, problems))
            continue
        fields = parsed.model_dump(exclude={"user"})
        fields["user"] = _new_user(parsed.user)
        rows.append((line, fields, problems))
    return rows

