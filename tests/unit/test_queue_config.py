import pytest

from telephony.config import parse_config
from telephony.config.models import OverflowTarget
from telephony.errors import ConfigError

GOOD = """
queues:
  sales:
    strategy: skills-based
    required_skills: {french: 3, sales: 1}
    ring_timeout: 20
    max_wait: 120
    overflow: queue:support
    max_length: 50
    wrap_up_seconds: 10
    moh_class: jazz
    announce_every: 30
    priority: 2
    missed_offers_before_pause: 2
  support:
    strategy: ring-all
    max_wait: 300
    overflow: voicemail:200
  closed: {overflow: message:closed-tonight, max_length: 1}
pause_reasons: [break, lunch]
"""


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    return err.value.problems


def test_good_queues_parse():
    config = parse_config(GOOD)
    sales = config.queues["sales"]
    assert sales.strategy == "skills-based"
    assert sales.required_skills == {"french": 3, "sales": 1}
    assert sales.overflow == OverflowTarget(kind="queue", target="support")
    assert str(config.queues["closed"].overflow) == "message:closed-tonight"
    assert config.valid_pause_reason("lunch") and config.valid_pause_reason("missed")
    assert not config.valid_pause_reason("nap")


def test_defaults():
    queue = parse_config("queues: {q: {}}").queues["q"]
    assert (queue.strategy, queue.ring_timeout, queue.priority, queue.missed_offers_before_pause) == (
        "longest-idle", 15, 0, 3)
    assert queue.max_wait is None and queue.overflow is None


@pytest.mark.parametrize(
    "text, place, fragment",
    [
        ("queues: {sales: {max_wait: 60, overflow: 'queue:billing'}}", "queues.sales.overflow",
         "unknown queue 'billing'"),
        ("queues: {a: {strategy: leastrecent}}", "queues.a.strategy", "longest-idle"),
        ("queues: {a: {required_skills: {french: 6}}}", "queues.a.required_skills.french", "less than or equal"),
        ("queues: {a: {required_skills: {French: 2}}}", "queues.a.required_skills.French", "pattern"),
        ("queues: {a: {priority: 11}}", "queues.a.priority", "less than or equal"),
        ("queues: {a: {max_wait: 30}}", "queues.a", "overflow is required"),
        ("queues: {a: {max_length: 3}}", "queues.a", "overflow is required"),
        ("queues: {a: {overflow: 'fax:1'}}", "queues.a.overflow", "queue:NAME"),
        ("queues: {a: {overflow: 'message:../x'}}", "queues.a.overflow", "sounds directory"),
        ("queues: {a: {overflow: 'voicemail:1 2'}}", "queues.a.overflow", "voicemail box"),
        ("queues: {a: {ring_timeout: 0}}", "queues.a.ring_timeout", "greater than"),
        ("queues: {a: {colour: red}}", "queues.a.colour", "unknown field"),
        ("queues: {a: {missed_offers_before_pause: 0}}", "queues.a.missed_offers_before_pause", "greater"),
        ("pause_reasons: [lunch, lunch]", "pause_reasons", "listed twice"),
    ],
)
def test_errors_carry_their_place(text, place, fragment):
    found = problems(text)
    assert any(p == place and fragment in m for p, m in found), found


def test_overflow_loops_are_refused():
    found = problems("""
queues:
  a: {max_wait: 10, overflow: 'queue:b'}
  b: {max_wait: 10, overflow: 'queue:a'}
  c: {max_wait: 10, overflow: 'queue:a'}
""")
    assert ("queues.a.overflow", "overflow loop a -> b -> a") in found
    assert ("queues.b.overflow", "overflow loop b -> a -> b") in found
    assert not any(p == "queues.c.overflow" for p, _ in found)


def test_queue_errors_come_with_the_other_reference_errors():
    found = problems('dids: {"1": {entry: x}}\nqueues: {q: {max_wait: 5, overflow: "queue:zz"}}')
    assert {p for p, _ in found} == {"dids.1.entry", "queues.q.overflow"}
