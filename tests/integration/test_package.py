"""The wheel `make dist` builds installs into a fresh virtual environment and works there: `telephony
--help`, `telephony check-config` on the example file it ships (no AMI or ARI secret anywhere), its
migrations found under share/telephony; and the systemd unit it ships passes `systemd-analyze verify`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args, cwd=None, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel (and its dependencies) installed; its prefix."""
    work = tmp_path_factory.mktemp("package")
    source = work / "src"  # a copy: building must not leave build/ or egg-info in the tree
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "var", "dist", "build",
                                                                "__pycache__", "*.egg-info", ".env"))
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", source)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (work / "dist").glob("telephony-*.whl")
    venv = work / "venv"
    made = run(sys.executable, "-m", "venv", venv)
    assert made.returncode == 0, made.stderr
    done = run(venv / "bin" / "pip", "install", "-q", wheel, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return venv


def bare_env(home: Path) -> dict[str, str]:
    """No TELEPHONY_ variable, no .env: what an ops team has before writing the settings."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
            **({"ASTERISK_ROOT": os.environ["ASTERISK_ROOT"]} if "ASTERISK_ROOT" in os.environ else {})}


def test_help_runs_from_the_installed_wheel(installed, tmp_path):
    result = run(installed / "bin" / "telephony", "--help", cwd=tmp_path, env=bare_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "check-config" in result.stdout and "agent" in result.stdout


def test_check_config_needs_no_secret_and_passes_on_the_shipped_example(installed, tmp_path):
    example = installed / "share" / "telephony" / "callcenter.example.yaml"
    result = run(installed / "bin" / "telephony", "check-config", example, cwd=tmp_path, env=bare_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{example}: ok (2 DIDs" in result.stdout
    schema = run(installed / "bin" / "telephony", "config-schema", cwd=tmp_path, env=bare_env(tmp_path))
    shipped = installed / "share" / "telephony" / "callcenter.schema.json"
    assert json.loads(schema.stdout) == json.loads(shipped.read_text())


def test_the_installed_daemon_finds_its_migrations(installed, tmp_path):
    result = run(installed / "bin" / "python", "-c",
                 "from telephony.settings import default_migrations_dir as d; print(d())",
                 cwd=tmp_path, env=bare_env(tmp_path))
    found = Path(result.stdout.strip())
    assert found == installed / "share" / "telephony" / "migrations"
    assert sorted(p.name for p in found.glob("*.sql")) == sorted(p.name for p in (ROOT / "migrations").glob("*.sql"))


def test_the_systemd_unit_verifies(installed, tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is needed to verify the unit"
    unit = (installed / "share" / "telephony" / "telephony.service").read_text()
    assert "ExecStart=/opt/telephony/bin/telephony run" in unit
    here = tmp_path / "telephony.service"  # the unit as installed into /opt/telephony, pointed at this venv
    here.write_text(unit.replace("/opt/telephony/bin/telephony", str(installed / "bin" / "telephony")))
    result = run(analyze, "verify", here)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    for setting in ("Type=notify", "User=telephony", "ProtectSystem=strict", "Restart=on-failure",
                    "NoNewPrivileges=yes"):
        assert setting in unit
