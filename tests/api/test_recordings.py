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


async def test_prune_is_a_dry_run_until_applied(api, people, database_dsn, tmp_path):
    from tests.api.test_cli import telephony

    store = RecordingStore(api.pool)
    directory = tmp_path / "var/recordings"  # the default recordings directory, under the command's cwd
    old = datetime(2020, 1, 1, 9, 0, tzinfo=UTC)
    for name, at in (("old-call", old), ("new-call", datetime.now(UTC))):
        path = f"{at:%Y/%m/%d}/{name}.wav"
        (directory / path).parent.mkdir(parents=True, exist_ok=True)
        (directory / path).write_bytes(b"\0" * 2000)
        await store.add(NewRecording(name, None, "sales", path, "wav", at, at, 1.0, 2000, []))

    code, out, err = await telephony(database_dsn, tmp_path, "recordings", "prune", "--older-than-days", "30")
    assert code == 0, err
    assert "would remove 1 recording(s)" in out and "old-call.wav" in out and "new-call" not in out
    assert (directory / "2020/01/01/old-call.wav").exists()

    code, out, err = await telephony(database_dsn, tmp_path, "recordings", "prune", "--older-than-days", "30",
                                     "--apply")
    assert code == 0, err
    assert "removed 1 recording(s)" in out
    assert not (directory / "2020/01/01/old-call.wav").exists()
    assert await api.pool.fetchval("SELECT count(*) FROM recordings WHERE call_id = 'old-call'") == 0
    assert await api.pool.fetchval("SELECT count(*) FROM recordings WHERE call_id = 'new-call'") == 1

    code, _, err = await telephony(database_dsn, tmp_path, "recordings", "prune", "--older-than-days", "0")
    assert code == 2 and "more than 0" in err
