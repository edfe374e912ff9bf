-- The call log: one append-only row per fact of a call in the ACD (telephony/call_events.py says what each
-- kind means), written in the order things happened through the ACD's one ordered writer. `call_id` is the
-- caller's channel, i.e. interactions.channel_id: no foreign key, so a row never depends on the
-- interaction's own row having landed first; the two are joined when read.
CREATE TABLE call_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- the order of writing = of happening
    call_id       text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('queued', 'offered', 'rang_out', 'answered', 'talk_ended',
                                                'abandoned', 'overflowed', 'transferred', 'wrap_up_started',
                                                'wrap_up_ended', 'callback_requested')),
    at            timestamptz NOT NULL,
    queue         text,
    agent_id      uuid,
    offer_id      text,
    wait_seconds  double precision CHECK (wait_seconds >= 0),
    talk_seconds  double precision CHECK (talk_seconds >= 0),
    priority      smallint,
    arrived_at    timestamptz,
    outcome       text,
    target        text,
    mode          text,
    reason        text
);

CREATE INDEX call_events_call ON call_events (call_id, id);
CREATE INDEX call_events_at ON call_events (at);
CREATE INDEX call_events_agent_at ON call_events (agent_id, at) WHERE agent_id IS NOT NULL;

CREATE FUNCTION call_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'call_events is append-only';
END $$;
CREATE TRIGGER call_events_append_only BEFORE UPDATE ON call_events
    FOR EACH ROW EXECUTE FUNCTION call_events_append_only();
