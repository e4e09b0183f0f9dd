-- 0023 themes as each municipality names them (issue 16, item 9): Gorinchem's four opgaven,
-- West Maas en Waal's four programmes, each mapped to the shared themes (themes), so a search
-- across both municipalities still works: a municipality's theme is a named set of shared theme
-- codes, and searching it is searching those (theme=a,b). Moderators of the municipality keep
-- them (/api/v1/municipal-themes); the search page offers them when the municipality is chosen.
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). The functions are in sql/api/. Licensed under the EUPL

CREATE TABLE municipal_themes (
    code         text PRIMARY KEY,            -- GM0668-vitaal-ouder-worden: the municipality's code first
    municipality text NOT NULL,
    label_nl     text NOT NULL,
    label_en     text,
    summary      text,
    themes       text[] NOT NULL,             -- shared theme codes (themes.code)
    position     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT municipal_themes_municipality_fk FOREIGN KEY (municipality, municipality)
        REFERENCES areas (code, municipality),
    CONSTRAINT municipal_themes_code_chk CHECK (
        code ~ '^GM[0-9]{4}-[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 64 AND left(code, 6) = municipality),
    CONSTRAINT municipal_themes_label_nl_chk CHECK (length(btrim(label_nl)) BETWEEN 1 AND 100),
    CONSTRAINT municipal_themes_label_en_chk CHECK (length(btrim(label_en)) BETWEEN 1 AND 100),
    CONSTRAINT municipal_themes_summary_chk CHECK (length(summary) <= 1000),
    CONSTRAINT municipal_themes_themes_chk CHECK (
        cardinality(themes) BETWEEN 1 AND 30 AND array_position(themes, NULL) IS NULL),
    CONSTRAINT municipal_themes_position_chk CHECK (position BETWEEN 0 AND 10000)
);
CREATE INDEX municipal_themes_municipality_idx ON municipal_themes (municipality, position, code);
COMMENT ON CONSTRAINT municipal_themes_municipality_fk ON municipal_themes IS 'municipality: must be a municipality this sociale kaart covers';
COMMENT ON CONSTRAINT municipal_themes_code_chk ON municipal_themes IS 'code: must be the municipality''s code, a hyphen and lowercase words (GM0668-vitaal-ouder-worden), at most 64 characters';
COMMENT ON CONSTRAINT municipal_themes_label_nl_chk ON municipal_themes IS 'label_nl: must be 1 to 100 characters';
COMMENT ON CONSTRAINT municipal_themes_label_en_chk ON municipal_themes IS 'label_en: must be 1 to 100 characters';
COMMENT ON CONSTRAINT municipal_themes_summary_chk ON municipal_themes IS 'summary: must be at most 1000 characters';
COMMENT ON CONSTRAINT municipal_themes_themes_chk ON municipal_themes IS 'themes: must be 1 to 30 theme codes';

-- The policies' own words (../shared/domain/themes.csv maps them), where the municipality exists.
INSERT INTO municipal_themes (code, municipality, label_nl, label_en, summary, themes, position)
SELECT v.code, left(v.code, 6), v.label_nl, v.label_en, v.summary, v.themes, v.position
  FROM (VALUES
    ('GM0512-gezonde-leefstijl', 'Gezonde leefstijl', 'Healthy lifestyle', 'Opgave 1 van de Integrale Samenlevingsvisie 2025-2030.', ARRAY['gezonde-leefstijl'], 10),
    ('GM0512-betrokken-gorinchem', 'Betrokken Gorinchem', 'Engaged Gorinchem', 'Opgave 2: een breder informeel netwerk, omzien naar elkaar, mantelzorg en vrijwilligers.', ARRAY['betrokken-samenleving'], 20),
    ('GM0512-meedoen', 'Meedoen', 'Taking part', 'Opgave 3: activiteiten, zinvolle daginvulling, geldzaken en leren.', ARRAY['meedoen'], 30),
    ('GM0512-ondersteuning', 'Ondersteuning', 'Support', 'Opgave 4: de centrale toegang, het Welzijnspunt en hulp thuis.', ARRAY['ondersteuning'], 40),
    ('GM0668-sterke-sociale-basis', 'Sterke sociale basis', 'A strong social base', 'Programma 1: ontmoeten, omzien naar elkaar, mantelzorgers en vrijwilligers in iedere kern.', ARRAY['betrokken-samenleving'], 10),
    ('GM0668-ondersteuning', 'Ondersteuning voor wie dat nodig heeft', 'Support for those who need it', 'Programma 2: de VraagWijzer en hulp voor wie het zelf niet redt.', ARRAY['ondersteuning', 'geldzaken'], 20),
    ('GM0668-kansrijk-opgroeien', 'Kansrijk opgroeien', 'Growing up with chances', 'Programma 3: Kansrijke Start, opgroeien en leren.', ARRAY['opgroeien', 'leren'], 30),
    ('GM0668-vitaal-ouder-worden', 'Vitaal ouder worden', 'Ageing well', 'Programma 4: lang thuis wonen, gezond en in contact blijven.', ARRAY['thuis-wonen', 'beweging', 'dementie'], 40)
  ) v(code, label_nl, label_en, summary, themes, position)
 WHERE EXISTS (SELECT 1 FROM areas a WHERE a.code = left(v.code, 6) AND a.kind = 'municipality')
   AND NOT EXISTS (SELECT 1 FROM unnest(v.themes) t WHERE NOT EXISTS (SELECT 1 FROM themes x WHERE x.code = t))
ON CONFLICT DO NOTHING;

-- The audit log names municipal themes.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_chk;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_chk CHECK (entity IN (
    'entry', 'organisation', 'area', 'theme', 'audience', 'accessibility_feature', 'support_kind', 'exception_set',
    'moderation_settings', 'api_key', 'session', 'invitation', 'initiative', 'campaign', 'place_type',
    'municipal_theme'));
