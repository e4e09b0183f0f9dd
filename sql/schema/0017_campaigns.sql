-- 0017 campaigns (issue 16, item 5): named moments that group entries — Burendag, Kom Erbij
-- week, Lentefair, mantelzorgmarkt, Week tegen Eenzaamheid, "dorp van de maand" — with a date
-- range, a page, a search filter and a feed. A moderator makes a campaign for a municipality (an
-- admin one for every municipality); partners tag their own entries with it (the entry's
-- "campaigns" member); moderators curate: they add and take out entries of their municipalities.
--
-- An entry holds the codes of its campaigns like its themes (entries.campaigns), so the search,
-- its index and the feeds follow a tag as they follow every other change of an entry.
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). The functions are in sql/api/campaigns.sql. Licensed under the EUPL

CREATE TABLE campaigns (
    code         text PRIMARY KEY,
    municipality text REFERENCES areas (code),                 -- NULL: every municipality (admins)
    name         text NOT NULL,
    summary      text,
    starts_on    date NOT NULL,
    ends_on      date NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT campaigns_code_chk CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 64),
    CONSTRAINT campaigns_name_chk CHECK (length(btrim(name)) BETWEEN 2 AND 120),
    CONSTRAINT campaigns_summary_chk CHECK (length(summary) <= 1000),
    CONSTRAINT campaigns_dates_chk CHECK (ends_on >= starts_on AND ends_on - starts_on <= 366)
);
COMMENT ON CONSTRAINT campaigns_code_chk ON campaigns IS 'code: must be lowercase words joined by hyphens (burendag-2027), at most 64 characters';
COMMENT ON CONSTRAINT campaigns_name_chk ON campaigns IS 'name: must be 2 to 120 characters';
COMMENT ON CONSTRAINT campaigns_summary_chk ON campaigns IS 'summary: must be at most 1000 characters';
COMMENT ON CONSTRAINT campaigns_dates_chk ON campaigns IS 'ends_on: must be on or after starts_on and at most 366 days later';
CREATE INDEX campaigns_m_idx ON campaigns (municipality, ends_on);

-- The codes of the campaigns an entry belongs to (like themes: no foreign key on an array;
-- sk_entry_code_errors checks them on every write, deleting a campaign takes its code out).
ALTER TABLE entries ADD COLUMN campaigns text[] NOT NULL DEFAULT '{}';
CREATE INDEX entries_campaigns_idx ON entries USING gin (campaigns) WHERE campaigns <> '{}';
ALTER TABLE sk_search_rows ADD COLUMN campaigns text[] NOT NULL DEFAULT '{}';

-- The audit log names campaigns; curating is an update of the entry.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_chk;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_chk CHECK (entity IN (
    'entry', 'organisation', 'area', 'theme', 'audience', 'accessibility_feature', 'support_kind', 'exception_set',
    'moderation_settings', 'api_key', 'session', 'invitation', 'initiative', 'campaign'));
