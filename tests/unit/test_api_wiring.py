"""The daemon's side of the API: its settings and the calls it hands to GET /api/v1/calls."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from telephony.api.schemas import CallOut
from telephony.app import Service
from telephony.call_flow import CallView
from telephony.config import parse_config
from telephony.events import CallArrived
from telephony.settings import load_settings

ENV = {"ami_user": "t", "ami_secret": "s", "ari_user": "t", "ari_password": "s"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    for key in [k for k in os.environ if k.startswith("TELEPHONY_")]:
        monkeypatch.delenv(key)


def test_api_settings_have_sane_defaults():
    settings = load_settings(**ENV)
    assert settings.session_ttl == 12 * 3600
    assert (settings.login_max_failures, settings.login_window) == (5, 60)
    assert (settings.events_heartbeat, settings.events_auth_timeout, settings.events_queue_size) == (20, 5, 256)


def test_active_calls_come_from_the_registry():
    service = Service(load_settings(**ENV), parse_config("dids: {}\nivr: {}\n"))
    assert service.active_calls() == []
    arrived = CallArrived("chan-1", "inbound", "100", "0601020304", "Ann", datetime(2026, 1, 1, tzinfo=UTC))
    service.calls.add(SimpleNamespace(channel_id="chan-1", arrived=arrived, view=CallView()))
    [call] = service.active_calls()
    assert CallOut.model_validate(call) == CallOut(channel_id="chan-1", direction="inbound", dialled="100",
                                                   caller_number="0601020304", caller_name="Ann",
                                                   arrived_at=arrived.at, queue=None)
