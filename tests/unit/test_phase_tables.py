"""Every phase table of a call's parts: each listed move works, each unlisted one raises, and a move is logged
as `phase -> event -> phase` with the call's id."""

from itertools import product

import pytest
from structlog.testing import capture_logs

from telephony.acd.phases import OFFER_PHASES, WAITING_CALL_PHASES
from telephony.calls.click_to_call import CLICK_TO_CALL_PHASES
from telephony.calls.internal_call import INTERNAL_CALL_PHASES
from telephony.calls.queue_flow import QUEUE_CALL_PHASES
from telephony.calls.transfer import TRANSFER_PHASES
from telephony.errors import IllegalTransition

TABLES = [WAITING_CALL_PHASES, OFFER_PHASES, QUEUE_CALL_PHASES, TRANSFER_PHASES, INTERNAL_CALL_PHASES,
          CLICK_TO_CALL_PHASES]
by_name = pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)


def enums(table):
    (phase, event), _ = next(iter(table))
    return type(phase), type(event)


@by_name
def test_every_listed_move_leads_where_the_table_says(table):
    moves = list(table)
    assert moves
    for (phase, event), after in moves:
        assert table.allows(phase, event)
        assert table.move(phase, event, "c1") is after


@by_name
def test_every_move_the_table_does_not_list_raises(table):
    phases, events = enums(table)
    listed = {key for key, _ in table}
    unlisted = [(phase, event) for phase, event in product(phases, events) if (phase, event) not in listed]
    assert unlisted
    for phase, event in unlisted:
        assert not table.allows(phase, event)
        with pytest.raises(IllegalTransition) as raised:
            table.move(phase, event, "c1")
        error = raised.value
        assert (error.what, error.phase, error.event) == (table.name, phase.value, event.value)


@by_name
def test_a_move_is_logged_with_the_call_id(table):
    (phase, event), after = next(iter(table))
    with capture_logs() as logs:
        table.move(phase, event, "c7")
    assert logs == [{"event": f"{table.name}.phase", "log_level": "info", "call_id": "c7",
                     "transition": f"{phase.value} -> {event.value} -> {after.value}"}]


@by_name
def test_every_phase_but_the_first_is_reached_by_some_move(table):
    phases, _ = enums(table)
    reached = {after for _, after in table}
    assert set(phases) - reached <= {next(iter(phases))}
