-- What the IVR learnt on each call (language, collected values, where the caller was handed on),
-- and the voicemail messages callers left.
ALTER TABLE interactions ADD COLUMN ivr_data jsonb NOT NULL DEFAULT '{}'::jsonb;

CREATE TABLE voicemails (
    id                uuid PRIMARY KEY,              -- also the name of Asterisk's stored recording
    interaction_id    uuid NOT NULL REFERENCES interactions (id),
    box               text NOT NULL,
    recording         text NOT NULL,                 -- ARI stored recording name
    format            text NOT NULL DEFAULT 'wav',
    path              text NOT NULL,                 -- where Asterisk wrote it, as Asterisk sees it
    duration_seconds  numeric(8, 2) NOT NULL CHECK (duration_seconds >= 0),
    created_at        timestamptz NOT NULL,
    heard             boolean NOT NULL DEFAULT false
);

CREATE INDEX voicemails_box ON voicemails (box, created_at DESC);
CREATE INDEX voicemails_interaction ON voicemails (interaction_id);
