"""Whether a call is recorded: the queue's policy, unless the agent has one of their own."""

from __future__ import annotations

from typing import Literal

Policy = Literal["always", "on_demand", "never"]
POLICIES: tuple[Policy, ...] = ("always", "on_demand", "never")


def effective_policy(queue_policy: Policy, agent_override: Policy | None) -> Policy:
    """An agent's own policy wins both ways: a trainee always recorded in an on-demand queue, or an agent
    (a works-council member, say) never recorded in an always-recorded one."""
    return agent_override or queue_policy
