-- Agent administration: an agent is removed, not deleted (their state log, calls and recordings keep
-- pointing at them), and every change an admin makes is audited.
ALTER TABLE agents ADD COLUMN removed_at timestamptz;

-- A removed agent's extension and user are free for someone else.
ALTER TABLE agents DROP CONSTRAINT agents_extension_key;
CREATE UNIQUE INDEX agents_extension_key ON agents (extension) WHERE removed_at IS NULL;
ALTER TABLE agents DROP CONSTRAINT agents_user_id_key;
CREATE UNIQUE INDEX agents_user_id_key ON agents (user_id) WHERE removed_at IS NULL;

-- Who changed which agent, when, and what: `changes` maps each field to [before, after].
CREATE TABLE agent_audit (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL,
    agent_id  uuid NOT NULL REFERENCES agents (id),
    actor_id  uuid,          -- the user who made the change
    actor     text NOT NULL, -- their name, kept as it was then
    action    text NOT NULL CHECK (action IN ('created', 'edited', 'removed')),
    changes   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX agent_audit_agent_at ON agent_audit (agent_id, at);
