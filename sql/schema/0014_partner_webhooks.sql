-- 0014 partner webhooks: what 0013 did not hold when it was released (issue 15): the audit log
-- names keys, sessions and invitations, and partners have webhooks of their own.
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). The functions are in sql/api/ (keys.sql, webhooks.sql, responses.sql).
-- Licensed under the EUPL

-- =============================================================================================
-- keys: the audit log names keys, sessions and invitations, and how they change
-- =============================================================================================

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_chk;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_chk CHECK (action IN (
    'create', 'update', 'delete', 'purge', 'retire', 'boundary',
    'propose', 'submit', 'approve', 'reject', 'confirm', 'hide', 'unhide', 'report', 'resolve',
    'revoke', 'rotate', 'accept'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_chk;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_chk CHECK (entity IN (
    'entry', 'organisation', 'area', 'theme', 'audience', 'accessibility_feature', 'support_kind', 'exception_set',
    'moderation_settings', 'api_key', 'session', 'invitation'));

-- =============================================================================================
-- responses: a partner's own webhooks (entry events of its own entries, response.created)
-- =============================================================================================

-- NULL: a moderator's webhook (entry events by municipality, never responses).
ALTER TABLE webhooks
    ADD COLUMN partner_org uuid REFERENCES organisations (id) ON DELETE CASCADE;
CREATE INDEX webhooks_partner_org_idx ON webhooks (partner_org) WHERE partner_org IS NOT NULL;
