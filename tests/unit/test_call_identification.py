"""Each inbound call identifies its caller in the interaction writer, never delaying or breaking the call."""

import asyncio
from uuid import uuid4

from structlog.testing import capture_logs

from telephony.commands import Answer, Play
from telephony.crm.model import CallerIdentity, Customer
from telephony.crm.numbers import normalise
from telephony.events import CallArrived, ChannelHungUp
from tests.unit.test_call_session import NOW, MemoryStore, RecordingExecutor, registry, settle

CUSTOMER = Customer(uuid4(), "", "", "", "", False, NOW, NOW, ("+4930123456",))


class FakeCrm:
    """identify_caller's contract: junk ids give nobody; a number gives its customer."""

    def __init__(self, fail_times=0, error=ConnectionRefusedError, gate=None):
        self.calls = []
        self.fail_times, self.error, self.gate = fail_times, error, gate

    async def identify_caller(self, raw):
        self.calls.append(raw)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_times:
            self.fail_times -= 1
            raise self.error("crm down")
        e164 = normalise(raw, "DE")
        return CallerIdentity(e164, CUSTOMER if e164 else None)


def call(caller="+4930123456", direction="inbound"):
    return CallArrived("c1", direction, "100", caller, "", NOW)


async def run_call(crm, store, arrival):
    calls = registry(RecordingExecutor(), store, crm.identify_caller)
    calls.handle(arrival)
    await settle()
    calls.handle(ChannelHungUp("c1", "left"))
    for _ in range(100):
        await asyncio.sleep(0.02)
        if store.rows and next(iter(store.rows.values()))["ended_at"]:
            break
    (row,) = store.rows.values()
    return row


async def test_known_caller_is_linked_on_the_interaction_and_known_to_the_session():
    calls = registry(RecordingExecutor(), MemoryStore(), FakeCrm().identify_caller)
    calls.handle(call("030 123456"))
    await settle()
    assert calls.calls.get("c1").caller.customer == CUSTOMER
    await calls.release_all()
    row = await run_call(FakeCrm(), MemoryStore(), call("030 123456"))
    assert row["caller_raw"] == "030 123456"
    assert row["caller_e164"] == "+4930123456" and row["customer_id"] == CUSTOMER.id


async def test_withheld_caller_keeps_the_raw_value_and_no_customer():
    for raw in ("anonymous", "", "'; DROP TABLE x; --", "9" * 300):
        row = await run_call(FakeCrm(), MemoryStore(), call(raw))
        assert (row["caller_raw"], row["caller_e164"], row["customer_id"]) == (raw, None, None)


async def test_outbound_calls_are_not_identified_as_callers():
    crm = FakeCrm()
    row = await run_call(crm, MemoryStore(), call(direction="outbound"))
    assert crm.calls == [] and row["customer_id"] is None


async def test_a_slow_crm_never_delays_the_ivr():
    gate = asyncio.Event()
    executor = RecordingExecutor()
    calls = registry(executor, MemoryStore(), FakeCrm(gate=gate).identify_caller)
    calls.handle(call())
    await settle()
    assert executor.commands[:2] == [Answer("c1"), Play("c1", "pb0", ("sound:hello-world",), "en")]
    gate.set()
    await calls.release_all()


async def test_a_crm_outage_is_retried_and_the_customer_still_linked():
    row = await run_call(FakeCrm(fail_times=2), MemoryStore(), call())
    assert row["customer_id"] == CUSTOMER.id and row["outcome"] == "abandoned"


async def test_a_crm_bug_leaves_the_row_without_a_customer_and_the_call_intact():
    with capture_logs() as logs:
        row = await run_call(FakeCrm(fail_times=1, error=RuntimeError), MemoryStore(), call())
    assert row["caller_raw"] == "+4930123456" and row["customer_id"] is None and row["outcome"] == "abandoned"
    assert any(entry["event"] == "crm.identify_failed" for entry in logs)
