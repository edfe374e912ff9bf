from pathlib import Path

import pytest

from telephony.cli import main
from telephony.config import load_config, parse_config
from telephony.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]

GOOD = """
dids:
  "100": {entry: welcome}
ivr:
  welcome: {kind: play, prompts: ["sound:demo-congrats"], next: bye}
  bye: {kind: hangup}
"""


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    return err.value.problems


def test_example_file_is_valid():
    config = load_config(ROOT / "callcenter.example.yaml")
    assert config.route_for("100").entry == "welcome"


def test_good_config_routes_dids():
    config = parse_config(GOOD)
    assert config.route_for("100").entry == "welcome"
    assert config.route_for("999") is None


@pytest.mark.parametrize(
    "text, place, fragment",
    [
        ('dids: {"100": {entry: nowhere}}', "dids.100.entry", "unknown ivr node 'nowhere'"),
        ("ivr: {a: {kind: play, prompts: ['sound:x'], next: b}}", "ivr.a.next", "unknown ivr node 'b'"),
        ("ivr: {a: {kind: bogus}}", "ivr.a", "bogus"),
        ("ivr: {a: {kind: hangup, colour: red}}", "ivr.a.colour", "unknown field"),
        ("ivr: {a: {kind: play, next: a}}", "ivr.a.prompts", "required"),
        ("ivr: {a: {kind: hangup, prompts: ['/etc/passwd']}}", "ivr.a.prompts", "sound:NAME"),
        ("ivr: {a: {kind: hangup, prompts: ['sound:../../x']}}", "ivr.a.prompts", "sounds directory"),
        ('dids: {"call-me": {entry: a}}\nivr: {a: {kind: hangup}}', "dids.call-me", "pattern"),
        ("- just\n- a list", "", "top level must be a mapping"),
        ("dids: [", "line 1, column 8", "not valid YAML"),
        ("unknown_did: {entry: zz}", "unknown_did.entry", "unknown ivr node 'zz'"),
    ],
)
def test_errors_carry_their_place(text, place, fragment):
    found = problems(text)
    assert any(p == place and fragment in m for p, m in found), found


def test_every_error_is_reported_not_just_the_first():
    found = problems(
        'dids: {"1": {entry: x}, "2": {entry: y}}\nivr: {a: {kind: play, prompts: ["sound:a"], next: z}}'
    )
    assert {p for p, _ in found} == {"dids.1.entry", "dids.2.entry", "ivr.a.next"}


def test_unreadable_file(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "absent.yaml")
    assert "cannot read" in str(err.value)


def test_check_config_command(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    assert main(["check-config", str(good)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text('dids: {"100": {entry: nowhere}}')
    assert main(["check-config", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}: dids.100.entry: unknown ivr node 'nowhere'" in out
