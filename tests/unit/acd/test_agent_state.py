import pytest

from telephony.acd.agent_state import AgentStateRefused, AgentStatus
from telephony.model import AgentState as S
from tests.unit.acd.rig import T0


def test_login_call_wrap_up_cycle_records_every_change():
    agent = AgentStatus("a", T0)
    changes = [agent.login(T0), agent.ring(T0), agent.answer(T0), agent.call_ended(T0, wrap_up=True),
               agent.wrap_up_done(T0)]
    assert [(c.previous, c.state, c.cause) for c in changes] == [
        (S.LOGGED_OUT, S.AVAILABLE, "login"), (S.AVAILABLE, S.RINGING, "offer"),
        (S.RINGING, S.ON_CALL, "answered"), (S.ON_CALL, S.WRAP_UP, "call_ended"),
        (S.WRAP_UP, S.AVAILABLE, "wrap_up_done"),
    ]
    assert all(c.agent_id == "a" and c.at == T0 for c in changes)


@pytest.mark.parametrize("steps, illegal", [
    ([], "ring"),  # logged out
    (["login"], "answer"),  # available, not ringing
    (["login", "ring", "answer"], "logout"),  # a call in progress ends first
    (["login", "ring", "answer"], "pause"),
    (["login"], "unpause"),
    (["login"], "login"),
    ([], "pause"),
])
def test_illegal_transitions_raise_and_change_nothing(steps, illegal):
    agent = AgentStatus("a", T0)
    calls = {"login": lambda: agent.login(T0), "ring": lambda: agent.ring(T0), "answer": lambda: agent.answer(T0),
             "logout": lambda: agent.logout(T0), "pause": lambda: agent.pause("lunch", T0),
             "unpause": lambda: agent.unpause(T0)}
    for step in steps:
        calls[step]()
    before = agent.state
    with pytest.raises(AgentStateRefused):
        calls[illegal]()
    assert agent.state is before


def test_pause_reason_is_kept_and_reported_when_unpausing():
    agent = AgentStatus("a", T0)
    agent.login(T0, paused_reason="training")
    assert (agent.state, agent.reason) == (S.PAUSED, "training")
    change = agent.unpause(T0)
    assert (change.state, change.reason, change.previous_reason) == (S.AVAILABLE, None, "training")


def test_restored_state_keeps_its_pause_reason():
    agent = AgentStatus("a", T0, S.PAUSED, "lunch")
    assert agent.reason == "lunch" and not agent.offerable


def test_auto_pause_after_n_missed_offers_in_a_row_not_one():
    agent = AgentStatus("a", T0)
    agent.login(T0)
    agent.ring(T0)
    assert agent.missed(T0, limit=3).state is S.AVAILABLE
    agent.ring(T0)
    assert agent.missed(T0, limit=3).state is S.AVAILABLE
    agent.ring(T0)
    change = agent.missed(T0, limit=3)
    assert (change.state, change.reason, change.cause) == (S.PAUSED, "missed", "missed")


def test_an_answer_resets_the_missed_count():
    agent = AgentStatus("a", T0)
    agent.login(T0)
    for _ in range(2):
        agent.ring(T0)
        agent.missed(T0, limit=3)
    agent.ring(T0)
    agent.answer(T0)
    agent.call_ended(T0, wrap_up=False)
    agent.ring(T0)
    assert agent.missed(T0, limit=3).state is S.AVAILABLE


def test_withdrawn_offer_is_not_a_miss():
    agent = AgentStatus("a", T0)
    agent.login(T0)
    for _ in range(5):
        agent.ring(T0)
        assert agent.offer_withdrawn(T0).state is S.AVAILABLE
    assert agent.missed_in_row == 0


def test_registration_and_busy_make_unofferable_without_a_state_change():
    agent = AgentStatus("a", T0)
    agent.login(T0)
    assert agent.offerable
    agent.registered = False
    assert not agent.offerable and agent.state is S.AVAILABLE
    agent.registered, agent.busy_elsewhere = True, True
    assert not agent.offerable
    agent.busy_elsewhere = False
    assert agent.offerable
