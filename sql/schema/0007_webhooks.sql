-- 0007 webhooks (issue 7, item 5): subscribers that want a push when published data changes.
--
-- * webhooks            one row per subscriber: an https URL, the HMAC secret (kept in clear: it is
--                       needed to sign; the API never returns it), optional kind and municipality
--                       filters. Registered by moderators (within their municipalities) and admins.
-- * webhook_deliveries  the outbox: one row per notice per subscriber, written by a trigger on
--                       entries in the same transaction as the change, so a change the API has
--                       acknowledged always reaches the outbox. The daemon (server/webhook.c) claims
--                       due rows with sk_webhook_claim (FOR UPDATE SKIP LOCKED, a lease in
--                       locked_until) and records each attempt with sk_webhook_report (exponential
--                       back-off, then 'failed').
--
-- Events, per matching subscriber (a resident-visible entry is one with status 'published'):
--   entry.published  the entry becomes visible to the subscriber (new, approved, moved into its
--                    municipality)
--   entry.updated    a visible entry changes (its version or updated_at moves)
--   entry.deleted    a visible entry stops being visible (deleted, hidden, rejected, back to
--                    pending, purged, moved out of the subscriber's municipality)
-- Pending, rejected, hidden and deleted rows never produce a notice of their own. Several writes to
-- one entry in one transaction give one notice per subscriber (see sk_webhook_enqueue).
--
-- Applied inside one transaction by `socialekaart migrate`; no psql meta-commands here.
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

CREATE TABLE webhooks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    url             text NOT NULL,
    secret          text NOT NULL,
    kinds           text[] NOT NULL DEFAULT '{}',   -- empty = every kind
    municipality    text,                           -- NULL = every municipality (keys that act everywhere)
    organisation_id uuid,                           -- who registered it (no FK: informative)
    key_id          uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhooks_url_chk CHECK (length(url) BETWEEN 8 AND 2000 AND url ~* '^https?://[^\s]+$'),
    CONSTRAINT webhooks_secret_chk CHECK (length(secret) BETWEEN 16 AND 200),
    CONSTRAINT webhooks_kinds_chk CHECK (
        kinds <@ ARRAY['place', 'activity', 'vacancy', 'carer_support']::text[] AND cardinality(kinds) <= 4),
    CONSTRAINT webhooks_municipality_fk FOREIGN KEY (municipality, municipality)
        REFERENCES areas (code, municipality)
);
COMMENT ON CONSTRAINT webhooks_url_chk ON webhooks IS 'url: must be an https URL of at most 2000 characters';
COMMENT ON CONSTRAINT webhooks_secret_chk ON webhooks IS 'secret: must be 16 to 200 characters';
COMMENT ON CONSTRAINT webhooks_kinds_chk ON webhooks IS 'kinds: must be a list of place, activity, vacancy, carer_support';
COMMENT ON CONSTRAINT webhooks_municipality_fk ON webhooks IS 'municipality: must be the code of a known municipality';
CREATE INDEX webhooks_municipality_idx ON webhooks (municipality);

CREATE TABLE webhook_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id       uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event            text NOT NULL,
    entry_id         uuid NOT NULL,      -- no FK: a purged entry's notice must still go out
    kind             text NOT NULL,
    entry_version    integer NOT NULL,
    payload          text NOT NULL,      -- the exact body POSTed (and signed)
    status           text NOT NULL DEFAULT 'pending',
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    locked_until     timestamptz,        -- lease of the daemon sending it; NULL = not in flight
    last_attempt_at  timestamptz,
    last_status_code integer,            -- HTTP status of the last response; NULL = none arrived
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    xact             xid8 NOT NULL DEFAULT pg_current_xact_id(),  -- the writing transaction (merging)
    CONSTRAINT webhook_deliveries_event_chk CHECK (event IN ('entry.published', 'entry.updated', 'entry.deleted')),
    CONSTRAINT webhook_deliveries_status_chk CHECK (status IN ('pending', 'delivered', 'failed')),
    CONSTRAINT webhook_deliveries_attempts_chk CHECK (attempts >= 0),
    CONSTRAINT webhook_deliveries_error_chk CHECK (length(last_error) <= 500)
);

-- the claim: due pending rows in order
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';

-- GET /webhooks/{id}/deliveries, newest first
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);

-- the trigger's merge of notices written in one transaction
CREATE INDEX webhook_deliveries_entry_idx ON webhook_deliveries (entry_id, xact) WHERE status = 'pending';

-- pruning finished rows
CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at) WHERE status <> 'pending';
