-- 0005 moderation (issue 6): review of what partners publish, freshness, residents' reports and
-- the municipality's coverage statistics.
--
-- The one design rule: the `entries` row always holds what residents may see (status 'published')
-- or an entry that residents never see (pending, rejected, hidden, deleted). A change a partner
-- proposes to a published entry lives in entry_revisions until a moderator approves it; approval
-- applies it to the entries row in the same transaction. So everything that reads
-- `entries WHERE status = 'published'` (search, feeds, statistics) can never show unreviewed text.
--
-- Workflow (roles as in 0003):
--  * partner of an organisation that is not trusted: a new entry is 'pending'; an edit of a
--    published (or hidden) entry becomes a pending revision (HTTP 202), the entry itself is
--    unchanged; an edit of a pending or rejected entry changes the row and (re)submits it ('pending').
--  * partner of a trusted organisation, moderator, admin: changes are published directly.
--  * moderator/admin: approve or reject (with a reason) a pending entry or a pending revision.
-- Scope: a moderator acts only on entries of the municipalities of its key (api_keys.municipalities,
-- p_scope); a moderator key made without --municipality is not restricted (the CLI warns when it
-- makes one; keys of the publishing API before moderation worked so); an admin acts everywhere.
-- Reading is not restricted.
-- Freshness: entries.reviewed_at is set on publish, approval, confirmation, unhiding and direct
-- edits by the owner or a moderator. moderation_settings.stale_after (default 6 months) lists an
-- entry as stale; after stale_after + hide_after (default 3 months more) sk_moderation_housekeeping(),
-- run by the daemon every housekeeping_interval_s, hides it (status 'hidden', hidden_by
-- 'housekeeping', hidden_reason 'stale'); a confirmation publishes it again.
-- Hiding by hand: a moderator hides a published entry with a reason (hidden_by 'moderator',
-- hidden_reason = that reason, which the partner reads in moderation.hidden_reason) and unhides it
-- again; unhiding counts as a review (reviewed_at = now()), like an approval.
-- Settings: moderation_settings, read by moderators and changed by an admin through
-- GET/PATCH /api/v1/moderation/settings (durations as ISO 8601, e.g. "P6M").
-- ETag: residents get the strong "<version>"; the owner and moderators, who also see the moderation
-- state, get W/"<version>-<fingerprint>" while there is any, so a conditional GET never answers 304
-- over a changed state. If-Match compares the version only (the daemon reads the digits before '-').
-- Every moderation action is in audit_log (entity 'entry'): propose, submit, approve, reject,
-- confirm, hide, unhide, report, resolve; the reason of a rejection or hiding in
-- after->moderation->reason. A settings change: entity 'moderation_settings', action 'update'.
--
-- Applied inside one transaction by `socialekaart migrate`; no psql meta-commands here.
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

-- =============================================================================================
-- Settings, columns and tables
-- =============================================================================================

-- One row, for every municipality. Read and changed through /api/v1/moderation/settings.
CREATE TABLE moderation_settings (
    id               boolean PRIMARY KEY DEFAULT true,
    stale_after      interval NOT NULL DEFAULT '6 months',
    hide_after       interval NOT NULL DEFAULT '3 months',
    reports_per_hour integer NOT NULL DEFAULT 10,   -- per client (salted hash of its address)
    report_hash_days integer NOT NULL DEFAULT 7,    -- after this the client hash of a report is erased
    report_salt      bytea NOT NULL DEFAULT gen_random_bytes(32),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT moderation_settings_one_row CHECK (id),
    CONSTRAINT moderation_settings_periods_chk CHECK (stale_after > interval '0' AND hide_after >= interval '0'),
    CONSTRAINT moderation_settings_reports_chk CHECK (reports_per_hour BETWEEN 1 AND 10000
                                                      AND report_hash_days BETWEEN 1 AND 365)
);
INSERT INTO moderation_settings DEFAULT VALUES ON CONFLICT DO NOTHING;

ALTER TABLE entries
    ADD COLUMN reviewed_at   timestamptz DEFAULT now(),
    ADD COLUMN hidden_reason text,     -- 'stale', or the moderator's reason
    ADD COLUMN hidden_by     text,     -- who hid it: 'housekeeping' (stale) or 'moderator'
    ADD CONSTRAINT entries_hidden_reason_chk CHECK (length(hidden_reason) <= 1000),
    ADD CONSTRAINT entries_hidden_by_chk CHECK (hidden_by IN ('housekeeping', 'moderator'));
UPDATE entries SET reviewed_at = updated_at WHERE status = 'published';
UPDATE entries SET reviewed_at = NULL WHERE status <> 'published';
CREATE INDEX entries_reviewed_idx ON entries (reviewed_at, id) WHERE status IN ('published', 'hidden');
CREATE INDEX entries_pending_idx ON entries (updated_at, id) WHERE status = 'pending';

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_chk;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_chk CHECK (action IN (
    'create', 'update', 'delete', 'purge', 'retire', 'boundary',
    'propose', 'submit', 'approve', 'reject', 'confirm', 'hide', 'unhide', 'report', 'resolve'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_chk;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_chk CHECK (entity IN (
    'entry', 'organisation', 'area', 'theme', 'audience', 'accessibility_feature', 'support_kind', 'exception_set',
    'moderation_settings'));
CREATE INDEX audit_log_decision_idx ON audit_log (entry_id, id) WHERE action IN ('approve', 'reject');

-- A change a partner proposes to a published entry. doc is the complete writable document
-- (applied with sk_entry_apply on approval); base the writable members of the published entry it
-- was made against (approval refuses when the entry changed since); proposed the representation.
CREATE TABLE entry_revisions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    entry_id        uuid NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    status          text NOT NULL DEFAULT 'pending',
    base_version    integer NOT NULL,
    base            jsonb NOT NULL,
    doc             jsonb NOT NULL,
    proposed        jsonb NOT NULL,
    key_id          uuid,
    organisation_id uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    decided_at      timestamptz,
    decided_by      uuid,
    reason          text,
    CONSTRAINT entry_revisions_status_chk CHECK (status IN ('pending', 'approved', 'rejected', 'superseded', 'withdrawn')),
    CONSTRAINT entry_revisions_reason_chk CHECK (length(reason) <= 1000)
);
CREATE UNIQUE INDEX entry_revisions_one_pending ON entry_revisions (entry_id) WHERE status = 'pending';
CREATE INDEX entry_revisions_queue_idx ON entry_revisions (created_at, id) WHERE status = 'pending';
CREATE INDEX entry_revisions_entry_idx ON entry_revisions (entry_id, created_at);

-- A resident's report about an entry. No personal data: the client is kept only as a salted
-- hash (for the rate limit), erased after report_hash_days by the housekeeping.
CREATE TABLE entry_reports (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    entry_id    uuid NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    reason      text NOT NULL,
    message     text,
    client_hash bytea,
    status      text NOT NULL DEFAULT 'open',
    created_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    resolved_by uuid,
    resolution  text,
    CONSTRAINT entry_reports_reason_chk CHECK (reason IN ('outdated', 'wrong_address', 'no_longer_exists', 'inappropriate', 'other')),
    CONSTRAINT entry_reports_message_chk CHECK (length(message) <= 1000),
    CONSTRAINT entry_reports_status_chk CHECK (status IN ('open', 'resolved')),
    CONSTRAINT entry_reports_resolution_chk CHECK (length(resolution) <= 1000)
);
CREATE INDEX entry_reports_entry_idx ON entry_reports (entry_id, created_at);
CREATE INDEX entry_reports_open_idx ON entry_reports (created_at, id) WHERE status = 'open';
CREATE INDEX entry_reports_client_idx ON entry_reports (client_hash, created_at) WHERE client_hash IS NOT NULL;
