-- The ACD's people: agents, their skills and queue memberships, and their state over time.
-- Queues themselves are configuration (the call-center file); here they are referred to by name.
CREATE TABLE agents (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL CHECK (name <> ''),
    extension     text NOT NULL UNIQUE CHECK (extension ~ '^[0-9]{2,10}$'),
    softphone     text CHECK (softphone ~ '^PJSIP/[A-Za-z0-9_.@-]+$'),  -- the PJSIP endpoint
    mobile        text CHECK (mobile ~ '^\+?[0-9]{3,20}$'),            -- dialled through the trunk
    user_id       uuid UNIQUE,  -- the API's users table; no foreign key until that table exists
    -- The current state, kept here so that it (and the pause reason) survives a restart.
    state         text NOT NULL DEFAULT 'logged_out'
                  CHECK (state IN ('logged_out', 'available', 'ringing', 'on_call', 'wrap_up', 'paused')),
    pause_reason  text,
    login_device  text CHECK (login_device IN ('softphone', 'mobile')),
    state_since   timestamptz,  -- NULL until the first change
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (softphone IS NOT NULL OR mobile IS NOT NULL),
    CHECK ((state = 'paused') = (pause_reason IS NOT NULL)),
    CHECK (login_device IS DISTINCT FROM 'softphone' OR softphone IS NOT NULL),
    CHECK (login_device IS DISTINCT FROM 'mobile' OR mobile IS NOT NULL)
);

CREATE TABLE agent_skills (
    agent_id  uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    skill     text NOT NULL CHECK (skill ~ '^[a-z][a-z0-9_-]{0,63}$'),
    level     smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    PRIMARY KEY (agent_id, skill)
);

CREATE TABLE queue_members (
    agent_id  uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    queue     text NOT NULL CHECK (queue ~ '^[A-Za-z][A-Za-z0-9_-]{0,63}$'),
    penalty   smallint NOT NULL DEFAULT 0 CHECK (penalty BETWEEN 0 AND 100),
    PRIMARY KEY (agent_id, queue)
);
CREATE INDEX queue_members_queue ON queue_members (queue);

-- Every state change, as the ACD decided it (its StateChanged records).
CREATE TABLE agent_state_log (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent_id         uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    previous_state   text NOT NULL,
    state            text NOT NULL,
    reason           text,           -- the pause reason when state is paused
    previous_reason  text,           -- the pause reason of the state left (an unpause says which pause)
    cause            text NOT NULL,  -- login, offer, answered, missed, withdrawn, call_ended...
    at               timestamptz NOT NULL
);
CREATE INDEX agent_state_log_agent_at ON agent_state_log (agent_id, at);
CREATE INDEX agent_state_log_at ON agent_state_log (at);
