"""Voicemail messages: written with the end of their call, listed for the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

RECORDING_DIR = "/var/spool/asterisk/recording"  # ARI's stored recordings, inside Asterisk's file system


@dataclass(frozen=True, slots=True)
class Voicemail:
    id: UUID
    interaction_id: UUID
    box: str
    recording: str
    format: str
    path: str
    duration_seconds: float
    created_at: datetime
    heard: bool
    caller: str = ""

    def as_json(self) -> dict:
        return {"id": str(self.id), "interaction_id": str(self.interaction_id), "box": self.box,
                "recording": self.recording, "format": self.format, "path": self.path,
                "duration_seconds": self.duration_seconds, "created_at": self.created_at.isoformat(),
                "heard": self.heard, "caller": self.caller}


async def insert_voicemail(conn: asyncpg.Connection, interaction_id: UUID, message) -> None:
    """Store `message` (an IVR VoicemailMessage) once; a retried write finds it there."""
    await conn.execute(
        """INSERT INTO voicemails (id, interaction_id, box, recording, format, path, duration_seconds, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING""",
        UUID(message.id), interaction_id, message.box, message.id, message.format,
        f"{RECORDING_DIR}/{message.id}.{message.format}", round(message.duration or 0.0, 2), message.started_at,
    )


class VoicemailStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def list(self, box: str | None = None, interaction_id: UUID | None = None, heard: bool | None = None,
                   limit: int = 100) -> list[Voicemail]:
        rows = await self._pool.fetch(
            """SELECT v.*, i.caller_raw FROM voicemails v JOIN interactions i ON i.id = v.interaction_id
               WHERE ($1::text IS NULL OR v.box = $1) AND ($2::uuid IS NULL OR v.interaction_id = $2)
                 AND ($3::boolean IS NULL OR v.heard = $3)
               ORDER BY v.created_at DESC LIMIT $4""",
            box, interaction_id, heard, limit,
        )
        return [Voicemail(r["id"], r["interaction_id"], r["box"], r["recording"], r["format"], r["path"],
                          float(r["duration_seconds"]), r["created_at"], r["heard"], r["caller_raw"]) for r in rows]
