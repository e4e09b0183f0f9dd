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

-- ---------------------------------------------------------------------------------------------
-- Recurrence expansion
-- ---------------------------------------------------------------------------------------------

-- A wall-clock time in Amsterdam as a moment. A time that occurs twice (02:00-02:59 on the last
-- Sunday of October) is the first of the two, in summer time, as RFC 5545 (3.3.5) says and
-- calendars do; PostgreSQL alone would take the second.
CREATE FUNCTION sk_amsterdam(t timestamp) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN ((t AT TIME ZONE 'Europe/Amsterdam') - interval '1 hour') AT TIME ZONE 'Europe/Amsterdam' = t
                THEN (t AT TIME ZONE 'Europe/Amsterdam') - interval '1 hour'
                ELSE t AT TIME ZONE 'Europe/Amsterdam' END;

-- The occurrences of a schedule whose start date lies in [p_from, p_to), as local wall-clock
-- times. p_rule NULL: the one occurrence p_start. Same rules as rrule_expand() in common/rrule.c:
-- DTSTART always counts as the first occurrence, COUNT counts before exdates and exception sets
-- are removed, every occurrence has DTSTART's time of day and duration.
CREATE FUNCTION sk_occ_expand(p_start timestamp, p_end timestamp, p_rule text, p_exdates date[], p_sets text[],
                              p_from date, p_to date)
    RETURNS TABLE (local_start timestamp, local_end timestamp) LANGUAGE plpgsql STABLE AS $$
DECLARE
    r text := regexp_replace(p_rule, '^RRULE:', '');
    sd date := p_start::date;
    tod interval := p_start - p_start::date;
    dur interval := coalesce(p_end - p_start, interval '0');
    freq text;
    ival int;
    cnt int;
    v_until timestamp;
    last_day date;
    byday text[];
    bymd int[];
    k_from int := 0;
    k_to int;
    excl date[];
    codes constant text[] := ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    offs int[];
    mon date;
BEGIN
    IF p_start IS NULL OR p_from IS NULL OR p_to IS NULL OR p_to <= p_from THEN
        RETURN;
    END IF;
    IF r IS NULL THEN
        IF sd >= p_from AND sd < p_to THEN
            local_start := p_start;
            local_end := p_start + dur;
            RETURN NEXT;
        END IF;
        RETURN;
    END IF;
    freq := sk_rrule_part(r, 'FREQ');
    ival := greatest(coalesce(sk_rrule_part(r, 'INTERVAL')::int, 1), 1);
    cnt := sk_rrule_part(r, 'COUNT')::int;
    v_until := sk_rrule_until_local(r);
    byday := string_to_array(sk_rrule_part(r, 'BYDAY'), ',');
    bymd := string_to_array(sk_rrule_part(r, 'BYMONTHDAY'), ',')::int[];
    last_day := least(p_to - 1, coalesce(v_until::date, p_to - 1));
    IF last_day < sd OR (cnt IS NULL AND last_day < p_from) THEN
        RETURN;
    END IF;
    SELECT coalesce(array_agg(DISTINCT g::date), '{}') INTO excl
      FROM exception_set_dates x,
           generate_series(greatest(lower(x.during), p_from), least(upper(x.during) - 1, p_to - 1), interval '1 day') g
     WHERE x.set_code = ANY (coalesce(p_sets, '{}')) AND x.during && daterange(p_from, p_to);
    excl := excl || coalesce(p_exdates, '{}');

    IF freq = 'DAILY' THEN
        IF cnt IS NULL THEN
            k_from := greatest(0, (p_from - sd) / ival - 1);
        END IF;
        k_to := (last_day - sd) / ival + 1;
    ELSIF freq = 'WEEKLY' THEN
        mon := sd - (extract(isodow FROM sd)::int - 1);
        SELECT array_agg(i) INTO offs FROM generate_series(0, 6) i
         WHERE CASE WHEN byday IS NULL THEN i = extract(isodow FROM sd)::int - 1
                    ELSE codes[i + 1] = ANY (byday) END;
        IF cnt IS NULL THEN
            k_from := greatest(0, (p_from - mon) / (7 * ival) - 1);
        END IF;
        k_to := (last_day - mon) / (7 * ival) + 1;
    ELSIF freq = 'MONTHLY' THEN
        IF cnt IS NULL THEN
            k_from := greatest(0, ((extract(year FROM p_from) * 12 + extract(month FROM p_from))
                                   - (extract(year FROM sd) * 12 + extract(month FROM sd)))::int / ival - 1);
        END IF;
        k_to := ((extract(year FROM last_day) * 12 + extract(month FROM last_day))
                 - (extract(year FROM sd) * 12 + extract(month FROM sd)))::int / ival + 1;
    ELSIF freq = 'YEARLY' THEN
        k_to := (extract(year FROM last_day)::int - extract(year FROM sd)::int) / ival + 1;
    ELSE
        RETURN;
    END IF;

    RETURN QUERY
    WITH cand AS (
        SELECT sd + k * ival AS d FROM generate_series(k_from, k_to) k
         WHERE freq = 'DAILY' AND (byday IS NULL OR codes[extract(isodow FROM sd + k * ival)::int] = ANY (byday))
        UNION ALL
        SELECT mon + k * 7 * ival + i FROM generate_series(k_from, k_to) k, unnest(offs) i
         WHERE freq = 'WEEKLY'
        UNION ALL
        SELECT m.first + i
          FROM generate_series(k_from, k_to) k,
               LATERAL (SELECT (date_trunc('month', sd) + make_interval(months => k * ival))::date AS first) m,
               LATERAL (SELECT extract(day FROM m.first + interval '1 month - 1 day')::int AS dim) n,
               generate_series(0, n.dim - 1) i
         WHERE freq = 'MONTHLY' AND CASE
                   WHEN byday IS NULL AND bymd IS NULL THEN i + 1 = extract(day FROM sd)::int
                   ELSE (bymd IS NULL OR EXISTS (SELECT 1 FROM unnest(bymd) b(x)
                                                  WHERE (b.x > 0 AND b.x = i + 1) OR (b.x < 0 AND n.dim + b.x = i)))
                    AND (byday IS NULL OR EXISTS (
                            SELECT 1 FROM unnest(byday) b(item)
                             WHERE right(b.item, 2) = codes[extract(isodow FROM m.first + i)::int]
                               AND (length(b.item) = 2
                                    OR left(b.item, -2)::int = i / 7 + 1
                                    OR left(b.item, -2)::int = -((n.dim - 1 - i) / 7 + 1))))
               END
        UNION ALL
        SELECT (sd + make_interval(years => k * ival))::date FROM generate_series(k_from, k_to) k
         WHERE freq = 'YEARLY' AND extract(day FROM sd + make_interval(years => k * ival)) = extract(day FROM sd)
    )
    SELECT x.d + tod, x.d + tod + dur
      FROM (SELECT s.d, row_number() OVER (ORDER BY s.d) AS n
              FROM (SELECT sd AS d WHERE k_from = 0
                    UNION ALL
                    SELECT DISTINCT c.d FROM cand c WHERE c.d > sd AND c.d <= last_day) s) x
     WHERE (cnt IS NULL OR x.n <= cnt)
       AND (v_until IS NULL OR x.d + tod <= v_until)
       AND x.d >= p_from AND x.d < p_to
       AND NOT (x.d = ANY (excl))
     ORDER BY x.d;
END;
$$;

-- When an entry stops being current (see the top); NULL = open-ended.
CREATE FUNCTION sk_entry_until(p_kind text, p_start timestamp, p_end timestamp, p_rule text, p_exdates date[],
                               p_valid_until date) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
    r text := regexp_replace(p_rule, '^RRULE:', '');
    dur interval := coalesce(p_end - p_start, interval '0');
    cnt int;
    v_until timestamp;
    v_last timestamp;
BEGIN
    IF p_kind = 'vacancy' THEN
        RETURN sk_amsterdam((p_valid_until + 1)::timestamp);
    ELSIF p_kind <> 'activity' OR p_start IS NULL THEN
        RETURN NULL;
    ELSIF r IS NULL THEN
        RETURN sk_amsterdam(p_start + dur);
    END IF;
    cnt := sk_rrule_part(r, 'COUNT')::int;
    v_until := sk_rrule_until_local(r);
    IF cnt IS NOT NULL THEN
        -- a month holds every BYDAY/BYMONTHDAY combination at least once in three
        SELECT max(x.local_start) INTO v_last
          FROM sk_occ_expand(p_start, p_end, r, p_exdates, NULL, p_start::date,
                             least(p_start::date + cnt * greatest(coalesce(sk_rrule_part(r, 'INTERVAL')::int, 1), 1)
                                   * CASE sk_rrule_part(r, 'FREQ') WHEN 'DAILY' THEN 1 WHEN 'WEEKLY' THEN 7
                                                                   WHEN 'MONTHLY' THEN 93 ELSE 366 END + 7,
                                   date '9999-01-01')) x;
        RETURN sk_amsterdam(coalesce(v_last, p_start) + dur);
    ELSIF v_until IS NOT NULL THEN
        RETURN sk_amsterdam(greatest(v_until, p_start) + dur);
    END IF;
    RETURN NULL;
END;
$$;

-- ---------------------------------------------------------------------------------------------
-- Search columns on entries
-- ---------------------------------------------------------------------------------------------

-- opening_hours as minutes of the week (mo 00:00 = 0 .. su 24:00 = 10080)
CREATE FUNCTION sk_opening_minutes(j jsonb) RETURNS int4multirange LANGUAGE sql IMMUTABLE AS $$
    SELECT range_agg(int4range(d.i * 1440 + split_part(h->>'opens', ':', 1)::int * 60 + split_part(h->>'opens', ':', 2)::int,
                               d.i * 1440 + split_part(h->>'closes', ':', 1)::int * 60 + split_part(h->>'closes', ':', 2)::int))
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(j) = 'array' THEN j ELSE '[]' END) h,
           LATERAL (SELECT array_position(ARRAY['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'], h->>'day') - 1 AS i) d
     WHERE d.i IS NOT NULL AND h->>'opens' < h->>'closes'
$$;

-- A moment as minute of the week in Amsterdam time.
CREATE FUNCTION sk_week_minute(t timestamp) RETURNS int LANGUAGE sql IMMUTABLE
    RETURN (extract(isodow FROM t)::int - 1) * 1440 + extract(hour FROM t)::int * 60 + extract(minute FROM t)::int;

ALTER TABLE entries
    ADD COLUMN sk_tsv   tsvector,
    ADD COLUMN sk_geo   geometry(Point, 28992),
    ADD COLUMN sk_open  int4multirange,
    ADD COLUMN sk_until timestamptz;

CREATE TABLE sk_words (
    word text COLLATE "C" PRIMARY KEY
);
CREATE INDEX sk_words_trgm ON sk_words USING gin (word gin_trgm_ops);

-- Words (lower case, accents folded, 4..40 letters) of a text, for sk_words.
CREATE FUNCTION sk_words_of(p text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT w FROM regexp_split_to_table(lower(sk_unaccent(coalesce(p, ''))), '[^[:alnum:]]+') w
     WHERE length(w) BETWEEN 4 AND 40 AND w !~ '^[0-9]+$'
     ORDER BY 1
$$;

CREATE FUNCTION sk_entry_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_org text;
    v_ptitle text;
    v_ploc geography;
    v_areas text;
    v_names text;
    v_hide boolean := NEW.kind = 'activity' AND NEW.address_visibility = 'area_only';
BEGIN
    SELECT o.name INTO v_org FROM organisations o WHERE o.id = NEW.organisation_id;
    IF NEW.place_id IS NOT NULL THEN
        SELECT p.title, p.location INTO v_ptitle, v_ploc FROM entries p WHERE p.id = NEW.place_id;
    END IF;
    SELECT string_agg(a.name, ' ') INTO v_areas
      FROM areas a WHERE a.code = ANY (NEW.areas) OR a.code = NEW.municipality;
    SELECT concat_ws(' ', v_areas, string_agg(t.label_nl, ' ')) INTO v_areas
      FROM themes t WHERE t.code = ANY (NEW.themes);
    v_names := concat_ws(' ', v_org, v_ptitle, v_areas,
                         CASE WHEN NOT v_hide THEN concat_ws(' ', NEW.address->>'city', NEW.address->>'street') END);
    NEW.sk_tsv := setweight(to_tsvector('pg_catalog.dutch'::regconfig, sk_unaccent(NEW.title)), 'A')
               || setweight(to_tsvector('pg_catalog.dutch'::regconfig, sk_unaccent(coalesce(NEW.summary, ''))), 'B')
               || setweight(to_tsvector('pg_catalog.dutch'::regconfig, sk_unaccent(coalesce(NEW.description, ''))), 'C')
               || setweight(to_tsvector('pg_catalog.dutch'::regconfig, sk_unaccent(v_names)), 'D');
    NEW.sk_geo := CASE WHEN v_hide AND NEW.place_id IS NULL THEN NULL
                       ELSE ST_Transform(coalesce(NEW.location, v_ploc)::geometry, 28992) END;
    NEW.sk_open := CASE WHEN NEW.kind = 'place' THEN sk_opening_minutes(NEW.opening_hours) END;
    NEW.sk_until := sk_entry_until(NEW.kind, NEW.starts_at, NEW.ends_at, NEW.rrule, NEW.exdates, NEW.valid_until);
    IF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title OR NEW.summary IS DISTINCT FROM OLD.summary
       OR NEW.description IS DISTINCT FROM OLD.description THEN
        INSERT INTO sk_words (word)
        SELECT w FROM sk_words_of(concat_ws(' ', NEW.title, NEW.summary, NEW.description, v_org)) w
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER entries_search_fill BEFORE INSERT OR UPDATE ON entries
    FOR EACH ROW EXECUTE FUNCTION sk_entry_search_fill();

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

-- First date kept in sk_occurrences.
CREATE FUNCTION sk_occ_first_day() RETURNS date LANGUAGE sql STABLE
    RETURN (now() AT TIME ZONE 'Europe/Amsterdam')::date - 92;

-- Rewrite the occurrences of one entry (no-op for other kinds).
CREATE FUNCTION sk_occurrences_refresh(p_id uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_horizon date;
BEGIN
    SELECT horizon INTO v_horizon FROM sk_occ_state FOR SHARE;
    DELETE FROM sk_occurrences WHERE entry_id = p_id;
    INSERT INTO sk_occurrences (entry_id, starts_at, ends_at, local_start)
    SELECT e.id, sk_amsterdam(x.local_start), sk_amsterdam(x.local_end), x.local_start
      FROM entries e,
           sk_occ_expand(e.starts_at, e.ends_at, e.rrule, e.exdates, e.exception_sets, sk_occ_first_day(), v_horizon) x
     WHERE e.id = p_id AND e.kind = 'activity'
    ON CONFLICT DO NOTHING;
END;
$$;

CREATE FUNCTION sk_entry_occurrences_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sk_occurrences_refresh(NEW.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER entries_occurrences_ins AFTER INSERT ON entries
    FOR EACH ROW WHEN (NEW.kind = 'activity') EXECUTE FUNCTION sk_entry_occurrences_trg();
CREATE TRIGGER entries_occurrences_upd AFTER UPDATE ON entries
    FOR EACH ROW WHEN (NEW.kind = 'activity' AND (
        OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.ends_at IS DISTINCT FROM NEW.ends_at
        OR OLD.rrule IS DISTINCT FROM NEW.rrule OR OLD.exdates IS DISTINCT FROM NEW.exdates
        OR OLD.exception_sets IS DISTINCT FROM NEW.exception_sets))
    EXECUTE FUNCTION sk_entry_occurrences_trg();

-- A place that moves or is renamed: its activities, vacancies and offers follow (the BEFORE
-- trigger recomputes them; setting sk_geo to itself changes nothing else).
CREATE FUNCTION sk_place_follow_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE entries SET sk_geo = sk_geo WHERE place_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER entries_place_follow AFTER UPDATE ON entries
    FOR EACH ROW WHEN (NEW.kind = 'place' AND (OLD.location IS DISTINCT FROM NEW.location OR OLD.title IS DISTINCT FROM NEW.title))
    EXECUTE FUNCTION sk_place_follow_trg();

CREATE FUNCTION sk_org_follow_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE entries SET sk_geo = sk_geo WHERE organisation_id = NEW.id;
    INSERT INTO sk_words (word) SELECT w FROM sk_words_of(NEW.name) w ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER organisations_search_follow AFTER UPDATE ON organisations
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION sk_org_follow_trg();

-- Exception set dates changed: re-expand the activities that use the set.
CREATE FUNCTION sk_exception_dates_trg() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_codes text[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        v_codes := ARRAY[OLD.set_code];
    ELSIF TG_OP = 'UPDATE' THEN
        v_codes := ARRAY[OLD.set_code, NEW.set_code];
    ELSE
        v_codes := ARRAY[NEW.set_code];
    END IF;
    PERFORM sk_occurrences_refresh(e.id)
       FROM entries e
      WHERE e.kind = 'activity' AND e.rrule IS NOT NULL AND e.exception_sets && v_codes;
    RETURN NULL;
END;
$$;
CREATE TRIGGER exception_set_dates_occurrences AFTER INSERT OR UPDATE OR DELETE ON exception_set_dates
    FOR EACH ROW EXECUTE FUNCTION sk_exception_dates_trg();

-- Move the horizon to 13 months ahead and drop occurrences older than the kept past. Cheap when
-- there is nothing to do; the daemon's housekeeping calls it every hour. Returns rows added.
CREATE FUNCTION sk_occurrences_extend() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_old date;
    v_new date := (now() AT TIME ZONE 'Europe/Amsterdam')::date + 400;
    n integer := 0;
BEGIN
    SELECT horizon INTO v_old FROM sk_occ_state FOR UPDATE;
    IF v_old >= v_new THEN
        RETURN 0;
    END IF;
    INSERT INTO sk_occurrences (entry_id, starts_at, ends_at, local_start)
    SELECT e.id, sk_amsterdam(x.local_start), sk_amsterdam(x.local_end), x.local_start
      FROM entries e,
           sk_occ_expand(e.starts_at, e.ends_at, e.rrule, e.exdates, e.exception_sets, v_old, v_new) x
     WHERE e.kind = 'activity' AND e.rrule IS NOT NULL AND e.status <> 'deleted'
       AND (e.sk_until IS NULL OR e.sk_until >= sk_amsterdam(v_old::timestamp))
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    UPDATE sk_occ_state SET horizon = v_new;
    DELETE FROM sk_occurrences WHERE starts_at < sk_amsterdam((sk_occ_first_day() - 1)::timestamp);
    RETURN n;
END;
$$;

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

CREATE FUNCTION sk_search_rows_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sk_search_rows (id, kind, status, organisation_id, municipality, areas, themes, audiences, accessibility,
                                cost, languages, sk_tsv, sk_geo, sk_open, sk_until, created_at, updated_at)
    VALUES (NEW.id, NEW.kind, NEW.status, NEW.organisation_id, NEW.municipality, NEW.areas, NEW.themes, NEW.audiences,
            NEW.accessibility, NEW.cost, NEW.languages, NEW.sk_tsv, NEW.sk_geo, NEW.sk_open, NEW.sk_until,
            NEW.created_at, NEW.updated_at)
    ON CONFLICT (id) DO UPDATE
       SET (kind, status, organisation_id, municipality, areas, themes, audiences, accessibility, cost, languages,
            sk_tsv, sk_geo, sk_open, sk_until, created_at, updated_at)
         = (EXCLUDED.kind, EXCLUDED.status, EXCLUDED.organisation_id, EXCLUDED.municipality, EXCLUDED.areas,
            EXCLUDED.themes, EXCLUDED.audiences, EXCLUDED.accessibility, EXCLUDED.cost, EXCLUDED.languages,
            EXCLUDED.sk_tsv, EXCLUDED.sk_geo, EXCLUDED.sk_open, EXCLUDED.sk_until, EXCLUDED.created_at,
            EXCLUDED.updated_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER entries_search_rows AFTER INSERT OR UPDATE ON entries
    FOR EACH ROW EXECUTE FUNCTION sk_search_rows_trg();

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

-- =============================================================================================
-- The search
-- =============================================================================================

-- The Dutch text query for q: every word of 3+ letters as a stemmed prefix ('wandelen' ->
-- 'wandel':*, which also finds 'wandelgroep'), shorter ones whole, all words required. A word of 5+ letters that starts no known word
-- also accepts the three most similar known words (trigram similarity >= 0.4): 'eenzaamhied'
-- finds 'eenzaamheid'. Stop words drop out. NULL when nothing searchable is left.
CREATE FUNCTION sk_search_tsquery(p_q text) RETURNS tsquery LANGUAGE plpgsql STABLE
    SET client_min_messages = warning AS $$
DECLARE
    w text;
    t tsquery;
    alt text;
    res tsquery;
    n int := 0;
BEGIN
    FOR w IN SELECT x FROM regexp_split_to_table(lower(sk_unaccent(coalesce(p_q, ''))), '[^[:alnum:]]+') x
              WHERE x <> '' LOOP
        n := n + 1;
        EXIT WHEN n > 10;
        -- a prefix of one or two letters would match half the table: those must match whole
        t := to_tsquery('pg_catalog.dutch'::regconfig, quote_literal(w) || CASE WHEN length(w) >= 3 THEN ':*' ELSE '' END);
        IF length(w) >= 5 AND NOT EXISTS (SELECT 1 FROM sk_words s WHERE s.word LIKE w || '%') THEN
            FOR alt IN SELECT s.word FROM sk_words s
                        WHERE s.word % w AND similarity(s.word, w) >= 0.4
                        ORDER BY similarity(s.word, w) DESC, s.word LIMIT 3 LOOP
                t := t || to_tsquery('pg_catalog.dutch'::regconfig, quote_literal(alt) || ':*');
            END LOOP;
        END IF;
        IF numnode(t) > 0 THEN
            res := CASE WHEN res IS NULL THEN t ELSE res && t END;
        END IF;
    END LOOP;
    RETURN res;
END;
$$;

-- The time window of a search as [from, to) in absolute time: from/to are local Amsterdam
-- times; from defaults to now, to to the occurrence horizon.
CREATE FUNCTION sk_search_window(p jsonb, OUT w_from timestamptz, OUT w_to timestamptz) LANGUAGE sql STABLE AS $$
    SELECT coalesce(sk_amsterdam((p->>'from')::timestamp), now()),
           coalesce(sk_amsterdam((p->>'to')::timestamp),
                    sk_amsterdam((SELECT horizon FROM sk_occ_state)::timestamp))
$$;

-- The conditions on one occurrence o for day and time_of_day (text, 'true' when none).
CREATE FUNCTION sk_search_occ_cond(p jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(' AND ', 'true',
        CASE WHEN jsonb_typeof(p->'days') = 'array'
             THEN format('extract(isodow FROM o.local_start)::int = ANY (%L::int[])',
                         ARRAY(SELECT (jsonb_array_elements_text(p->'days'))::int)) END,
        CASE p->>'time_of_day'
             WHEN 'morning' THEN 'o.local_start::time >= ''06:00'' AND o.local_start::time < ''12:00'''
             WHEN 'afternoon' THEN 'o.local_start::time >= ''12:00'' AND o.local_start::time < ''18:00'''
             WHEN 'evening' THEN 'o.local_start::time >= ''18:00''' END)
$$;

-- Does the search restrict activities to a time window (from, to, day, time_of_day)?
CREATE FUNCTION sk_search_has_time(p jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN p ?| ARRAY['from', 'to', 'days', 'time_of_day'];

-- The occurrences of activity e in the search's window as a FROM-less condition text.
CREATE FUNCTION sk_search_occ_exists(p jsonb) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('EXISTS (SELECT 1 FROM sk_occurrences o WHERE o.entry_id = e.id AND o.starts_at >= %L::timestamptz'
                  ' AND o.starts_at < %L::timestamptz AND %s)', w.w_from, w.w_to, sk_search_occ_cond(p))
      FROM sk_search_window(p) w
$$;

-- The search point of near=lat,lon as an SQL literal in Rijksdriehoek metres (like sk_geo).
CREATE FUNCTION sk_search_point(p jsonb) RETURNS text LANGUAGE sql STABLE
    RETURN CASE WHEN jsonb_typeof(p->'near') = 'object'
                THEN format('%L::geometry', ST_AsEWKT(ST_Transform(ST_SetSRID(ST_MakePoint(
                            (p->'near'->>'lon')::float8, (p->'near'->>'lat')::float8), 4326), 28992))) END;

-- Does a local start time fall in the time_of_day part (NULL = any)?
CREATE FUNCTION sk_tod_ok(t timestamp, p_tod text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN CASE p_tod WHEN 'morning' THEN t::time >= '06:00' AND t::time < '12:00'
                      WHEN 'afternoon' THEN t::time >= '12:00' AND t::time < '18:00'
                      WHEN 'evening' THEN t::time >= '18:00'
                      ELSE true END;

-- The filters of a search (all but sort, limit, cursor and facets) as a boolean SQL expression
-- over alias e (entries), for EXECUTE. Contract shared with other features (feeds): p is the
-- object of common/search.c search_params_parse(); the result includes the resident visibility
-- rules (published, vacancy not expired, activity not over) and is never NULL. Unknown codes
-- simply match nothing here; api_search reports them as 400 first.
CREATE FUNCTION sk_search_where(p jsonb) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    c text[] := ARRAY['e.status = ''published''', '(e.sk_until IS NULL OR e.sk_until > now())'];
    v_tsq tsquery;
    v_sub text[];
    v_mun text[];
    v_themes text[];
    a jsonb;
    v_alts text[];
    v_at timestamp;
    v_anchor boolean;
BEGIN
    p := coalesce(p, '{}');
    -- With a selective "anchor" (area, theme, organisation, near) the planner should fetch those
    -- rows through their indexes and test the rest row by row: the text and accessibility posting
    -- lists are long (a common word, wheelchair=yes) and ANDing them costs more than it saves.
    -- 'IS TRUE' keeps a condition out of the index scan without changing its meaning.
    v_anchor := p ?| ARRAY['areas', 'themes', 'organisation', 'near'];
    IF jsonb_typeof(p->'kinds') = 'array' THEN
        c := c || format('e.kind = ANY (%L::text[])', sk_text_array(p->'kinds'));
    END IF;
    IF p ? 'municipality' THEN
        c := c || format('e.municipality = %L', p->>'municipality');
    END IF;
    IF jsonb_typeof(p->'areas') = 'array' THEN
        -- a sub-area matches entries for it and entries for its whole municipality (no areas);
        -- a municipality code matches every entry of the municipality
        SELECT coalesce(array_agg(a2.code) FILTER (WHERE a2.kind <> 'municipality'), '{}'),
               coalesce(array_agg(DISTINCT a2.municipality) FILTER (WHERE a2.kind <> 'municipality'), '{}'),
               coalesce(array_agg(a2.code) FILTER (WHERE a2.kind = 'municipality'), '{}')
          INTO v_sub, v_mun, v_themes
          FROM areas a2 WHERE a2.code = ANY (sk_text_array(p->'areas'));
        c := c || format('(e.areas && %L::text[] OR (e.areas = ''{}'' AND e.municipality = ANY (%L::text[]))'
                         ' OR e.municipality = ANY (%L::text[]))', v_sub, v_mun, v_themes);
    END IF;
    IF jsonb_typeof(p->'themes') = 'array' THEN
        WITH RECURSIVE t(code) AS (
            SELECT code FROM themes WHERE code = ANY (sk_text_array(p->'themes'))
            UNION
            SELECT th.code FROM themes th JOIN t ON th.parent = t.code)
        SELECT coalesce(array_agg(code), '{}') INTO v_themes FROM t;
        c := c || format('e.themes && %L::text[]', v_themes);
    END IF;
    IF jsonb_typeof(p->'audiences') = 'array' THEN
        c := c || format('e.audiences && %L::text[]', sk_text_array(p->'audiences'));
    END IF;
    IF p ? 'organisation' THEN
        c := c || format('e.organisation_id = %L::uuid', p->>'organisation');
    END IF;
    IF jsonb_typeof(p->'access') = 'array' THEN
        FOR a IN SELECT x FROM jsonb_array_elements(p->'access') x LOOP
            SELECT array_agg(format('e.accessibility @> %L::jsonb', jsonb_build_object(a->>'facet', v)))
              INTO v_alts FROM jsonb_array_elements_text(a->'values') v;
            c := c || ('(' || array_to_string(v_alts, ' OR ') || ')' || CASE WHEN v_anchor THEN ' IS TRUE' ELSE '' END);
        END LOOP;
    END IF;
    IF (p->>'free')::boolean THEN
        c := c || '(e.cost @> ''{"free": true}'' OR e.accessibility @> ''{"free_of_charge": "yes"}'')'::text;
    END IF;
    IF (p->>'discount_pass')::boolean THEN
        c := c || '(e.cost @> ''{"discount_pass": true}'' OR e.accessibility @> ''{"discount_pass": "yes"}'')'::text;
    END IF;
    IF p ? 'language' THEN
        c := c || format('e.languages @> ARRAY[%L]::text[]', p->>'language');
    END IF;
    IF sk_search_has_time(p) THEN
        -- time filters narrow activities; the other kinds have no time and stay
        c := c || format('(e.kind <> ''activity'' OR %s)', sk_search_occ_exists(p));
    END IF;
    IF p ? 'near' THEN
        c := c || format('ST_DWithin(e.sk_geo, %s, %s)', sk_search_point(p), coalesce((p->>'radius')::int, 5000));
    END IF;
    IF (p->>'open_now')::boolean OR p ? 'open_at' THEN
        -- only places have opening hours; the other kinds are not filtered
        v_at := coalesce((p->>'open_at')::timestamp, now() AT TIME ZONE 'Europe/Amsterdam');
        c := c || format('(e.kind <> ''place'' OR e.sk_open @> %s)', sk_week_minute(v_at));
    END IF;
    IF p ? 'q' THEN
        v_tsq := sk_search_tsquery(p->>'q');
        IF v_tsq IS NOT NULL THEN
            c := c || format('(e.sk_tsv @@ %L::tsquery)%s', v_tsq, CASE WHEN v_anchor THEN ' IS TRUE' ELSE '' END);
        END IF;
    END IF;
    RETURN array_to_string(c, ' AND ');
END;
$$;

-- Errors for codes the search does not know (400 naming the parameter). PL/pgSQL so that the
-- plan is kept per connection (an SQL function would be planned on every call).
CREATE FUNCTION sk_search_code_errors(p jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT p ?| ARRAY['municipality', 'areas', 'themes', 'audiences', 'access', 'organisation'] THEN
        RETURN '[]';
    END IF;
    RETURN (SELECT coalesce(jsonb_agg(err), '[]'::jsonb) FROM (
        SELECT sk_err('municipality', format('is not a known municipality: %s', p->>'municipality')) AS err
         WHERE p ? 'municipality'
           AND NOT EXISTS (SELECT 1 FROM areas WHERE code = p->>'municipality' AND kind = 'municipality')
        UNION ALL
        SELECT sk_err('area', format('has unknown area codes: %s', string_agg(x, ', ')))
          FROM jsonb_array_elements_text(coalesce(p->'areas', '[]')) x
         WHERE NOT EXISTS (SELECT 1 FROM areas WHERE code = x) HAVING count(*) > 0
        UNION ALL
        SELECT sk_err('theme', format('has unknown theme codes: %s', string_agg(x, ', ')))
          FROM jsonb_array_elements_text(coalesce(p->'themes', '[]')) x
         WHERE NOT EXISTS (SELECT 1 FROM themes WHERE code = x) HAVING count(*) > 0
        UNION ALL
        SELECT sk_err('audience', format('has unknown audience codes: %s', string_agg(x, ', ')))
          FROM jsonb_array_elements_text(coalesce(p->'audiences', '[]')) x
         WHERE NOT EXISTS (SELECT 1 FROM audiences WHERE code = x) HAVING count(*) > 0
        UNION ALL
        SELECT sk_err('access', format('has unknown facets or values: %s', string_agg(x->>'facet', ', ')))
          FROM jsonb_array_elements(coalesce(p->'access', '[]')) x
         WHERE NOT EXISTS (SELECT 1 FROM accessibility_features f
                            WHERE f.code = x->>'facet' AND f.allowed_values @> sk_text_array(x->'values') )
           AND NOT EXISTS (SELECT 1 FROM accessibility_features f
                            WHERE f.code = x->>'facet' AND x->'values' = '["limited", "yes"]' AND 'yes' = ANY (f.allowed_values))
        HAVING count(*) > 0
        UNION ALL
        SELECT sk_err('organisation', 'is not a known organisation')
         WHERE p ? 'organisation' AND NOT EXISTS (SELECT 1 FROM organisations WHERE id = (p->>'organisation')::uuid)
    ) x);
END;
$$;

-- Opaque keyset cursor: base64url of {"s": sort, "h": hash of the filters, "k": last sort value,
-- "i": last id}.
CREATE FUNCTION sk_search_cursor(p_sort text, p_hash text, p_key text, p_id uuid) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN rtrim(translate(encode(convert_to(jsonb_build_object('s', p_sort, 'h', p_hash, 'k', p_key, 'i', p_id)::text, 'UTF8'),
                                  'base64'), E'+/\n', '-_'), '=');

CREATE FUNCTION sk_search_cursor_read(p_cursor text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    b text := translate(p_cursor, '-_', '+/');
    j jsonb;
BEGIN
    b := b || repeat('=', (4 - length(b) % 4) % 4);
    j := convert_from(decode(b, 'base64'), 'UTF8')::jsonb;
    IF jsonb_typeof(j) <> 'object' OR jsonb_typeof(j->'s') <> 'string' OR NOT sk_is_uuid(j->>'i') THEN
        RETURN NULL;
    END IF;
    RETURN j;
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$;

-- Facet counts over at most 2,000 matching entries (so no search costs more than that);
-- "capped": true says the counts stopped there. Shape: {"total": n, "capped": bool,
-- "kind": {code: n}, "municipality": {..}, "area": {..}, "theme": {..}, "audience": {..},
-- "accessibility": {facet: n, "wheelchair:limited": n}}; api_search moves total and capped to the
-- top of its answer. An entry for a whole municipality counts
-- in each of its areas; an entry counts in its themes' parents once.
CREATE TYPE sk_facet_row AS (id uuid, kind text, municipality text, areas text[], themes text[], audiences text[],
                             accessibility jsonb);

-- Only the collection of the matching rows is dynamic SQL; the counting is a static query whose
-- plan PL/pgSQL keeps per connection (planning it costs more than running it). Each facet first
-- groups the matches by their value (array or object): entries share a few dozen area, theme,
-- audience and accessibility combinations, so the unnesting and the theme parents' lookup run
-- once per combination instead of once per entry (half the time for 1,300 matches), and the
-- DISTINCT per combination counts an entry once in a parent of two of its themes.
CREATE FUNCTION sk_search_facets(p_where text) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_rows sk_facet_row[];
BEGIN
    EXECUTE format('SELECT array_agg(ROW(e.id, e.kind, e.municipality, e.areas, e.themes, e.audiences, e.accessibility)::sk_facet_row)'
                   ' FROM (SELECT * FROM sk_search_rows e WHERE %s LIMIT 2001) e', p_where)
       INTO v_rows;
    RETURN (
        WITH m AS MATERIALIZED (SELECT * FROM unnest(coalesce(v_rows, '{}')) LIMIT 2000),
        subs AS (SELECT a.municipality, array_agg(a.code) AS codes FROM areas a
                  WHERE a.kind <> 'municipality' AND a.retired_at IS NULL GROUP BY a.municipality),
        anc AS MATERIALIZED (WITH RECURSIVE t(code, anc) AS (
                    SELECT th.code, th.code FROM themes th
                    UNION SELECT t.code, th.parent FROM t JOIN themes th ON th.code = t.anc WHERE th.parent IS NOT NULL)
                SELECT t.code, t.anc FROM t)
        SELECT jsonb_build_object(
            'total', (SELECT count(*) FROM m),
            'capped', coalesce(cardinality(v_rows), 0) > 2000,
            'kind', (SELECT coalesce(jsonb_object_agg(x.kind, x.n), '{}') FROM (SELECT m.kind, count(*) n FROM m GROUP BY 1) x),
            'municipality', (SELECT coalesce(jsonb_object_agg(x.municipality, x.n), '{}')
                               FROM (SELECT m.municipality, count(*) n FROM m GROUP BY 1) x),
            'area', (SELECT coalesce(jsonb_object_agg(x.code, x.n), '{}') FROM (
                        SELECT a.code, sum(g.n)::bigint n
                          FROM (SELECT m.municipality, m.areas, count(*) n FROM m GROUP BY 1, 2) g
                               LEFT JOIN subs s ON g.areas = '{}' AND s.municipality = g.municipality,
                               unnest(CASE WHEN g.areas = '{}' THEN s.codes ELSE g.areas END) a(code)
                         GROUP BY 1) x),
            'theme', (SELECT coalesce(jsonb_object_agg(x.anc, x.n), '{}') FROM (
                        SELECT y.anc, sum(g.n)::bigint n
                          FROM (SELECT m.themes, count(*) n FROM m GROUP BY 1) g,
                               LATERAL (SELECT DISTINCT anc.anc FROM unnest(g.themes) t(code)
                                          JOIN anc ON anc.code = t.code) y
                         GROUP BY 1) x),
            'audience', (SELECT coalesce(jsonb_object_agg(x.code, x.n), '{}') FROM (
                        SELECT a.code, sum(g.n)::bigint n
                          FROM (SELECT m.audiences, count(*) n FROM m GROUP BY 1) g, unnest(g.audiences) a(code)
                         GROUP BY 1) x),
            'accessibility', (SELECT coalesce(jsonb_object_agg(x.k, x.n), '{}') FROM (
                        SELECT f.k, sum(g.n)::bigint n
                          FROM (SELECT m.accessibility, count(*) n FROM m GROUP BY 1) g,
                               LATERAL (SELECT j.key AS k FROM jsonb_each_text(g.accessibility) j WHERE j.value = 'yes'
                                        UNION ALL
                                        SELECT 'wheelchair:limited' WHERE g.accessibility->>'wheelchair' IN ('yes', 'limited')) f
                         GROUP BY 1) x)));
END;
$$;

-- GET /api/v1/search and the filtered kind lists. p_params: see sk_search_where, plus sort,
-- limit, cursor and facets (default true). Residents see published entries only, whoever asks.
CREATE FUNCTION api_search(p_params jsonb, p_lang text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE
    SET jit = off                             -- compiling a search costs more than running it
    SET max_parallel_workers_per_gather = 0   -- many small searches at once: no parallel workers
    AS $$
DECLARE
    p jsonb := coalesce(p_params, '{}');
    v_errs jsonb;
    v_where text;
    v_tsq tsquery;
    v_sort text;
    v_key text;       -- sort value expression
    v_desc boolean;
    v_cur jsonb;
    v_limit int := least(greatest(coalesce((p->>'limit')::int, 20), 1), 100);
    v_anon boolean := NOT sk_is_writer(p_role);
    v_lang text := coalesce(p_lang, 'nl');
    v_win record;           -- w_from, w_to
    v_point text := sk_search_point(p);
    v_occ_cond text := sk_search_occ_cond(p);
    v_sql text;
    rec record;
    n int := 0;
    items jsonb := '[]';
    v_hash text;
    v_days int[] := CASE WHEN jsonb_typeof(p_params->'days') = 'array'
                         THEN ARRAY(SELECT jsonb_array_elements_text(p_params->'days')::int) END;
    v_tod text := p_params->>'time_of_day';
    v_bitmap text;
    v_sortset text;
    v_curcond text;           -- the keyset condition of the cursor
    v_ids uuid[] := '{}';     -- the page, in order
    v_dists float8[] := '{}';
    v_scores float4[] := '{}';
    v_window boolean := p_params ?| ARRAY['from', 'to'];
    v_next_from timestamptz;
    v_facets jsonb;
    v_total int;
    v_total_all bigint;
    v_capped boolean;
    v_last_key text;
    v_last_id uuid;
    v_body jsonb;
BEGIN
    v_errs := sk_search_code_errors(p);
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_problem(400, 'bad-request', 'Bad request',
                          (v_errs->0->>'field') || ' ' || (v_errs->0->>'message'), v_errs);
    END IF;
    SELECT * INTO v_win FROM sk_search_window(p);
    IF v_win.w_to <= v_win.w_from THEN
        RETURN sk_bad_field('to', 'must be after from (from is now when not given)');
    END IF;
    IF p ? 'q' THEN
        v_tsq := sk_search_tsquery(p->>'q');
    END IF;
    -- default order (docs/openapi.json): best text match first with q, soonest first with a
    -- from/to window, nearest first near a point, else newest first ('created': a key that never
    -- changes, so paging stays exact while entries are edited)
    v_sort := coalesce(p->>'sort', CASE WHEN v_tsq IS NOT NULL THEN 'relevance'
                                        WHEN p ?| ARRAY['from', 'to'] THEN 'date'
                                        WHEN v_point IS NOT NULL THEN 'distance'
                                        ELSE 'created' END);
    IF v_sort = 'relevance' AND v_tsq IS NULL THEN
        v_sort := 'created';
    END IF;
    CASE v_sort
    WHEN 'relevance' THEN
        v_key := format('ts_rank(e.sk_tsv, %L::tsquery)', v_tsq);
        v_desc := true;
    WHEN 'distance' THEN
        v_key := format('(e.sk_geo <-> %s)', v_point);
        v_desc := false;
    WHEN 'date' THEN
        v_key := format('coalesce((SELECT min(o.starts_at) FROM sk_occurrences o WHERE o.entry_id = e.id'
                        ' AND o.starts_at >= %L::timestamptz AND o.starts_at < %L::timestamptz AND %s), ''infinity'')',
                        v_win.w_from, v_win.w_to, v_occ_cond);
        v_desc := false;
    WHEN 'updated' THEN
        v_key := 'e.updated_at';
        v_desc := true;
    ELSE
        v_key := 'e.created_at';
        v_desc := true;
    END CASE;

    v_where := sk_search_where(p);
    -- a cursor belongs to one sort and one set of filters
    v_hash := left(md5((p - 'cursor' - 'limit' - 'facets' - 'sort')::text), 12);
    IF p ? 'cursor' THEN
        v_cur := sk_search_cursor_read(p->>'cursor');
        IF v_cur IS NULL OR v_cur->>'s' IS DISTINCT FROM v_sort OR v_cur->>'h' IS DISTINCT FROM v_hash
           OR v_cur->'k' IS NULL THEN
            RETURN sk_bad_field('cursor', 'is not a cursor this API gave out for this search; start again without it');
        END IF;
        v_curcond := format('(%1$s %2$s %3$L OR (%1$s = %3$L AND e.id > %4$L::uuid))', v_key,
                            CASE WHEN v_desc THEN '<' ELSE '>' END, v_cur->>'k', v_cur->>'i');
        BEGIN
            EXECUTE format('SELECT %s FROM sk_search_rows e WHERE false', v_curcond);
        EXCEPTION WHEN others THEN
            RETURN sk_bad_field('cursor', 'is not a cursor this API gave out for this search; start again without it');
        END;
    END IF;

    -- relevance and date order every match anyway: count them in the same pass
    v_sql := format('SELECT e.id, (%s)::text AS k, %s AS dist, %s AS score, %s AS total_all FROM sk_search_rows e WHERE %s%s ORDER BY %s %s, e.id LIMIT %s',
                    v_key,
                    CASE WHEN v_point IS NOT NULL THEN format('ST_Distance(e.sk_geo, %s)', v_point) ELSE 'NULL::float8' END,
                    CASE WHEN v_tsq IS NOT NULL THEN format('ts_rank(e.sk_tsv, %L::tsquery)', v_tsq) ELSE 'NULL::float4' END,
                    CASE WHEN v_sort IN ('relevance', 'date') AND v_cur IS NULL THEN 'count(*) OVER ()' ELSE 'NULL::bigint' END,
                    v_where, CASE WHEN v_curcond IS NOT NULL THEN ' AND ' || v_curcond ELSE '' END,
                    v_key, CASE WHEN v_desc THEN 'DESC' ELSE 'ASC' END, v_limit + 1);
    v_next_from := greatest(v_win.w_from, now());
    IF v_sort = 'distance' THEN
        -- Nearest first straight from the GiST index (KNN) instead of fetching every entry in the
        -- radius and sorting them: the inner query walks the index in distance order, the outer
        -- one breaks ties by id (an incremental sort that reads only as far as the page needs;
        -- the inner limit leaves room for 100 entries at the very same spot). The planner
        -- underestimates the rows ST_DWithin keeps, so sorting and bitmap scans are switched off
        -- for this one statement.
        v_sql := format('SELECT x.id, x.d::text AS k, x.d AS dist, NULL::float4 AS score, NULL::bigint AS total_all'
                        ' FROM (SELECT e.id, (e.sk_geo <-> %1$s) AS d FROM sk_search_rows e WHERE %2$s%3$s'
                        ' ORDER BY e.sk_geo <-> %1$s LIMIT %4$s) x ORDER BY x.d, x.id LIMIT %5$s',
                        v_point, v_where, CASE WHEN v_curcond IS NOT NULL THEN ' AND ' || v_curcond ELSE '' END,
                        v_limit + 101, v_limit + 1);
        v_bitmap := current_setting('enable_bitmapscan');
        v_sortset := current_setting('enable_sort');
        PERFORM set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true);
    END IF;
    FOR rec IN EXECUTE v_sql LOOP
        n := n + 1;
        v_total_all := rec.total_all;
        EXIT WHEN n > v_limit;
        v_ids := v_ids || rec.id;
        v_dists := v_dists || rec.dist;
        v_scores := v_scores || rec.score;
        v_last_key := rec.k;
        v_last_id := rec.id;
    END LOOP;
    -- Render the page in one static statement (its plan is kept): the entries, the search's
    -- extra members, and for activities the next occurrence and those in the window.
    SELECT coalesce(jsonb_agg(
               sk_entry_render(x, v_lang, v_anon)
               || CASE WHEN v_point IS NOT NULL THEN jsonb_build_object('distance_m', round(d.dist::numeric, 1)) ELSE '{}' END
               || CASE WHEN v_tsq IS NOT NULL THEN jsonb_build_object('score', round(d.score::numeric, 6)) ELSE '{}' END
               || CASE WHEN x.kind <> 'activity' THEN '{}'::jsonb
                       ELSE jsonb_build_object('next_occurrence', (
                                SELECT jsonb_build_object('start', sk_local(o.local_start),
                                                          'end', sk_local(o.ends_at AT TIME ZONE 'Europe/Amsterdam'))
                                  FROM sk_occurrences o
                                 WHERE o.entry_id = x.id AND o.starts_at >= v_next_from
                                   AND (v_days IS NULL OR extract(isodow FROM o.local_start)::int = ANY (v_days))
                                   AND sk_tod_ok(o.local_start, v_tod)
                                 ORDER BY o.starts_at LIMIT 1)) END
               || CASE WHEN x.kind <> 'activity' OR NOT v_window THEN '{}'::jsonb
                       ELSE jsonb_build_object('occurrences', (
                                SELECT coalesce(jsonb_agg(jsonb_build_object('start', sk_local(w.local_start),
                                                                             'end', sk_local(w.ends_at AT TIME ZONE 'Europe/Amsterdam'))
                                                          ORDER BY w.starts_at), '[]')
                                  FROM (SELECT o.local_start, o.starts_at, o.ends_at FROM sk_occurrences o
                                         WHERE o.entry_id = x.id AND o.starts_at >= v_win.w_from AND o.starts_at < v_win.w_to
                                           AND (v_days IS NULL OR extract(isodow FROM o.local_start)::int = ANY (v_days))
                                           AND sk_tod_ok(o.local_start, v_tod)
                                         ORDER BY o.starts_at LIMIT 3) w)) END
               ORDER BY d.ord), '[]')
      INTO items
      FROM unnest(v_ids, v_dists, v_scores) WITH ORDINALITY AS d(id, dist, score, ord)
      JOIN entries x ON x.id = d.id;
    IF v_sort = 'distance' THEN
        PERFORM set_config('enable_bitmapscan', v_bitmap, true), set_config('enable_sort', v_sortset, true);
    END IF;
    IF coalesce((p->>'facets')::boolean, true) THEN
        v_facets := sk_search_facets(v_where);
        v_total := (v_facets->>'total')::int;
        v_capped := (v_facets->>'capped')::boolean;
        v_facets := v_facets - 'total' - 'capped';
    ELSIF n <= v_limit AND NOT p ? 'cursor' THEN
        v_total := n;                 -- everything fits on this first page
        v_capped := false;
    ELSIF v_total_all IS NOT NULL THEN
        v_total := v_total_all;       -- counted by the page query
        v_capped := false;
    ELSE
        EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM sk_search_rows e WHERE %s LIMIT 1001) x', v_where) INTO v_total;
        v_capped := v_total > 1000;
        v_total := least(v_total, 1000);
    END IF;
    v_body := jsonb_build_object('items', items, 'sort', v_sort, 'total', v_total, 'total_capped', v_capped,
                                 'next_cursor', CASE WHEN n > v_limit THEN sk_search_cursor(v_sort, v_hash, v_last_key, v_last_id) END);
    IF v_facets IS NOT NULL THEN
        v_body := v_body || jsonb_build_object('facets', v_facets);
    END IF;
    RETURN sk_reply(200, v_body);
END;
$$;

-- GET /api/v1/activities/{id}/occurrences?from&to: the occurrences whose start lies in the local
-- window [from, to) (at most 366 days), expanded on the fly, so any window is exact.
CREATE FUNCTION api_activity_occurrences(p_id uuid, p_from timestamp, p_to timestamp, p_lang text, p_role text,
                                         p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    e entries;
    v_items jsonb;
BEGIN
    SELECT * INTO e FROM entries WHERE id = p_id AND kind = 'activity';
    IF NOT FOUND OR NOT sk_entry_visible(e, p_role, p_org) THEN
        RETURN sk_not_found(format('There is no activity with id %s.', p_id));
    END IF;
    IF p_from IS NULL OR p_to IS NULL OR p_to <= p_from THEN
        RETURN sk_bad_field('to', 'must be after from');
    END IF;
    IF p_to - p_from > interval '366 days' THEN
        RETURN sk_bad_field('to', 'may be at most 366 days after from');
    END IF;
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'start', sk_local(x.local_start),
               'end', sk_local(x.local_end),
               'start_utc', to_char(sk_amsterdam(x.local_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
               'end_utc', to_char(sk_amsterdam(x.local_end) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
               'start_offset', sk_iso(sk_amsterdam(x.local_start)),
               'local_start', sk_local(x.local_start),           -- = start (kept for early users)
               'local_end', sk_local(x.local_end)) ORDER BY x.local_start), '[]')
      INTO v_items
      FROM sk_occ_expand(e.starts_at, e.ends_at, e.rrule, e.exdates, e.exception_sets, p_from::date, p_to::date + 1) x
     WHERE x.local_start >= p_from AND x.local_start < p_to;
    RETURN sk_reply(200, jsonb_build_object('activity_id', e.id, 'from', sk_local(p_from), 'to', sk_local(p_to),
                                            'timezone', 'Europe/Amsterdam', 'items', v_items));
END;
$$;
