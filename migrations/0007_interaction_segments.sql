-- Who handled which part of an interaction: one row per agent per stretch of the call, so reporting can
-- tell the agent who answered from the one a call was transferred to, and count attended transfers once.
CREATE TABLE interaction_segments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    interaction_id  uuid NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
    agent_id        uuid,  -- NULL for a target that is not an agent (an extension, an external number)
    target          text NOT NULL DEFAULT '',  -- what was dialled when there is no agent
    kind            text NOT NULL CHECK (kind IN ('queue', 'transfer', 'conference', 'internal')),
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    outcome         text,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);

CREATE INDEX interaction_segments_interaction ON interaction_segments (interaction_id, started_at);
CREATE INDEX interaction_segments_agent ON interaction_segments (agent_id, started_at) WHERE agent_id IS NOT NULL;
