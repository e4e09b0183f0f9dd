-- 0013 partners: keys a partner manages, invitations, browser sessions, residents' responses,
-- external ids for import and export (issue 15).
--
-- Applied once by `socialekaart migrate`, inside its transaction. The functions that use
-- these tables are in sql/api/ (access.sql, keys.sql, responses.sql, imports.sql).
-- Licensed under the EUPL

-- =============================================================================================
-- API keys: a name, who made it, an end; browser sessions are short-lived keys
-- =============================================================================================

ALTER TABLE api_keys
    ADD COLUMN label      text,
    ADD COLUMN created_by uuid,                              -- the key that made it (informative)
    ADD COLUMN expires_at timestamptz,                       -- NULL = until revoked
    ADD COLUMN session_of uuid REFERENCES api_keys (id),     -- a browser session opened with that key
    ADD CONSTRAINT api_keys_label_chk CHECK (length(label) <= 100),
    ADD CONSTRAINT api_keys_session_chk CHECK (session_of IS NULL OR expires_at IS NOT NULL);
COMMENT ON CONSTRAINT api_keys_label_chk ON api_keys IS 'label: must be at most 100 characters';
CREATE INDEX api_keys_session_of_idx ON api_keys (session_of) WHERE session_of IS NOT NULL;

-- =============================================================================================
-- Invitations: a moderator invites an organisation; the link works once, for a while
-- =============================================================================================

CREATE TABLE invitations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    token_hash      bytea NOT NULL UNIQUE,                   -- SHA-256 of the secret in the link
    contact_name    text,
    contact_email   text,
    created_by      uuid,                                    -- the moderator's key
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    accepted_at     timestamptz,
    key_id          uuid REFERENCES api_keys (id),           -- the key made when it was accepted
    revoked_at      timestamptz,
    CONSTRAINT invitations_token_chk CHECK (length(token_hash) = 32),
    CONSTRAINT invitations_contact_name_chk CHECK (length(contact_name) BETWEEN 1 AND 200),
    CONSTRAINT invitations_contact_email_chk CHECK (contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND length(contact_email) <= 254),
    CONSTRAINT invitations_period_chk CHECK (expires_at > created_at)
);
COMMENT ON CONSTRAINT invitations_contact_name_chk ON invitations IS 'contact_name: must be 1 to 200 characters';
COMMENT ON CONSTRAINT invitations_contact_email_chk ON invitations IS 'contact_email: must be an e-mail address';
CREATE INDEX invitations_organisation_idx ON invitations (organisation_id, created_at);

-- =============================================================================================
-- Residents respond: "Ik wil helpen" (vacancy), "Aanmelden" (activity with registration)
-- Personal data: name, contact and message are erased by the housekeeping at delete_after.
-- =============================================================================================

ALTER TABLE moderation_settings
    ADD COLUMN response_days      integer NOT NULL DEFAULT 90,   -- how long a response is kept
    ADD COLUMN responses_per_hour integer NOT NULL DEFAULT 10,   -- per client, like reports
    ADD CONSTRAINT moderation_settings_responses_chk CHECK (response_days BETWEEN 1 AND 730
                                                            AND responses_per_hour BETWEEN 1 AND 10000);

CREATE TABLE entry_responses (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    entry_id        uuid NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind            text NOT NULL,                           -- 'volunteer' (vacancy) or 'registration' (activity)
    name            text NOT NULL,
    contact         text NOT NULL,                           -- e-mail address or phone number
    message         text,
    places          integer NOT NULL DEFAULT 1,              -- places taken (registration)
    client_hash     bytea,                                   -- salted hash, for the rate limit only
    status          text NOT NULL DEFAULT 'new',
    created_at      timestamptz NOT NULL DEFAULT now(),
    delete_after    timestamptz NOT NULL,
    CONSTRAINT entry_responses_kind_chk CHECK (kind IN ('volunteer', 'registration')),
    CONSTRAINT entry_responses_name_chk CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    CONSTRAINT entry_responses_contact_chk CHECK (length(btrim(contact)) BETWEEN 3 AND 200),
    CONSTRAINT entry_responses_message_chk CHECK (length(message) <= 1000),
    CONSTRAINT entry_responses_places_chk CHECK (places BETWEEN 1 AND 10),
    CONSTRAINT entry_responses_status_chk CHECK (status IN ('new', 'seen'))
);
COMMENT ON CONSTRAINT entry_responses_name_chk ON entry_responses IS 'name: is required and must be at most 100 characters';
COMMENT ON CONSTRAINT entry_responses_contact_chk ON entry_responses IS 'contact: is required and must be 3 to 200 characters';
COMMENT ON CONSTRAINT entry_responses_message_chk ON entry_responses IS 'message: must be at most 1000 characters';
COMMENT ON CONSTRAINT entry_responses_places_chk ON entry_responses IS 'places: must be 1 to 10';
CREATE INDEX entry_responses_org_idx ON entry_responses (organisation_id, created_at, id);
CREATE INDEX entry_responses_entry_idx ON entry_responses (entry_id, created_at);
CREATE INDEX entry_responses_delete_idx ON entry_responses (delete_after);
CREATE INDEX entry_responses_client_idx ON entry_responses (client_hash, created_at) WHERE client_hash IS NOT NULL;

-- A response is news for the organisation's own webhooks: a delivery names it. Its payload holds
-- personal data and goes with the response (ON DELETE CASCADE).
ALTER TABLE webhook_deliveries
    ADD COLUMN response_id uuid REFERENCES entry_responses (id) ON DELETE CASCADE,
    DROP CONSTRAINT webhook_deliveries_event_chk,
    ADD CONSTRAINT webhook_deliveries_event_chk
        CHECK (event IN ('entry.published', 'entry.updated', 'entry.deleted', 'response.created'));

-- E-mail to the organisation, sent when an SMTP relay is configured (smtp_url).
CREATE TABLE mail_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    response_id     uuid REFERENCES entry_responses (id) ON DELETE CASCADE,
    recipient       text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL DEFAULT 'pending',
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz,
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT mail_outbox_status_chk CHECK (status IN ('pending', 'sent', 'failed')),
    CONSTRAINT mail_outbox_error_chk CHECK (length(last_error) <= 500)
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE status = 'pending';

-- =============================================================================================
-- Import and export: the id an entry or organisation has in the system it came from
-- =============================================================================================

ALTER TABLE organisations
    ADD COLUMN external_id text,
    ADD CONSTRAINT organisations_external_id_chk CHECK (length(external_id) BETWEEN 1 AND 200);
COMMENT ON CONSTRAINT organisations_external_id_chk ON organisations IS 'external_id: must be 1 to 200 characters';
CREATE UNIQUE INDEX organisations_external_id_key ON organisations (external_id) WHERE external_id IS NOT NULL;

ALTER TABLE entries
    ADD COLUMN external_id text,
    ADD CONSTRAINT entries_external_id_chk CHECK (length(external_id) BETWEEN 1 AND 200);
COMMENT ON CONSTRAINT entries_external_id_chk ON entries IS 'external_id: must be 1 to 200 characters';
CREATE UNIQUE INDEX entries_external_id_key ON entries (external_id) WHERE external_id IS NOT NULL;
