"""The IVR's commands as ARI requests, against a recording fake of the ARI client."""

from telephony.asterisk.executor import AriCommandExecutor
from telephony.commands import EnterQueue, StartRecording, Transfer


class FakeAri:
    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        async def record(*args):
            self.calls.append((name, *args))
        return record


async def run(command):
    ari = FakeAri()
    await AriCommandExecutor(ari, "telephony").execute(command)
    return ari.calls


async def test_transfer_continues_in_the_dialplan():
    assert await run(Transfer("c", "1002")) == [("continue_in_dialplan", "c", "telephony-local", "1002")]
    assert await run(Transfer("c", "+4930123456")) == [
        ("continue_in_dialplan", "c", "telephony-external", "+4930123456")]


async def test_enter_queue_without_an_acd_goes_to_the_no_queue_context():
    assert await run(EnterQueue("c", "sales", 5, (("french", 2),))) == [
        ("continue_in_dialplan", "c", "telephony-no-queue", "s")]


async def test_start_recording():
    assert await run(StartRecording("c", "vm1", 60, 4)) == [("record", "c", "vm1", "wav", 60, 4, "#", True)]
