-- 0018 place types and drop-in (issue 16, item 9): what kind of place a place is (buurthuis,
-- wijkcentrum, dorpshuis of MFA, Odensehuis, bibliotheek, moestuin, Tiny Forest,
-- jeu-de-boulesbaan), a vocabulary like the support kinds that admins keep through the API
-- (/api/v1/place-types); and "inloop, zonder aanmelden": an entry a resident can walk in to
-- without signing up. Both are search filters (place_type=, drop_in=true).
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). The functions are in sql/api/. Licensed under the EUPL

CREATE TABLE place_types (
    code       text PRIMARY KEY,
    label_nl   text NOT NULL,
    label_en   text,
    position   integer NOT NULL DEFAULT 0,
    retired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT place_types_code_chk CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 64),
    CONSTRAINT place_types_label_nl_chk CHECK (length(label_nl) BETWEEN 1 AND 100),
    CONSTRAINT place_types_label_en_chk CHECK (length(label_en) BETWEEN 1 AND 100)
);
COMMENT ON CONSTRAINT place_types_label_nl_chk ON place_types IS 'label_nl: must be 1 to 100 characters';
COMMENT ON CONSTRAINT place_types_label_en_chk ON place_types IS 'label_en: must be 1 to 100 characters';

INSERT INTO place_types (code, label_nl, label_en, position) VALUES
    ('buurthuis', 'Buurthuis', 'Community house', 10),
    ('wijkcentrum', 'Wijkcentrum', 'Neighbourhood centre', 20),
    ('dorpshuis', 'Dorpshuis of MFA', 'Village hall or community centre', 30),
    ('odensehuis', 'Odensehuis', 'Odense house (for people with dementia)', 40),
    ('bibliotheek', 'Bibliotheek', 'Library', 50),
    ('moestuin', 'Moestuin of buurttuin', 'Community garden', 60),
    ('tiny-forest', 'Tiny Forest', 'Tiny Forest', 70),
    ('jeu-de-boulesbaan', 'Jeu-de-boulesbaan', 'Petanque court', 80)
ON CONFLICT DO NOTHING;

ALTER TABLE entries ADD COLUMN place_type text REFERENCES place_types (code);
ALTER TABLE entries ADD CONSTRAINT entries_place_type_chk CHECK (kind = 'place' OR place_type IS NULL);
COMMENT ON CONSTRAINT entries_place_type_chk ON entries IS 'place_type: only a place has a place type';
ALTER TABLE entries ADD COLUMN drop_in boolean NOT NULL DEFAULT false;
ALTER TABLE entries ADD CONSTRAINT entries_drop_in_chk CHECK (NOT drop_in OR kind <> 'vacancy');
COMMENT ON CONSTRAINT entries_drop_in_chk ON entries IS 'drop_in: a vacancy is not something to walk in to';
CREATE INDEX entries_place_type_idx ON entries (place_type) WHERE place_type IS NOT NULL;

ALTER TABLE sk_search_rows ADD COLUMN place_type text;
ALTER TABLE sk_search_rows ADD COLUMN drop_in boolean NOT NULL DEFAULT false;

-- The audit log names place types.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_chk;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_chk CHECK (entity IN (
    'entry', 'organisation', 'area', 'theme', 'audience', 'accessibility_feature', 'support_kind', 'exception_set',
    'moderation_settings', 'api_key', 'session', 'invitation', 'initiative', 'campaign', 'place_type'));

-- migrate: after api
-- The documents the index serves are rendered again: an entry's JSON now has "campaigns"
-- (0017) and "drop_in" (this file).
SELECT sk_docs_refresh(e) FROM entries e WHERE e.status = 'published';
