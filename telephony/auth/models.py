"""The people who use the API and their tokens, as the rest of the code sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

Role = Literal["agent", "supervisor", "admin"]
ROLES: tuple[Role, ...] = ("agent", "supervisor", "admin")
TokenKind = Literal["session", "api"]


@dataclass(frozen=True, slots=True)
class User:
    id: UUID
    name: str
    display_name: str
    role: Role
    disabled: bool
    has_password: bool
    supervised_queues: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AuthToken:
    id: UUID
    user_id: UUID
    kind: TokenKind
    label: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just made: the only moment its secret exists outside the client."""

    token: str
    record: AuthToken
