"""check-config beyond validation: nothing to route, duplicate keys, missing prompts, agents' unknown
queues; and the JSON Schema of the file."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from telephony.check_config import check_config
from telephony.cli import main
from telephony.config import parse_config
from telephony.config.checks import membership_findings, prompt_findings, sound_prompts, structure_findings
from telephony.config.schema import config_schema
from telephony.config.sounds import SoundsDirectory, local_sounds
from telephony.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
MENU = """
dids: {"100": {entry: main}, "200": {entry: main, language: fr}}
queues: {sales: {overflow: "message:all-busy", max_wait: 60}}
ivr:
  main: {kind: menu, prompts: ["sound:hello-world", "digits:12"], options: {1: "queue:sales"},
         invalid_prompts: ["sound:oops"]}
"""


@pytest.fixture
def chroot(tmp_path) -> Path:
    """An Asterisk chroot whose sounds/en is an absolute link through /etc/alternatives, as Debian makes it."""
    root = tmp_path / "root"
    voice = root / "usr/share/asterisk/sounds/en_US_f_Allison"
    voice.mkdir(parents=True)
    for name in ("hello-world.wav", "all-busy.gsm"):
        (voice / name).write_bytes(b"")
    (root / "usr/share/asterisk/sounds/fr").mkdir()
    (root / "usr/share/asterisk/sounds/fr/hello-world.wav").write_bytes(b"")
    (root / "etc/alternatives").mkdir(parents=True)
    os.symlink("/usr/share/asterisk/sounds/en_US_f_Allison", root / "etc/alternatives/asterisk-prompt-en")
    os.symlink("/etc/alternatives/asterisk-prompt-en", root / "usr/share/asterisk/sounds/en")
    return root


def test_no_dids_and_no_queues_are_warnings():
    found = structure_findings(parse_config(""))
    assert [(f.level, f.place) for f in found] == [("warning", "dids"), ("warning", "queues")]


@pytest.mark.parametrize("text", ['dids:\n  "100": {entry: a}\n  "100": {entry: b}\nivr: {a: {kind: hangup}, '
                                  'b: {kind: hangup}}\n',
                                  'dids: {"100": {entry: a}, "100": {entry: a}}\nivr: {a: {kind: hangup}}\n'])
def test_a_duplicate_key_is_an_error_at_its_line(text):
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    ((place, message),) = err.value.problems
    assert "duplicate key '100'" in message and "first at line" in message and place.startswith("line ")


def test_sound_prompts_are_found_with_their_places():
    assert list(sound_prompts(parse_config(MENU))) == [
        ("ivr.main.prompts.0", "hello-world"), ("ivr.main.invalid_prompts.0", "oops"),
        ("queues.sales.overflow", "all-busy")]


def test_missing_prompts_are_found_in_the_chroots_sounds_per_language(chroot):
    sounds = local_sounds(None, chroot)
    assert sounds is not None and sounds.exists
    found = prompt_findings(parse_config(MENU), sounds.has)
    assert [(f.place, f.message) for f in found] == [
        ("ivr.main.invalid_prompts.0", "sound:oops: Asterisk has no such sound (language en, fr)"),
        ("queues.sales.overflow", "sound:all-busy: Asterisk has no such sound (language fr)")]


def test_a_sound_without_a_language_folder_is_found_at_the_top(tmp_path):
    (tmp_path / "beep.ulaw").write_bytes(b"")
    assert SoundsDirectory(tmp_path).has("beep", "de")
    assert not SoundsDirectory(tmp_path).has("boop", "de")


def test_agents_in_queues_the_file_lacks_are_found():
    found = membership_findings(parse_config(MENU), [("1001 (Ann)", "sales"), ("1002 (Bob)", "billing")])
    assert [f.message for f in found] == ["agent 1002 (Bob) is a member of queue 'billing', which the file "
                                          "does not have"]


def test_the_command_warns_and_strict_fails(tmp_path, chroot, capsys, monkeypatch):
    for name in ("TELEPHONY_ARI_USER", "TELEPHONY_DATABASE_DSN", "TELEPHONY_AMI_USER", "TELEPHONY_AMI_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env: no secret of any kind
    monkeypatch.setenv("ASTERISK_ROOT", str(chroot))
    path = tmp_path / "cc.yaml"
    path.write_text(MENU)
    assert main(["check-config", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: warning: ivr.main.invalid_prompts.0: sound:oops: Asterisk has no such sound" in out
    assert "prompts checked against " + str(chroot / "usr/share/asterisk/sounds") in out
    assert "agents' queues not checked (TELEPHONY_DATABASE_DSN is not set)" in out
    assert main(["check-config", "--strict", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: error: ivr.main.invalid_prompts.0" in out and "2 error(s)" in out


def test_without_any_sounds_the_prompts_are_said_not_checked(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASTERISK_ROOT", str(tmp_path / "none"))
    path = tmp_path / "cc.yaml"
    path.write_text(MENU)
    assert check_config(path, sounds_dir=tmp_path / "absent", ask_ari=False, ask_database=False) == 0
    assert "prompts not checked" in capsys.readouterr().out


def test_the_json_schema_is_generated_from_the_models_and_kept_in_the_repository(capsys):
    schema = config_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"dids", "ivr", "queues", "pause_reasons"} <= set(schema["properties"])
    assert main(["config-schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == schema
    assert json.loads((ROOT / "callcenter.schema.json").read_text()) == schema, \
        "run `telephony config-schema > callcenter.schema.json`"


def test_the_readme_and_example_files_validate():
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) >= 2
    for block in blocks:
        parse_config(block)
