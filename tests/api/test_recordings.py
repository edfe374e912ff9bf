"""Who may list and hear recordings: the agent of the call, supervisors of its queue, admins; nobody else."""

from __future__ import annotations

from datetime import UTC, datetime

from telephony.db.recordings import NewRecording, RecordingStore

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


async def _recording(api, agent_id, queue: str, name: str) -> str:
    path = f"2026/11/02/{name}.wav"
    (api.recordings_dir / path).parent.mkdir(parents=True, exist_ok=True)
    (api.recordings_dir / path).write_bytes(b"RIFF....WAVE" + b"\0" * 100)
    new = NewRecording(name, str(agent_id), queue, path, "wav", START, START, 3.0, 112,
                       [{"start": START.isoformat(), "end": START.isoformat(), "offset_seconds": 1.0, "seconds": 2.0}])
    return str(await RecordingStore(api.pool).add(new))


async def test_only_the_agent_the_queue_supervisor_and_admins_hear_a_recording(api, people):
    alices = await _recording(api, api.agents["alice"].id, "sales", "call-a")
    bobs = await _recording(api, api.agents["bob"].id, "support", "call-b")
    expected = {"alice": {alices}, "bob": {bobs}, "sam": {alices}, "sue": {bobs}, "admin": {alices, bobs}}
    for who, visible in expected.items():
        status, body = await api.call("GET", "/api/v1/recordings", people[who])
        assert status == 200, body
        assert {r["id"] for r in body["recordings"]} == visible, who
        for recording in (alices, bobs):
            async with api.request("GET", f"/api/v1/recordings/{recording}/audio", people[who]) as resp:
                assert resp.status == (200 if recording in visible else 403), (who, recording)
                if resp.status == 200:
                    assert resp.headers["Content-Type"] == "audio/wav"
                    assert (await resp.read()).startswith(b"RIFF")
    status, body = await api.call("GET", f"/api/v1/recordings/{alices}", people["alice"])
    assert status == 200 and body["paused_spans"][0]["seconds"] == 2.0
    async with api.request("GET", f"/api/v1/recordings/{alices}/audio") as resp:
        assert resp.status == 401


async def test_a_pruned_file_is_404_not_500(api, people):
    gone = await _recording(api, api.agents["alice"].id, "sales", "call-c")
    (api.recordings_dir / "2026/11/02/call-c.wav").unlink()
    status, body = await api.call("GET", f"/api/v1/recordings/{gone}/audio", people["admin"])
    assert status == 404 and "pruned" in body["error"]["message"]
