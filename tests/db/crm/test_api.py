"""The CRM routes over real HTTP (the daemon's own AppRunner server, auth included) on a real PostgreSQL."""

import uuid
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest_asyncio
from argon2 import PasswordHasher

from telephony.api.app import HttpServer, build_app
from telephony.auth.passwords import Passwords
from telephony.auth.ratelimit import LoginRateLimiter
from telephony.auth.service import AuthService
from telephony.db.users import UserStore
from tests.db.crm.conftest import add_interaction


async def all_up():
    return {"database": True}


@pytest_asyncio.fixture
async def auth(pool):
    clock = lambda: datetime.now(timezone.utc)  # noqa: E731
    hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    return AuthService(UserStore(pool), Passwords(hasher), LoginRateLimiter(5, 60, clock), clock,
                       timedelta(hours=1))


@pytest_asyncio.fixture
async def server(crm, auth):
    server = HttpServer(build_app(all_up, auth=auth, crm=crm), "127.0.0.1", 0)
    await server.start()
    yield f"http://127.0.0.1:{server.port}"
    await server.close()


@pytest_asyncio.fixture
async def http(server, auth):
    """A client session for an agent, the least role these routes admit."""
    user = await auth.create_user(f"agent-{uuid.uuid4().hex[:8]}", "Agent", "agent", None)
    token = (await auth.issue_token(user.id, "api", "test")).token
    async with aiohttp.ClientSession(server, headers={"Authorization": f"Bearer {token}"}) as session:
        yield session


async def call(http, method, path, json=None, headers=None):
    async with http.request(method, path, json=json, headers=headers) as response:
        return response.status, await response.json()


async def test_crm_routes_need_a_token(server):
    async with aiohttp.ClientSession(server) as anonymous:
        for method, path in [("GET", "/api/v1/customers?q=0301234567"),
                             ("GET", f"/api/v1/tickets/{uuid.uuid4()}"),
                             ("POST", f"/api/v1/tickets/{uuid.uuid4()}/status")]:
            async with anonymous.request(method, path, json={}) as response:
                assert response.status == 401, path


def number() -> str:
    return f"+4989{uuid.uuid4().int % 10**8:08d}"


async def test_search_read_edit_and_screen_pop(http, crm, pool):
    caller = number()
    customer = (await crm.identify_caller(caller)).customer
    interaction = await add_interaction(pool, customer.id, caller, caller)

    status, found = await call(http, "GET", f"/api/v1/customers?q=0{caller[3:]}")
    assert status == 200 and [c["id"] for c in found] == [str(customer.id)]

    status, edited = await call(http, "PATCH", f"/api/v1/customers/{customer.id}",
                                {"name": "Ada Lovelace", "company": "Engines", "vip": True})
    assert status == 200 and edited["name"] == "Ada Lovelace" and edited["vip"] is True
    status, found = await call(http, "GET", "/api/v1/customers?q=ada%20love")
    assert status == 200 and str(customer.id) in [c["id"] for c in found]

    status, pop = await call(http, "GET", f"/api/v1/customers/{customer.id}/screen-pop")
    assert status == 200 and pop["customer"]["phones"] == [caller]
    assert [i["id"] for i in pop["interactions"]] == [str(interaction)] and pop["open_tickets"] == []

    status, history = await call(http, "GET", f"/api/v1/customers/{customer.id}/interactions?limit=5")
    assert status == 200 and history[0]["caller_e164"] == caller


async def test_unknown_ids_are_404_and_bad_input_422(http):
    status, body = await call(http, "GET", f"/api/v1/customers/{uuid.uuid4()}")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body = await call(http, "GET", "/api/v1/customers/not-a-uuid")
    assert status == 404
    status, body = await call(http, "GET", f"/api/v1/tickets/{uuid.uuid4()}")
    assert status == 404
    status, body = await call(http, "PATCH", f"/api/v1/customers/{uuid.uuid4()}", {"email": "not an email"})
    assert status == 422 and body["error"]["details"][0]["loc"] == ["email"]
    status, body = await call(http, "PATCH", f"/api/v1/customers/{uuid.uuid4()}", {"name": None})
    assert status == 422 and body["error"]["details"] == [{"loc": ["name"], "msg": "may not be null"}]
    status, body = await call(http, "PATCH", f"/api/v1/customers/{uuid.uuid4()}", {"id": "x"})
    assert status == 422
    status, body = await call(http, "GET", "/api/v1/customers?q=")
    assert status == 422 and set(body["error"]) == {"code", "message", "details"}


async def test_an_added_phone_that_is_no_number_is_422_naming_it(http, crm):
    customer = (await crm.identify_caller(number())).customer
    status, body = await call(http, "PATCH", f"/api/v1/customers/{customer.id}", {"add_phones": [number(), "abc"]})
    assert status == 422 and body["error"]["code"] == "validation_failed"
    assert body["error"]["details"] == [{"loc": ["add_phones", 1], "msg": "not a phone number"}]
    assert (await crm.get_customer(customer.id)).phones == customer.phones  # nothing changed


async def test_merge_over_http(http, crm, pool):
    a = (await crm.identify_caller(number())).customer
    b = (await crm.identify_caller(number())).customer
    await add_interaction(pool, b.id, b.phones[0], b.phones[0])
    status, merged = await call(http, "POST", f"/api/v1/customers/{a.id}/merge", {"merge": str(b.id)})
    assert status == 200 and set(merged["phones"]) == {a.phones[0], b.phones[0]}
    status, _ = await call(http, "GET", f"/api/v1/customers/{b.id}")
    assert status == 404
    status, body = await call(http, "POST", f"/api/v1/customers/{a.id}/merge", {"merge": str(a.id)})
    assert status == 409


async def test_ticket_lifecycle_over_http(http, crm, pool, published, auth):
    customer = (await crm.identify_caller(number())).customer
    interaction = await add_interaction(pool, customer.id)
    owner = uuid.uuid4()

    status, ticket = await call(http, "POST", f"/api/v1/interactions/{interaction}/tickets",
                                {"subject": "No dial tone", "owner_agent_id": str(owner)})
    assert status == 201 and ticket["status"] == "open" and ticket["customer_id"] == str(customer.id)
    path = f"/api/v1/tickets/{ticket['id']}/status"

    status, body = await call(http, "POST", path, {"status": "needs_follow_up", "note": "call back"})
    assert status == 409 and body["error"]["code"] == "invalid_transition"
    assert body["error"]["message"] == "needs_follow_up requires a follow-up due time"

    due = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    status, body = await call(http, "POST", path, {"status": "needs_follow_up", "follow_up_due": due})
    assert status == 200 and body["status"] == "needs_follow_up"
    status, refused = await call(http, "GET", f"/api/v1/agents/{owner}/follow-ups")
    assert status == 403  # without the agent records at hand, only admins may read anyone's follow-ups
    admin = await auth.create_user(f"admin-{uuid.uuid4().hex[:8]}", "Admin", "admin", None)
    admin_token = (await auth.issue_token(admin.id, "api", "test")).token
    status, follow_ups = await call(http, "GET", f"/api/v1/agents/{owner}/follow-ups",
                                    headers={"Authorization": f"Bearer {admin_token}"})
    assert [t["id"] for t in follow_ups] == [ticket["id"]]

    status, body = await call(http, "POST", path, {"status": "closed", "note": "sorted"})
    assert status == 200 and published[-1][0] == "ticket.closed"
    status, body = await call(http, "POST", path, {"status": "resolved"})
    assert status == 409 and "reopen it first" in body["error"]["message"]
    status, body = await call(http, "POST", path, {"status": "open", "note": "again"})
    assert status == 200 and [h["to_status"] for h in body["history"]] == [
        "open", "needs_follow_up", "closed", "open"]

    status, body = await call(http, "POST", path, {"status": "bogus"})
    assert status == 422
    naive = {"status": "needs_follow_up", "follow_up_due": "2030-01-01T00:00"}
    status, body = await call(http, "POST", path, naive)
    assert status == 422  # a due time without a zone is ambiguous
    status, body = await call(http, "POST", f"/api/v1/interactions/{uuid.uuid4()}/tickets", {"subject": "x"})
    assert status == 404


async def test_every_crm_route_is_documented_for_agents_and_above(crm, auth):
    from telephony.api.app import OPENAPI
    app = build_app(all_up, auth=auth, crm=crm)
    served = {(r.method.lower(), r.resource.canonical) for r in app.router.routes()}
    paths = app[OPENAPI]["paths"]
    documented = {(m, p) for p, ops in paths.items() for m in ops}
    crm_paths = {(m, p) for m, p in served if "/customers" in p or "/tickets" in p or "follow-ups" in p}
    assert len(crm_paths) == 10 and crm_paths <= documented
    for method, path in crm_paths:
        assert paths[path][method]["x-roles"] == ["admin", "agent", "supervisor"]
