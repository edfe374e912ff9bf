"""The IVR node kinds of the call-center file: a full good file, and every kind of bad one, placed."""

from datetime import date

import pytest

from telephony.cli import main
from telephony.config import parse_config
from telephony.config.ivr_nodes import CollectNode, MenuNode, ScheduleNode, TransferNode, VoicemailNode
from telephony.errors import ConfigError

GOOD = """
dids:
  "300": {entry: hours}
queues:
  sales: {}
  billing: {}
ivr:
  hours:
    kind: schedule
    timezone: Europe/Berlin
    hours: {mon-fri: "08:00-12:00, 13:00-18:00", sat: "10:00-14:00"}
    holidays: [2026-12-25, "2027-01-01"]
    open: language
    closed: closed
  language:
    kind: language
    prompts: ["sound:hello"]
    options: {1: en, "2": fr}
    next: main
  main:
    kind: menu
    prompts: ["sound:main-menu"]
    options:
      1: sales
      2: {target: "queue:billing"}
      "3": account
      "*": voicemail
      "#": agent
    timeout: 4
    retries: 1
    invalid_prompts: ["sound:invalid"]
    timeout_prompts: ["sound:please-try-again"]
    default: closed
  sales: {kind: queue, queue: sales, priority: 7, skills: {french: 2}}
  account:
    kind: collect
    prompts: ["sound:enter-account"]
    variable: account
    min_length: 4
    max_length: 8
    pattern: "^[0-9]+$"
    next: main
    on_invalid: closed
  voicemail: {kind: voicemail, box: sales, max_seconds: 60}
  agent: {kind: transfer, to: "1002"}
  outside: {kind: transfer, to: "+4930123456"}
  closed: {kind: hangup, prompts: ["sound:closed"]}
"""


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    return err.value.problems


def with_node(node: str, extra: str = "") -> str:
    return f"queues: {{sales: {{}}}}\nivr:\n  bye: {{kind: hangup}}\n  n: {node}\n{extra}"


def test_every_node_kind_loads():
    config = parse_config(GOOD)
    menu = config.ivr["main"]
    assert isinstance(menu, MenuNode)
    assert {k: o.target for k, o in menu.options.items()} == {
        "1": "sales", "2": "queue:billing", "3": "account", "*": "voicemail", "#": "agent"}
    assert menu.timeout == 4 and menu.retries == 1 and menu.default == "closed"
    schedule = config.ivr["hours"]
    assert isinstance(schedule, ScheduleNode) and schedule.holidays == [date(2026, 12, 25), date(2027, 1, 1)]
    assert isinstance(config.ivr["account"], CollectNode) and config.ivr["account"].terminator == "#"
    assert isinstance(config.ivr["voicemail"], VoicemailNode) and config.ivr["voicemail"].silence_seconds == 5
    assert isinstance(config.ivr["outside"], TransferNode)
    assert config.ivr["language"].options == {"1": "en", "2": "fr"}


MENU = '{kind: menu, prompts: ["sound:x"], options: {1: bye}}'


@pytest.mark.parametrize(
    "text, place, fragment",
    [
        # unknown node, unknown queue: through every field that leads on
        (with_node('{kind: menu, prompts: ["sound:x"], options: {1: ghost}}'), "ivr.n.options.1.target",
         "unknown ivr node 'ghost'"),
        (with_node('{kind: menu, prompts: ["sound:x"], options: {3: {target: "queue:billing"}}}'),
         "ivr.n.options.3.target", "unknown queue 'billing'"),
        (with_node('{kind: menu, prompts: ["sound:x"], options: {1: bye}, default: ghost}'), "ivr.n.default",
         "unknown ivr node 'ghost'"),
        (with_node("{kind: queue, queue: billing}"), "ivr.n.queue", "unknown queue 'billing'"),
        (with_node('{kind: collect, prompts: ["sound:x"], variable: a, next: bye, on_invalid: ghost}'),
         "ivr.n.on_invalid", "unknown ivr node 'ghost'"),
        (with_node('{kind: schedule, timezone: UTC, hours: {mon: "09:00-10:00"}, open: bye, closed: ghost}'),
         "ivr.n.closed", "unknown ivr node 'ghost'"),
        (with_node('{kind: language, prompts: ["sound:x"], options: {1: en}, next: ghost}'), "ivr.n.next",
         "unknown ivr node 'ghost'"),
        # keypad keys
        (with_node('{kind: menu, prompts: ["sound:x"], options: {12: bye}}'), "ivr.n.options.12",
         "not one key of the keypad"),
        (with_node('{kind: menu, prompts: ["sound:x"], options: {a: bye}}'), "ivr.n.options.a",
         "not one key of the keypad"),
        (with_node('{kind: language, prompts: ["sound:x"], options: {"##": en}, next: bye}'),
         "ivr.n.options.##", "not one key of the keypad"),
        (with_node('{kind: language, prompts: ["sound:x"], options: {1: french}, next: bye}'),
         "ivr.n.options.1", "pattern"),
        # collect
        (with_node('{kind: collect, prompts: ["sound:x"], variable: a, next: bye, pattern: "([0-9"}'),
         "ivr.n.pattern", "not a valid regular expression"),
        (with_node('{kind: collect, prompts: ["sound:x"], variable: a, next: bye, min_length: 6, max_length: 4}'),
         "ivr.n.min_length", "above max_length 4"),
        (with_node('{kind: collect, prompts: ["sound:x"], variable: a, next: bye, terminator: "5"}'),
         "ivr.n.terminator", "'#' or '*'"),
        (with_node('{kind: collect, prompts: ["sound:x"], variable: "Bad Name", next: bye}'), "ivr.n.variable",
         "pattern"),
        # schedule
        (with_node('{kind: schedule, timezone: Mars/Olympus, hours: {}, open: bye, closed: bye}'),
         "ivr.n.timezone", "unknown time zone 'Mars/Olympus'"),
        (with_node('{kind: schedule, timezone: UTC, hours: {mon: "9-5"}, open: bye, closed: bye}'),
         "ivr.n.hours.mon", "must look like 09:00-17:00"),
        (with_node('{kind: schedule, timezone: UTC, hours: {mon: "25:00-26:00"}, open: bye, closed: bye}'),
         "ivr.n.hours.mon", "not a time of day"),
        (with_node('{kind: schedule, timezone: UTC, hours: {mon: "17:00-09:00"}, open: bye, closed: bye}'),
         "ivr.n.hours.mon", "ends before it starts"),
        (with_node('{kind: schedule, timezone: UTC, hours: {mon: "09:00-12:00,11:00-13:00"}, open: bye, '
                   'closed: bye}'), "ivr.n.hours.mon", "overlap"),
        (with_node('{kind: schedule, timezone: UTC, hours: {mon-fri: "09:00-17:00", fri: "18:00-19:00"}, '
                   'open: bye, closed: bye}'), "ivr.n.hours.fri", "fri is already given by 'mon-fri'"),
        (with_node('{kind: schedule, timezone: UTC, hours: {monday: "09:00-17:00"}, open: bye, closed: bye}'),
         "ivr.n.hours.monday", "must look like mon, mon-fri"),
        (with_node('{kind: schedule, timezone: UTC, hours: {fri-mon: "09:00-17:00"}, open: bye, closed: bye}'),
         "ivr.n.hours.fri-mon", "run backwards"),
        (with_node('{kind: schedule, timezone: UTC, hours: {}, holidays: [christmas], open: bye, closed: bye}'),
         "ivr.n.holidays.0", "date"),
        # destinations
        (with_node("{kind: queue, queue: sales, priority: 11}"), "ivr.n.priority", "less than or equal to 10"),
        (with_node("{kind: queue, queue: sales, skills: {french: 0}}"), "ivr.n.skills.french", "greater than"),
        (with_node('{kind: transfer, to: "call-me"}'), "ivr.n.to", "neither an extension"),
        (with_node('{kind: transfer, to: "+0123"}'), "ivr.n.to", "neither an extension"),
        (with_node('{kind: voicemail, box: "a b"}'), "ivr.n.box", "pattern"),
        (with_node("{kind: voicemail, box: sales, max_seconds: 0}"), "ivr.n.max_seconds", "greater than"),
        (with_node('{kind: voicemail, box: sales, prompts: ["/etc/passwd"]}'), "ivr.n.prompts", "sound:NAME"),
        # shapes: unknown field, wrong type, missing field, unknown kind
        (with_node(MENU.replace("}}", "}, colour: red}")), "ivr.n.colour", "unknown field"),
        (with_node('{kind: menu, prompts: ["sound:x"], options: {1: bye}, timeout: soon}'), "ivr.n.timeout",
         "valid number"),
        (with_node('{kind: menu, prompts: ["sound:x"], options: {1: bye}, retries: [1]}'), "ivr.n.retries",
         "valid integer"),
        (with_node('{kind: menu, prompts: "sound:x", options: {1: bye}}'), "ivr.n.prompts", "valid list"),
        (with_node('{kind: menu, prompts: ["sound:x"]}'), "ivr.n.options", "required field is missing"),
        (with_node('{kind: collect, prompts: ["sound:x"], next: bye}'), "ivr.n.variable",
         "required field is missing"),
        (with_node("{kind: ivr-magic}"), "ivr.n", "ivr-magic"),
        (with_node("just-a-string"), "ivr.n", "dictionary"),
        ("queues: [sales]", "queues", "dictionary"),
        # the file itself
        ("ivr: {n: {kind: menu,", "line 1, column 22", "not valid YAML"),
        ("42", "", "top level must be a mapping"),
    ],
)
def test_bad_files_are_rejected_with_their_place(text, place, fragment):
    found = problems(text)
    assert any(p == place and fragment in m for p, m in found), found


def test_every_reference_problem_is_reported_at_once():
    found = problems("""
ivr:
  main: {kind: menu, prompts: ["sound:x"], options: {1: ghost, 3: "queue:billing"}, default: nowhere}
  hrs: {kind: schedule, timezone: UTC, hours: {mon-fri: "09:00-17:00", fri: "10:00-11:00"}, open: main, closed: x}
""")
    assert {p for p, _ in found} == {"ivr.main.options.1.target", "ivr.main.options.3.target", "ivr.main.default",
                                     "ivr.hrs.hours.fri", "ivr.hrs.closed"}


def test_check_config_names_the_place_and_fails(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text('ivr:\n  main: {kind: menu, prompts: ["sound:x"], options: {3: {target: "queue:billing"}}}\n')
    assert main(["check-config", str(bad)]) == 1
    assert f"{bad}: ivr.main.options.3.target: unknown queue 'billing'" in capsys.readouterr().out
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    assert main(["check-config", str(good)]) == 0
