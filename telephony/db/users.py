"""Users, their tokens and supervised queues: SQL only, returning the auth model types."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from telephony.auth.models import AuthToken, Role, User
from telephony.errors import Refused

USER_COLUMNS = """u.id, u.name, u.display_name, u.role, u.disabled, u.password_hash IS NOT NULL AS has_password,
    u.created_at, u.updated_at,
    ARRAY(SELECT q.queue FROM supervisor_queues q WHERE q.user_id = u.id ORDER BY q.queue) AS supervised_queues"""

TOKEN_COLUMNS = "t.id, t.user_id, t.kind, t.label, t.created_at, t.expires_at, t.last_used_at, t.revoked_at"

# last_used_at is written at most this often per token, not on every request.
TOUCH_INTERVAL = timedelta(seconds=60)


class DuplicateUserName(Refused):
    code = "duplicate_name"

    def __init__(self, name: str):
        self.name = name
        self.details = {"name": name}
        super().__init__(f"a user named {name!r} exists already")


def _user(row: asyncpg.Record) -> User:
    return User(row["id"], row["name"], row["display_name"], row["role"], row["disabled"], row["has_password"],
                tuple(row["supervised_queues"]), row["created_at"], row["updated_at"])


TOKEN_FIELDS = ("id", "user_id", "kind", "label", "created_at", "expires_at", "last_used_at", "revoked_at")
PREFIXED_TOKEN_COLUMNS = ", ".join(f"t.{f} AS t_{f}" for f in TOKEN_FIELDS)


def _token(row: asyncpg.Record, prefix: str = "") -> AuthToken:
    return AuthToken(*(row[prefix + f] for f in TOKEN_FIELDS))


class UserStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def create(self, name: str, display_name: str, role: Role, password_hash: str | None,
                     at: datetime) -> User:
        try:
            row = await self._pool.fetchrow(
                f"""WITH u AS (
                        INSERT INTO users (name, display_name, role, password_hash, created_at, updated_at)
                        VALUES ($1, $2, $3, $4, $5, $5) RETURNING *)
                    SELECT {USER_COLUMNS} FROM u""",
                name, display_name, role, password_hash, at,
            )
        except asyncpg.UniqueViolationError:
            raise DuplicateUserName(name) from None
        return _user(row)

    async def get(self, user_id: UUID) -> User | None:
        row = await self._pool.fetchrow(f"SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1", user_id)
        return _user(row) if row else None

    async def get_by_name(self, name: str) -> User | None:
        row = await self._pool.fetchrow(f"SELECT {USER_COLUMNS} FROM users u WHERE u.name = $1", name)
        return _user(row) if row else None

    async def list(self) -> list[User]:
        rows = await self._pool.fetch(f"SELECT {USER_COLUMNS} FROM users u ORDER BY u.name")
        return [_user(r) for r in rows]

    async def password_hash(self, name: str) -> tuple[UUID, str | None, bool] | None:
        """(id, argon2 hash, disabled) for a login attempt."""
        row = await self._pool.fetchrow("SELECT id, password_hash, disabled FROM users WHERE name = $1", name)
        return (row["id"], row["password_hash"], row["disabled"]) if row else None

    async def update(self, user_id: UUID, at: datetime, *, display_name: str | None = None,
                     role: Role | None = None, password_hash: str | None = None,
                     disabled: bool | None = None) -> User | None:
        row = await self._pool.fetchrow(
            f"""WITH u AS (
                    UPDATE users SET display_name = coalesce($2, display_name), role = coalesce($3, role),
                        password_hash = coalesce($4, password_hash), disabled = coalesce($5, disabled),
                        updated_at = $6
                    WHERE id = $1 RETURNING *)
                SELECT {USER_COLUMNS} FROM u""",
            user_id, display_name, role, password_hash, disabled, at,
        )
        return _user(row) if row else None

    async def set_supervised_queues(self, user_id: UUID, queues: list[str]) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM supervisor_queues WHERE user_id = $1", user_id)
            await conn.executemany("INSERT INTO supervisor_queues (user_id, queue) VALUES ($1, $2)",
                                   [(user_id, q) for q in sorted(set(queues))])

    async def add_token(self, user_id: UUID, digest: bytes, kind: str, label: str, at: datetime,
                        expires_at: datetime | None) -> AuthToken:
        row = await self._pool.fetchrow(
            f"""INSERT INTO auth_tokens AS t (user_id, token_hash, kind, label, created_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING {TOKEN_COLUMNS}""",
            user_id, digest, kind, label, at, expires_at,
        )
        return _token(row)

    async def get_token(self, token_id: UUID) -> AuthToken | None:
        row = await self._pool.fetchrow(f"SELECT {TOKEN_COLUMNS} FROM auth_tokens t WHERE t.id = $1", token_id)
        return _token(row) if row else None

    async def tokens_of(self, user_id: UUID) -> list[AuthToken]:
        rows = await self._pool.fetch(
            f"""SELECT {TOKEN_COLUMNS} FROM auth_tokens t WHERE t.user_id = $1 AND t.revoked_at IS NULL
                ORDER BY t.created_at""", user_id)
        return [_token(r) for r in rows]

    async def user_for_token(self, digest: bytes, now: datetime) -> tuple[AuthToken, User] | None:
        """The live token with this digest and its enabled user; marks the token used."""
        row = await self._pool.fetchrow(
            f"""SELECT {PREFIXED_TOKEN_COLUMNS}, {USER_COLUMNS} FROM auth_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)
                  AND NOT u.disabled""",
            digest, now,
        )
        if row is None:
            return None
        token, user = _token(row, "t_"), _user(row)
        if token.last_used_at is None or token.last_used_at < now - TOUCH_INTERVAL:
            await self._pool.execute("UPDATE auth_tokens SET last_used_at = $2 WHERE id = $1", token.id, now)
        return token, user

    async def revoke_token(self, token_id: UUID, at: datetime) -> bool:
        result = await self._pool.execute(
            "UPDATE auth_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", token_id, at)
        return result != "UPDATE 0"

    async def revoke_all(self, user_id: UUID, at: datetime) -> int:
        result = await self._pool.execute(
            "UPDATE auth_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", user_id, at)
        return int(result.split()[-1])
