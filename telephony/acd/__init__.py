"""The ACD: agents, queues and the one decision of which agent gets which call.

Pure logic (agent_state, queue, strategies, dispatcher): events in, commands and records out, time
carried by the events. `service` is the one asyncio task that drives the dispatcher. The Asterisk side
(holding bridges, originates, bridging) executes the commands; `telephony.db.agents` stores the records.
"""
