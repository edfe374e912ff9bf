"""Use cases of authentication: log in, check a bearer token, issue and revoke tokens, manage users."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from telephony.auth.models import IssuedToken, Role, TokenKind, User
from telephony.auth.passwords import Passwords
from telephony.auth.policy import Principal
from telephony.auth.ratelimit import LoginRateLimiter
from telephony.auth.tokens import new_token, token_digest
from telephony.db.users import UserStore
from telephony.errors import TelephonyError
from telephony.logs import get_logger

log = get_logger(__name__)

MAX_TOKEN_LENGTH = 256


class Unauthenticated(TelephonyError):
    """No valid credentials: a wrong password, or a token unknown, expired, revoked or of a disabled user."""


class TooManyAttempts(TelephonyError):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; retry in {retry_after} s")


class AuthService:
    def __init__(self, users: UserStore, passwords: Passwords, limiter: LoginRateLimiter,
                 clock: Callable[[], datetime], session_ttl: timedelta):
        self.users = users
        self._passwords = passwords
        self._limiter = limiter
        self._clock = clock
        self._session_ttl = session_ttl

    def now(self) -> datetime:
        return self._clock()

    async def login(self, name: str, password: str, client: str) -> tuple[IssuedToken, User]:
        key = (name.casefold(), client)
        wait = self._limiter.retry_after(key)
        if wait is not None:
            log.warning("auth.login_throttled", user=name, client=client, retry_after=wait)
            raise TooManyAttempts(wait)
        found = await self.users.password_hash(name)
        ok = await self._passwords.verify(found[1] if found else None, password)
        if not ok or found is None or found[2]:
            self._limiter.failed(key)
            log.info("auth.login_failed", user=name, client=client)
            raise Unauthenticated("wrong user name or password")
        self._limiter.succeeded(key)
        issued = await self.issue_token(found[0], "session", "login")
        log.info("auth.login", user=name, client=client, token_id=str(issued.record.id))
        return issued, await self.users.get(found[0])

    async def authenticate(self, token: str) -> Principal:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise Unauthenticated("invalid token")
        found = await self.users.user_for_token(token_digest(token), self._clock())
        if found is None:
            raise Unauthenticated("invalid, expired or revoked token")
        record, user = found
        return Principal(user.id, user.name, user.role, frozenset(user.supervised_queues), record.id)

    async def issue_token(self, user_id: UUID, kind: TokenKind = "api", label: str = "",
                          ttl: timedelta | None = None) -> IssuedToken:
        now = self._clock()
        if kind == "session":
            ttl = ttl or self._session_ttl
        token = new_token()
        record = await self.users.add_token(user_id, token_digest(token), kind, label, now,
                                            now + ttl if ttl else None)
        return IssuedToken(token, record)

    async def revoke_token(self, token_id: UUID) -> bool:
        return await self.users.revoke_token(token_id, self._clock())

    async def create_user(self, name: str, display_name: str, role: Role, password: str | None) -> User:
        hashed = await self._passwords.hash(password) if password is not None else None
        user = await self.users.create(name, display_name, role, hashed, self._clock())
        log.info("users.created", user=name, role=role)
        return user

    async def update_user(self, user_id: UUID, *, display_name: str | None = None, role: Role | None = None,
                          password: str | None = None, disabled: bool | None = None) -> User | None:
        hashed = await self._passwords.hash(password) if password is not None else None
        now = self._clock()
        user = await self.users.update(user_id, now, display_name=display_name, role=role, password_hash=hashed,
                                       disabled=disabled)
        if user is not None and disabled:
            await self.users.revoke_all(user_id, now)
        return user


def build_auth_service(pool, settings, clock: Callable[[], datetime]) -> AuthService:
    """The service as the daemon and the CLI use it: argon2 defaults, the configured limits."""
    limiter = LoginRateLimiter(settings.login_max_failures, settings.login_window, clock)
    return AuthService(UserStore(pool), Passwords(), limiter, clock, timedelta(seconds=settings.session_ttl))
