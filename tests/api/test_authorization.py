"""Role × ownership for every route, over real HTTP against a real PostgreSQL."""

from __future__ import annotations

import re
import uuid

import pytest

ANON = None
WINDOW = "from=2026-01-05T00:00:00Z&to=2026-01-06T00:00:00Z&interval=1h"
QUEUES_REPORT = "/api/v1/reports/queues?" + WINDOW
AGENTS_REPORT = "/api/v1/reports/agents?" + WINDOW
DOUBLED = re.compile(r"\b(\w+) \1\b", re.IGNORECASE)

# (method, path, actor, body, expected status). In paths, {alice}/{bob}/{sam} are user ids,
# {alice_token}/{bob_token} ids of those users' tokens, {unknown} an id that names nothing.
MATRIX = [
    ("GET", "/api/v1/me", ANON, None, 401),
    ("GET", "/api/v1/me", "alice", None, 200),
    ("GET", "/api/v1/me", "sam", None, 200),
    ("GET", "/api/v1/me", "admin", None, 200),
    ("GET", "/api/v1/auth/tokens", ANON, None, 401),
    ("GET", "/api/v1/auth/tokens", "alice", None, 200),
    ("POST", "/api/v1/auth/tokens", ANON, {}, 401),
    ("POST", "/api/v1/auth/tokens", "alice", {"label": "crm"}, 201),
    ("POST", "/api/v1/auth/tokens", "alice", {"user_id": "{alice}"}, 201),
    ("POST", "/api/v1/auth/tokens", "alice", {"user_id": "{bob}"}, 403),
    ("POST", "/api/v1/auth/tokens", "sam", {"user_id": "{alice}"}, 403),
    ("POST", "/api/v1/auth/tokens", "admin", {"user_id": "{alice}"}, 201),
    ("POST", "/api/v1/auth/tokens", "admin", {"user_id": "{unknown}"}, 404),
    ("DELETE", "/api/v1/auth/tokens/{alice_token}", ANON, None, 401),
    ("DELETE", "/api/v1/auth/tokens/{alice_token}", "alice", None, 204),
    ("DELETE", "/api/v1/auth/tokens/{bob_token}", "alice", None, 403),
    ("DELETE", "/api/v1/auth/tokens/{alice_token}", "sam", None, 403),
    ("DELETE", "/api/v1/auth/tokens/{alice_token}", "admin", None, 204),
    ("DELETE", "/api/v1/auth/tokens/{unknown}", "admin", None, 404),
    ("GET", "/api/v1/users", ANON, None, 401),
    ("GET", "/api/v1/users", "alice", None, 403),
    ("GET", "/api/v1/users", "sam", None, 403),
    ("GET", "/api/v1/users", "admin", None, 200),
    ("POST", "/api/v1/users", ANON, {"name": "carol", "role": "agent"}, 401),
    ("POST", "/api/v1/users", "alice", {"name": "carol", "role": "agent"}, 403),
    ("POST", "/api/v1/users", "sam", {"name": "carol", "role": "agent"}, 403),
    ("POST", "/api/v1/users", "admin", {"name": "carol", "role": "agent", "password": "correct horse"}, 201),
    ("GET", "/api/v1/users/{alice}", ANON, None, 401),
    ("GET", "/api/v1/users/{alice}", "alice", None, 200),
    ("GET", "/api/v1/users/{bob}", "alice", None, 403),
    ("GET", "/api/v1/users/{sam}", "sam", None, 200),
    ("GET", "/api/v1/users/{alice}", "sam", None, 403),
    ("GET", "/api/v1/users/{alice}", "admin", None, 200),
    ("GET", "/api/v1/users/{unknown}", "admin", None, 404),
    ("GET", "/api/v1/users/not-a-uuid", "admin", None, 404),
    ("PATCH", "/api/v1/users/{alice}", ANON, {"display_name": "A"}, 401),
    ("PATCH", "/api/v1/users/{alice}", "alice", {"display_name": "Alice L."}, 200),
    ("PATCH", "/api/v1/users/{alice}", "alice", {"password": "a new secret"}, 200),
    ("PATCH", "/api/v1/users/{alice}", "alice", {"role": "admin"}, 403),
    ("PATCH", "/api/v1/users/{alice}", "alice", {"disabled": False}, 403),
    ("PATCH", "/api/v1/users/{bob}", "alice", {"display_name": "Bobby"}, 403),
    ("PATCH", "/api/v1/users/{alice}", "sam", {"display_name": "x"}, 403),
    ("PATCH", "/api/v1/users/{alice}", "admin", {"role": "supervisor"}, 200),
    ("PATCH", "/api/v1/users/{admin}", "admin", {"disabled": True}, 409),
    ("PATCH", "/api/v1/users/{unknown}", "admin", {"display_name": "x"}, 404),
    ("DELETE", "/api/v1/users/{bob}", ANON, None, 401),
    ("DELETE", "/api/v1/users/{bob}", "alice", None, 403),
    ("DELETE", "/api/v1/users/{alice}", "alice", None, 403),
    ("DELETE", "/api/v1/users/{bob}", "sam", None, 403),
    ("DELETE", "/api/v1/users/{bob}", "admin", None, 204),
    ("DELETE", "/api/v1/users/{admin}", "admin", None, 409),
    ("DELETE", "/api/v1/users/{unknown}", "admin", None, 404),
    ("PUT", "/api/v1/users/{sam}/supervised-queues", ANON, {"queues": ["sales"]}, 401),
    ("PUT", "/api/v1/users/{sam}/supervised-queues", "alice", {"queues": ["sales"]}, 403),
    ("PUT", "/api/v1/users/{sam}/supervised-queues", "sam", {"queues": ["support"]}, 403),
    ("PUT", "/api/v1/users/{sam}/supervised-queues", "admin", {"queues": ["sales", "support"]}, 200),
    ("PUT", "/api/v1/users/{sam}/supervised-queues", "admin", {"queues": ["sales", "vip"]}, 422),  # no vip
    ("PUT", "/api/v1/users/{alice}/supervised-queues", "admin", {"queues": ["sales"]}, 409),
    ("PUT", "/api/v1/users/{unknown}/supervised-queues", "admin", {"queues": []}, 404),
    ("GET", "/api/v1/calls", ANON, None, 401),
    ("GET", "/api/v1/calls", "alice", None, 403),
    ("GET", "/api/v1/calls", "sam", None, 200),
    ("GET", "/api/v1/calls", "admin", None, 200),
    ("GET", "/api/v1/me/agent", ANON, None, 401),
    ("GET", "/api/v1/me/agent", "alice", None, 200),
    ("GET", "/api/v1/me/agent", "sam", None, 404),
    ("POST", "/api/v1/me/agent/login", ANON, {"device": "softphone"}, 401),
    ("POST", "/api/v1/me/agent/login", "alice", {"device": "softphone"}, 200),
    ("POST", "/api/v1/me/agent/login", "alice", {"device": "mobile"}, 409),
    ("POST", "/api/v1/me/agent/login", "alice", {"device": "desk phone"}, 422),
    ("POST", "/api/v1/me/agent/login", "sam", {}, 404),
    ("POST", "/api/v1/me/agent/pause", "alice", {"reason": "break"}, 409),
    ("POST", "/api/v1/me/agent/ready", "alice", None, 409),
    ("POST", "/api/v1/me/agent/logout", "alice", None, 409),  # allowed, but not logged in
    ("GET", "/api/v1/me/call", ANON, None, 401),
    ("GET", "/api/v1/me/call", "alice", None, 404),
    ("GET", "/api/v1/me/call", "sam", None, 404),
    ("POST", "/api/v1/me/call/hangup", ANON, None, 401),
    ("POST", "/api/v1/me/call/hangup", "alice", None, 404),
    ("POST", "/api/v1/me/calls", ANON, {"to": "1002"}, 401),
    ("POST", "/api/v1/me/calls", "sam", {"to": "1002"}, 404),
    ("POST", "/api/v1/me/calls", "alice", {"to": "call me"}, 422),
    ("POST", "/api/v1/me/calls", "alice", {"to": "1002"}, 409),  # nothing places calls in this test app
    ("GET", "/api/v1/agents", ANON, None, 401),
    ("GET", "/api/v1/agents", "alice", None, 403),
    ("GET", "/api/v1/agents", "sam", None, 200),
    ("GET", "/api/v1/agents", "admin", None, 200),
    ("POST", "/api/v1/agents", "alice", {"name": "C", "extension": "1003", "softphone": "PJSIP/1003"}, 403),
    ("POST", "/api/v1/agents", "sam", {"name": "C", "extension": "1003", "softphone": "PJSIP/1003"}, 403),
    ("POST", "/api/v1/agents", "admin", {"name": "C", "extension": "1003", "softphone": "PJSIP/1003",
                                         "queues": {"sales": 1}, "skills": {"french": 3}}, 201),
    ("POST", "/api/v1/agents", "admin", {"name": "C", "extension": "1001", "softphone": "PJSIP/1003"}, 409),
    ("POST", "/api/v1/agents", "admin", {"name": "C", "extension": "1003", "softphone": "PJSIP/1003",
                                         "queues": {"billing": 0}}, 422),  # invalid input, not a conflict
    ("POST", "/api/v1/agents", "admin", {"name": "C", "extension": "1003"}, 422),  # no device
    ("POST", "/api/v1/agents", ANON, {"name": "C", "extension": "1003", "softphone": "PJSIP/1003"}, 401),
    ("POST", "/api/v1/agents", "admin", {"name": "C", "extension": "1003", "softphone": "PJSIP/1003",
                                         "user": {"name": "carol"}}, 201),
    ("POST", "/api/v1/agents", "admin", {"name": "C", "extension": "1003", "softphone": "PJSIP/1003",
                                         "user": {"name": "alice"}}, 409),  # that user name is taken
    ("GET", "/api/v1/agents/{alice_agent}", ANON, None, 401),
    ("GET", "/api/v1/agents/{alice_agent}", "alice", None, 403),
    ("GET", "/api/v1/agents/{alice_agent}", "sam", None, 200),
    ("GET", "/api/v1/agents/{alice_agent}", "sue", None, 403),
    ("GET", "/api/v1/agents/{alice_agent}", "admin", None, 200),
    ("GET", "/api/v1/agents/{unknown}", "admin", None, 404),
    ("PATCH", "/api/v1/agents/{alice_agent}", ANON, {"name": "Alice L."}, 401),
    ("PATCH", "/api/v1/agents/{alice_agent}", "alice", {"name": "Alice L."}, 403),
    ("PATCH", "/api/v1/agents/{alice_agent}", "sam", {"name": "Alice L."}, 403),
    ("PATCH", "/api/v1/agents/{alice_agent}", "admin", {"name": "Alice L.", "skills": {"french": 4}}, 200),
    ("PATCH", "/api/v1/agents/{alice_agent}", "admin", {"extension": "1002"}, 409),  # Bob's
    ("PATCH", "/api/v1/agents/{alice_agent}", "admin", {"queues": {"billing": 0}}, 422),
    ("PATCH", "/api/v1/agents/{alice_agent}", "admin", {"softphone": None}, 422),  # no device left
    ("PATCH", "/api/v1/agents/{alice_agent}", "admin", {"colour": "blue"}, 422),
    ("PATCH", "/api/v1/agents/{unknown}", "admin", {"name": "X"}, 404),
    ("DELETE", "/api/v1/agents/{alice_agent}", ANON, None, 401),
    ("DELETE", "/api/v1/agents/{alice_agent}", "alice", None, 403),
    ("DELETE", "/api/v1/agents/{alice_agent}", "sam", None, 403),
    ("DELETE", "/api/v1/agents/{alice_agent}", "admin", None, 204),
    ("DELETE", "/api/v1/agents/{unknown}", "admin", None, 404),
    ("POST", "/api/v1/agents/import", ANON, {"csv": "name,extension\n"}, 401),
    ("POST", "/api/v1/agents/import", "sam", {"csv": "name,extension\n"}, 403),
    ("POST", "/api/v1/agents/import", "admin", {"csv": "name,extension,softphone\nC,1003,PJSIP/1003\n"}, 200),
    ("POST", "/api/v1/agents/import", "admin", {"rows": []}, 422),
    ("GET", "/api/v1/agents/{alice_agent}/audit", ANON, None, 401),
    ("GET", "/api/v1/agents/{alice_agent}/audit", "alice", None, 403),
    ("GET", "/api/v1/agents/{alice_agent}/audit", "sam", None, 200),
    ("GET", "/api/v1/agents/{alice_agent}/audit", "sue", None, 403),
    ("GET", "/api/v1/agents/{alice_agent}/audit", "admin", None, 200),
    ("GET", "/api/v1/agents/{unknown}/audit", "admin", None, 404),
    ("POST", "/api/v1/agents/{alice_agent}/logout", ANON, None, 401),
    ("POST", "/api/v1/agents/{alice_agent}/logout", "bob", None, 403),
    ("POST", "/api/v1/agents/{alice_agent}/logout", "sue", None, 403),
    ("POST", "/api/v1/agents/{alice_agent}/logout", "sam", None, 409),  # allowed, but not logged in
    ("POST", "/api/v1/agents/{alice_agent}/pause", "sam", {"reason": "break"}, 409),
    ("POST", "/api/v1/agents/{alice_agent}/ready", "admin", None, 409),
    ("POST", "/api/v1/agents/{unknown}/ready", "admin", None, 404),
    ("GET", "/api/v1/queues", ANON, None, 401),
    ("GET", "/api/v1/queues", "alice", None, 403),
    ("GET", "/api/v1/queues", "sam", None, 200),
    ("GET", "/api/v1/queues", "admin", None, 200),
    ("GET", "/api/v1/customers?q=%2B4930123456", ANON, None, 401),
    ("GET", "/api/v1/customers?q=%2B4930123456", "alice", None, 200),
    ("GET", "/api/v1/customers?q=Ada", "sam", None, 200),
    ("GET", "/api/v1/customers/{unknown}", "alice", None, 404),
    ("PATCH", "/api/v1/customers/{unknown}", ANON, {"name": "x"}, 401),
    ("PATCH", "/api/v1/customers/{unknown}", "alice", {"name": "x"}, 404),
    ("POST", "/api/v1/customers/{unknown}/merge", ANON, {"other": "{unknown}"}, 401),
    ("GET", "/api/v1/customers/{unknown}/interactions", ANON, None, 401),
    ("GET", "/api/v1/customers/{unknown}/screen-pop", ANON, None, 401),
    ("GET", "/api/v1/customers/{unknown}/screen-pop", "alice", None, 404),
    ("POST", "/api/v1/interactions/{unknown}/tickets", ANON, {"subject": "s"}, 401),
    ("POST", "/api/v1/interactions/{unknown}/tickets", "alice", {"subject": "s"}, 404),
    ("GET", "/api/v1/tickets/{unknown}", ANON, None, 401),
    ("GET", "/api/v1/tickets/{unknown}", "bob", None, 404),
    ("POST", "/api/v1/tickets/{unknown}/status", ANON, {"status": "closed"}, 401),
    ("GET", "/api/v1/agents/{alice_agent}/follow-ups", ANON, None, 401),
    ("GET", "/api/v1/agents/{alice_agent}/follow-ups", "alice", None, 200),
    ("GET", "/api/v1/agents/{alice_agent}/follow-ups", "bob", None, 403),
    ("GET", "/api/v1/agents/{alice_agent}/follow-ups", "sam", None, 200),
    ("GET", "/api/v1/agents/{alice_agent}/follow-ups", "sue", None, 403),
    ("GET", "/api/v1/agents/{alice_agent}/follow-ups", "admin", None, 200),
    ("GET", "/api/v1/agents/{unknown}/follow-ups", "admin", None, 404),
    ("GET", "/api/v1/voicemails", ANON, None, 401),
    ("GET", "/api/v1/voicemails", "alice", None, 403),
    ("GET", "/api/v1/voicemails", "sam", None, 200),
    ("GET", "/api/v1/voicemails?heard=maybe", "admin", None, 400),
    ("GET", "/api/v1/interactions/{unknown}/voicemails", "sue", None, 200),
    ("GET", "/api/v1/interactions/not-a-uuid/voicemails", "admin", None, 404),
    ("GET", "/api/v1/interactions/{unknown}/segments", ANON, None, 401),
    ("GET", "/api/v1/interactions/{unknown}/segments", "alice", None, 403),
    ("GET", "/api/v1/interactions/{unknown}/segments", "sue", None, 200),
    ("GET", "/api/v1/interactions/{unknown}/segments", "admin", None, 200),
    ("GET", "/api/v1/interactions/not-a-uuid/segments", "admin", None, 404),
    ("POST", "/api/v1/me/call/recording", ANON, {"action": "pause"}, 401),
    ("POST", "/api/v1/me/call/recording", "alice", {"action": "pause"}, 404),  # no call in this test app
    ("POST", "/api/v1/me/call/recording", "alice", {"action": "mute"}, 422),
    ("POST", "/api/v1/me/call/recording", "sam", {"action": "start"}, 404),
    ("GET", "/api/v1/recordings", ANON, None, 401),
    ("GET", "/api/v1/recordings", "alice", None, 200),
    ("GET", "/api/v1/recordings", "sam", None, 200),
    ("GET", "/api/v1/recordings?since=yesterday", "admin", None, 400),
    ("GET", "/api/v1/recordings/{unknown}", ANON, None, 401),
    ("GET", "/api/v1/recordings/{unknown}", "admin", None, 404),
    ("GET", "/api/v1/recordings/{unknown}/audio", ANON, None, 401),
    ("GET", "/api/v1/recordings/{unknown}/audio", "sam", None, 404),
    ("PUT", "/api/v1/agents/{alice_agent}/recording", ANON, {"recording": "always"}, 401),
    ("PUT", "/api/v1/agents/{alice_agent}/recording", "alice", {"recording": "never"}, 403),
    ("PUT", "/api/v1/agents/{alice_agent}/recording", "sam", {"recording": "always"}, 403),
    ("PUT", "/api/v1/agents/{alice_agent}/recording", "admin", {"recording": "always"}, 200),
    ("PUT", "/api/v1/agents/{alice_agent}/recording", "admin", {"recording": "sometimes"}, 422),
    ("PUT", "/api/v1/agents/{unknown}/recording", "admin", {"recording": None}, 404),
    ("POST", "/api/v1/calls/c1/monitor", ANON, {"mode": "listen"}, 401),
    ("POST", "/api/v1/calls/c1/monitor", "alice", {"mode": "listen"}, 403),
    ("POST", "/api/v1/calls/c1/monitor", "admin", {"mode": "listen"}, 403),  # supervisors only
    ("POST", "/api/v1/calls/c1/monitor", "sam", {"mode": "listen"}, 404),
    ("POST", "/api/v1/calls/c1/monitor", "sam", {"mode": "shout"}, 422),
    ("PATCH", "/api/v1/calls/c1/monitor", "alice", {"mode": "barge"}, 403),
    ("PATCH", "/api/v1/calls/c1/monitor", "sam", {"mode": "barge"}, 404),
    ("DELETE", "/api/v1/calls/c1/monitor", ANON, None, 401),
    ("DELETE", "/api/v1/calls/c1/monitor", "sam", None, 404),
    ("POST", "/api/v1/me/call/help", ANON, None, 401),
    ("POST", "/api/v1/me/call/help", "alice", None, 404),
    ("POST", "/api/v1/me/call/help", "sam", None, 404),
    ("GET", "/api/v1/help-requests", ANON, None, 401),
    ("GET", "/api/v1/help-requests", "alice", None, 403),
    ("GET", "/api/v1/help-requests", "sam", None, 200),
    ("POST", "/api/v1/me/call/transfer", ANON, {"kind": "blind", "to": {"kind": "queue", "value": "sales"}}, 401),
    ("POST", "/api/v1/me/call/transfer", "alice", {"kind": "blind", "to": {"kind": "queue", "value": "sales"}}, 404),
    ("POST", "/api/v1/me/call/transfer", "alice", {"kind": "blind", "to": {"kind": "number", "value": "12"}}, 422),
    ("POST", "/api/v1/me/call/transfer", "alice", {"kind": "blind", "to": {"kind": "number", "value": "+1555123"}},
     422),
    ("POST", "/api/v1/me/call/transfer", "alice", {"kind": "blind", "to": {"kind": "number",
                                                                           "value": "+4915100000460"}}, 404),
    ("POST", "/api/v1/me/call/transfer", "alice", {"kind": "sideways", "to": {"kind": "queue", "value": "x"}}, 422),
    ("POST", "/api/v1/me/call/transfer", "alice", {"kind": "blind", "to": {"kind": "agent", "value": "-" * 36}},
     422),  # an agent is named by a UUID: checked with the body, not taken for an unknown agent later
    ("POST", "/api/v1/me/call/transfer", "sam", {"kind": "blind", "to": {"kind": "extension", "value": "1002"}},
     404),
    ("POST", "/api/v1/me/call/transfer/complete", ANON, None, 401),
    ("POST", "/api/v1/me/call/transfer/complete", "alice", None, 404),
    ("POST", "/api/v1/me/call/transfer/cancel", "alice", None, 404),
    ("POST", "/api/v1/me/call/transfer/conference", "bob", None, 404),
    ("POST", "/api/v1/config/reload", ANON, None, 401),
    ("POST", "/api/v1/config/reload", "sam", None, 403),
    ("POST", "/api/v1/config/reload", "admin", None, 200),
    ("GET", "/metrics", ANON, None, 401),
    ("GET", "/metrics", "admin", None, 401),  # a user's token is not the scraper's
    ("POST", "/api/v1/auth/logout", ANON, None, 401),
    ("POST", "/api/v1/auth/logout", "alice", None, 204),
    ("GET", QUEUES_REPORT, ANON, None, 401),
    ("GET", QUEUES_REPORT, "alice", None, 403),
    ("GET", QUEUES_REPORT, "sam", None, 200),
    ("GET", QUEUES_REPORT + "&queue=sales", "sam", None, 200),
    ("GET", QUEUES_REPORT + "&queue=support", "sam", None, 403),
    ("GET", QUEUES_REPORT + "&queue=support", "sue", None, 200),
    ("GET", QUEUES_REPORT, "admin", None, 200),
    ("GET", QUEUES_REPORT.replace("1h", "7m"), "admin", None, 422),
    ("GET", "/api/v1/reports/queues?to=2026-01-06T00:00:00Z", "admin", None, 422),
    ("GET", AGENTS_REPORT, ANON, None, 401),
    ("GET", AGENTS_REPORT, "alice", None, 200),  # their own row
    ("GET", AGENTS_REPORT + "&agent={alice_agent}", "alice", None, 200),
    ("GET", AGENTS_REPORT + "&agent={bob_agent}", "alice", None, 403),
    ("GET", AGENTS_REPORT, "sam", None, 200),
    ("GET", AGENTS_REPORT + "&queue=support", "sam", None, 403),
    ("GET", AGENTS_REPORT, "admin", None, 200),
    ("GET", AGENTS_REPORT + "&tz=Mars/Olympus", "admin", None, 422),
]


def _fill(value, ids: dict[str, str]):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("method,path,actor,body,expected", MATRIX,
                         ids=[f"{m} {p} as {a or 'anonymous'} -> {e}" for m, p, a, _b, e in MATRIX])
async def test_route_access(api, people, method, path, actor, body, expected):
    ids = {name: str(p.id) for name, p in people.items()}
    ids["unknown"] = str(uuid.uuid4())
    ids.update({f"{name}_agent": str(view.id) for name, view in api.agents.items()})
    for name in ("alice", "bob"):
        ids[f"{name}_token"] = str((await api.auth.users.tokens_of(people[name].id))[0].id)
    kwargs = {"json": _fill(body, ids)} if body is not None else {}
    status, answer = await api.call(method, _fill(path, ids), people.get(actor), **kwargs)
    assert status == expected, answer
    if status >= 400:
        assert set(answer["error"]) == {"code", "message", "details"}
    if status == 403:
        assert answer["error"]["message"]  # the reason
    if status >= 400:
        assert not DOUBLED.search(answer["error"]["message"]), answer  # "no such no such agent"


async def test_401_says_bearer(api):
    async with api.request("GET", "/api/v1/me") as resp:
        assert resp.status == 401
        assert resp.headers["WWW-Authenticate"] == "Bearer"
        assert (await resp.json())["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwYXNz", "Bearer tel_nope", "Bearer " + "x" * 300])
async def test_bad_authorization_headers_are_401(api, header):
    status, body = await api.call("GET", "/api/v1/me", headers={"Authorization": header})
    assert status == 401, body


async def test_expired_session_token_is_401(api, clock):
    await api.auth.create_user("dora", "Dora", "agent", "dora's password")
    status, body = await api.call("POST", "/api/v1/auth/login", json={"name": "dora", "password": "dora's password"})
    assert status == 200, body
    session = {"Authorization": f"Bearer {body['token']}"}
    assert (await api.call("GET", "/api/v1/me", headers=session))[0] == 200
    clock.advance(12 * 3600 + 1)
    status, body = await api.call("GET", "/api/v1/me", headers=session)
    assert status == 401 and body["error"]["code"] == "unauthenticated"


async def test_revoked_token_is_401(api, people):
    alice = people["alice"]
    assert (await api.call("POST", "/api/v1/auth/logout", alice))[0] == 204
    assert (await api.call("GET", "/api/v1/me", alice))[0] == 401


async def test_api_token_expiring_in_days(api, people, clock):
    status, body = await api.call("POST", "/api/v1/auth/tokens", people["alice"], json={"expires_in_days": 1})
    assert status == 201
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert (await api.call("GET", "/api/v1/me", headers=headers))[0] == 200
    clock.advance(86400 + 1)
    assert (await api.call("GET", "/api/v1/me", headers=headers))[0] == 401


async def test_disabled_user_tokens_stop_working(api, people):
    assert (await api.call("DELETE", f"/api/v1/users/{people['bob'].id}", people["admin"]))[0] == 204
    assert (await api.call("GET", "/api/v1/me", people["bob"]))[0] == 401


async def test_agent_token_list_holds_only_own_tokens(api, people):
    status, body = await api.call("GET", "/api/v1/auth/tokens", people["alice"])
    assert status == 200
    assert {t["user_id"] for t in body["tokens"]} == {str(people["alice"].id)}


async def test_supervisor_sees_only_calls_of_own_queues(api, people):
    base = {"direction": "inbound", "dialled": "100", "caller_number": "0601", "caller_name": "",
            "arrived_at": "2026-01-05T09:00:00+00:00"}
    api.calls = [{**base, "channel_id": "c1", "queue": "sales"}, {**base, "channel_id": "c2", "queue": "support"},
                 {**base, "channel_id": "c3", "queue": None}]
    seen = {}
    for who in ("sam", "sue", "admin"):
        status, body = await api.call("GET", "/api/v1/calls", people[who])
        assert status == 200
        seen[who] = [c["channel_id"] for c in body["calls"]]
    assert seen == {"sam": ["c1"], "sue": ["c2"], "admin": ["c1", "c2", "c3"]}


async def test_password_is_never_in_responses(api, people):
    status, body = await api.call("POST", "/api/v1/users", people["admin"],
                                  json={"name": "erin", "role": "agent", "password": "erin's secret"})
    assert status == 201
    assert "erin's secret" not in str(body) and "argon2" not in str(body)
    assert body["has_password"] is True
