"""Agent administration over real HTTP with the real dispatcher: changes take effect in the ACD at once,
are audited, and are refused only for a real conflict."""

from __future__ import annotations

from telephony.acd.events import CallQueued
from telephony.model import AgentState


async def login(api, person):
    status, body = await api.call("POST", "/api/v1/me/agent/login", person, json={"device": "softphone"})
    assert status == 200, body


async def test_new_queues_and_skills_reach_the_acd_at_once(api, people, acd):
    dispatcher, _ = acd
    alice = api.agents["alice"]
    await login(api, people["alice"])
    assert set(dispatcher.queue("sales").members) == {str(alice.id)}
    status, body = await api.call("PATCH", f"/api/v1/agents/{alice.id}", people["admin"],
                                  json={"queues": {"support": 5}, "skills": {"french": 4}, "name": "Alice Liddell"})
    assert status == 200, body
    assert body["queues"] == {"support": 5} and body["skills"] == {"french": 4} and body["state"] == "available"
    assert str(alice.id) not in dispatcher.queue("sales").members
    assert dispatcher.queue("support").members[str(alice.id)].penalty == 5
    status, me = await api.call("GET", "/api/v1/me/agent", people["alice"])
    assert me["name"] == "Alice Liddell" and me["queues"] == {"support": 5}


async def test_every_change_is_audited_with_who_when_and_what(api, people, clock):
    alice = api.agents["alice"]
    await api.call("PATCH", f"/api/v1/agents/{alice.id}", people["admin"], json={"extension": "1011"})
    await api.call("PUT", f"/api/v1/agents/{alice.id}/recording", people["admin"], json={"recording": "never"})
    await api.call("PATCH", f"/api/v1/agents/{alice.id}", people["admin"], json={"extension": "1011"})  # no change
    status, audit = await api.call("GET", f"/api/v1/agents/{alice.id}/audit", people["sam"])
    assert status == 200
    entries = audit["entries"]
    assert [(e["action"], e["actor"]) for e in entries] == [("edited", "root"), ("edited", "root"),
                                                            ("created", "system")]
    assert entries[0]["changes"] == {"recording": [None, "never"]}
    assert entries[1]["changes"] == {"extension": ["1001", "1011"]}
    assert entries[1]["actor_id"] == str(people["admin"].id)
    assert entries[1]["at"].startswith(clock.now.isoformat()[:19])


async def test_an_unknown_queue_is_invalid_input_with_the_allowed_ones(api, people):
    status, body = await api.call("POST", "/api/v1/agents", people["admin"],
                                  json={"name": "C", "extension": "1003", "softphone": "PJSIP/1003",
                                        "queues": {"billing": 0}})
    assert status == 422
    (detail,) = body["error"]["details"]
    assert detail["loc"] == ["queues"] and detail["allowed"] == ["sales", "support"]
    assert "billing" in detail["msg"]


async def test_an_agent_is_created_with_their_user_in_one_step(api, people):
    status, agent = await api.call("POST", "/api/v1/agents", people["admin"],
                                   json={"name": "Carol", "extension": "1003", "softphone": "PJSIP/1003",
                                         "queues": {"sales": 0},
                                         "user": {"name": "carol", "password": "carol's secret"}})
    assert status == 201, agent
    user = await api.auth.users.get_by_name("carol")
    assert user.role == "agent" and user.display_name == "Carol" and str(user.id) == agent["user_id"]
    status, login = await api.call("POST", "/api/v1/auth/login", json={"name": "carol", "password": "carol's secret"})
    assert status == 200
    status, me = await api.call("GET", "/api/v1/me/agent",
                                headers={"Authorization": f"Bearer {login['token']}"})
    assert status == 200 and me["extension"] == "1003"


async def test_a_taken_extension_makes_no_user(api, people):
    status, body = await api.call("POST", "/api/v1/agents", people["admin"],
                                  json={"name": "Carol", "extension": "1001", "softphone": "PJSIP/1003",
                                        "user": {"name": "carol"}})
    assert status == 409 and body["error"]["code"] == "duplicate_extension"
    assert await api.auth.users.get_by_name("carol") is None


async def test_removing_a_logged_in_agent_logs_them_out_and_frees_the_extension(api, people, acd):
    dispatcher, _ = acd
    alice = api.agents["alice"]
    await login(api, people["alice"])
    status, _ = await api.call("DELETE", f"/api/v1/agents/{alice.id}", people["admin"])
    assert status == 204
    assert dispatcher.agent(str(alice.id)).state is AgentState.LOGGED_OUT
    assert str(alice.id) not in dispatcher.queue("sales").members
    assert (await api.call("GET", f"/api/v1/agents/{alice.id}", people["admin"]))[0] == 404
    status, again = await api.call("POST", "/api/v1/agents", people["admin"],
                                   json={"name": "Alice", "extension": "1001", "softphone": "PJSIP/1001",
                                         "user_id": str(people["alice"].id)})
    assert status == 201 and again["id"] != str(alice.id)
    status, audit = await api.call("GET", f"/api/v1/agents/{alice.id}/audit", people["admin"])
    assert status == 404  # a removed agent is not listed any more; their audit stays in the table
    assert await api.pool.fetchval("SELECT count(*) FROM agent_audit WHERE agent_id = $1 AND action = 'removed'",
                                   alice.id) == 1


async def test_an_agent_being_rung_is_not_removed(api, people, acd, clock):
    dispatcher, service = acd
    alice = api.agents["alice"]
    await login(api, people["alice"])
    await service.ask(CallQueued("c1", "sales", clock.now, "+4930123456"))
    assert dispatcher.agent(str(alice.id)).state is AgentState.RINGING
    status, body = await api.call("DELETE", f"/api/v1/agents/{alice.id}", people["admin"])
    assert status == 409 and body["error"]["code"] == "agent_busy" and "Alice" in body["error"]["message"]
    assert (await api.call("GET", f"/api/v1/agents/{alice.id}", people["admin"]))[0] == 200


async def test_the_device_an_agent_is_logged_in_on_does_not_change_under_them(api, people):
    alice = api.agents["alice"]
    await login(api, people["alice"])
    status, body = await api.call("PATCH", f"/api/v1/agents/{alice.id}", people["admin"],
                                  json={"softphone": "PJSIP/1009"})
    assert status == 409 and body["error"]["code"] == "agent_logged_in"
    status, body = await api.call("PATCH", f"/api/v1/agents/{alice.id}", people["admin"],
                                  json={"mobile": "+4915100000001"})
    assert status == 200 and body["state"] == "available"


async def test_a_csv_import_reports_each_row(api, people):
    text = ("name,extension,softphone,mobile,skills,queues,recording,user\n"
            "Carol,1003,PJSIP/1003,,french:3 english:5,sales:0,,carol\n"
            "Dave,1001,PJSIP/1004,,,,,\n"                      # Alice's extension
            "Erin,1005,,,,billing:0,,\n"                        # no device, unknown queue
            "Finn,1006,PJSIP/1006,,french:high,,,\n"            # a level that is no number
            "Gus,1007,,+4915100000007,,support:10,never,\n")
    status, report = await api.call("POST", "/api/v1/agents/import", people["admin"], json={"csv": text})
    assert status == 200, report
    assert [(r["line"], r["extension"]) for r in report["created"]] == [(2, "1003"), (6, "1007")]
    failed = {r["line"]: r["errors"] for r in report["failed"]}
    assert sorted(failed) == [3, 4, 5]
    assert "1001" in failed[3][0]["message"]
    assert failed[4][0]["field"] == "softphone"
    assert failed[5][0]["field"] == "skills"
    status, agents = await api.call("GET", "/api/v1/agents", people["admin"])
    carol = next(a for a in agents["agents"] if a["extension"] == "1003")
    assert carol["skills"] == {"french": 3, "english": 5} and carol["user_id"] is not None


async def test_a_csv_with_an_unknown_column_says_which(api, people):
    status, report = await api.call("POST", "/api/v1/agents/import", people["admin"],
                                    json={"csv": "name,extension,colour\nC,1003,blue\n"})
    assert status == 200 and report["created"] == []
    assert "colour" in report["failed"][0]["errors"][0]["message"]
