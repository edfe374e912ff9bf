"""Logging in, and the limit on failed attempts (per user name and client address)."""

from __future__ import annotations

from structlog.testing import capture_logs


async def test_login_returns_a_session_token(api):
    await api.auth.create_user("fred", "Fred", "agent", "fred's password")
    status, body = await api.call("POST", "/api/v1/auth/login", json={"name": "fred", "password": "fred's password"})
    assert status == 200, body
    assert body["user"]["name"] == "fred" and body["info"]["kind"] == "session"
    assert body["info"]["expires_at"].startswith("2026-01-05T21:00:00")  # 12 h after the fake clock's now
    assert (await api.call("GET", "/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}))[0] == 200


async def test_wrong_password_unknown_user_and_token_only_user_are_alike(api):
    await api.auth.create_user("gina", "Gina", "agent", "gina's password")
    await api.auth.create_user("robot", "Robot", "agent", None)
    answers = []
    for name, password in [("gina", "wrong password"), ("nobody", "whatever1"), ("robot", "anything1")]:
        status, body = await api.call("POST", "/api/v1/auth/login", json={"name": name, "password": password})
        answers.append((status, body["error"]["code"], body["error"]["message"]))
    assert len(set(answers)) == 1 and answers[0][0] == 401


async def test_disabled_user_cannot_log_in(api, people):
    user = await api.auth.create_user("hank", "Hank", "agent", "hank's password")
    await api.auth.update_user(user.id, disabled=True)
    status, _ = await api.call("POST", "/api/v1/auth/login", json={"name": "hank", "password": "hank's password"})
    assert status == 401


async def test_five_failures_a_minute_then_429_with_retry_after(api, clock):
    await api.auth.create_user("ivy", "Ivy", "agent", "ivy's password")
    wrong = {"name": "ivy", "password": "not it"}
    for _ in range(5):
        assert (await api.call("POST", "/api/v1/auth/login", json=wrong))[0] == 401
    clock.advance(10)
    async with api.request("POST", "/api/v1/auth/login", json={"name": "ivy", "password": "ivy's password"}) as resp:
        body = await resp.json()
        assert resp.status == 429, body
        assert resp.headers["Retry-After"] == "50"
        assert body["error"]["code"] == "too_many_attempts" and body["error"]["details"] == {"retry_after": 50}
    # Another name from the same address is not held back.
    await api.auth.create_user("jack", "Jack", "agent", "jack's password")
    assert (await api.call("POST", "/api/v1/auth/login", json={"name": "jack", "password": "jack's password"}))[0] == 200
    clock.advance(50)
    assert (await api.call("POST", "/api/v1/auth/login", json={"name": "ivy", "password": "ivy's password"}))[0] == 200


async def test_success_resets_the_count(api, clock):
    await api.auth.create_user("kim", "Kim", "agent", "kim's password")
    for _ in range(4):
        await api.call("POST", "/api/v1/auth/login", json={"name": "kim", "password": "nope"})
    assert (await api.call("POST", "/api/v1/auth/login", json={"name": "kim", "password": "kim's password"}))[0] == 200
    for _ in range(4):
        assert (await api.call("POST", "/api/v1/auth/login", json={"name": "kim", "password": "nope"}))[0] == 401


async def test_tokens_and_passwords_never_reach_the_logs(api):
    await api.auth.create_user("lena", "Lena", "agent", "lena's password")
    with capture_logs() as logs:
        status, body = await api.call("POST", "/api/v1/auth/login", json={"name": "lena", "password": "lena's password"})
        await api.call("POST", "/api/v1/auth/login", json={"name": "lena", "password": "lena's wrong one"})
        await api.call("GET", "/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert status == 200 and logs
    text = repr(logs)
    assert body["token"] not in text and "lena's password" not in text and "wrong one" not in text
    assert not any("token" in entry or "password" in entry for entry in logs)
