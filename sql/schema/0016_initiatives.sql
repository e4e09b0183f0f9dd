-- 0016 initiatives: residents' initiatives publish too (issue 16, item 3). "Meld uw initiatief
-- aan" on the public page keeps a name, what it is, where, and a way to reach the initiator; a
-- moderator of that municipality accepts it (it becomes an organisation with a partner
-- invitation, the partners' flow of 0013) or declines it with a reason. No Chamber of Commerce
-- number is asked. The contact is erased contact_days after the decision (or after 90 days
-- without one): the invitation keeps what the partner flow needs.
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). The functions are in sql/api/initiatives.sql. Licensed under the EUPL

CREATE TABLE initiatives (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL,
    description     text NOT NULL,
    municipality    text NOT NULL REFERENCES areas (code),
    area            text REFERENCES areas (code),
    contact_name    text,
    contact_email   text,
    contact_phone   text,
    website         text,
    status          text NOT NULL DEFAULT 'new',
    reason          text,                                           -- why it was declined
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    invitation_id   uuid REFERENCES invitations (id) ON DELETE SET NULL,
    created_on      date NOT NULL DEFAULT (now() AT TIME ZONE 'Europe/Amsterdam')::date,
    decided_at      timestamptz,
    decided_by      uuid,                                           -- the moderator's key
    erase_contact_on date NOT NULL,
    CONSTRAINT initiatives_name_chk CHECK (length(name) BETWEEN 2 AND 200),
    CONSTRAINT initiatives_description_chk CHECK (length(description) BETWEEN 10 AND 2000),
    CONSTRAINT initiatives_status_chk CHECK (status IN ('new', 'accepted', 'declined')),
    CONSTRAINT initiatives_decision_chk CHECK ((status = 'new') = (decided_at IS NULL)),
    CONSTRAINT initiatives_reason_chk CHECK (length(reason) BETWEEN 1 AND 1000)
);
CREATE INDEX initiatives_m_idx ON initiatives (municipality, status, created_on);
CREATE INDEX initiatives_erase_idx ON initiatives (erase_contact_on) WHERE contact_name IS NOT NULL
                                                                     OR contact_email IS NOT NULL
                                                                     OR contact_phone IS NOT NULL;

-- The audit log names initiatives and their decisions.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_chk;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_chk CHECK (action IN (
    'create', 'update', 'delete', 'purge', 'retire', 'boundary',
    'propose', 'submit', 'approve', 'reject', 'confirm', 'hide', 'unhide', 'report', 'resolve',
    'revoke', 'rotate', 'accept', 'decline'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_chk;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_chk CHECK (entity IN (
    'entry', 'organisation', 'area', 'theme', 'audience', 'accessibility_feature', 'support_kind', 'exception_set',
    'moderation_settings', 'api_key', 'session', 'invitation', 'initiative'));
