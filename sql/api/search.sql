-- sql/api/search.sql — the resident search in SQL (api_search, the in-memory index's oracle), the search columns
-- and words, and what the daemon's index reads and follows (sk_docs, change notifications).
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- Facet counts over at most 2,000 matching entries (so no search costs more than that);
-- "capped": true says the counts stopped there. Shape: {"total": n, "capped": bool,
-- "kind": {code: n}, "municipality": {..}, "area": {..}, "theme": {..}, "audience": {..},
-- "accessibility": {facet: n, "wheelchair:limited": n}}; api_search moves total and capped to the
-- top of its answer. An entry for a whole municipality counts
-- in each of its areas; an entry counts in its themes' parents once.
CREATE TYPE sk_facet_row AS (id uuid, kind text, municipality text, areas text[], themes text[], audiences text[],
                             accessibility jsonb, also_serves text[]);

   -- for the no-overlap rule on exception dates
-- ---------------------------------------------------------------------------------------------
-- Helper functions for constraints, generated columns and indexes (all IMMUTABLE, no table access)
-- ---------------------------------------------------------------------------------------------
-- unaccent() is only STABLE because it finds its dictionary through search_path. With the
-- dictionary named explicitly the result depends on the argument alone, so this wrapper may be
-- IMMUTABLE and used in the generated search column and in expression indexes. The SQL-standard
-- body is parsed once at creation, so a different search_path at call time cannot change it.
CREATE OR REPLACE FUNCTION sk_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN public.unaccent('public.unaccent'::regdictionary, $1);

-- Words (lower case, accents folded, 4..40 letters) of a text, for sk_words.
CREATE OR REPLACE FUNCTION sk_words_of(p text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT w FROM regexp_split_to_table(lower(sk_unaccent(coalesce(p, ''))), '[^[:alnum:]]+') w
     WHERE length(w) BETWEEN 4 AND 40 AND w !~ '^[0-9]+$'
     ORDER BY 1
$$;

CREATE OR REPLACE FUNCTION sk_entry_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$
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
    SELECT string_agg(concat_ws(' ', a.name, array_to_string(a.aliases, ' ')), ' ') INTO v_areas
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
    NEW.sk_open := CASE WHEN NEW.kind IN ('place', 'service') THEN sk_opening_minutes(NEW.opening_hours) END;
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

-- A place that moves or is renamed: its activities, vacancies and offers follow (the BEFORE
-- trigger recomputes them; setting sk_geo to itself changes nothing else).
CREATE OR REPLACE FUNCTION sk_place_follow_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE entries SET sk_geo = sk_geo WHERE place_id = NEW.id;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION sk_org_follow_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE entries SET sk_geo = sk_geo WHERE organisation_id = NEW.id;
    INSERT INTO sk_words (word) SELECT w FROM sk_words_of(NEW.name) w ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

-- Areas and their family (issue 16): each one, the wijk or kern a buurt lies in, the buurten of a
-- wijk or kern. A search in an area finds what is for any of its family; the index does the same
-- (sindex.c, area_family_postings).
CREATE OR REPLACE FUNCTION sk_area_family(p text[]) RETURNS text[] LANGUAGE sql STABLE
    RETURN ARRAY(SELECT x FROM unnest(p) x
                 UNION SELECT a.parent FROM areas a WHERE a.code = ANY (p) AND a.parent IS NOT NULL
                 UNION SELECT a.code FROM areas a WHERE a.parent = ANY (p)
                 ORDER BY 1);

CREATE OR REPLACE FUNCTION sk_search_rows_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sk_search_rows (id, kind, status, organisation_id, municipality, areas, themes, audiences, accessibility,
                                cost, languages, campaigns, place_type, drop_in, referral_required,
                                indication_required, channels, also_serves, sk_tsv, sk_geo, sk_open, sk_until, created_at,
                                updated_at)
    VALUES (NEW.id, NEW.kind, NEW.status, NEW.organisation_id, NEW.municipality, NEW.areas, NEW.themes, NEW.audiences,
            NEW.accessibility, NEW.cost, NEW.languages, NEW.campaigns, NEW.place_type, NEW.drop_in,
            coalesce(NEW.referral_required, false), coalesce(NEW.indication_required, false),
            coalesce(NEW.channels, '{}'), NEW.also_serves, NEW.sk_tsv, NEW.sk_geo, NEW.sk_open, NEW.sk_until,
            NEW.created_at, NEW.updated_at)
    ON CONFLICT (id) DO UPDATE
       SET (kind, status, organisation_id, municipality, areas, themes, audiences, accessibility, cost, languages,
            campaigns, place_type, drop_in, referral_required, indication_required, channels, also_serves, sk_tsv,
            sk_geo, sk_open, sk_until, created_at, updated_at)
         = (EXCLUDED.kind, EXCLUDED.status, EXCLUDED.organisation_id, EXCLUDED.municipality, EXCLUDED.areas,
            EXCLUDED.themes, EXCLUDED.audiences, EXCLUDED.accessibility, EXCLUDED.cost, EXCLUDED.languages,
            EXCLUDED.campaigns, EXCLUDED.place_type, EXCLUDED.drop_in, EXCLUDED.referral_required,
            EXCLUDED.indication_required, EXCLUDED.channels, EXCLUDED.also_serves, EXCLUDED.sk_tsv, EXCLUDED.sk_geo,
            EXCLUDED.sk_open, EXCLUDED.sk_until, EXCLUDED.created_at, EXCLUDED.updated_at);
    RETURN NULL;
END;
$$;

-- The time window of a search as [from, to) in absolute time: from/to are local Amsterdam
-- times; from defaults to now, to to the occurrence horizon.
CREATE OR REPLACE FUNCTION sk_search_window(p jsonb, OUT w_from timestamptz, OUT w_to timestamptz) LANGUAGE sql STABLE AS $$
    SELECT coalesce(sk_amsterdam((p->>'from')::timestamp), now()),
           coalesce(sk_amsterdam((p->>'to')::timestamp),
                    sk_amsterdam((SELECT horizon FROM sk_occ_state)::timestamp))
$$;

-- The conditions on one occurrence o for day and time_of_day (text, 'true' when none).
CREATE OR REPLACE FUNCTION sk_search_occ_cond(p jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
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
CREATE OR REPLACE FUNCTION sk_search_has_time(p jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN p ?| ARRAY['from', 'to', 'days', 'time_of_day'];

-- The occurrences of activity e in the search's window as a FROM-less condition text.
CREATE OR REPLACE FUNCTION sk_search_occ_exists(p jsonb) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('EXISTS (SELECT 1 FROM sk_occurrences o WHERE o.entry_id = e.id AND o.starts_at >= %L::timestamptz'
                  ' AND o.starts_at < %L::timestamptz AND %s)', w.w_from, w.w_to, sk_search_occ_cond(p))
      FROM sk_search_window(p) w
$$;

-- The search point of near=lat,lon as an SQL literal in Rijksdriehoek metres (like sk_geo).
CREATE OR REPLACE FUNCTION sk_search_point(p jsonb) RETURNS text LANGUAGE sql STABLE
    RETURN CASE WHEN jsonb_typeof(p->'near') = 'object'
                THEN format('%L::geometry', ST_AsEWKT(ST_Transform(ST_SetSRID(ST_MakePoint(
                            (p->'near'->>'lon')::float8, (p->'near'->>'lat')::float8), 4326), 28992))) END;

-- The filters of a search (all but sort, limit, cursor and facets) as a boolean SQL expression
-- over alias e (entries), for EXECUTE. Contract shared with other features (feeds): p is the
-- object of common/search.c search_params_parse(); the result includes the resident visibility
-- rules (published, vacancy not expired, activity not over) and is never NULL. Unknown codes
-- simply match nothing here; api_search reports them as 400 first.
CREATE OR REPLACE FUNCTION sk_search_where(p jsonb) RETURNS text LANGUAGE plpgsql STABLE AS $$
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
        -- its own entries and the regional ones that serve it too (issue 16)
        c := c || format('(e.municipality = %1$L OR (e.also_serves <> ''{}'' AND e.also_serves @> ARRAY[%1$L]))',
                         p->>'municipality');
    END IF;
    IF jsonb_typeof(p->'areas') = 'array' THEN
        -- a sub-area matches entries for it and entries for its whole municipality (no areas);
        -- a municipality code matches every entry of the municipality; both match the regional
        -- entries that also serve the municipality, as a whole (issue 16)
        SELECT coalesce(array_agg(a2.code) FILTER (WHERE a2.kind <> 'municipality'), '{}'),
               coalesce(array_agg(DISTINCT a2.municipality) FILTER (WHERE a2.kind <> 'municipality'), '{}'),
               coalesce(array_agg(a2.code) FILTER (WHERE a2.kind = 'municipality'), '{}')
          INTO v_sub, v_mun, v_themes
          FROM areas a2 WHERE a2.code = ANY (sk_text_array(p->'areas'));
        v_sub := sk_area_family(v_sub);
        c := c || format('(e.areas && %L::text[] OR (e.areas = ''{}'' AND e.municipality = ANY (%L::text[]))'
                         ' OR e.municipality = ANY (%L::text[]) OR (e.also_serves <> ''{}'' AND e.also_serves && %L::text[]))',
                         v_sub, v_mun, v_themes,
                         v_mun || v_themes);
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
    IF p ? 'campaign' THEN
        c := c || format('e.campaigns @> ARRAY[%L]::text[]', p->>'campaign');
    END IF;
    IF jsonb_typeof(p->'place_types') = 'array' THEN
        -- a place type is a place's: other kinds do not match it
        c := c || format('e.place_type = ANY (%L::text[])', sk_text_array(p->'place_types'));
    END IF;
    IF (p->>'drop_in')::boolean THEN
        c := c || 'e.drop_in'::text;
    END IF;
    -- issue 16, services: what needs no referral or indication (the other kinds never do), and
    -- the services reached by one of the channels (a channel is a service's: others do not match)
    IF (p->>'no_referral')::boolean THEN
        c := c || 'NOT e.referral_required'::text;
    END IF;
    IF (p->>'no_indication')::boolean THEN
        c := c || 'NOT e.indication_required'::text;
    END IF;
    IF jsonb_typeof(p->'channels') = 'array' THEN
        c := c || format('e.channels && %L::text[]', sk_text_array(p->'channels'));
    END IF;
    IF sk_search_has_time(p) THEN
        -- time filters narrow activities; the other kinds have no time and stay
        c := c || format('(e.kind <> ''activity'' OR %s)', sk_search_occ_exists(p));
    END IF;
    IF p ? 'near' THEN
        c := c || format('ST_DWithin(e.sk_geo, %s, %s)', sk_search_point(p), coalesce((p->>'radius')::int, 5000));
    END IF;
    IF (p->>'open_now')::boolean OR p ? 'open_at' THEN
        -- only places and services have opening hours; the other kinds are not filtered
        v_at := coalesce((p->>'open_at')::timestamp, now() AT TIME ZONE 'Europe/Amsterdam');
        c := c || format('(e.kind NOT IN (''place'', ''service'') OR e.sk_open @> %s)', sk_week_minute(v_at));
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
CREATE OR REPLACE FUNCTION sk_search_code_errors(p jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT p ?| ARRAY['municipality', 'areas', 'themes', 'audiences', 'access', 'organisation', 'campaign', 'place_types'] THEN
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
        UNION ALL
        SELECT sk_err('place_type', format('has unknown place types: %s', string_agg(x, ', ')))
          FROM jsonb_array_elements_text(coalesce(p->'place_types', '[]')) x
         WHERE NOT EXISTS (SELECT 1 FROM place_types WHERE code = x) HAVING count(*) > 0
        UNION ALL
        SELECT sk_err('campaign', format('is not a known campaign: %s', p->>'campaign'))
         WHERE p ? 'campaign' AND NOT EXISTS (SELECT 1 FROM campaigns WHERE code = p->>'campaign')
    ) x);
END;
$$;

-- Opaque keyset cursor: base64url of {"s": sort, "h": hash of the filters, "k": last sort value,
-- "i": last id}.
CREATE OR REPLACE FUNCTION sk_search_cursor(p_sort text, p_hash text, p_key text, p_id uuid) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN rtrim(translate(encode(convert_to(jsonb_build_object('s', p_sort, 'h', p_hash, 'k', p_key, 'i', p_id)::text, 'UTF8'),
                                  'base64'), E'+/\n', '-_'), '=');

CREATE OR REPLACE FUNCTION sk_search_cursor_read(p_cursor text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
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

-- =============================================================================================
-- Relevance
-- =============================================================================================
--
-- A query is analysed into terms: a JSON array with one element per word that has a lexeme, each
-- an array of alternatives [lexeme, is_prefix]:
--   * the words are the first 10 non-empty pieces of regexp_split_to_table(lower(sk_unaccent(q)),
--     '[^[:alnum:]]+') (a word beyond the tenth is ignored, also when an earlier one had no lexeme);
--   * the word's own lexeme (its Dutch stem as to_tsvector/to_tsquery('pg_catalog.dutch') make it;
--     none for a stop word), a prefix when the word has 3 or more characters (length in characters,
--     not bytes), else exact;
--   * a word of 5+ characters that starts no sk_words word (byte prefix: word is COLLATE "C") also
--     gets the lexemes of the (at most) three most similar sk_words words (pg_trgm: word % w AND
--     similarity >= 0.4, ordered by similarity DESC, then word bytewise), always as prefixes, in that
--     order, after its own; a stop word among them adds nothing; duplicates are kept (harmless: the
--     score takes a maximum). "%" is pg_trgm.similarity_threshold (0.3 by default), below 0.4, so
--     only the 0.4 counts;
--   * a word none of whose alternatives has a lexeme is left out (it drops out of the filter).
--   Example: 'Wandelen in Gorinchem' -> [[["wandel",true]],[["gorinchem",true]]] ('in' is a stop word).
--
-- The text filter: every word must match (AND), a word matches when one of its alternatives
-- matches (OR); an alternative matches a lexeme of sk_tsv when equal, or, as a prefix, when the
-- tsv lexeme starts with it (byte prefix, as tsquery :* does).
--
-- The score of an entry (integer): the sum over the words of the strongest weight the word
-- matches in the entry's sk_tsv, A (title) = 8, B (summary) = 4, C (description) = 2,
-- D (names of organisation, place, areas, town, themes and the address) = 1, 0 for a word that
-- matches nothing. "The weight a word matches in" is the weight of a position of a tsv lexeme one
-- of its alternatives matches (unnest(sk_tsv) gives lexeme, positions, weights); the strongest over
-- all its alternatives and all the lexemes they match. So 'wandelen' on an entry with 'Wandelgroep'
-- in the title and 'wandeling' in the description scores 8; 'wandelen koffie' with koffie only in
-- the summary scores 8 + 4 = 12. Every lexeme of sk_tsv has positions (sk_entry_search_fill makes
-- it with to_tsvector and setweight); a tsvector keeps at most 256 positions per lexeme, the first
-- ones, which is what sk_tsv::text shows the loader too. Order: score DESC, then id ASC.
-- The lexemes of one word as alternatives [lexeme, p_prefix] (none for a stop word). A word of
-- letters and digits (after sk_unaccent and lower) has at most one lexeme in the Dutch
-- configuration (checked for every code point up to U+30D40 at the start, middle and end of a word
-- and beside digits), so the per-word OR below means what to_tsquery(word) would mean;
-- to_tsvector gives the same lexeme as to_tsquery would.
CREATE OR REPLACE FUNCTION sk_search_word_lexemes(p_word text, p_prefix boolean) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN (SELECT coalesce(jsonb_agg(jsonb_build_array(l.lex, p_prefix) ORDER BY l.lex), '[]')
              FROM unnest(tsvector_to_array(to_tsvector('pg_catalog.dutch'::regconfig, p_word))) l(lex));

-- The terms of a query (see above). One place for the loop over the words.
CREATE OR REPLACE FUNCTION sk_search_terms(p_q text) RETURNS jsonb LANGUAGE plpgsql STABLE
    SET client_min_messages = warning AS $$
DECLARE
    w text;
    alt text;
    alts jsonb;
    res jsonb := '[]';
    n int := 0;
BEGIN
    FOR w IN SELECT x FROM regexp_split_to_table(lower(sk_unaccent(coalesce(p_q, ''))), '[^[:alnum:]]+') x
              WHERE x <> '' LOOP
        n := n + 1;
        EXIT WHEN n > 10;
        -- a prefix of one or two letters would match half the table: those must match whole
        alts := sk_search_word_lexemes(w, length(w) >= 3);
        IF length(w) >= 5 AND NOT EXISTS (SELECT 1 FROM sk_words s WHERE s.word LIKE w || '%') THEN
            FOR alt IN SELECT s.word FROM sk_words s
                        WHERE s.word % w AND similarity(s.word, w) >= 0.4
                        ORDER BY similarity(s.word, w) DESC, s.word LIMIT 3 LOOP
                alts := alts || sk_search_word_lexemes(alt, true);
            END LOOP;
        END IF;
        IF jsonb_array_length(alts) > 0 THEN
            res := res || jsonb_build_array(alts);
        END IF;
    END LOOP;
    RETURN res;
END;
$$;

-- One word's alternatives as a tsquery: 'lex':* | 'lex2':* ..., each restricted to the weights
-- p_weights ('' = any, 'A' = title only, ...). NULL when there are none.
CREATE OR REPLACE FUNCTION sk_search_alts_tsquery(p_alts jsonb, p_weights text) RETURNS tsquery LANGUAGE plpgsql IMMUTABLE STRICT
    PARALLEL SAFE AS $$
DECLARE
    a jsonb;
    q tsquery;
    t tsquery;
BEGIN
    FOR a IN SELECT x FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_alts) = 'array' THEN p_alts ELSE '[]' END) x LOOP
        -- a tsquery literal: the lexeme quoted (quotes and backslashes escaped), not stemmed again
        q := format('''%s''%s', replace(replace(a->>0, '\', '\\'), '''', ''''''),
                    CASE WHEN (a->>1)::boolean OR p_weights <> '' THEN ':' END
                    || CASE WHEN (a->>1)::boolean THEN '*' ELSE '' END || p_weights)::tsquery;
        t := CASE WHEN t IS NULL THEN q ELSE t || q END;
    END LOOP;
    RETURN t;
END;
$$;

-- The text filter of terms: the words ANDed, each word's alternatives ORed. NULL when empty.
CREATE OR REPLACE FUNCTION sk_search_terms_tsquery(p_terms jsonb) RETURNS tsquery LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    w jsonb;
    t tsquery;
    res tsquery;
BEGIN
    FOR w IN SELECT x FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_terms) = 'array' THEN p_terms ELSE '[]' END) x LOOP
        t := sk_search_alts_tsquery(w, '');
        IF t IS NOT NULL THEN
            res := CASE WHEN res IS NULL THEN t ELSE res && t END;
        END IF;
    END LOOP;
    RETURN res;
END;
$$;

-- The Dutch text query for q (every word of 3+ letters as a stemmed
-- prefix, shorter ones whole, all words required, typo alternatives, stop words drop out; NULL
-- when nothing searchable is left), now built from sk_search_terms.
CREATE OR REPLACE FUNCTION sk_search_tsquery(p_q text) RETURNS tsquery LANGUAGE sql STABLE
    RETURN sk_search_terms_tsquery(sk_search_terms(p_q));

-- The strongest weight one word (its alternatives) matches in tsv: 8, 4, 2, 1 or 0. Written with
-- weight-restricted tsqueries ("does a matching lexeme have a position of weight A?") so that the
-- work is PostgreSQL's tsquery matching; equal to the definition above (a test compares both).
CREATE OR REPLACE FUNCTION sk_search_word_score(p_tsv tsvector, p_alts jsonb) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN p_tsv @@ sk_search_alts_tsquery(p_alts, 'A') THEN 8
                WHEN p_tsv @@ sk_search_alts_tsquery(p_alts, 'B') THEN 4
                WHEN p_tsv @@ sk_search_alts_tsquery(p_alts, 'C') THEN 2
                WHEN p_tsv @@ sk_search_alts_tsquery(p_alts, '') THEN 1
                ELSE 0 END;

-- The relevance of an entry (see above): the sum of its words' scores (sk_search_terms gives at
-- most 10 words; further elements would be ignored). Not STRICT and a plain expression, so the
-- planner inlines it: with constant terms (api_search passes a literal) the tsqueries are built
-- once per search, not once per row.
CREATE OR REPLACE FUNCTION sk_search_score(tsv tsvector, terms jsonb) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN sk_search_word_score(tsv, terms->0) + sk_search_word_score(tsv, terms->1)
         + sk_search_word_score(tsv, terms->2) + sk_search_word_score(tsv, terms->3)
         + sk_search_word_score(tsv, terms->4) + sk_search_word_score(tsv, terms->5)
         + sk_search_word_score(tsv, terms->6) + sk_search_word_score(tsv, terms->7)
         + sk_search_word_score(tsv, terms->8) + sk_search_word_score(tsv, terms->9);

-- =============================================================================================
-- Facets: exact
-- =============================================================================================
-- Facet counts over every matching entry. Shape: {"total": n, "capped": false,
-- "kind": {code: n}, "municipality": {..}, "area": {..}, "theme": {..}, "audience": {..},
-- "accessibility": {facet: n, "wheelchair:limited": n}}; "capped" is always false now (kept so
-- that the shape does not change). An entry for a whole municipality counts in each of the
-- municipality's non-retired areas; an entry counts once in each ancestor of its themes (itself
-- included); accessibility counts facets whose value is "yes", and "wheelchair:limited" for
-- wheelchair yes or limited.
CREATE OR REPLACE FUNCTION sk_search_facets(p_where text) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_rows sk_facet_row[];
BEGIN
    EXECUTE format('SELECT array_agg(ROW(e.id, e.kind, e.municipality, e.areas, e.themes, e.audiences, e.accessibility,'
                   ' e.also_serves)::sk_facet_row)'
                   ' FROM sk_search_rows e WHERE %s', p_where)
       INTO v_rows;
    RETURN (
        WITH m AS MATERIALIZED (SELECT * FROM unnest(coalesce(v_rows, '{}'))),
        subs AS (SELECT a.municipality, array_agg(a.code) AS codes FROM areas a
                  WHERE a.kind <> 'municipality' AND a.retired_at IS NULL GROUP BY a.municipality),
        anc AS MATERIALIZED (WITH RECURSIVE t(code, anc) AS (
                    SELECT th.code, th.code FROM themes th
                    UNION SELECT t.code, th.parent FROM t JOIN themes th ON th.code = t.anc WHERE th.parent IS NOT NULL)
                SELECT t.code, t.anc FROM t)
        SELECT jsonb_build_object(
            'total', (SELECT count(*) FROM m),
            'capped', false,
            'kind', (SELECT coalesce(jsonb_object_agg(x.kind, x.n), '{}') FROM (SELECT m.kind, count(*) n FROM m GROUP BY 1) x),
            -- a regional entry counts in each municipality it serves, and in each of their areas
            'municipality', (SELECT coalesce(jsonb_object_agg(x.municipality, x.n), '{}')
                               FROM (SELECT u.municipality, count(*) n
                                       FROM m, unnest(m.municipality || m.also_serves) u(municipality) GROUP BY 1) x),
            'area', (SELECT coalesce(jsonb_object_agg(x.code, x.n), '{}') FROM (
                        SELECT a.code, sum(g.n)::bigint n
                          FROM (SELECT m.municipality, m.areas, m.also_serves, count(*) n FROM m GROUP BY 1, 2, 3) g,
                               LATERAL (SELECT unnest(CASE WHEN g.areas = '{}' THEN s.codes ELSE sk_area_family(g.areas) END)
                                          FROM (SELECT 1) one LEFT JOIN subs s
                                            ON g.areas = '{}' AND s.municipality = g.municipality
                                        UNION ALL
                                        SELECT unnest(s2.codes) FROM subs s2
                                         WHERE s2.municipality = ANY (g.also_serves)) a(code)
                         -- current areas only (a retired one cannot be chosen)
                         WHERE NOT EXISTS (SELECT 1 FROM areas r WHERE r.code = a.code AND r.retired_at IS NOT NULL)
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

-- =============================================================================================
-- The search: relevance by sk_search_score, exact totals
-- =============================================================================================
-- Sort 'relevance' and each item's "score" are sk_search_score (an integer,
-- see the top; the cursor stays keyset on (score, id), so a cursor given out before this
-- migration is refused as not this search's); total is always exact and total_capped false.
-- GET /api/v1/search and the filtered kind lists. p_params: see sk_search_where, plus sort,
-- limit, cursor and facets (default true). Residents see published entries only, whoever asks.
CREATE OR REPLACE FUNCTION api_search(p_params jsonb, p_lang text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE
    SET jit = off                             -- compiling a search costs more than running it
    SET max_parallel_workers_per_gather = 0   -- many small searches at once: no parallel workers
    AS $$
DECLARE
    p jsonb := coalesce(p_params, '{}');
    v_errs jsonb;
    v_where text;
    v_terms jsonb;
    v_tsq tsquery;
    v_score text;     -- the relevance expression (with q)
    v_sort text;
    v_key text;       -- sort value expression
    v_desc boolean;
    v_cur jsonb;
    v_limit int := greatest(1, least(coalesce((p->>'limit')::int, sk_contract_limit('search_default')), sk_contract_limit('search_max')));
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
    v_dcut float8;            -- distance sort: the distance of the page's last row
    v_curcond text;           -- the keyset condition of the cursor
    v_ids uuid[] := '{}';     -- the page, in order
    v_dists float8[] := '{}';
    v_scores int[] := '{}';
    v_window boolean := p_params ?| ARRAY['from', 'to'];
    v_next_from timestamptz;
    v_facets jsonb;
    v_total int;
    v_total_all bigint;
    v_capped boolean := false;
    v_last_key text;
    v_last_id uuid;
    v_body jsonb;
BEGIN
    v_errs := sk_search_code_errors(p);
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_problem(400, 'invalid-input',
                          (v_errs->0->>'field') || ' ' || (v_errs->0->>'message'), v_errs);
    END IF;
    SELECT * INTO v_win FROM sk_search_window(p);
    IF v_win.w_to <= v_win.w_from THEN
        RETURN sk_bad_field('to', 'must be after from (from is now when not given)');
    END IF;
    IF p ? 'q' THEN
        v_terms := sk_search_terms(p->>'q');
        v_tsq := sk_search_terms_tsquery(v_terms);
        IF v_tsq IS NOT NULL THEN
            v_score := format('sk_search_score(e.sk_tsv, %L::jsonb)', v_terms);
        END IF;
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
        v_key := v_score;
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
                    coalesce(v_score, 'NULL::int'),
                    CASE WHEN v_sort IN ('relevance', 'date') AND v_cur IS NULL THEN 'count(*) OVER ()' ELSE 'NULL::bigint' END,
                    v_where, CASE WHEN v_curcond IS NOT NULL THEN ' AND ' || v_curcond ELSE '' END,
                    v_key, CASE WHEN v_desc THEN 'DESC' ELSE 'ASC' END, v_limit + 1);
    v_next_from := greatest(v_win.w_from, now());
    IF v_sort = 'distance' THEN
        -- Nearest first from the GiST index (KNN) instead of fetching every entry in the radius and
        -- sorting them, in two steps that stay exact however many entries share one spot: the
        -- index walk gives the distance of the page's last row (limit + 1 nearest), then every
        -- row up to that distance (an index range: ST_DWithin a metre wider, against rounding; sk_geo
        -- is planar, so it measures as <-> does) is sorted by distance and id. The planner underestimates the
        -- rows ST_DWithin keeps, so sorting and bitmap scans are switched off for the first step.
        v_bitmap := current_setting('enable_bitmapscan');
        v_sortset := current_setting('enable_sort');
        PERFORM set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true);
        EXECUTE format('SELECT max(x.d) FROM (SELECT (e.sk_geo <-> %1$s) AS d FROM sk_search_rows e WHERE %2$s%3$s'
                       ' ORDER BY e.sk_geo <-> %1$s LIMIT %4$s) x',
                       v_point, v_where, CASE WHEN v_curcond IS NOT NULL THEN ' AND ' || v_curcond ELSE '' END,
                       v_limit + 1)
           INTO v_dcut;
        PERFORM set_config('enable_sort', v_sortset, true);
        v_sql := format('SELECT e.id, (e.sk_geo <-> %1$s)::text AS k, (e.sk_geo <-> %1$s) AS dist, %5$s AS score,'
                        ' NULL::bigint AS total_all FROM sk_search_rows e WHERE %2$s%3$s'
                        ' AND ST_DWithin(e.sk_geo, %1$s, %6$s) AND (e.sk_geo <-> %1$s) <= %7$s'
                        ' ORDER BY 3, e.id LIMIT %4$s',
                        v_point, v_where, CASE WHEN v_curcond IS NOT NULL THEN ' AND ' || v_curcond ELSE '' END,
                        v_limit + 1, coalesce(v_score, 'NULL::int'),
                        coalesce(v_dcut + 1, 0), coalesce(v_dcut, -1));
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
               sk_entry_render(x, v_lang, NOT sk_sees_private(x, p_role, p_org, p_scope))
               || CASE WHEN v_point IS NOT NULL THEN jsonb_build_object('distance_m', round(d.dist::numeric, 1)) ELSE '{}' END
               || CASE WHEN v_tsq IS NOT NULL THEN jsonb_build_object('score', d.score) ELSE '{}' END
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
        v_facets := v_facets - 'total' - 'capped';
    ELSIF n <= v_limit AND NOT p ? 'cursor' THEN
        v_total := n;                 -- everything fits on this first page
    ELSIF v_total_all IS NOT NULL THEN
        v_total := v_total_all;       -- counted by the page query
    ELSE
        EXECUTE format('SELECT count(*) FROM sk_search_rows e WHERE %s', v_where) INTO v_total;
    END IF;
    v_body := jsonb_build_object('items', items, 'sort', v_sort, 'total', v_total, 'total_capped', v_capped,
                                 'next_cursor', CASE WHEN n > v_limit THEN sk_search_cursor(v_sort, v_hash, v_last_key, v_last_id) END);
    IF v_facets IS NOT NULL THEN
        v_body := v_body || jsonb_build_object('facets', v_facets);
    END IF;
    RETURN sk_reply(200, v_body);
END;
$$;

-- Replace an entry's documents by its current rendering.
CREATE OR REPLACE FUNCTION sk_docs_refresh(e entries) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sk_docs WHERE entry_id = e.id;
    IF e.status = 'published' THEN
        INSERT INTO sk_docs (entry_id, lang, doc)
        SELECT e.id, l.lang, sk_entry_render(e, l.lang, true)::text
          FROM (SELECT 'nl'::text AS lang
                UNION ALL
                SELECT t.key FROM jsonb_each(CASE WHEN jsonb_typeof(e.translations) = 'object' THEN e.translations
                                                  ELSE '{}' END) t
                 WHERE t.key <> 'nl' AND jsonb_typeof(t.value) = 'object' AND t.value <> '{}'::jsonb) l;
    END IF;
END;
$$;

CREATE OR REPLACE FUNCTION sk_docs_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sk_docs_refresh(NEW);
    RETURN NULL;
END;
$$;

-- =============================================================================================
-- The change stream
-- =============================================================================================
-- Every write to feed_items (an entry became public, changed while public, or stopped being
-- public, or something it shows changed) wakes the daemon's follower: NOTIFY sk_changes, empty
-- payload (notices of one transaction with the same payload are delivered once, at commit). The
-- follower also polls, so a lost notice only delays.
CREATE OR REPLACE FUNCTION sk_changes_notify_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sk_changes', '');
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION sk_index_catalog_bump_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sk_index_catalog SET version = version + 1;
    PERFORM pg_notify('sk_changes', '');
    RETURN NULL;
END;
$$;

-- =============================================================================================
-- Entries: checks the database makes
-- =============================================================================================
-- Every vocabulary term in one place, for code checks.
CREATE OR REPLACE VIEW sk_vocab_terms AS
    SELECT 'themes'::text AS vocab, code, retired_at, NULL::text AS municipality FROM themes
    UNION ALL SELECT 'audiences', code, retired_at, NULL FROM audiences
    UNION ALL SELECT 'accessibility-features', code, retired_at, NULL FROM accessibility_features
    UNION ALL SELECT 'support-kinds', code, retired_at, NULL FROM support_kinds
    UNION ALL SELECT 'place-types', code, retired_at, NULL FROM place_types
    UNION ALL SELECT 'exception-sets', code, retired_at, municipality FROM exception_sets;

-- =============================================================================================
-- The loader's view
-- =============================================================================================
-- One row per entry residents can see now (sk_entry_public: published and not past sk_until).
--   access      each accessibility facet with a JSON string value as 'facet=value', sorted
--               bytewise (COLLATE "C")
--   free        the search's free filter: cost.free true or accessibility free_of_charge "yes"
--   discount    the discount_pass filter: cost.discount_pass true or accessibility discount_pass "yes"
--               (both as the filter decides: false, never NULL, when cost is unknown)
--   tsv         sk_tsv::text ('' when NULL): 'lexeme':1A,5 ... (weight letter after a position, none = D)
--   x, y        sk_geo in Rijksdriehoek metres (EPSG:28992); NULL when none
--   open        sk_open (minutes of the week, Monday 00:00 = 0) as [lower, upper) pairs, flat, in
--               order; NULL when the entry has no opening hours (places only)
--   until_us    sk_until, created_us, updated_us: microseconds since 1970-01-01 00:00 UTC (NULL = never)
--   occ         activities only (else NULL): per row of sk_occurrences, by starts_at, four values:
--               starts_at and ends_at in microseconds since the Unix epoch, then the local
--               (Europe/Amsterdam) wall-clock start (local_start) and end (ends_at AT TIME ZONE
--               'Europe/Amsterdam') as microseconds since 1970-01-01 00:00 read as wall-clock time
--               (so day of week and time of day follow by plain arithmetic, in UTC)
--   modified    feed_items.modified of the entry (the transaction that last changed what it shows)
-- The search prints local times with sk_local(t) = to_char(t, 'YYYY-MM-DD"T"HH24:MI'): four-digit
-- year, month, day, 'T', 24-hour hour and minute, all zero-padded; seconds and fractions are
-- dropped (truncated, never rounded); no offset. next_occurrence/occurrences are
-- {"start": sk_local(local start), "end": sk_local(local end)} from values 3 and 4 of occ.
CREATE OR REPLACE VIEW sk_index_rows AS
SELECT e.id,
       e.kind,
       e.municipality,
       e.areas,
       e.themes,
       e.audiences,
       e.organisation_id,
       ARRAY(SELECT j.key || '=' || (j.value #>> '{}') FROM jsonb_each(e.accessibility) j
              WHERE jsonb_typeof(j.value) = 'string'
              ORDER BY (j.key || '=' || (j.value #>> '{}')) COLLATE "C") AS access,
       coalesce(e.cost @> '{"free": true}' OR e.accessibility @> '{"free_of_charge": "yes"}', false) AS free,
       coalesce(e.cost @> '{"discount_pass": true}' OR e.accessibility @> '{"discount_pass": "yes"}', false) AS discount,
       e.languages,
       coalesce(e.sk_tsv::text, '') AS tsv,
       ST_X(e.sk_geo)::float8 AS x,
       ST_Y(e.sk_geo)::float8 AS y,
       CASE WHEN e.sk_open IS NOT NULL THEN
           ARRAY(SELECT b.v FROM unnest(e.sk_open) WITH ORDINALITY r(rg, i),
                                 LATERAL (VALUES (1, lower(r.rg)), (2, upper(r.rg))) b(j, v)
                  ORDER BY r.i, b.j) END AS open,
       (extract(epoch FROM e.sk_until) * 1000000)::bigint AS until_us,
       (extract(epoch FROM e.created_at) * 1000000)::bigint AS created_us,
       (extract(epoch FROM e.updated_at) * 1000000)::bigint AS updated_us,
       CASE WHEN e.kind = 'activity' THEN
           ARRAY(SELECT v.v FROM sk_occurrences o,
                        LATERAL (VALUES (1, (extract(epoch FROM o.starts_at) * 1000000)::bigint),
                                        (2, (extract(epoch FROM o.ends_at) * 1000000)::bigint),
                                        (3, (extract(epoch FROM o.local_start) * 1000000)::bigint),
                                        (4, (extract(epoch FROM o.ends_at AT TIME ZONE 'Europe/Amsterdam') * 1000000)::bigint)) v(j, v)
                  WHERE o.entry_id = e.id
                  ORDER BY o.starts_at, v.j) END AS occ,
       f.modified,
       e.campaigns,
       e.place_type,
       e.drop_in,
       coalesce(e.referral_required, false) AS referral_required,
       coalesce(e.indication_required, false) AS indication_required,
       e.channels,
       e.also_serves
  FROM entries e
  LEFT JOIN feed_items f ON f.id = e.id
 WHERE sk_entry_public(e);

CREATE OR REPLACE TRIGGER entries_search_fill BEFORE INSERT OR UPDATE ON entries
    FOR EACH ROW EXECUTE FUNCTION sk_entry_search_fill();

CREATE OR REPLACE TRIGGER entries_place_follow AFTER UPDATE ON entries
    FOR EACH ROW WHEN (NEW.kind = 'place' AND (OLD.location IS DISTINCT FROM NEW.location OR OLD.title IS DISTINCT FROM NEW.title))
    EXECUTE FUNCTION sk_place_follow_trg();

CREATE OR REPLACE TRIGGER organisations_search_follow AFTER UPDATE ON organisations
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION sk_org_follow_trg();

CREATE OR REPLACE TRIGGER entries_search_rows AFTER INSERT OR UPDATE ON entries
    FOR EACH ROW EXECUTE FUNCTION sk_search_rows_trg();

CREATE OR REPLACE TRIGGER entries_sk_docs_ins AFTER INSERT ON entries
    FOR EACH ROW EXECUTE FUNCTION sk_docs_trg();

CREATE OR REPLACE TRIGGER entries_sk_docs_upd AFTER UPDATE ON entries
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sk_docs_trg();

CREATE OR REPLACE TRIGGER feed_items_notify AFTER INSERT OR UPDATE OR DELETE ON feed_items
    FOR EACH STATEMENT EXECUTE FUNCTION sk_changes_notify_trg();

CREATE OR REPLACE TRIGGER areas_index_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas
    FOR EACH STATEMENT EXECUTE FUNCTION sk_index_catalog_bump_trg();

CREATE OR REPLACE TRIGGER themes_index_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON themes
    FOR EACH STATEMENT EXECUTE FUNCTION sk_index_catalog_bump_trg();

CREATE OR REPLACE TRIGGER audiences_index_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON audiences
    FOR EACH STATEMENT EXECUTE FUNCTION sk_index_catalog_bump_trg();

CREATE OR REPLACE TRIGGER accessibility_features_index_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accessibility_features
    FOR EACH STATEMENT EXECUTE FUNCTION sk_index_catalog_bump_trg();

CREATE OR REPLACE TRIGGER place_types_index_catalog AFTER INSERT OR DELETE OR TRUNCATE ON place_types
    FOR EACH STATEMENT EXECUTE FUNCTION sk_index_catalog_bump_trg();

CREATE OR REPLACE TRIGGER sk_occ_state_index_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sk_occ_state
    FOR EACH STATEMENT EXECUTE FUNCTION sk_index_catalog_bump_trg();

CREATE OR REPLACE TRIGGER sk_words_notify AFTER INSERT ON sk_words
    FOR EACH STATEMENT EXECUTE FUNCTION sk_changes_notify_trg();
