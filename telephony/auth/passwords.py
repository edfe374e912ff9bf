"""Password hashing with argon2id (memory-hard), run off the event loop."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """Each hash takes tens of milliseconds and (by default) 64 MiB: at most `concurrency` run at once,
    so a burst of logins queues up instead of exhausting memory."""

    def __init__(self, hasher: PasswordHasher | None = None, concurrency: int = 4):
        self._hasher = hasher or PasswordHasher()
        self._slots = asyncio.Semaphore(concurrency)
        # Verified against when the user does not exist, so the answer takes as long either way.
        self._dummy = self._hasher.hash("not a real password")

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._verify, stored_hash, password)

    def _verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False
