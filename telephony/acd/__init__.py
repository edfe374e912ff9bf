"""The ACD: agents, queues and the one decision of which agent gets which call.

Pure logic only: events in, commands and records out, time carried by the events. The Asterisk side
(holding bridges, originates, bridging) executes the commands; `telephony.db.agents` stores the records.
"""
