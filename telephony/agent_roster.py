"""What the daemon keeps in memory about each agent for the live paths that must not wait on the database:
who hears about them (the audience of their events) and their own recording policy. Loaded at start, kept
up to date by the agent desk when an agent is created or changed."""

from __future__ import annotations

from telephony.audience import Audience
from telephony.db.agents import Agent, AgentStore


class AgentRoster:
    def __init__(self, agents: AgentStore):
        self._agents = agents
        self._audiences: dict[str, Audience] = {}
        self._recording: dict[str, str | None] = {}

    async def load(self) -> None:
        for agent in await self._agents.all():
            self.remember(agent)

    def remember(self, agent: Agent) -> None:
        self._recording[str(agent.id)] = agent.recording
        self._audiences[str(agent.id)] = Audience.of(users=[agent.user_id] if agent.user_id else [],
                                                     queues=agent.queues)

    def audience(self, agent_id: str) -> Audience:
        """Who hears about an agent: the agent's user and the supervisors of the agent's queues (admins
        always); an agent not known here is for admins only."""
        return self._audiences.get(agent_id, Audience.of())

    def recording_override(self, agent_id: str) -> str | None:
        """The agent's own recording policy (None: their queues'), for a call's answer."""
        return self._recording.get(agent_id)
