-- 0004 search (issue 5): the resident search, materialised occurrences of activities, facets.
--
-- What is here:
--  * Search columns on entries, filled by a BEFORE trigger (sk_entry_search_fill):
--      sk_tsv   Dutch full-text document: title (A), summary (B), description (C), and the names of
--               the organisation, the linked place, the areas, the town and the themes' Dutch
--               labels (D), accents folded;
--      sk_geo   where the entry is for distance, in Rijksdriehoek metres (EPSG:28992, planar: exact
--               enough in the Netherlands and many times cheaper than geography): its own
--               location, else its place's (never the exact spot of an 'area_only' activity);
--      sk_open  opening hours as minutes of the week (Monday 00:00 = 0), for open_now/open_at;
--      sk_until the moment the entry stops being current: end of a one-off activity or of the
--               last occurrence (COUNT/UNTIL), end of a vacancy's valid_until day; NULL = open-ended.
--  * sk_words: the words of titles, summaries, descriptions, organisation, area and theme names, for
--    typo tolerance (pg_trgm similarity); never shrinks (a stale word only adds an alternative that
--    finds nothing).
--  * sk_search_rows: a narrow copy of the searchable columns (same names as in entries), which the
--    search reads; the page's entries are then fetched by id.
--  * sk_occurrences: every occurrence of every activity from 92 days back to the horizon (about
--    13 months ahead, sk_occ_state), in Europe/Amsterdam wall-clock time converted per date (DST
--    correct), with exdates and exception sets left out. Kept current by triggers on entries and
--    exception_set_dates; sk_occurrences_extend() (run hourly by the daemon's housekeeping) moves
--    the horizon forward. The occurrences endpoint expands on the fly, so any window is exact.
--  * sk_occ_expand(): the RRULE subset of common/rrule.h, in SQL, with the same semantics
--    (DTSTART is the first occurrence, COUNT counts before exdates, UNTIL inclusive).
--  * sk_search_where(params) → a WHERE expression over alias e (entries or sk_search_rows), reused
--    by other features (feeds); api_search() and api_activity_occurrences() for the daemon.
--
-- All user values reach dynamic SQL through format('%L') only. Applied in one transaction.
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

ALTER TABLE entries
    ADD COLUMN sk_tsv   tsvector,
    ADD COLUMN sk_geo   geometry(Point, 28992),
    ADD COLUMN sk_open  int4multirange,
    ADD COLUMN sk_until timestamptz;

CREATE TABLE sk_words (
    word text COLLATE "C" PRIMARY KEY
);
CREATE INDEX sk_words_trgm ON sk_words USING gin (word gin_trgm_ops);

-- ---------------------------------------------------------------------------------------------
-- Occurrences
-- ---------------------------------------------------------------------------------------------

CREATE TABLE sk_occ_state (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    horizon date NOT NULL
);
INSERT INTO sk_occ_state (horizon) VALUES (((now() AT TIME ZONE 'Europe/Amsterdam')::date + 400));

CREATE TABLE sk_occurrences (
    entry_id    uuid NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    local_start timestamp NOT NULL,      -- wall-clock time in Europe/Amsterdam
    PRIMARY KEY (entry_id, starts_at)
);
CREATE INDEX sk_occurrences_starts_idx ON sk_occurrences (starts_at);

-- ---------------------------------------------------------------------------------------------
-- Indexes for the search
-- ---------------------------------------------------------------------------------------------
-- sk_tsv (with names) and sk_words (typos) are the text indexes (0002 has none: fewer indexes to
-- maintain on every write and to weigh in every search plan).
CREATE INDEX entries_sk_tsv_gin        ON entries USING gin (sk_tsv);
CREATE INDEX entries_sk_geo_gist       ON entries USING gist (sk_geo);
CREATE INDEX entries_sk_open_gist      ON entries USING gist (sk_open) WHERE sk_open IS NOT NULL;
CREATE INDEX entries_languages_gin     ON entries USING gin (languages);
CREATE INDEX entries_whole_municipality_idx ON entries (municipality) WHERE areas = '{}';
CREATE INDEX entries_cost_gin          ON entries USING gin (cost jsonb_path_ops);
CREATE INDEX entries_exception_sets_gin ON entries USING gin (exception_sets) WHERE exception_sets IS NOT NULL;
CREATE INDEX entries_created_id_idx    ON entries (created_at, id);
CREATE INDEX entries_updated_id_idx    ON entries (updated_at, id);

-- ---------------------------------------------------------------------------------------------
-- sk_search_rows: a narrow copy of the columns the search filters, sorts and counts on (about a
-- third of an entries row: no texts but the tsvector, no translations, contact or address). The
-- search reads it instead of entries, so every candidate costs a third of the page visits; the
-- page's entries are then fetched by id for rendering. Same column names as entries, so the text
-- of sk_search_where() works over either (feeds use it on entries). Kept by an AFTER trigger.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE sk_search_rows (
    id              uuid PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
    kind            text NOT NULL,
    status          text NOT NULL,
    organisation_id uuid NOT NULL,
    municipality    text NOT NULL,
    areas           text[] NOT NULL,
    themes          text[] NOT NULL,
    audiences       text[] NOT NULL,
    accessibility   jsonb NOT NULL,
    cost            jsonb,
    languages       text[] NOT NULL,
    sk_tsv          tsvector,
    sk_geo          geometry(Point, 28992),
    sk_open         int4multirange,
    sk_until        timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE INDEX sk_search_rows_created_idx   ON sk_search_rows (created_at, id);
CREATE INDEX sk_search_rows_updated_idx   ON sk_search_rows (updated_at, id);
CREATE INDEX sk_search_rows_org_idx       ON sk_search_rows (organisation_id);
CREATE INDEX sk_search_rows_muni_idx      ON sk_search_rows (municipality, kind);
CREATE INDEX sk_search_rows_whole_idx     ON sk_search_rows (municipality) WHERE areas = '{}';
CREATE INDEX sk_search_rows_areas_gin     ON sk_search_rows USING gin (areas);
CREATE INDEX sk_search_rows_themes_gin    ON sk_search_rows USING gin (themes);
CREATE INDEX sk_search_rows_audiences_gin ON sk_search_rows USING gin (audiences);
CREATE INDEX sk_search_rows_access_gin    ON sk_search_rows USING gin (accessibility jsonb_path_ops);
CREATE INDEX sk_search_rows_cost_gin      ON sk_search_rows USING gin (cost jsonb_path_ops);
CREATE INDEX sk_search_rows_languages_gin ON sk_search_rows USING gin (languages);
CREATE INDEX sk_search_rows_tsv_gin       ON sk_search_rows USING gin (sk_tsv);
CREATE INDEX sk_search_rows_geo_gist      ON sk_search_rows USING gist (sk_geo);
CREATE INDEX sk_search_rows_open_gist     ON sk_search_rows USING gist (sk_open) WHERE sk_open IS NOT NULL;

-- Fill the new columns and the occurrences for entries that already exist.
UPDATE entries SET sk_geo = NULL;

-- migrate: after api
-- The statements below call functions of sql/api/: migrate runs them once this
-- release's functions are in place, in the same transaction.
INSERT INTO sk_occurrences (entry_id, starts_at, ends_at, local_start)
SELECT e.id, sk_amsterdam(x.local_start), sk_amsterdam(x.local_end), x.local_start
  FROM entries e,
       sk_occ_expand(e.starts_at, e.ends_at, e.rrule, e.exdates, e.exception_sets, sk_occ_first_day(),
                     (SELECT horizon FROM sk_occ_state)) x
 WHERE e.kind = 'activity'
ON CONFLICT DO NOTHING;
INSERT INTO sk_words (word) SELECT w FROM organisations o, sk_words_of(o.name) w ON CONFLICT DO NOTHING;
INSERT INTO sk_words (word) SELECT w FROM areas a, sk_words_of(a.name) w ON CONFLICT DO NOTHING;
INSERT INTO sk_words (word)
SELECT w FROM entries e, sk_words_of(concat_ws(' ', e.title, e.summary, e.description)) w ORDER BY 1 ON CONFLICT DO NOTHING;
INSERT INTO sk_words (word) SELECT w FROM themes t, sk_words_of(t.label_nl) w ORDER BY 1 ON CONFLICT DO NOTHING;
