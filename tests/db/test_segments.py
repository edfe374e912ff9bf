"""A transfer's segments written with the call's row through the ordered writer, into the real database."""

import uuid
from datetime import datetime, timedelta, timezone

from telephony.calls.recorder import InteractionRecorder
from telephony.calls.transfer import Transfer
from telephony.db.interactions import InteractionStore
from telephony.db.segments import SegmentStore
from telephony.events import CallArrived
from telephony.requests import Target, TargetKind, TransferMode


async def test_a_blind_transfer_leaves_one_segment_per_agent(pool):
    now = datetime.now(timezone.utc)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    transfer = Transfer("c1", "c1-talk", "c1-leg-1", first, "support", lambda: now, connected_at=now)
    transfer.start(TransferMode.BLIND, Target(TargetKind.AGENT, second, "PJSIP/1002"), "c1-leg-2")
    transfer.target_answered(second)
    store = SegmentStore(pool)
    recorder = InteractionRecorder(InteractionStore(pool), "c1")
    recorder.started(CallArrived(uuid.uuid4().hex, "inbound", "700", "+4930700001", "", now - timedelta(seconds=5)))
    recorder.segments(store.replace, transfer.segments)
    recorder.segments(store.replace, transfer.segments)  # written again (a retry, a later change): no duplicates
    recorder.ended(now, "answered", [])
    await recorder.finished()
    segments = await store.of(recorder.interaction_id)
    assert [(s.agent_id, s.kind, s.outcome) for s in segments] == [(first, "queue", "transferred"),
                                                                  (second, "transfer", None)]
