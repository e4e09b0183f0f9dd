-- 0009 boundaries (issue 12): nobody acts outside their boundary, on reads as on writes.
--
-- The rules, each in one place (the helpers right below):
--  * sk_in_scope(role, scope, m): an admin acts everywhere; a moderator in the municipalities of
--    its key, or everywhere when the key was made for all municipalities (the daemon then sends
--    the scope '{*}'); a moderator key with an empty list acts nowhere (fail closed). Partners
--    have no municipality scope: they act on their own organisation's entries.
--  * sk_entry_visible(e, role, org, scope): residents and everyone see published entries; a partner
--    also its own organisation's other entries; a moderator the entries of its municipalities.
--  * sk_sees_private(e, role, org, scope): the owning organisation and in-scope moderators see what
--    residents do not: the address of an 'area_only' activity, the pending revision, the reports and
--    the moderation state.
--  * National vocabularies (themes, audiences, accessibility features, support kinds, national
--    exception sets) and municipalities themselves are changed by admins only; areas, area
--    boundaries and municipal exception sets by the moderators of their municipality.
--  * Trust is per municipality (organisation_trust): a trusted organisation publishes without review
--    only where it is trusted, and a moderator grants or withdraws trust for its own municipalities.
--  * An organisation's details (name, contact) are changed by a moderator whose scope holds every
--    municipality the organisation is active in (its home municipality and those of its entries).
--    An organisation made by a moderator of one municipality has that one as its home.
--  * The audit log is read within the same scope (audit_log.municipalities).
--  * Occurrence expansion is bounded by the rule itself (COUNT, UNTIL) and by years 2000-2200,
--    whatever window a client asks for.
--
-- Functions replaced here keep their names; where a signature gains the caller's scope, the old
-- overload is dropped so that no code path can reach the unscoped version.
-- Applied inside one transaction by `socialekaart migrate`.
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

-- =============================================================================================
-- Scope
-- =============================================================================================

ALTER TABLE api_keys ADD COLUMN all_municipalities boolean NOT NULL DEFAULT false;

-- Moderator keys made before this release without --municipality acted everywhere (the CLI said
-- so when it made them); they keep doing so, now as an explicit choice that /api/v1/me shows.
UPDATE api_keys SET all_municipalities = true WHERE role = 'moderator' AND municipalities = '{}';
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_chk
    CHECK (role <> 'moderator' OR all_municipalities OR cardinality(municipalities) > 0);

-- =============================================================================================
-- Organisations: a home municipality, trust per municipality
-- =============================================================================================

ALTER TABLE organisations
    ADD COLUMN municipality text,
    ADD CONSTRAINT organisations_municipality_fk FOREIGN KEY (municipality, municipality)
        REFERENCES areas (code, municipality);
COMMENT ON CONSTRAINT organisations_municipality_fk ON organisations IS 'municipality: must be the code of a known municipality';

CREATE TABLE organisation_trust (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    municipality    text NOT NULL,
    granted_at      timestamptz NOT NULL DEFAULT now(),
    granted_by      uuid,            -- the key (informative; keys may be deleted)
    PRIMARY KEY (organisation_id, municipality),
    CONSTRAINT organisation_trust_municipality_fk FOREIGN KEY (municipality, municipality)
        REFERENCES areas (code, municipality)
);

-- An organisation trusted before this release was trusted everywhere; it stays so.
INSERT INTO organisation_trust (organisation_id, municipality)
SELECT o.id, a.code FROM organisations o, areas a WHERE o.trusted AND a.kind = 'municipality';
ALTER TABLE organisations DROP COLUMN trusted;

-- =============================================================================================
-- Audit log: read within scope
-- =============================================================================================

ALTER TABLE audit_log ADD COLUMN municipalities text[] NOT NULL DEFAULT '{}';

-- migrate: after api
-- The statements below call functions of sql/api/: migrate runs them once this
-- release's functions are in place, in the same transaction.
UPDATE audit_log a SET municipalities = sk_audit_municipalities(a);
