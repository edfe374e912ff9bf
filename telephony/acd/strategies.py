"""Which available agent of a queue gets its next call.

A queue keeps its offerable agents in penalty tiers (lower penalty first, as app_queue does), each tier
sorted by a key the strategy computes when the agent becomes offerable. The key never needs updating
while the agent sits in the tier: idle time, calls taken and skills change only while the agent is out
of it (ringing, talking, paused). So choosing is reading the front of the first non-empty tier.
"""

from __future__ import annotations

from collections.abc import Iterator

import random
from dataclasses import dataclass

from telephony.acd.sorted_index import SortedIndex


@dataclass(slots=True)
class Member:
    """An agent's membership of one queue, as far as choosing goes."""

    agent_id: str
    penalty: int
    ordinal: int  # order of joining the queue: round-robin's ring, and the last tie-break of every key
    score: int  # the agent's levels summed over the queue's required skills
    calls: int = 0  # calls answered from this queue


class Strategy:
    ring_all = False

    def key(self, member: Member, idle_since: float) -> tuple:
        raise NotImplementedError

    def pick(self, tier: SortedIndex[str], exclude: set[str]) -> list[str]:
        """The agents to offer the call to, none of them in `exclude`; empty if the tier has none else."""
        agent_id = tier.first_not_in(exclude)
        return [] if agent_id is None else [agent_id]

    def picked(self, member: Member) -> None:
        """The agent `pick` chose was offered the call."""


class LongestIdle(Strategy):
    def key(self, member, idle_since):
        return (idle_since, member.ordinal)


class FewestCalls(Strategy):
    def key(self, member, idle_since):
        return (member.calls, idle_since, member.ordinal)


class SkillsBased(Strategy):
    """Best match over the queue's required skills, then longest idle."""

    def key(self, member, idle_since):
        return (-member.score, idle_since, member.ordinal)


class RoundRobin(Strategy):
    """The next agent after the last one offered, in the order they joined the queue (app_queue rrmemory)."""

    def __init__(self) -> None:
        self._last = -1

    def key(self, member, idle_since):
        return (member.ordinal,)

    def pick(self, tier, exclude):
        i = tier.index_after((self._last,))
        agent_id = tier.first_not_in(exclude, i if i < len(tier) else 0)
        return [] if agent_id is None else [agent_id]

    def picked(self, member):
        self._last = member.ordinal


class Random(Strategy):
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def key(self, member, idle_since):
        return (member.ordinal,)

    def pick(self, tier, exclude):
        if not exclude:
            return [tier.at(self._rng.randrange(len(tier)))]
        left = [a for a in tier if a not in exclude]
        return [self._rng.choice(left)] if left else []


class RingAll(Strategy):
    """Every offerable agent of the best tier at once; the first to answer wins."""

    ring_all = True

    def key(self, member, idle_since):
        return (member.ordinal,)

    def pick(self, tier, exclude):
        return [a for a in tier if a not in exclude]


def make_strategy(name: str, rng: random.Random) -> Strategy:
    if name == "random":
        return Random(rng)
    return {"longest-idle": LongestIdle, "round-robin": RoundRobin, "fewest-calls": FewestCalls,
            "ring-all": RingAll, "skills-based": SkillsBased}[name]()


def skill_score(skills: dict[str, int] | None, required: dict[str, int]) -> int | None:
    """The agent's match for a queue: None when a required skill is missing or below its level."""
    skills = skills or {}
    total = 0
    for skill, minimum in required.items():
        level = skills.get(skill, 0)
        if level < minimum:
            return None
        total += level
    return total


class AgentPool:
    """The offerable agents of one queue, by penalty tier."""

    __slots__ = ("_tiers", "_penalties", "_size")

    def __init__(self) -> None:
        self._tiers: dict[int, SortedIndex[str]] = {}
        self._penalties: list[int] = []
        self._size = 0

    def add(self, agent_id: str, penalty: int, key: tuple) -> None:
        tier = self._tiers.get(penalty)
        if tier is None:
            tier = self._tiers[penalty] = SortedIndex()
            self._penalties = sorted(self._tiers)
        if agent_id not in tier:
            self._size += 1
        tier.add(agent_id, key)

    def discard(self, agent_id: str, penalty: int) -> None:
        tier = self._tiers.get(penalty)
        if tier is not None and tier.discard(agent_id):
            self._size -= 1

    def agents(self) -> Iterator[str]:
        for penalty in self._penalties:
            yield from self._tiers[penalty]

    def choose(self, strategy: Strategy, tried: set[str], barred: frozenset[str] = frozenset()) -> list[str]:
        """The strategy's pick in the lowest tier that has an agent not yet `tried` for this call; once
        every offerable agent has been tried, `tried` is emptied and the choice starts over. `barred`
        agents (lacking a skill the call needs) are never picked."""
        for exclude in ((tried | barred if barred else tried), barred):
            for penalty in self._penalties:
                tier = self._tiers[penalty]
                if tier:
                    chosen = strategy.pick(tier, exclude)
                    if chosen:
                        return chosen
            tried.clear()
        return []

    def __len__(self) -> int:
        return self._size
