"""Every error has one shape: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import pytest


def assert_error(status: int, body, expected_status: int, code: str):
    assert status == expected_status, body
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body


async def test_unknown_route_is_404(api, people):
    assert_error(*await api.call("GET", "/api/v1/nothing-here", people["admin"]), 404, "not_found")
    assert_error(*await api.call("GET", "/nowhere"), 404, "not_found")


async def test_wrong_method_is_405_with_allow(api, people):
    async with api.request("PUT", "/api/v1/me", people["admin"]) as resp:
        assert_error(resp.status, await resp.json(), 405, "method_not_allowed")
        assert resp.headers["Allow"] == "GET"


@pytest.mark.parametrize("raw", [b"{not json", b'{"name": "\\ud800"}', b"", b"\xff\xfe"])
async def test_malformed_json_is_400(api, people, raw):
    status, body = await api.call("POST", "/api/v1/users", people["admin"], data=raw,
                                  headers={"Content-Type": "application/json"})
    if raw == b"":
        assert_error(status, body, 422, "validation_failed")  # no body at all: the body is missing
    else:
        assert_error(status, body, 400, "malformed_json")


async def test_validation_is_422_with_field_errors_and_no_values(api, people):
    status, body = await api.call("POST", "/api/v1/users", people["admin"],
                                  json={"name": "Bad Name!", "role": "janitor", "password": "pw7x", "extra": 1})
    assert_error(status, body, 422, "validation_failed")
    fields = {tuple(d["loc"]) for d in body["error"]["details"]}
    assert fields == {("name",), ("role",), ("password",), ("extra",)}
    assert "pw7x" not in str(body)  # the submitted values (a password) are not echoed


async def test_duplicate_user_name_is_409(api, people):
    status, body = await api.call("POST", "/api/v1/users", people["admin"], json={"name": "alice", "role": "agent"})
    assert_error(status, body, 409, "duplicate_name")
    assert body["error"]["details"] == {"name": "alice"}


async def test_body_over_64_kib_is_413(api, people):
    padding = "x" * (65 * 1024)
    status, body = await api.call("POST", "/api/v1/users", people["admin"],
                                  data=f'{{"name": "big", "role": "agent", "display_name": "{padding}"}}',
                                  headers={"Content-Type": "application/json"})
    assert_error(status, body, 413, "request_entity_too_large")


async def test_403_carries_the_reason(api, people):
    status, body = await api.call("GET", f"/api/v1/users/{people['bob'].id}", people["alice"])
    assert_error(status, body, 403, "not_your_user")
    assert body["error"]["message"] == "you may act only on yourself"
    status, body = await api.call("GET", "/api/v1/users", people["sam"])
    assert_error(status, body, 403, "role_not_allowed")
    assert "admin" in body["error"]["message"]


async def test_unexpected_failure_is_a_500_in_the_same_shape(api, people):
    api.calls = [{"this": "is not a call"}]  # the provider breaks its contract
    assert_error(*await api.call("GET", "/api/v1/calls", people["admin"]), 500, "internal_error")


async def test_healthz_stays_public(api):
    status, body = await api.call("GET", "/healthz")
    assert status == 200 and body["status"] == "ok"
