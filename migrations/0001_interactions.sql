-- Every call the service handles, from arrival to hang-up.
CREATE TABLE interactions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    direction     text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
    channel_id    text NOT NULL,
    dialled       text NOT NULL DEFAULT '',
    caller_raw    text NOT NULL DEFAULT '',
    caller_name   text NOT NULL DEFAULT '',
    ivr_path      jsonb NOT NULL DEFAULT '[]'::jsonb,
    started_at    timestamptz NOT NULL,
    answered_at   timestamptz,
    ended_at      timestamptz,
    outcome       text,
    CHECK (answered_at IS NULL OR answered_at >= started_at),
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);

CREATE UNIQUE INDEX interactions_channel ON interactions (channel_id);
CREATE INDEX interactions_open ON interactions (started_at) WHERE ended_at IS NULL;
CREATE INDEX interactions_started ON interactions (started_at);
