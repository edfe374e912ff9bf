"""One embedded PostgreSQL per session, a fresh migrated database, and the API served over real HTTP
on 127.0.0.1 by the in-process aiohttp application. Each test starts from empty user tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import asyncio

import aiohttp
import asyncpg
import pytest
import pytest_asyncio
from argon2 import PasswordHasher

from telephony.acd.dispatcher import Dispatcher
from telephony.acd.service import AcdService
from telephony.agent_admin import AgentAdmin
from telephony.agent_desk import AgentDesk
from telephony.calls.in_flight import CallsInFlight
from telephony.notifiers.metrics import LiveStateReader, Metrics
from telephony.agent_roster import AgentRoster
from telephony.api.app import HttpServer, build_app
from telephony.calls.agent_calls import CallRefused
from telephony.errors import NotFound
from telephony.config import parse_config
from telephony.crm.service import CrmService
from telephony.db.agent_audit import AgentAuditStore
from telephony.db.agents import AgentStore
from telephony.db.recordings import RecordingStore
from telephony.db.segments import SegmentStore
from telephony.db.call_events import CallEventStore
from telephony.db.report_rows import ReportRows
from telephony.reports.service import Reports
from telephony.recordings.library import RecordingLibrary
from telephony.supervision.desk import SupervisorDesk
from telephony.db.customers import CustomerStore
from telephony.db.tickets import TicketStore
from telephony.api.events import EventHub
from telephony.api.ws import WsOptions
from telephony.auth.passwords import Passwords
from telephony.auth.ratelimit import LoginRateLimiter
from telephony.auth.service import AuthService
from telephony.db.migrations import migrate
from tests.conftest import fresh_database
from telephony.db.users import UserStore

ROOT = Path(__file__).resolve().parents[2]
TEST_DB = "telephony_api_test"
# Cheap argon2 parameters: the tests check behaviour, not the cost of a hash.
METRICS_TOKEN = "metrics-scraper-secret"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest_asyncio.fixture(scope="session")
async def database_dsn(postgres_server) -> str:
    return await fresh_database(postgres_server, TEST_DB)


@pytest_asyncio.fixture(scope="session")
async def pool(database_dsn):
    pool = await asyncpg.create_pool(database_dsn, min_size=1, max_size=8)
    await migrate(pool, ROOT / "migrations")
    yield pool
    await pool.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest_asyncio.fixture
async def auth(pool, clock) -> AuthService:
    await pool.execute("TRUNCATE users, agents, agent_skills, queue_members, agent_state_log, agent_audit CASCADE")
    limiter = LoginRateLimiter(5, 60, clock)
    return AuthService(UserStore(pool), Passwords(FAST_HASHER), limiter, clock, timedelta(hours=12))


@dataclass
class Person:
    id: UUID
    name: str
    role: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Api:
    """The running server, a client session, and shortcuts to make people directly in the database."""

    def __init__(self, url: str, session: aiohttp.ClientSession, auth: AuthService, hub: EventHub):
        self.url, self.session, self.auth, self.hub = url, session, auth, hub
        self.calls: list[dict] = []

    async def person(self, name: str, role: str = "agent", queues: tuple[str, ...] = (),
                     password: str | None = None) -> Person:
        user = await self.auth.create_user(name, name.title(), role, password)
        if queues:
            await self.auth.users.set_supervised_queues(user.id, list(queues))
        issued = await self.auth.issue_token(user.id, "api", "test")
        return Person(user.id, name, role, issued.token)

    def request(self, method: str, path: str, who: Person | None = None, **kwargs):
        headers = {**(who.headers if who else {}), **kwargs.pop("headers", {})}
        return self.session.request(method, self.url + path, headers=headers, **kwargs)

    async def call(self, method: str, path: str, who: Person | None = None, **kwargs) -> tuple[int, object]:
        async with self.request(method, path, who, **kwargs) as resp:
            body = await resp.json() if resp.content_type == "application/json" else await resp.text()
            return resp.status, body


async def healthy() -> dict[str, bool]:
    return {"database": True}


@pytest.fixture
def ws_options() -> WsOptions:
    return WsOptions(heartbeat=30, auth_timeout=0.5)


@pytest.fixture
def hub(clock) -> EventHub:
    return EventHub(queue_size=8, clock=clock)


CALL_CENTER = parse_config("""
queues: {sales: {}, support: {}}
pause_reasons: [break, lunch]
""")


class FakeVoicemails:
    def __init__(self):
        self.queries = []

    async def list(self, **query):
        self.queries.append(query)
        return []


@pytest_asyncio.fixture
async def acd(clock):
    """The real dispatcher in its service task; nothing but the API talks to it here."""
    dispatcher = Dispatcher(CALL_CENTER)
    service = AcdService(dispatcher, lambda command: None, lambda record: None, clock)
    task = asyncio.create_task(service.run())
    yield dispatcher, service
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


class CallsStandIn:
    """The calls in flight for the API's tests: no agent has a call; supervision sees the calls put in
    `live`, whose tasks take every request (kept in `asked`)."""

    def __init__(self):
        self.live: dict = {}
        self.asked: list = []

    def live_call(self, call_id):
        return self.live.get(call_id)

    def agent_live_call(self, agent_id):
        return None

    async def ask(self, call_id, request):
        self.asked.append(request)

    async def agent_call(self, agent_id):
        return None

    async def hang_up(self, agent_id):
        raise NotFound("connected call")

    async def control_recording(self, agent_id, action):
        raise NotFound("connected call")

    async def transfer(self, agent_id, mode, target_kind, value, ring_timeout):
        raise NotFound("connected call")

    async def transfer_step(self, agent_id, action):
        raise NotFound("connected call")

    async def click_to_call(self, agent, target):
        raise CallRefused("calls cannot be placed here")


@pytest_asyncio.fixture
async def api(auth, hub, ws_options, acd, pool, clock, tmp_path):
    holder: list[Api] = []
    reloads: list[list[tuple[str, str]]] = []
    calls = CallsStandIn()
    desk = AgentDesk(AgentStore(pool), *acd, clock, calls)
    metrics = Metrics(LiveStateReader(acd[0], CallsInFlight(), {"ami": lambda: True}, {}))
    admin = AgentAdmin(AgentStore(pool), AgentAuditStore(pool), desk, *acd, AgentRoster(AgentStore(pool)), auth,
                       clock)
    supervision = SupervisorDesk(calls, AgentStore(pool), hub.publish, clock)
    crm = CrmService(CustomerStore(pool), TicketStore(pool), "DE", lambda *event: None, clock)
    app = build_app(healthy, auth=auth, hub=hub, calls=lambda: holder[0].calls, ws_options=ws_options,
                    desk=desk, voicemail_store=FakeVoicemails(), reload=lambda: reloads.pop(0) if reloads else [],
                    crm=crm, recordings=RecordingLibrary(RecordingStore(pool), AgentStore(pool), tmp_path),
                    supervision=supervision, segments=SegmentStore(pool), agent_admin=admin, metrics=metrics,
                    metrics_token=METRICS_TOKEN,
                    reports=Reports(CallEventStore(pool), ReportRows(pool), lambda: CALL_CENTER.queues, clock))
    server = HttpServer(app, "127.0.0.1", 0)
    await server.start()
    async with aiohttp.ClientSession() as session:
        holder.append(Api(f"http://127.0.0.1:{server.port}", session, auth, hub))
        holder[0].desk = desk
        holder[0].admin = admin
        holder[0].metrics = metrics
        holder[0].reloads = reloads
        holder[0].recordings_dir = tmp_path
        holder[0].pool = pool
        holder[0].live_calls = calls.live
        holder[0].delivered = calls.asked
        holder[0].server = server
        yield holder[0]
    await server.close()


@pytest_asyncio.fixture
async def people(api) -> dict[str, Person]:
    """An admin, two agents, a supervisor of sales and one of support."""
    people = {
        "admin": await api.person("root", "admin"),
        "alice": await api.person("alice", "agent"),
        "bob": await api.person("bob", "agent"),
        "sam": await api.person("sam", "supervisor", ("sales",)),
        "sue": await api.person("sue", "supervisor", ("support",)),
    }
    api.agents = {
        "alice": await api.admin.create(None, dict(name="Alice", extension="1001", softphone="PJSIP/1001",
                                                   user_id=people["alice"].id, queues={"sales": 0})),
        "bob": await api.admin.create(None, dict(name="Bob", extension="1002", softphone="PJSIP/1002",
                                                 mobile="+4915112345678", user_id=people["bob"].id,
                                                 queues={"support": 0})),
    }
    return people
