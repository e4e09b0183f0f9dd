-- sql/api/demand.sql — what residents ask for beside what is offered (issue 16, item 4): the sums
-- the daemon writes (sk_demand_record), "Ik mis iets in mijn wijk" (wishes), and the published
-- view of asked-for next to offered per wijk × theme as JSON, CSV and an SVG heat map.
--
-- Published counts below moderation_settings.demand_min_count are left out (null, "minder dan N")
-- for everyone but the municipality's own moderators and admins. Nothing here knows who asked.
--
-- One current definition of each function; `socialekaart migrate` applies this file whenever the
-- release's SQL code changes. Edit in place. Licensed under the EUPL

-- =============================================================================================
-- The daemon's sums
-- =============================================================================================
-- p: {"searches": [[day, municipality, area, theme, kind, searches, found_nothing], ...],
--     "words": [[day, municipality, words, searches], ...],
--     "entries": [[day, entry_id, "view" | "calendar", n], ...]} from server/tally.c.
-- A municipality that does not exist is dropped; an area, theme or kind code that does not exist
-- is kept as '?' (one row, whatever the caller typed: a search cannot grow the table).
-- '*' stands for "more than four" (common/demand.h). Returns what it wrote, for the log.
CREATE OR REPLACE FUNCTION sk_demand_record(p jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_s int;
    v_w int;
    v_e int;
BEGIN
    INSERT INTO demand_searches AS d (day, municipality, area, theme, kind, searches, found_nothing)
    SELECT x.day, x.m, x.area, x.theme, x.kind, sum(x.n), sum(x.e)
      FROM (SELECT (r->>0)::date AS day, r->>1 AS m,
                   CASE WHEN r->>2 IN ('', '*') OR EXISTS (SELECT 1 FROM areas a WHERE a.code = r->>2 AND a.municipality = r->>1)
                        THEN r->>2 ELSE '?' END AS area,
                   CASE WHEN r->>3 IN ('', '*') OR EXISTS (SELECT 1 FROM themes t WHERE t.code = r->>3)
                        THEN r->>3 ELSE '?' END AS theme,
                   CASE WHEN r->>4 IN ('', '*', 'place', 'activity', 'vacancy', 'carer_support', 'service') THEN r->>4 ELSE '?' END AS kind,
                   (r->>5)::bigint AS n, least((r->>6)::bigint, (r->>5)::bigint) AS e
              FROM jsonb_array_elements(coalesce(p->'searches', '[]')) r
             WHERE EXISTS (SELECT 1 FROM areas m WHERE m.code = r->>1 AND m.kind = 'municipality')
               AND (r->>5)::bigint > 0) x
     GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (municipality, day, area, theme, kind)
       DO UPDATE SET searches = d.searches + EXCLUDED.searches, found_nothing = d.found_nothing + EXCLUDED.found_nothing;
    GET DIAGNOSTICS v_s = ROW_COUNT;

    INSERT INTO demand_words AS d (day, municipality, words, searches)
    SELECT (r->>0)::date, r->>1, left(r->>2, 80), sum((r->>3)::bigint)
      FROM jsonb_array_elements(coalesce(p->'words', '[]')) r
     WHERE EXISTS (SELECT 1 FROM areas m WHERE m.code = r->>1 AND m.kind = 'municipality')
       AND r->>2 <> '' AND (r->>3)::bigint > 0
     GROUP BY 1, 2, 3
    ON CONFLICT (municipality, day, words) DO UPDATE SET searches = d.searches + EXCLUDED.searches;
    GET DIAGNOSTICS v_w = ROW_COUNT;

    INSERT INTO demand_entry_views AS d (day, entry_id, measure, n)
    SELECT (r->>0)::date, e.id, r->>2, sum((r->>3)::bigint)
      FROM jsonb_array_elements(coalesce(p->'entries', '[]')) r
      JOIN entries e ON e.id = CASE WHEN sk_is_uuid(r->>1) THEN (r->>1)::uuid END
     WHERE r->>2 IN ('view', 'calendar') AND (r->>3)::bigint > 0
     GROUP BY 1, 2, 3
    ON CONFLICT (entry_id, day, measure) DO UPDATE SET n = d.n + EXCLUDED.n;
    GET DIAGNOSTICS v_e = ROW_COUNT;
    RETURN format('%s search cells, %s word rows, %s entry rows', v_s, v_w, v_e);
END;
$$;

CREATE OR REPLACE FUNCTION api_demand_record(p jsonb) RETURNS text LANGUAGE sql
    RETURN sk_demand_record(p);

-- =============================================================================================
-- "Ik mis iets in mijn wijk"
-- =============================================================================================
-- Where a resident's message is about (a wish, an initiative): the municipality exists and the
-- area (NULL: the whole municipality) is one of its current wijken or kernen. The errors, or [].
CREATE OR REPLACE FUNCTION sk_resident_place_errors(p_m text, p_area text) RETURNS jsonb LANGUAGE sql STABLE
    RETURN CASE WHEN p_m IS NOT NULL AND NOT EXISTS (SELECT 1 FROM areas WHERE code = p_m AND kind = 'municipality')
                THEN jsonb_build_array(sk_err('municipality', 'is not a known municipality (see GET /api/v1/areas)'))
                ELSE '[]'::jsonb END
           || CASE WHEN p_area IS NOT NULL AND NOT EXISTS (SELECT 1 FROM areas WHERE code = p_area AND municipality = p_m
                                                                               AND retired_at IS NULL)
                   THEN jsonb_build_array(sk_err('area', 'is not a wijk or kern of this municipality'))
                   ELSE '[]'::jsonb END;
-- p_body: {municipality, area?, theme?, text} — formats checked in C (VALIDATE_BODY_WISH), whose
-- errors arrive in p_errors; here what only the database knows: the codes exist, the area lies
-- in the municipality, and the municipality's wishes of today stay under wishes_per_day.
CREATE OR REPLACE FUNCTION sk_wish_create(p_body jsonb, p_errors jsonb) RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    s moderation_settings;
    v_errs jsonb := coalesce(p_errors, '[]');
    v_m text := p_body->>'municipality';
    v_area text := nullif(p_body->>'area', '');
    v_theme text := nullif(p_body->>'theme', '');
    v_id uuid;
BEGIN
    IF (sk_not_object(p_body)).status IS NOT NULL THEN
        RETURN sk_not_object(p_body);
    END IF;
    v_errs := v_errs || sk_resident_place_errors(v_m, v_area);
    IF v_theme IS NOT NULL AND NOT EXISTS (SELECT 1 FROM themes WHERE code = v_theme AND retired_at IS NULL) THEN
        v_errs := v_errs || sk_err('theme', 'is not a known theme (see GET /api/v1/themes)');
    END IF;
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    SELECT * INTO s FROM moderation_settings;
    PERFORM pg_advisory_xact_lock(hashtext('demand_wishes:' || v_m));
    IF (SELECT count(*) FROM demand_wishes w
         WHERE w.municipality = v_m AND w.created_on = (now() AT TIME ZONE 'Europe/Amsterdam')::date) >= s.wishes_per_day THEN
        RETURN sk_problem(429, NULL, format('This municipality has received %s messages today; try again tomorrow.',
                                            s.wishes_per_day));
    END IF;
    INSERT INTO demand_wishes (municipality, area, theme, body, delete_after)
    VALUES (v_m, v_area, v_theme, btrim(p_body->>'text', E' \t\n\r\u00a0'),
            (now() AT TIME ZONE 'Europe/Amsterdam')::date + s.wish_days)
    RETURNING id INTO v_id;
    RETURN sk_reply(201, jsonb_build_object('id', v_id, 'municipality', v_m, 'area', v_area, 'theme', v_theme,
                                            'delete_after', (SELECT w.delete_after FROM demand_wishes w WHERE w.id = v_id)));
END;
$$;

CREATE OR REPLACE FUNCTION api_wish_create(p_body jsonb, p_errors jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_wish_create(p_body, p_errors) r
$$;

-- The wishes of one municipality, newest first: its moderators and admins only.
CREATE OR REPLACE FUNCTION sk_wishes_list(p_m text, p_limit int, p_role text, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF p_m IS NULL THEN
        RETURN sk_bad_field('municipality', 'is required: a municipality code such as GM0512');
    END IF;
    IF NOT sk_in_scope(p_role, p_scope, p_m) THEN
        RETURN sk_out_of_scope(p_scope, p_m);
    END IF;
    RETURN sk_reply(200, jsonb_build_object('items', coalesce((
        SELECT jsonb_agg(jsonb_build_object('id', w.id, 'municipality', w.municipality, 'area', w.area,
                                            'area_name', a.name, 'theme', w.theme, 'theme_label', t.label_nl,
                                            'text', w.body, 'created_on', w.created_on,
                                            'delete_after', w.delete_after) ORDER BY w.created_on DESC, w.id)
          FROM (SELECT * FROM demand_wishes x WHERE x.municipality = p_m
                 ORDER BY x.created_on DESC, x.id LIMIT p_limit) w
          LEFT JOIN areas a ON a.code = w.area
          LEFT JOIN themes t ON t.code = w.theme), '[]')));
END;
$$;

CREATE OR REPLACE FUNCTION api_wishes_list(p_municipality text, p_limit int, p_role text, p_org uuid, p_key uuid,
                                           p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_wishes_list(p_municipality, p_limit, p_role, p_scope) r
$$;

-- Housekeeping: erase wishes past delete_after and word counts older than two years.
CREATE OR REPLACE FUNCTION sk_demand_housekeeping() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_w int;
    v_q int;
BEGIN
    DELETE FROM demand_wishes WHERE delete_after < (now() AT TIME ZONE 'Europe/Amsterdam')::date;
    GET DIAGNOSTICS v_w = ROW_COUNT;
    DELETE FROM demand_words WHERE day < (now() AT TIME ZONE 'Europe/Amsterdam')::date - 730;
    GET DIAGNOSTICS v_q = ROW_COUNT;
    RETURN format('erased %s wishes, %s word rows', v_w, v_q);
END;
$$;

CREATE OR REPLACE FUNCTION api_demand_housekeeping() RETURNS text LANGUAGE sql
    RETURN sk_demand_housekeeping();

-- =============================================================================================
-- Asked for next to offered
-- =============================================================================================
-- A count shown to the public: left out (NULL) when above 0 and below the threshold.
CREATE OR REPLACE FUNCTION sk_demand_shown(n numeric, p_min int) RETURNS numeric LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN n > 0 AND n < p_min THEN NULL ELSE n END;

-- The cells of p_m from p_from to p_to (dates, inclusive): every area (the municipality's own
-- code for what names no wijk) × every theme, and theme '' for all themes together (searches
-- without a theme, views of every entry, wishes without a theme). p_top: themes rolled up into
-- their top-level theme (the picture). Exact counts; the callers suppress.
CREATE OR REPLACE FUNCTION sk_demand_cells(p_m text, p_from date, p_to date, p_top boolean)
    RETURNS TABLE(area text, area_name text, area_ord int, theme text, theme_label text, theme_ord int,
                  searches numeric, found_nothing numeric, views numeric, calendar numeric, wishes numeric,
                  offered numeric)
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    WITH ar AS (
        SELECT a.code, a.name, CASE WHEN a.kind = 'municipality' THEN 0 ELSE 1 END AS o
          FROM areas a WHERE a.municipality = p_m AND (a.retired_at IS NULL OR a.kind = 'municipality')
    ), th AS (
        SELECT t.code, t.label_nl, t.position FROM themes t
         WHERE t.retired_at IS NULL AND (NOT p_top OR t.parent IS NULL)
        UNION ALL SELECT '', 'Alle thema''s', -1
    ), up AS (  -- a theme code → the column it counts in
        SELECT t.code, CASE WHEN p_top THEN coalesce(t.parent, t.code) ELSE t.code END AS col FROM themes t
    ), srch AS (
        SELECT CASE WHEN d.area IN ('', '*', '?') THEN p_m ELSE d.area END AS area,
               CASE WHEN d.theme IN ('', '*', '?') THEN '' ELSE coalesce(up.col, '') END AS theme,
               sum(d.searches) AS n, sum(d.found_nothing) AS e
          FROM demand_searches d LEFT JOIN up ON up.code = d.theme
         WHERE d.municipality = p_m AND d.day BETWEEN p_from AND p_to
         GROUP BY 1, 2
    ), ev AS (  -- each entry's views once per area, once per column of its themes, once under ''
        SELECT a.code AS area, c.col AS theme,
               sum(v.n) FILTER (WHERE v.measure = 'view') AS views,
               sum(v.n) FILTER (WHERE v.measure = 'calendar') AS cal
          FROM demand_entry_views v
          JOIN entries e ON e.id = v.entry_id AND e.municipality = p_m
          CROSS JOIN LATERAL unnest(CASE WHEN cardinality(e.areas) = 0 THEN ARRAY[p_m] ELSE e.areas END) AS a(code)
          CROSS JOIN LATERAL (SELECT DISTINCT u.col FROM unnest(e.themes) et(code) JOIN up u ON u.code = et.code
                              UNION SELECT '') c
         WHERE v.day BETWEEN p_from AND p_to
         GROUP BY 1, 2
    ), wi AS (
        SELECT coalesce(w.area, p_m) AS area, c.col AS theme, count(*) AS n
          FROM demand_wishes w
          CROSS JOIN LATERAL (SELECT coalesce((SELECT u.col FROM up u WHERE u.code = w.theme), '') AS col
                              UNION SELECT '') c
         WHERE w.municipality = p_m AND w.created_on BETWEEN p_from AND p_to
         GROUP BY 1, 2
    ), pub AS MATERIALIZED (
        SELECT CASE WHEN cardinality(e.areas) = 0 OR e.municipality <> p_m THEN ARRAY[p_m] ELSE e.areas END AS areas,
               ARRAY(SELECT DISTINCT u.col FROM unnest(e.themes) et(code) JOIN up u ON u.code = et.code)
               || CASE WHEN NOT p_top THEN ARRAY(SELECT t.parent FROM themes t WHERE t.code = ANY (e.themes)
                                                                                   AND t.parent IS NOT NULL)
                       ELSE '{}'::text[] END AS cols
          FROM entries e WHERE (e.municipality = p_m OR (e.also_serves <> '{}' AND e.also_serves @> ARRAY[p_m])) AND e.status = 'published'
    )
    SELECT ar.code, ar.name, ar.o, th.code, th.label_nl, th.position,
           coalesce(s.n, 0), coalesce(s.e, 0), coalesce(ev.views, 0), coalesce(ev.cal, 0), coalesce(wi.n, 0)::numeric,
           (SELECT count(*) FROM pub p WHERE ar.code = ANY (p.areas) AND (th.code = '' OR th.code = ANY (p.cols)))::numeric
      FROM ar CROSS JOIN th
      LEFT JOIN srch s ON s.area = ar.code AND s.theme = th.code
      LEFT JOIN ev ON ev.area = ar.code AND ev.theme = th.code
      LEFT JOIN wi ON wi.area = ar.code AND wi.theme = th.code;
END;
$$;

-- GET /api/v1/stats/demand: p_format 'json', 'csv' or 'svg'. Public; exact for the municipality's
-- moderators and admins. p_from and p_to are checked dates (C: at most 366 days apart).
CREATE OR REPLACE FUNCTION sk_stats_demand(p_m text, p_from date, p_to date, p_format text, p_role text,
                                           p_scope text[]) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_exact boolean := sk_in_scope(p_role, p_scope, p_m);
    v_min int;
    j jsonb;
    v_body text;
BEGIN
    IF p_m IS NULL THEN
        RETURN sk_bad_field('municipality', 'is required: a municipality code such as GM0512');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM areas WHERE code = p_m AND kind = 'municipality') THEN
        RETURN sk_not_found(format('There is no municipality %s (see GET /api/v1/areas).', p_m));
    END IF;
    v_min := CASE WHEN v_exact THEN 1 ELSE (SELECT s.demand_min_count FROM moderation_settings s) END;
    IF p_format = 'svg' THEN
        RETURN ROW(200, NULL, NULL, sk_demand_svg(p_m, p_from, p_to, v_min))::sk_response;
    END IF;
    IF p_format = 'csv' THEN
        SELECT 'area,area_name,theme,theme_label,searches,found_nothing,views,calendar_downloads,wishes,asked,offered'
               || E'\r\n'
               || string_agg(concat_ws(',', sk_csv(c.area), sk_csv(c.area_name), sk_csv(c.theme), sk_csv(c.theme_label),
                                       coalesce(sk_demand_shown(c.searches, v_min)::text, ''),
                                       coalesce(sk_demand_shown(c.found_nothing, v_min)::text, ''),
                                       coalesce(sk_demand_shown(c.views, v_min)::text, ''),
                                       coalesce(sk_demand_shown(c.calendar, v_min)::text, ''),
                                       coalesce(sk_demand_shown(c.wishes, v_min)::text, ''),
                                       coalesce(sk_demand_shown(c.searches + c.wishes, v_min)::text, ''),
                                       c.offered::text), E'\r\n' ORDER BY c.area_ord, c.area, c.theme_ord, c.theme)
               || E'\r\n'
          INTO v_body FROM sk_demand_cells(p_m, p_from, p_to, false) c;
        RETURN ROW(200, NULL, NULL, v_body)::sk_response;
    END IF;
    WITH c AS MATERIALIZED (SELECT * FROM sk_demand_cells(p_m, p_from, p_to, false))
    SELECT jsonb_build_object(
        'municipality', p_m, 'from', p_from, 'to', p_to, 'generated_at', sk_iso(now()),
        'exact', v_exact, 'min_count', v_min,
        'areas', (SELECT jsonb_agg(DISTINCT jsonb_build_object('code', c.area, 'name', c.area_name)) FROM c),
        'cells', (SELECT jsonb_agg(jsonb_build_object(
                             'area', c.area, 'theme', nullif(c.theme, ''),
                             'searches', sk_demand_shown(c.searches, v_min),
                             'found_nothing', sk_demand_shown(c.found_nothing, v_min),
                             'views', sk_demand_shown(c.views, v_min),
                             'calendar_downloads', sk_demand_shown(c.calendar, v_min),
                             'wishes', sk_demand_shown(c.wishes, v_min),
                             'asked', sk_demand_shown(c.searches + c.wishes, v_min),
                             'offered', c.offered) ORDER BY c.area_ord, c.area, c.theme_ord, c.theme) FROM c),
        'words', coalesce((SELECT jsonb_agg(jsonb_build_object('words', w.words, 'searches', w.n) ORDER BY w.n DESC, w.words)
                             FROM (SELECT d.words, sum(d.searches) AS n FROM demand_words d
                                    WHERE d.municipality = p_m AND d.day BETWEEN p_from AND p_to
                                    GROUP BY d.words HAVING sum(d.searches) >= v_min
                                    ORDER BY n DESC, d.words LIMIT 50) w), '[]'))
      INTO j;
    RETURN sk_reply(200, j);
END;
$$;

CREATE OR REPLACE FUNCTION sk_xml(v text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN replace(replace(replace(replace(coalesce(v, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;');

-- The heat map: areas down, top-level themes across; each cell's colour is how much was asked
-- (searches and wishes) against the most asked cell, its text "asked / offered"; a cell asked for
-- with nothing offered has a thick red edge. Counts below p_min read "<N".
CREATE OR REPLACE FUNCTION sk_demand_svg(p_m text, p_from date, p_to date, p_min int) RETURNS text
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_cw int := 112;   -- cell width
    v_ch int := 44;    -- cell height
    v_lw int := 190;   -- label column
    v_top int := 120;  -- title and column heads
    v_cols int;
    v_rows int;
    v_svg text;
    v_w int;
    v_h int;
    v_foot int;
    v_name text := (SELECT name FROM areas WHERE code = p_m);
BEGIN
    WITH c AS (SELECT * FROM sk_demand_cells(p_m, p_from, p_to, true) x WHERE x.theme <> ''),
    cols AS (SELECT DISTINCT theme, theme_label, theme_ord FROM c),
    colno AS (SELECT theme, theme_label, (row_number() OVER (ORDER BY theme_ord, theme) - 1)::int AS i FROM cols),
    rowsq AS (SELECT DISTINCT area, area_name, area_ord FROM c),
    rowno AS (SELECT area, area_name, (row_number() OVER (ORDER BY area_ord, area_name) - 1)::int AS i FROM rowsq),
    cell AS (SELECT r.i AS ri, k.i AS ci, c.searches + c.wishes AS asked, c.offered FROM c
               JOIN rowno r ON r.area = c.area JOIN colno k ON k.theme = c.theme)
    SELECT (SELECT count(*) FROM colno), (SELECT count(*) FROM rowno), string_agg(x.part, E'\n' ORDER BY x.o1, x.o2)
      INTO v_cols, v_rows, v_svg
      FROM (
        SELECT 1 AS o1, k.i AS o2,
               format('<text x="%s" y="%s" class="h" transform="rotate(-30 %s %s)">%s</text>',
                      v_lw + k.i * v_cw + 8, v_top - 10, v_lw + k.i * v_cw + 8, v_top - 10, sk_xml(k.theme_label)) AS part
          FROM colno k
        UNION ALL
        SELECT 2, r.i, format('<text x="%s" y="%s" class="r">%s</text>', v_lw - 10, v_top + r.i * v_ch + v_ch / 2 + 5,
                              sk_xml(CASE WHEN r.area = p_m THEN 'Hele gemeente' ELSE r.area_name END))
          FROM rowno r
        UNION ALL
        SELECT 3, c.ri * 1000 + c.ci,
               format('<g><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" fill="%s" class="%s"/>'
                      || '<text x="%s" y="%s" class="v%s">%s / %s</text></g>',
                      sk_xml(format('gevraagd %s, aanbod %s', coalesce(sk_demand_shown(c.asked, p_min)::text, 'minder dan ' || p_min), c.offered)),
                      v_lw + c.ci * v_cw + 2, v_top + c.ri * v_ch + 2, v_cw - 4, v_ch - 4,
                      CASE WHEN c.asked = 0 THEN '#f4f4f4'
                           ELSE format('hsl(28, 85%%, %s%%)', round(92 - 52 * (c.asked / greatest(max(c.asked) OVER (), 1)))) END,
                      CASE WHEN c.asked >= p_min AND c.offered = 0 THEN 'gap' ELSE 'c' END,
                      v_lw + c.ci * v_cw + v_cw / 2, v_top + c.ri * v_ch + v_ch / 2 + 5,
                      CASE WHEN c.asked > 0 AND c.asked / greatest(max(c.asked) OVER (), 1) > 0.6 THEN ' d' ELSE '' END,
                      coalesce(sk_demand_shown(c.asked, p_min)::text, '&lt;' || p_min), c.offered)
          FROM cell c) x;
    v_w := greatest(v_lw + v_cols * v_cw + 150, 720);
    v_h := v_top + v_rows * v_ch + 96;
    v_foot := v_top + v_rows * v_ch;
    RETURN format('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" '
                  || 'aria-labelledby="t d" font-family="Verdana, Arial, sans-serif">'
                  || '<title id="t">Gevraagd en aanbod in %s</title>'
                  || '<desc id="d">Per wijk en thema: hoe vaak gevraagd (zoekopdrachten en meldingen) / hoeveel aanbod (gepubliceerd), %s tot en met %s.</desc>'
                  || '<style>.h{font-size:13px;fill:#222}.r{font-size:14px;fill:#222;text-anchor:end}'
                  || '.v{font-size:14px;fill:#222;text-anchor:middle}.v.d{fill:#fff}'
                  || '.c{stroke:#fff;stroke-width:2}.gap{stroke:#c00;stroke-width:4}'
                  || '.t{font-size:20px;font-weight:bold;fill:#222}.s{font-size:14px;fill:#222}.l{font-size:13px;fill:#222}</style>'
                  || '<rect width="100%%" height="100%%" fill="#fff"/>'
                  || '<text x="10" y="26" class="t">Gevraagd / aanbod in %s</text>'
                  || '<text x="10" y="46" class="s">%s tot en met %s</text>'
                  || E'\n%s\n'
                  || '<rect x="10" y="%s" width="28" height="18" fill="#f4f4f4" class="c"/><text x="44" y="%s" class="l">niets gevraagd</text>'
                  || '<rect x="170" y="%s" width="28" height="18" fill="hsl(28, 85%%, 40%%)" class="c"/><text x="204" y="%s" class="l">veel gevraagd</text>'
                  || '<rect x="330" y="%s" width="28" height="18" fill="#fff" class="gap"/><text x="364" y="%s" class="l">gevraagd, geen aanbod</text>'
                  || '<text x="10" y="%s" class="l">9 / 1: 9 keer gevraagd (zoekopdrachten en meldingen "Ik mis iets"), 1 keer aanbod.</text>'
                  || '<text x="10" y="%s" class="l">%s</text>'
                  || '</svg>',
                  v_w, v_h, v_w, v_h,
                  sk_xml(v_name), to_char(p_from, 'DD-MM-YYYY'), to_char(p_to, 'DD-MM-YYYY'),
                  sk_xml(v_name), to_char(p_from, 'DD-MM-YYYY'), to_char(p_to, 'DD-MM-YYYY'),
                  coalesce(v_svg, ''),
                  v_foot + 14, v_foot + 28, v_foot + 14, v_foot + 28, v_foot + 14, v_foot + 28,
                  v_foot + 56, v_foot + 78,
                  CASE WHEN p_min > 1 THEN format('Minder dan %s wordt niet getoond: dan staat er &lt;%s.', p_min, p_min)
                       ELSE 'Alle aantallen, ook de kleine (voor de medewerkers van de gemeente).' END);
END;
$$;

CREATE OR REPLACE FUNCTION api_stats_demand(p_municipality text, p_from date, p_to date, p_format text, p_role text,
                                            p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_stats_demand(p_municipality, p_from, p_to, p_format, p_role, p_scope) r
$$;

-- The page /ik-mis-iets (server/h_web.c): the places to choose (each municipality, then its wijken
-- and kernen), the themes, how long a message is kept, and p_state (the form after a refused POST).
CREATE OR REPLACE FUNCTION api_web_wish_page(p_state jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_reply(200, jsonb_build_object(
        'places', (SELECT jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name, 'kind', a.kind,
                                                       'municipality', a.municipality)
                                    ORDER BY m.name, a.kind <> 'municipality', a.name)
                     FROM areas a JOIN areas m ON m.code = a.municipality
                    WHERE a.retired_at IS NULL OR a.kind = 'municipality'),
        'themes', (SELECT jsonb_agg(jsonb_build_object('code', t.code, 'label', t.label_nl)
                                    ORDER BY coalesce(p.position, t.position), coalesce(p.code, t.code), t.parent IS NOT NULL,
                                             t.position, t.code)
                     FROM themes t LEFT JOIN themes p ON p.code = t.parent WHERE t.retired_at IS NULL),
        'wish_days', (SELECT s.wish_days FROM moderation_settings s),
        'form', p_state)) r
$$;
