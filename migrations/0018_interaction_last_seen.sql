-- When the daemon last saw each call alive, and in which queue (telephony/calls/liveness.py): a call that
-- vanishes while no daemon watches (a crash, a stop) is closed as lost at that time and in that queue,
-- not at the next start's time with no queue. Written only by the liveness marks, read by close_lost.
ALTER TABLE interactions
    ADD COLUMN last_seen_at timestamptz,
    ADD COLUMN last_queue   text;
