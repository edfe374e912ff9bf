"""Agent administration: create, edit and remove agents, and import them from a CSV file.

A change is checked (422 for a value that is never acceptable: an unknown queue, a skill level out of
range), written, audited (who, when, what), and takes effect at once: the ACD's dispatcher hears the new
profile of an agent who is logged in (AgentProfileChanged: skills and queue memberships), and the roster
(audiences, recording policy) is updated. A change is refused (409) only for a real conflict: an extension
or user that is another agent's, a new address for the device an agent is logged in on, removing an agent
who is on a call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from telephony.acd.dispatcher import Dispatcher
from telephony.acd.events import AgentLoggedOut, AgentProfileChanged
from telephony.model import AgentState
from telephony.acd.service import AcdService
from telephony.agent_desk import AgentDesk, AgentView
from telephony.agent_roster import AgentRoster
from telephony.auth.models import Role
from telephony.auth.policy import Principal
from telephony.db.agent_audit import AgentAuditStore, AuditEntry
from telephony.db.agents import EDITABLE, Agent, AgentStore
from telephony.errors import InvalidInput, Refused
from telephony.logs import get_logger

log = get_logger(__name__)

SKILL_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
FIELDS = (*EDITABLE, "skills", "queues")


class AgentBusy(Refused):
    code = "agent_busy"


class AgentLoggedIn(Refused):
    code = "agent_logged_in"


@dataclass(frozen=True)
class NewUser:
    """The user to create with an agent, in the same step."""

    name: str
    password: str | None = None
    role: Role = "agent"
    display_name: str = ""


class UserMaker:
    """What creating an agent's user needs of the auth service (telephony.auth.service.AuthService)."""

    async def create_user(self, name: str, display_name: str, role: Role, password: str | None): ...


@dataclass
class ImportReport:
    """One line per row of the file: created (with the agent's id) or failed (with each field's problem)."""

    created: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)


class AgentAdmin:
    def __init__(self, agents: AgentStore, audit: AgentAuditStore, desk: AgentDesk, dispatcher: Dispatcher,
                 acd: AcdService, roster: AgentRoster, users: UserMaker | None, clock: Callable[[], datetime]):
        self._agents = agents
        self._audit = audit
        self._desk = desk
        self._dispatcher = dispatcher
        self._acd = acd
        self._roster = roster
        self._users = users
        self._clock = clock

    async def create(self, actor: Principal | None, fields: Mapping[str, Any],
                     user: NewUser | None = None) -> AgentView:
        """Create the agent (and first its user, if `user` is given); `fields` as FIELDS."""
        fields = {"softphone": None, "mobile": None, "user_id": None, "recording": None, "skills": {},
                  "queues": {}, **fields}
        self._check(fields)
        if user is not None:
            if fields["user_id"] is not None:
                raise InvalidInput("user", "give either user_id or a user to create, not both")
            if self._users is None:
                raise Refused("users cannot be created here", "no_users")
            if await self._agents.by_extension(fields["extension"]) is not None:  # before a user is made
                raise Refused(f"extension {fields['extension']} belongs to another agent", "duplicate_extension")
            made = await self._users.create_user(user.name, user.display_name or fields["name"], user.role,
                                                 user.password)
            fields["user_id"] = made.id
        own = {k: fields[k] for k in EDITABLE}
        agent = await self._agents.create(**own)
        await self._agents.set_skills(agent.id, fields["skills"])
        await self._agents.set_queues(agent.id, fields["queues"])
        agent = await self._agents.get(agent.id)
        self._roster.remember(agent)
        await self._write_audit(actor, agent.id, "created", {k: [None, v] for k, v in _fields_of(agent).items()
                                                           if v not in (None, {})})
        log.info("agents.created", agent_id=agent.id, extension=agent.extension, by=_name(actor))
        return await self._desk.view(agent)

    async def edit(self, actor: Principal | None, agent_id: UUID, changes: Mapping[str, Any]) -> AgentView:
        """Change the fields given in `changes` (of FIELDS); the others stay."""
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise InvalidInput(sorted(unknown)[0], "not a field of an agent", list(FIELDS))
        before = await self._agents.get(agent_id)
        after = {**_fields_of(before), **changes}
        self._check(after)
        self._check_device_in_use(before, after)
        own = {k: v for k, v in changes.items() if k in EDITABLE and v != getattr(before, k)}
        await self._agents.update(agent_id, **own)
        if "skills" in changes and dict(changes["skills"]) != dict(before.skills):
            await self._agents.set_skills(agent_id, changes["skills"])
        if "queues" in changes and dict(changes["queues"]) != dict(before.queues):
            await self._agents.set_queues(agent_id, changes["queues"])
        agent = await self._agents.get(agent_id)
        diff = {k: [old, new] for k, (old, new) in _diff(_fields_of(before), _fields_of(agent)).items()}
        if diff:
            await self._take_effect(agent)
            await self._write_audit(actor, agent_id, "edited", diff)
            log.info("agents.edited", agent_id=agent_id, fields=sorted(diff), by=_name(actor))
        return await self._desk.view(agent)

    async def remove(self, actor: Principal | None, agent_id: UUID) -> None:
        """Remove the agent: logged out first if logged in; refused while they are on a call or rung."""
        agent = await self._agents.get(agent_id)
        key = str(agent_id)
        if self._dispatcher.logged_in(key):
            status = self._dispatcher.agent(key)
            if status.engaged or status.state is AgentState.RINGING or self._dispatcher.holds_offer(key):
                raise AgentBusy(f"{agent.name} is on a call; remove them once it has ended")
            await self._acd.ask(AgentLoggedOut(key, self._clock()))
        if self._dispatcher.knows_agent(key):  # no queue keeps them as a member
            gone = replace(agent.profile(), queues={})
            await self._acd.ask(AgentProfileChanged(gone, self._clock()))
        await self._agents.remove(agent_id, self._clock())
        await self._write_audit(actor, agent_id, "removed", {})
        log.info("agents.removed", agent_id=agent_id, extension=agent.extension, by=_name(actor))

    async def import_rows(self, actor: Principal | None, rows: list[tuple[int, dict, list[dict]]]) -> ImportReport:
        """Create an agent per row: `rows` holds (line, fields, problems already found in the row); a row
        that fails is reported with its problems and the others go on."""
        report = ImportReport()
        for line, fields, problems in rows:
            if problems:
                report.failed.append({"line": line, "errors": problems})
                continue
            user = fields.pop("user", None)
            try:
                view = await self.create(actor, fields, user)
            except InvalidInput as exc:
                report.failed.append({"line": line, "errors": [{"field": exc.field, "message": exc.message}]})
            except Refused as exc:
                report.failed.append({"line": line, "errors": [{"field": None, "message": exc.reason}]})
            else:
                report.created.append({"line": line, "id": str(view.id), "extension": view.extension})
        log.info("agents.imported", created=len(report.created), failed=len(report.failed), by=_name(actor))
        return report

    async def audit(self, agent_id: UUID) -> list[AuditEntry]:
        await self._agents.get(agent_id)
        return await self._audit.of(agent_id)

    def _check(self, fields: Mapping[str, Any]) -> None:
        if not fields.get("softphone") and not fields.get("mobile"):
            raise InvalidInput("softphone", "an agent needs a softphone or a mobile number")
        queues = self._dispatcher.queue_names()
        unknown = sorted(set(fields["queues"]) - set(queues))
        if unknown:
            raise InvalidInput("queues", f"unknown queue(s): {', '.join(unknown)}", queues)
        if any(not 0 <= penalty <= 100 for penalty in fields["queues"].values()):
            raise InvalidInput("queues", "penalties are 0 to 100")
        bad_names = sorted(s for s in fields["skills"] if not SKILL_NAME.match(s))
        if bad_names:
            raise InvalidInput("skills", f"skill names are lower case letters, digits, _ and -: "
                                         f"{', '.join(bad_names)}")
        if any(not 1 <= level <= 5 for level in fields["skills"].values()):
            raise InvalidInput("skills", "skill levels are 1 to 5")

    def _check_device_in_use(self, before: Agent, after: Mapping[str, Any]) -> None:
        """The ACD rings the device an agent logged in on: its address does not change under them."""
        kind = before.login_device
        if not self._dispatcher.logged_in(str(before.id)) or kind is None:
            return
        if after.get(kind) != getattr(before, kind):
            raise AgentLoggedIn(f"{before.name} is logged in on their {kind}; log them out to change it")

    async def _take_effect(self, agent: Agent) -> None:
        self._roster.remember(agent)
        if self._dispatcher.knows_agent(str(agent.id)):
            await self._acd.ask(AgentProfileChanged(agent.profile(), self._clock()))

    async def _write_audit(self, actor: Principal | None, agent_id: UUID, action: str, changes: dict) -> None:
        await self._audit.append(AuditEntry(self._clock(), agent_id, actor.user_id if actor else None,
                                            _name(actor), action, changes))


def parse_pairs(text: str) -> dict[str, int]:
    """`french:3 english:5` (or separated by ; or ,) -> {"french": 3, "english": 5}: skills with their
    levels, queues with their penalties, as a CSV cell or a command-line option writes them."""
    pairs = {}
    for item in text.replace(";", " ").replace(",", " ").split():
        name, _, number = item.partition(":")
        if not name or not number.lstrip("-").isdigit():
            raise ValueError(f"{item!r}: write name:number, such as french:3")
        pairs[name] = int(number)
    return pairs


def _fields_of(agent: Agent) -> dict[str, Any]:
    return {"name": agent.name, "extension": agent.extension, "softphone": agent.softphone,
            "mobile": agent.mobile, "user_id": str(agent.user_id) if agent.user_id else None,
            "recording": agent.recording, "skills": dict(agent.skills), "queues": dict(agent.queues)}


def _diff(before: dict, after: dict) -> dict[str, tuple]:
    return {k: (before[k], after[k]) for k in before if before[k] != after[k]}


def _name(actor: Principal | None) -> str:
    return actor.name if actor else "system"
