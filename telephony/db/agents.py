"""Agents, their skills and queue memberships, and their state log."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import asyncpg

from telephony.model import AgentProfile, AgentState, Device, StateChanged
from telephony.errors import NotFound, Refused


@dataclass(frozen=True, slots=True)
class Agent:
    id: UUID
    name: str
    extension: str
    softphone: str | None
    mobile: str | None
    user_id: UUID | None
    state: AgentState
    pause_reason: str | None
    login_device: str | None
    state_since: datetime | None
    skills: Mapping[str, int] = field(default_factory=dict)
    queues: Mapping[str, int] = field(default_factory=dict)
    recording: str | None = None  # the agent's own recording policy; None follows the queue's

    def profile(self) -> AgentProfile:
        return AgentProfile(str(self.id), self.name, self.extension, dict(self.skills), dict(self.queues))

    def device(self, kind: str | None = None) -> Device | None:
        """The device of `kind` (default: the one chosen at the last login), if the agent has one."""
        kind = kind or self.login_device
        address = {"softphone": self.softphone, "mobile": self.mobile}.get(kind or "")
        return Device(kind, address) if address else None


@dataclass(frozen=True, slots=True)
class StateLogEntry:
    agent_id: UUID
    previous_state: AgentState
    state: AgentState
    reason: str | None
    previous_reason: str | None
    cause: str
    at: datetime


class AgentNotFound(NotFound):
    def __init__(self, agent_id: str):
        self.agent_id = agent_id
        super().__init__("agent", f"no agent {agent_id}")


class DuplicateExtension(Refused):
    code = "duplicate_extension"


class DuplicateUser(Refused):
    code = "duplicate_user"


EDITABLE = ("name", "extension", "softphone", "mobile", "user_id", "recording")  # the agents table's own


def _unique_violation(exc: asyncpg.UniqueViolationError, extension: str | None, user_id) -> Refused | None:
    if exc.constraint_name == "agents_extension_key":
        return DuplicateExtension(f"extension {extension} belongs to another agent")
    if exc.constraint_name == "agents_user_id_key":
        return DuplicateUser(f"user {user_id} is another agent already")
    return None


_SELECT = """
    SELECT a.*,
           coalesce((SELECT jsonb_object_agg(skill, level) FROM agent_skills s WHERE s.agent_id = a.id),
                    '{}') AS skills,
           coalesce((SELECT jsonb_object_agg(queue, penalty) FROM queue_members m WHERE m.agent_id = a.id),
                    '{}') AS queues
    FROM agents a WHERE a.removed_at IS NULL"""


class AgentStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def create(self, name: str, extension: str, softphone: str | None = None, mobile: str | None = None,
                     user_id: UUID | None = None, recording: str | None = None) -> Agent:
        try:
            agent_id = await self._pool.fetchval(
                """INSERT INTO agents (name, extension, softphone, mobile, user_id, recording)
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""",
                name, extension, softphone, mobile, user_id, recording,
            )
        except asyncpg.UniqueViolationError as exc:
            raise (_unique_violation(exc, extension, user_id) or exc) from None
        return await self.get(agent_id)

    async def update(self, agent_id: UUID, **fields) -> None:
        """Change the agent's own columns (those of EDITABLE given)."""
        assert fields.keys() <= set(EDITABLE), fields.keys() - set(EDITABLE)
        if not fields:
            return
        names = list(fields)
        assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(names, start=2))
        try:
            done = await self._pool.fetchval(
                f"UPDATE agents SET {assignments} WHERE id = $1 AND removed_at IS NULL RETURNING id",
                agent_id, *fields.values())
        except asyncpg.UniqueViolationError as exc:
            raise (_unique_violation(exc, fields.get("extension"), fields.get("user_id")) or exc) from None
        if done is None:
            raise AgentNotFound(str(agent_id))

    async def remove(self, agent_id: UUID, at: datetime) -> None:
        """Take the agent off the list; their history (state log, calls, recordings) stays theirs."""
        async with self._pool.acquire() as conn, conn.transaction():
            await self._lock(conn, agent_id)
            await conn.execute("DELETE FROM queue_members WHERE agent_id = $1", agent_id)
            await conn.execute(
                """UPDATE agents SET removed_at = $2, state = 'logged_out', pause_reason = NULL,
                          login_device = NULL WHERE id = $1""", agent_id, at)

    async def get(self, agent_id: UUID) -> Agent:
        row = await self._pool.fetchrow(f"{_SELECT} AND a.id = $1", agent_id)
        if row is None:
            raise AgentNotFound(str(agent_id))
        return _agent(row)

    async def set_recording(self, agent_id: UUID, policy: str | None) -> None:
        if await self._pool.fetchval("UPDATE agents SET recording = $2 WHERE id = $1 RETURNING id",
                                     agent_id, policy) is None:
            raise AgentNotFound(str(agent_id))

    async def set_login_device(self, agent_id: UUID, kind: str) -> None:
        await self._pool.execute("UPDATE agents SET login_device = $2 WHERE id = $1", agent_id, kind)

    async def by_user(self, user_id: UUID) -> Agent | None:
        row = await self._pool.fetchrow(f"{_SELECT} AND a.user_id = $1", user_id)
        return None if row is None else _agent(row)

    async def by_extension(self, extension: str) -> Agent | None:
        row = await self._pool.fetchrow(f"{_SELECT} AND a.extension = $1", extension)
        return None if row is None else _agent(row)

    async def all(self) -> list[Agent]:
        return [_agent(r) for r in await self._pool.fetch(f"{_SELECT} ORDER BY a.extension")]

    async def logged_in(self) -> list[Agent]:
        """The agents to hand back to the ACD after a restart, with the state and pause reason they had."""
        rows = await self._pool.fetch(f"{_SELECT} AND a.state <> 'logged_out' ORDER BY a.extension")
        return [_agent(r) for r in rows]

    async def set_skills(self, agent_id: UUID, skills: Mapping[str, int]) -> None:
        """Replace the agent's skills."""
        async with self._pool.acquire() as conn, conn.transaction():
            await self._lock(conn, agent_id)
            await conn.execute("DELETE FROM agent_skills WHERE agent_id = $1", agent_id)
            await conn.executemany("INSERT INTO agent_skills (agent_id, skill, level) VALUES ($1, $2, $3)",
                                   [(agent_id, s, level) for s, level in skills.items()])

    async def set_queues(self, agent_id: UUID, queues: Mapping[str, int]) -> None:
        """Replace the agent's queue memberships (queue -> penalty)."""
        async with self._pool.acquire() as conn, conn.transaction():
            await self._lock(conn, agent_id)
            await conn.execute("DELETE FROM queue_members WHERE agent_id = $1", agent_id)
            await conn.executemany("INSERT INTO queue_members (agent_id, queue, penalty) VALUES ($1, $2, $3)",
                                   [(agent_id, q, penalty) for q, penalty in queues.items()])

    async def record_state(self, change: StateChanged, login_device: str | None = None) -> None:
        """Append the change to the log and make it the current state, unless a later one is already
        there (writes from a retrying writer may arrive late; the log keeps them all)."""
        agent_id = UUID(change.agent_id)
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """INSERT INTO agent_state_log
                       (agent_id, previous_state, state, reason, previous_reason, cause, at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)""",
                agent_id, change.previous.value, change.state.value, change.reason, change.previous_reason,
                change.cause, change.at,
            )
            await conn.execute(
                """UPDATE agents SET state = $2, pause_reason = $3, state_since = $4
                   WHERE id = $1 AND (state_since IS NULL OR state_since <= $4)""",
                agent_id, change.state.value, change.reason, change.at,
            )
            if login_device is not None:
                await conn.execute("UPDATE agents SET login_device = $2 WHERE id = $1",
                                   agent_id, login_device)

    async def state_log(self, agent_id: UUID, since: datetime | None = None,
                        until: datetime | None = None) -> list[StateLogEntry]:
        rows = await self._pool.fetch(
            """SELECT * FROM agent_state_log
               WHERE agent_id = $1 AND ($2::timestamptz IS NULL OR at >= $2)
                     AND ($3::timestamptz IS NULL OR at < $3)
               ORDER BY at, id""",
            agent_id, since, until,
        )
        return [StateLogEntry(r["agent_id"], AgentState(r["previous_state"]), AgentState(r["state"]),
                              r["reason"], r["previous_reason"], r["cause"], r["at"]) for r in rows]

    @staticmethod
    async def _lock(conn: asyncpg.Connection, agent_id: UUID) -> None:
        if await conn.fetchval("SELECT 1 FROM agents WHERE id = $1 AND removed_at IS NULL FOR UPDATE", agent_id) is None:
            raise AgentNotFound(str(agent_id))


def _agent(row) -> Agent:
    return Agent(row["id"], row["name"], row["extension"], row["softphone"], row["mobile"], row["user_id"],
                 AgentState(row["state"]), row["pause_reason"], row["login_device"], row["state_since"],
                 json.loads(row["skills"]), json.loads(row["queues"]), row["recording"])
