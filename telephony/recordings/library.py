"""Who may list and hear which recordings: admins all; supervisors those of the queues they supervise;
an agent the recordings of their own calls. Nobody else, and no path outside the recordings directory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID

from telephony.auth.policy import Forbidden, Principal, can_act_on_call
from telephony.db.agents import AgentStore
from telephony.db.recordings import Recording, RecordingStore
from telephony.errors import NotFound


@dataclass(frozen=True)
class RecordingLibrary:
    store: RecordingStore
    agents: AgentStore
    directory: Path

    async def visible(self, principal: Principal, *, interaction_id: UUID | None = None,
                      since: datetime | None = None, until: datetime | None = None,
                      limit: int = 100) -> list[Recording]:
        if principal.is_admin:
            return await self.store.list(interaction_id=interaction_id, since=since, until=until, limit=limit)
        agent = await self.agents.by_user(principal.user_id)
        own = [agent.id] if agent else []
        queues = sorted(principal.supervised_queues) if principal.role == "supervisor" else []
        return await self.store.list(interaction_id=interaction_id, agent_ids=own, queues=queues, since=since,
                                     until=until, limit=limit)

    async def get(self, principal: Principal, recording_id: UUID) -> Recording:
        recording = await self.store.get(recording_id)
        if recording is None:
            raise NotFound("recording")
        can_act_on_call(principal, recording.agent_user_id, recording.queue)
        return recording

    async def file(self, principal: Principal, recording_id: UUID) -> tuple[Recording, Path]:
        recording = await self.get(principal, recording_id)
        root = self.directory.resolve()
        path = (root / recording.path).resolve()
        if not path.is_relative_to(root):
            raise Forbidden("the recording's path is outside the recordings directory", "bad_path")
        if not path.is_file():
            raise NotFound("recording file", "no such recording file (pruned or moved)")
        return recording, path
