"""A transferred call's story over the API: one row per stretch, with its agent, times and outcome."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from telephony.calls.recorder import InteractionRecorder
from telephony.calls.transfer import Transfer
from telephony.db.interactions import InteractionStore
from telephony.db.segments import SegmentStore
from telephony.events import CallArrived
from telephony.requests import Target, TargetKind, TransferMode


async def test_supervisors_read_who_handled_which_stretch(api, people):
    now = datetime.now(timezone.utc)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    clock = [now]
    transfer = Transfer("c1", "c1-talk", "c1-leg-1", first, "support", lambda: clock[0], connected_at=now)
    clock[0] = now + timedelta(seconds=40)
    transfer.start(TransferMode.BLIND, Target(TargetKind.AGENT, second, "PJSIP/1002"), "c1-leg-2")
    transfer.target_answered(second)
    recorder = InteractionRecorder(InteractionStore(api.pool), "c1")
    recorder.started(CallArrived(uuid.uuid4().hex, "inbound", "700", "+4930700002", "", now - timedelta(seconds=5)))
    recorder.segments(SegmentStore(api.pool).replace, transfer.segments)
    recorder.ended(now + timedelta(seconds=60), "answered", [])
    await recorder.finished()

    status, body = await api.call("GET", f"/api/v1/interactions/{recorder.interaction_id}/segments", people["sue"])
    assert status == 200
    story = [(s["agent_id"], s["kind"], s["seconds"], s["outcome"]) for s in body["segments"]]
    assert story == [(first, "queue", 40.0, "transferred"), (second, "transfer", None, None)]
