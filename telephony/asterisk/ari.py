"""ARI REST client on aiohttp: each method is one request, bounded by a timeout."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from telephony.errors import AriError, AsteriskUnavailable


def basic_auth_header(user: str, password: str) -> dict[str, str]:
    return {"Authorization": aiohttp.encode_basic_auth(user, password)}


class AriClient:
    def __init__(self, base_url: str, user: str, password: str, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self._headers = basic_auth_header(user, password)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(self, method: str, path: str, params: dict | None = None, json: Any = None) -> Any:
        assert self._session is not None, "AriClient.start() was not called"
        clean = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        try:
            async with self._session.request(method, self.base_url + path, params=clean, json=json) as resp:
                body = await resp.read()
                if resp.status >= 400:
                    raise AriError(method, path, resp.status, _error_message(resp, body))
                if not body or resp.content_type != "application/json":
                    return None
                return await resp.json()
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as exc:
            raise AsteriskUnavailable(f"ARI {method} {path}: {exc.__class__.__name__} {exc}") from None

    # The requests the service uses, named after what they do.

    async def get_application(self, app: str) -> dict:
        return await self.request("GET", f"/applications/{app}")

    async def endpoint_exists(self, technology: str, resource: str) -> bool:
        try:
            await self.request("GET", f"/endpoints/{technology}/{resource}")
        except AriError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    async def sound_languages(self) -> dict[str, set[str]]:
        """Every sound Asterisk has, with the languages it has it in."""
        sounds = await self.request("GET", "/sounds") or []
        return {s["id"]: {f.get("language", "") for f in s.get("formats", [])} for s in sounds}

    async def get_channel(self, channel_id: str) -> dict:
        return await self.request("GET", f"/channels/{channel_id}")

    async def answer(self, channel_id: str) -> None:
        await self.request("POST", f"/channels/{channel_id}/answer")

    async def play(self, channel_id: str, playback_id: str, media: list[str], language: str) -> dict:
        return await self.request(
            "POST", f"/channels/{channel_id}/play/{playback_id}", {"media": ",".join(media), "lang": language}
        )

    async def stop_playback(self, playback_id: str) -> None:
        await self.request("DELETE", f"/playbacks/{playback_id}")

    async def hangup(self, channel_id: str, reason: str = "normal") -> None:
        await self.request("DELETE", f"/channels/{channel_id}", {"reason": reason})

    async def originate(self, channel_id: str, endpoint: str, app: str, app_args: list[str], caller_id: str,
                        timeout: int) -> dict:
        return await self.request("POST", f"/channels/{channel_id}", {
            "endpoint": endpoint, "app": app, "appArgs": ",".join(app_args), "callerId": caller_id or None,
            "timeout": timeout,
        })

    async def ring(self, channel_id: str) -> None:
        await self.request("POST", f"/channels/{channel_id}/ring")

    async def start_moh(self, channel_id: str, moh_class: str) -> None:
        await self.request("POST", f"/channels/{channel_id}/moh", {"mohClass": moh_class})

    async def stop_moh(self, channel_id: str) -> None:
        await self.request("DELETE", f"/channels/{channel_id}/moh")

    async def create_bridge(self, bridge_id: str, kind: str) -> dict:
        return await self.request("POST", f"/bridges/{bridge_id}", {"type": kind})

    async def get_bridge(self, bridge_id: str) -> dict:
        return await self.request("GET", f"/bridges/{bridge_id}")

    async def add_to_bridge(self, bridge_id: str, channel_id: str) -> None:
        await self.request("POST", f"/bridges/{bridge_id}/addChannel", {"channel": channel_id})

    async def remove_from_bridge(self, bridge_id: str, channel_id: str) -> None:
        await self.request("POST", f"/bridges/{bridge_id}/removeChannel", {"channel": channel_id})

    async def start_bridge_moh(self, bridge_id: str, moh_class: str) -> None:
        await self.request("POST", f"/bridges/{bridge_id}/moh", {"mohClass": moh_class})

    async def record_bridge(self, bridge_id: str, name: str, fmt: str = "wav") -> dict:
        """Record the bridge's mix (both parties), unlike a channel recording that misses what it hears."""
        return await self.request("POST", f"/bridges/{bridge_id}/record",
                                  {"name": name, "format": fmt, "ifExists": "fail", "beep": False})

    async def pause_recording(self, name: str) -> None:
        await self.request("POST", f"/recordings/live/{name}/pause")

    async def unpause_recording(self, name: str) -> None:
        await self.request("DELETE", f"/recordings/live/{name}/pause")

    async def stop_recording(self, name: str) -> None:
        await self.request("POST", f"/recordings/live/{name}/stop")

    async def get_stored_recording(self, name: str) -> dict:
        return await self.request("GET", f"/recordings/stored/{name}")

    async def download_stored_recording(self, name: str, dest) -> None:
        """Write the stored recording's file to `dest` (a path), streamed: a long call is not held in memory."""
        assert self._session is not None, "AriClient.start() was not called"
        path = f"/recordings/stored/{name}/file"
        try:
            async with self._session.get(self.base_url + path, timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=self._timeout.total, sock_read=self._timeout.total)) as resp:
                if resp.status >= 400:
                    raise AriError("GET", path, resp.status, _error_message(resp, await resp.read()))
                with open(dest, "wb") as out:
                    async for chunk in resp.content.iter_chunked(1 << 16):
                        out.write(chunk)
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as exc:
            raise AsteriskUnavailable(f"ARI GET {path}: {exc.__class__.__name__} {exc}") from None

    async def list_stored_recordings(self) -> list[dict]:
        return await self.request("GET", "/recordings/stored") or []

    async def delete_stored_recording(self, name: str) -> None:
        await self.request("DELETE", f"/recordings/stored/{name}")

    async def snoop(self, channel_id: str, snoop_id: str, spy: str, whisper: str, app: str,
                    app_args: list[str]) -> dict:
        """A Snoop channel on `channel_id` entering our app: spy/whisper are none, in, out or both."""
        return await self.request("POST", f"/channels/{channel_id}/snoop/{snoop_id}", {
            "spy": spy, "whisper": whisper, "app": app, "appArgs": ",".join(app_args)})

    async def destroy_bridge(self, bridge_id: str) -> None:
        await self.request("DELETE", f"/bridges/{bridge_id}")

    async def continue_in_dialplan(self, channel_id: str, context: str, extension: str, priority: int = 1) -> None:
        await self.request("POST", f"/channels/{channel_id}/continue",
                           {"context": context, "extension": extension, "priority": priority})

    async def record(self, channel_id: str, name: str, fmt: str, max_seconds: int, max_silence_seconds: int,
                     terminate_on: str, beep: bool) -> dict:
        return await self.request("POST", f"/channels/{channel_id}/record", {
            "name": name, "format": fmt, "maxDurationSeconds": max_seconds,
            "maxSilenceSeconds": max_silence_seconds, "terminateOn": terminate_on or "none", "beep": beep,
            "ifExists": "fail",
        })


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _error_message(resp: aiohttp.ClientResponse, body: bytes) -> str:
    if resp.content_type == "application/json":
        try:
            import json

            return str(json.loads(body).get("message", resp.reason))
        except ValueError:
            pass
    return body.decode("utf-8", "replace")[:200] or (resp.reason or "")
