"""Reports computed from the call log, the interactions and the agent state log (the README's Reports section
gives every definition with its formula). The arithmetic is pure (intervals, stretches, queues, agents, csv);
service.py reads the rows and hands them over."""
