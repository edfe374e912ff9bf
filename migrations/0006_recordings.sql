-- Call recordings: one row per recording file (a call recorded, stopped and started again has several),
-- written once Asterisk has finished the file and the daemon has moved it into the recordings directory.
CREATE TABLE recordings (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    interaction_id    uuid REFERENCES interactions (id) ON DELETE SET NULL,
    call_id           text NOT NULL,
    agent_id          uuid,  -- the agent whose call it is: they may listen to it again
    queue             text,
    path              text NOT NULL UNIQUE,  -- relative to the recordings directory
    format            text NOT NULL,
    started_at        timestamptz NOT NULL,
    ended_at          timestamptz NOT NULL,
    duration_seconds  double precision NOT NULL CHECK (duration_seconds >= 0),
    size_bytes        bigint NOT NULL CHECK (size_bytes >= 0),
    -- [{"start": ts, "end": ts, "offset_seconds": s, "seconds": s}]: left out of the file (card numbers)
    paused_spans      jsonb NOT NULL DEFAULT '[]'::jsonb,
    CHECK (ended_at >= started_at)
);

CREATE INDEX recordings_interaction ON recordings (interaction_id);
CREATE INDEX recordings_started ON recordings (started_at);
CREATE INDEX recordings_agent ON recordings (agent_id, started_at) WHERE agent_id IS NOT NULL;

-- An agent's own recording policy, over their queues' (NULL: follow the queue).
ALTER TABLE agents ADD COLUMN recording text CHECK (recording IN ('always', 'on_demand', 'never'));
