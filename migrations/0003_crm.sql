-- CRM: customers, their phone numbers, the interaction's link to them, tickets and their history.
-- Agent references are uuids without a foreign key until the agents table (API/ACD branches) lands.
CREATE TABLE customers (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    company     text NOT NULL DEFAULT '' CHECK (length(company) <= 200),
    email       text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    notes       text NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
    vip         boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Name search is a case-insensitive prefix match: the embedded PostgreSQL ships without pg_trgm.
CREATE INDEX customers_name_prefix ON customers (lower(name) text_pattern_ops);

-- One customer per number, several numbers per customer.
CREATE TABLE customer_phones (
    e164        text PRIMARY KEY CHECK (e164 ~ '^\+[1-9][0-9]{1,14}$'),
    customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX customer_phones_customer ON customer_phones (customer_id);

ALTER TABLE interactions
    ADD COLUMN caller_e164   text,
    ADD COLUMN customer_id   uuid REFERENCES customers (id) ON DELETE SET NULL,
    ADD COLUMN queue         text,
    ADD COLUMN agent_id      uuid,
    ADD COLUMN wait_seconds  numeric(10, 3) CHECK (wait_seconds >= 0),
    ADD COLUMN talk_seconds  numeric(10, 3) CHECK (talk_seconds >= 0),
    ADD COLUMN recording_ref text;

CREATE INDEX interactions_customer ON interactions (customer_id, started_at DESC) WHERE customer_id IS NOT NULL;

CREATE TABLE tickets (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id    uuid REFERENCES customers (id) ON DELETE SET NULL,
    interaction_id uuid REFERENCES interactions (id) ON DELETE SET NULL,
    subject        text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    status         text NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'needs_follow_up', 'resolved', 'closed')),
    owner_agent_id uuid,
    follow_up_due  timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'needs_follow_up' OR follow_up_due IS NOT NULL)
);

CREATE INDEX tickets_customer_open ON tickets (customer_id) WHERE status IN ('open', 'needs_follow_up');
CREATE INDEX tickets_follow_ups ON tickets (owner_agent_id, follow_up_due) WHERE status = 'needs_follow_up';
CREATE INDEX tickets_interaction ON tickets (interaction_id);

CREATE TABLE ticket_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id   uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    changed_by  text,
    from_status text,
    to_status   text NOT NULL,
    follow_up_due timestamptz,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 10000)
);

CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id, changed_at);
