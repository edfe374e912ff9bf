"""Request and response bodies of the HTTP API. Their JSON Schemas are the OpenAPI components."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from telephony.auth.models import AuthToken, User

UserName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$", examples=["alice"])]
QueueName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$", examples=["sales"])]
# Printable text: control characters (NUL among them) cannot be stored and have no place in a name.
Text = Annotated[str, Field(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
Password = Annotated[str, Field(min_length=8, max_length=1024)]
RoleName = Literal["agent", "supervisor", "admin"]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class LoginRequest(Request):
    name: UserName
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class UserOut(BaseModel):
    id: UUID
    name: str
    display_name: str
    role: RoleName
    disabled: bool
    has_password: bool
    supervised_queues: list[str]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, name=user.name, display_name=user.display_name, role=user.role,
                   disabled=user.disabled, has_password=user.has_password,
                   supervised_queues=list(user.supervised_queues), created_at=user.created_at,
                   updated_at=user.updated_at)


class UserList(BaseModel):
    users: list[UserOut]


class TokenOut(BaseModel):
    id: UUID
    user_id: UUID
    kind: Literal["session", "api"]
    label: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, token: AuthToken) -> TokenOut:
        return cls(id=token.id, user_id=token.user_id, kind=token.kind, label=token.label,
                   created_at=token.created_at, expires_at=token.expires_at, last_used_at=token.last_used_at)


class TokenList(BaseModel):
    tokens: list[TokenOut]


class IssuedTokenOut(BaseModel):
    """The token itself is shown here once and never again."""

    token: str
    info: TokenOut


class LoginResponse(IssuedTokenOut):
    user: UserOut


class TokenCreate(Request):
    user_id: UUID | None = Field(None, description="whose token; yourself when left out (others: admin only)")
    label: Text = ""
    expires_in_days: Annotated[int, Field(ge=1, le=3650)] | None = Field(
        None, description="left out: the token does not expire")


class UserCreate(Request):
    name: UserName
    display_name: Text = ""
    role: RoleName
    password: Password | None = Field(None, description="left out: the user signs in with API tokens only")


class UserPatch(Request):
    display_name: Text | None = None
    role: RoleName | None = None
    password: Password | None = None
    disabled: bool | None = None


class SupervisedQueues(Request):
    queues: Annotated[list[QueueName], Field(max_length=500)]


class CallOut(BaseModel):
    channel_id: str
    direction: str
    dialled: str
    caller_number: str
    caller_name: str
    arrived_at: datetime
    queue: str | None = None


class CallList(BaseModel):
    calls: list[CallOut]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    components: dict[str, Literal["up", "down"]]
    down: list[str] | None = None
