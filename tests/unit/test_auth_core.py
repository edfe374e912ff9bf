"""The pure parts of auth: rate limiter, policy, audiences, tokens, password hashing."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from telephony.api.events import EventHub
from telephony.audience import Audience
from telephony.auth.passwords import Passwords
from telephony.auth.policy import (
    Forbidden,
    Principal,
    can_act_on_agent,
    can_act_on_call,
    can_see_call,
    can_supervise_queue,
    require_role,
)
from telephony.auth.ratelimit import LoginRateLimiter
from telephony.auth.tokens import new_token, token_digest


class Clock:
    def __init__(self):
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


AGENT = Principal(uuid.uuid4(), "alice", "agent")
OTHER_AGENT = Principal(uuid.uuid4(), "bob", "agent")
SUPERVISOR = Principal(uuid.uuid4(), "sam", "supervisor", frozenset({"sales"}))
ADMIN = Principal(uuid.uuid4(), "root", "admin")


def test_limiter_counts_failures_in_a_sliding_window():
    clock = Clock()
    limiter = LoginRateLimiter(3, 60, clock)
    key = ("alice", "10.0.0.1")
    for _ in range(3):
        assert limiter.retry_after(key) is None
        limiter.failed(key)
        clock.advance(10)
    assert limiter.retry_after(key) == 30  # the first failure leaves the window 60 s after it
    assert limiter.retry_after(("alice", "10.0.0.2")) is None
    clock.advance(30)
    assert limiter.retry_after(key) is None
    limiter.failed(key)
    assert limiter.retry_after(key) == 10


def test_limiter_forgets_on_success_and_stays_bounded():
    clock = Clock()
    limiter = LoginRateLimiter(1, 60, clock, max_keys=100)
    limiter.failed("k")
    limiter.succeeded("k")
    assert limiter.retry_after("k") is None
    for n in range(1000):
        limiter.failed(n)
    assert len(limiter._failures) <= 100


def test_policy():
    can_act_on_agent(AGENT, AGENT.user_id)
    can_act_on_agent(ADMIN, AGENT.user_id)
    with pytest.raises(Forbidden, match="only on yourself"):
        can_act_on_agent(AGENT, OTHER_AGENT.user_id)
    can_supervise_queue(SUPERVISOR, "sales")
    can_supervise_queue(ADMIN, "support")
    with pytest.raises(Forbidden, match="do not supervise queue 'support'") as info:
        can_supervise_queue(SUPERVISOR, "support")
    assert info.value.code == "not_your_queue"
    with pytest.raises(Forbidden, match="only supervisors"):
        can_supervise_queue(AGENT, "sales")
    with pytest.raises(Forbidden, match="admin"):
        require_role(SUPERVISOR, frozenset({"admin"}))
    assert can_see_call(SUPERVISOR, "sales") and not can_see_call(SUPERVISOR, "support")
    can_act_on_call(AGENT, AGENT.user_id, "sales")
    can_act_on_call(SUPERVISOR, OTHER_AGENT.user_id, "sales")
    can_act_on_call(ADMIN, None, None)
    with pytest.raises(Forbidden, match="not yours"):
        can_act_on_call(AGENT, OTHER_AGENT.user_id, "sales")
    with pytest.raises(Forbidden, match="queue you supervise"):
        can_act_on_call(SUPERVISOR, OTHER_AGENT.user_id, "support")
    assert not can_see_call(SUPERVISOR, None) and can_see_call(ADMIN, None) and not can_see_call(AGENT, "sales")


def test_audience():
    offer = Audience.of(users=[AGENT.user_id], queues=["sales"])
    assert offer.admits(AGENT) and offer.admits(SUPERVISOR) and offer.admits(ADMIN)
    assert not offer.admits(OTHER_AGENT)
    wide = Audience.of(supervisors=True)
    assert wide.admits(SUPERVISOR) and wide.admits(ADMIN) and not wide.admits(AGENT)
    assert not Audience.of(queues=["support"]).admits(SUPERVISOR)
    assert Audience.of().admits(ADMIN) and not Audience.of().admits(SUPERVISOR)


async def test_hub_publish_never_blocks_and_marks_the_slow():
    hub = EventHub(queue_size=2)
    fast, slow = hub.subscribe(AGENT), hub.subscribe(OTHER_AGENT)
    for n in range(3):
        hub.publish("e", {"n": n}, Audience.of(users=[AGENT.user_id, OTHER_AGENT.user_id]))
        if n < 2:
            await fast.queue.get()
    assert not fast.overflowed.is_set() and slow.overflowed.is_set()
    assert hub.publish("e", {}, Audience.of(users=[OTHER_AGENT.user_id])) == 0  # no more for the slow one
    hub.close_user(AGENT.user_id, "role changed")
    assert fast.closed.is_set() and fast.close_reason == "role changed" and not slow.closed.is_set()
    hub.unsubscribe(fast)
    assert hub.connections == 1


def test_tokens_are_random_and_kept_as_sha256():
    a, b = new_token(), new_token()
    assert a != b and a.startswith("tel_") and len(a) == 4 + 43
    assert len(token_digest(a)) == 32 and token_digest(a) == token_digest(a) != token_digest(b)


async def test_default_password_hash_is_argon2id_memory_hard():
    passwords = Passwords()
    hashed = await passwords.hash("correct horse")
    assert hashed.startswith("$argon2id$") and "m=65536" in hashed
    assert await passwords.verify(hashed, "correct horse")
    assert not await passwords.verify(hashed, "wrong horse")
    assert not await passwords.verify(None, "not a real password")  # the timing dummy never matches
    assert not await passwords.verify("garbage", "x")


async def test_hashing_runs_off_the_event_loop():
    passwords = Passwords(PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=1))
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    task = asyncio.create_task(ticker())
    await asyncio.gather(*(passwords.hash("x" * 12) for _ in range(4)))
    task.cancel()
    assert ticks > 3
