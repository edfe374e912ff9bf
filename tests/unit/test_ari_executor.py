"""How ARI's error answers map onto our commands' outcomes."""

import pytest

from telephony.asterisk.executor import AriCommandExecutor, caller_id
from telephony.commands import (Answer, ChannelGone, CreateBridge, DestroyBridge, RemoveFromBridge, Snoop,
                                StopPlayback)
from telephony.errors import AriError


class FailingAri:
    def __init__(self, status):
        self.status = status

    def __getattr__(self, name):
        async def fail(*args, **kwargs):
            raise AriError("POST", f"/{name}", self.status, "refused")
        return fail


@pytest.mark.parametrize("status", [404, 409])
async def test_destroying_a_bridge_that_is_gone_or_going_is_done(status):
    await AriCommandExecutor(FailingAri(status), "app").execute(DestroyBridge("b1"))


async def test_stopping_a_finished_playback_is_done():
    await AriCommandExecutor(FailingAri(404), "app").execute(StopPlayback("p1"))


@pytest.mark.parametrize("status", [404, 409])
async def test_a_channel_that_left_is_gone(status):
    with pytest.raises(ChannelGone):
        await AriCommandExecutor(FailingAri(status), "app").execute(Answer("c1"))


async def test_other_errors_are_raised():
    with pytest.raises(AriError):
        await AriCommandExecutor(FailingAri(500), "app").execute(Answer("c1"))
    with pytest.raises(AriError):
        await AriCommandExecutor(FailingAri(409), "app").execute(CreateBridge("b1"))


def test_caller_id_drops_characters_that_would_break_it():
    assert caller_id('Ada "the" <Customer>', "+4930123456") == '"Ada the Customer" <+4930123456>'
    assert caller_id("", "100") == "100"


class RecordingAri:
    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        async def record(*args):
            self.calls.append((name, *args))
        return record


async def test_supervision_commands_reach_ari():
    ari = RecordingAri()
    executor = AriCommandExecutor(ari, "app")
    await executor.execute(Snoop("c1-sup-1-snoop", "c1-leg-1", spy="both", whisper="out"))
    await executor.execute(RemoveFromBridge("c1-talk", "c1-sup-0-leg"))
    assert ari.calls == [("snoop", "c1-leg-1", "c1-sup-1-snoop", "both", "out", "app", ["snoop", "both", "out"]),
                         ("remove_from_bridge", "c1-talk", "c1-sup-0-leg")]
