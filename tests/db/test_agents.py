from datetime import datetime, timedelta, timezone
from uuid import uuid4

import asyncpg
import pytest

from telephony.acd.agent_state import AgentStatus
from telephony.model import Device
from telephony.model import AgentState as S
from telephony.acd_runtime import restore_event
from telephony.db.agents import AgentNotFound, AgentStore, DuplicateExtension

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


async def test_create_and_read_an_agent_with_skills_and_queues(db):
    store = AgentStore(db)
    user = uuid4()
    agent = await store.create("Ann Lee", "1001", softphone="PJSIP/1001", mobile="+447700900123", user_id=user)
    assert (agent.name, agent.extension, agent.state, agent.user_id) == ("Ann Lee", "1001", S.LOGGED_OUT, user)
    await store.set_skills(agent.id, {"french": 4, "billing": 2})
    await store.set_queues(agent.id, {"sales": 0, "support": 2})
    agent = await store.get(agent.id)
    assert agent.skills == {"french": 4, "billing": 2}
    assert agent.queues == {"sales": 0, "support": 2}
    profile = agent.profile()
    assert (profile.id, profile.skills, profile.queues) == (str(agent.id), {"french": 4, "billing": 2},
                                                            {"sales": 0, "support": 2})
    assert agent.device("mobile") == Device("mobile", "+447700900123")
    await store.set_skills(agent.id, {"german": 1})
    assert (await store.by_extension("1001")).skills == {"german": 1}
    assert await store.by_extension("9999") is None


async def test_extension_is_unique(db):
    store = AgentStore(db)
    await store.create("Ann", "1001", softphone="PJSIP/1001")
    with pytest.raises(DuplicateExtension):
        await store.create("Bob", "1001", softphone="PJSIP/1002")


@pytest.mark.parametrize("kwargs", [
    {"softphone": None, "mobile": None},  # no device at all
    {"softphone": "SIP/1001"},
    {"mobile": "call me"},
])
async def test_devices_are_checked(db, kwargs):
    with pytest.raises(asyncpg.CheckViolationError):
        await AgentStore(db).create("Ann", "1001", **kwargs)


async def test_skill_levels_are_one_to_five(db):
    store = AgentStore(db)
    agent = await store.create("Ann", "1001", softphone="PJSIP/1001")
    with pytest.raises(asyncpg.CheckViolationError):
        await store.set_skills(agent.id, {"french": 6})
    assert (await store.get(agent.id)).skills == {}


async def test_unknown_agent(db):
    store = AgentStore(db)
    with pytest.raises(AgentNotFound):
        await store.get(uuid4())
    with pytest.raises(AgentNotFound):
        await store.set_queues(uuid4(), {"sales": 0})


async def test_state_changes_are_logged_and_the_pause_reason_survives_a_restart(db):
    store = AgentStore(db)
    agent = await store.create("Ann", "1001", softphone="PJSIP/1001", mobile="+15550100")
    status = AgentStatus(str(agent.id), T0)
    await store.record_state(status.login(T0), login_device="mobile")
    await store.record_state(status.pause("lunch", T0 + timedelta(minutes=5)))

    # a restart: what comes back is the state with its reason and the device chosen at login
    (restored,) = await store.logged_in()
    assert (restored.state, restored.pause_reason, restored.state_since) == (S.PAUSED, "lunch",
                                                                             T0 + timedelta(minutes=5))
    assert restored.device() == Device("mobile", "+15550100")
    event = restore_event(restored, T0 + timedelta(minutes=30))
    assert (event.paused_reason, event.restored, event.device) == ("lunch", True, Device("mobile", "+15550100"))
    status = AgentStatus(str(agent.id), restored.state_since, restored.state, restored.pause_reason)

    await store.record_state(status.unpause(T0 + timedelta(minutes=35)))
    log = await store.state_log(agent.id)
    assert [(e.previous_state, e.state, e.reason, e.previous_reason, e.cause) for e in log] == [
        (S.LOGGED_OUT, S.AVAILABLE, None, None, "login"),
        (S.AVAILABLE, S.PAUSED, "lunch", None, "pause"),
        (S.PAUSED, S.AVAILABLE, None, "lunch", "unpause"),
    ]
    assert (await store.get(agent.id)).state is S.AVAILABLE
    assert len(await store.state_log(agent.id, since=T0 + timedelta(minutes=1))) == 2


async def test_a_late_write_is_logged_but_does_not_overwrite_the_current_state(db):
    store = AgentStore(db)
    agent = await store.create("Ann", "1001", softphone="PJSIP/1001")
    status = AgentStatus(str(agent.id), T0)
    login = status.login(T0)
    ring = status.ring(T0 + timedelta(seconds=2))
    await store.record_state(ring)
    await store.record_state(login, login_device="softphone")
    assert (await store.get(agent.id)).state is S.RINGING
    assert [e.state for e in await store.state_log(agent.id)] == [S.AVAILABLE, S.RINGING]
    (restored,) = await store.logged_in()
    event = restore_event(restored, T0)
    assert event.paused_reason is None  # ringing comes back available; Asterisk tells what is still up
    assert event.device == Device("softphone", "PJSIP/1001")
