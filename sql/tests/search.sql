-- search: api_search (filters, text, near, sorting, paging, facets, visibility), the text helpers
-- (sk_unaccent, sk_words_of, sk_search_terms/tsquery), cursors and the search documents.
BEGIN;
\ir lib/fixture.psql

-- ---- text helpers --------------------------------------------------------------------------
SELECT sk_unaccent('Café Ölmühle à la crème'), sk_unaccent(NULL) IS NULL AS nul;
SELECT sk_words_of('Het Buurthuis: koffie-ochtend & café!');
SELECT sk_search_terms('Koffie  café');
SELECT sk_search_tsquery('koffie') IS NOT NULL AS has_query, sk_search_tsquery('') IS NULL AS empty_is_null;
-- cursors: base64url without padding, read back; garbage is NULL
SELECT sk_search_cursor_read(sk_search_cursor('created', 'abc', '123', :'missing')) = jsonb_build_object('s', 'created', 'h', 'abc', 'k', '123', 'i', :'missing') AS round_trip,
       sk_search_cursor('created', 'abc', '123', :'missing') ~ '^[A-Za-z0-9_-]+$' AS url_safe,
       sk_search_cursor_read('!!not base64!!') IS NULL AS garbage;

-- ---- data: four entries of partner A, published (trusted via a moderator), one pending --------
SELECT status FROM api_entry_create('place',
    jsonb_build_object('title', 'SQL test Zwembadcafé', 'summary', 'Koffie na het zwemmen', 'municipality', 'GM0512',
                       'organisation_id', :'org_a', 'themes', '["beweging"]'::jsonb, 'audiences', '["ouderen"]'::jsonb,
                       'accessibility', '{"wheelchair": "yes"}'::jsonb, 'cost', '{"free": true}'::jsonb,
                       'address', '{"street": "Badweg", "house_number": "1", "postcode": "4201 AA", "city": "Gorinchem"}'::jsonb,
                       'location', '{"lat": 51.8306, "lon": 4.9742}'::jsonb),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status FROM api_entry_create('place',
    jsonb_build_object('title', 'SQL test Dorpshuiskamer', 'summary', 'Ontmoeten in het dorp', 'municipality', 'GM0668',
                       'organisation_id', :'org_a', 'themes', '["ontmoeten"]'::jsonb, 'audiences', '["iedereen"]'::jsonb,
                       'accessibility', '{"wheelchair": "limited"}'::jsonb,
                       'address', '{"street": "Dorpsstraat", "house_number": "9", "postcode": "6621 AA", "city": "Dreumel"}'::jsonb,
                       'location', '{"lat": 51.8480, "lon": 5.4350}'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status FROM api_entry_create('vacancy',
    jsonb_build_object('title', 'SQL test Zwembadvrijwilliger', 'municipality', 'GM0512', 'organisation_id', :'org_a',
                       'themes', '["beweging"]'::jsonb, 'skills', '["zwemmen"]'::jsonb, 'valid_until', current_date + 30),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status FROM api_entry_create('vacancy',
    jsonb_build_object('title', 'SQL test Verlopen vacature', 'municipality', 'GM0512', 'organisation_id', :'org_a',
                       'skills', '[]'::jsonb, 'valid_until', current_date - 1),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->>'status' AS entry_status FROM api_entry_create('place',
    jsonb_build_object('title', 'SQL test Zwembad in afwachting', 'municipality', 'GM0512',
                       'address', '{"street": "Badweg", "house_number": "3", "postcode": "4201 AA", "city": "Gorinchem"}'::jsonb),
    NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
-- distinct creation times (in one transaction now() is the same for all): the default sort is newest first
UPDATE entries e SET created_at = now() - x.age
  FROM (VALUES ('SQL test Zwembadcafé', interval '4 hours'), ('SQL test Dorpshuiskamer', interval '3 hours'),
               ('SQL test Zwembadvrijwilliger', interval '2 hours'), ('SQL test Verlopen vacature', interval '1 hour')) x(t, age)
 WHERE e.title = x.t AND e.organisation_id = :'org_a';
-- the search documents follow the entries
SELECT count(*) AS with_tsv FROM entries WHERE organisation_id = :'org_a' AND sk_tsv IS NOT NULL;

-- a helper: the titles of one search, in the order returned
CREATE FUNCTION pg_temp.titles(p jsonb, r text DEFAULT 'anonymous', o uuid DEFAULT NULL, s text[] DEFAULT NULL)
    RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN (x).status <> 200 THEN (x).status || ' ' || pg_temp.p((x).body)
                ELSE coalesce((SELECT string_agg(replace(i->>'title', 'SQL test ', ''), ' | ' ORDER BY n)
                                 FROM jsonb_array_elements((x).body::jsonb->'items') WITH ORDINALITY AS t(i, n)), '(none)') END
      FROM (SELECT api_search(p || jsonb_build_object('organisation', '00000000-0000-4000-8000-00000000a001'),
                              'nl', r, o, NULL, s) AS x) y
$$;

-- ---- filters -------------------------------------------------------------------------------
-- everything visible to residents: published, not expired (newest first)
SELECT pg_temp.titles('{}'::jsonb);
SELECT pg_temp.titles('{"kinds": ["vacancy"]}'::jsonb) AS vacancies;
SELECT pg_temp.titles('{"municipality": "GM0668"}'::jsonb) AS in_gm0668;
SELECT pg_temp.titles('{"themes": ["beweging"]}'::jsonb) AS theme;
SELECT pg_temp.titles('{"themes": ["gezonde-leefstijl"]}'::jsonb) AS parent_theme;
SELECT pg_temp.titles('{"audiences": ["ouderen"]}'::jsonb) AS audience;
SELECT pg_temp.titles('{"access": [{"facet": "wheelchair", "values": ["yes"]}]}'::jsonb) AS wheelchair_yes;
SELECT pg_temp.titles('{"access": [{"facet": "wheelchair", "values": ["limited", "yes"]}]}'::jsonb) AS wheelchair_some;
SELECT pg_temp.titles('{"free": true}'::jsonb) AS free;
-- text: words, prefixes, accents
SELECT pg_temp.titles('{"q": "zwembad", "sort": "created"}'::jsonb) AS q_zwembad;
SELECT pg_temp.titles('{"q": "zwembadcafe"}'::jsonb) AS q_without_accent;
SELECT pg_temp.titles('{"q": "koffie"}'::jsonb) AS q_in_summary;
SELECT pg_temp.titles('{"q": "xyzzyquux"}'::jsonb) AS q_nothing;
-- near: distance sort; radius in metres
SELECT pg_temp.titles('{"near": {"lat": 51.85, "lon": 5.43}, "sort": "distance", "radius": 50000, "kinds": ["place"]}'::jsonb) AS nearest_dreumel;
SELECT pg_temp.titles('{"near": {"lat": 51.8306, "lon": 4.9742}, "radius": 1000, "kinds": ["place"]}'::jsonb) AS within_1km;
-- unknown codes are 400 with the field
SELECT pg_temp.titles('{"municipality": "GM9999"}'::jsonb) AS bad_municipality;
SELECT pg_temp.titles('{"themes": ["no-such-theme"], "audiences": ["nobody"]}'::jsonb) AS bad_codes;
SELECT pg_temp.titles('{"access": [{"facet": "wheelchair", "values": ["maybe"]}]}'::jsonb) AS bad_access;
SELECT status, pg_temp.p(body) FROM api_search(jsonb_build_object('organisation', :'missing'), 'nl', 'anonymous', NULL, NULL, NULL);

-- ---- visibility: pending entries are not in the search, not even for their owner or a moderator
SELECT pg_temp.titles('{"kinds": ["place"]}'::jsonb, 'partner', :'org_a') AS owner_search;
SELECT pg_temp.titles('{"kinds": ["place"]}'::jsonb, 'moderator', :'org_m', '{GM0512}') AS moderator_search;

-- ---- paging and facets ---------------------------------------------------------------------
SELECT status, jsonb_array_length(body::jsonb->'items') AS items, body::jsonb->>'next_cursor' IS NOT NULL AS has_next,
       body::jsonb->'total' AS total
  FROM api_search(jsonb_build_object('organisation', :'org_a', 'limit', 2), 'nl', 'anonymous', NULL, NULL, NULL);
SELECT (api_search(jsonb_build_object('organisation', :'org_a', 'limit', 2), 'nl', 'anonymous', NULL, NULL, NULL)).body::jsonb->>'next_cursor' AS c1 \gset
SELECT pg_temp.titles(jsonb_build_object('limit', 2, 'cursor', :'c1')) AS page_2;
-- a cursor belongs to its filters and sort
SELECT pg_temp.titles(jsonb_build_object('limit', 2, 'cursor', :'c1', 'kinds', '["place"]'::jsonb)) AS other_filters;
SELECT pg_temp.titles(jsonb_build_object('sort', 'updated', 'limit', 2, 'cursor', :'c1')) AS other_sort;
SELECT pg_temp.titles('{"cursor": "bm9uc2Vuc2U"}'::jsonb) AS garbage_cursor;
-- facets count the matches per code
SELECT body::jsonb#>'{facets,kind}' AS kinds, body::jsonb#>'{facets,municipality}' AS municipalities,
       body::jsonb#>'{facets,theme}' AS themes, body::jsonb->'total' AS total
  FROM api_search(jsonb_build_object('organisation', :'org_a'), 'nl', 'anonymous', NULL, NULL, NULL);
SELECT body::jsonb ? 'facets' AS has_facets
  FROM api_search(jsonb_build_object('organisation', :'org_a', 'facets', false), 'nl', 'anonymous', NULL, NULL, NULL);

-- ---- time: activities by window, day and part of the day ---------------------------------------
SELECT status FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test Ochtendyoga', 'municipality', 'GM0512', 'organisation_id', :'org_a', 'online', true,
                       'schedule', jsonb_build_object('start', sk_local((current_date + 1) + time '09:00'),
                                                      'end', sk_local((current_date + 1) + time '10:00'), 'rrule', 'FREQ=WEEKLY;COUNT=4')),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test Avondkoor', 'municipality', 'GM0512', 'organisation_id', :'org_a', 'online', true,
                       'schedule', jsonb_build_object('start', sk_local((current_date + 10) + time '19:30'))),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test Voorbij', 'municipality', 'GM0512', 'organisation_id', :'org_a', 'online', true,
                       'schedule', jsonb_build_object('start', sk_local((current_date - 2) + time '19:30'),
                                                      'end', sk_local((current_date - 2) + time '21:00'))),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
UPDATE entries SET created_at = now() - interval '30 minutes' WHERE title = 'SQL test Ochtendyoga';
UPDATE entries SET created_at = now() - interval '20 minutes' WHERE title = 'SQL test Avondkoor';
-- an activity that is over is not found
SELECT pg_temp.titles('{"kinds": ["activity"]}'::jsonb) AS activities;
SELECT pg_temp.titles('{"kinds": ["activity"], "time_of_day": "morning"}'::jsonb) AS morning,
       pg_temp.titles('{"kinds": ["activity"], "time_of_day": "evening"}'::jsonb) AS evening,
       pg_temp.titles('{"kinds": ["activity"], "time_of_day": "afternoon"}'::jsonb) AS afternoon;
SELECT pg_temp.titles(jsonb_build_object('kinds', '["activity"]'::jsonb,
                                         'days', jsonb_build_array(extract(isodow FROM current_date + 1)::int))) AS yoga_weekday;
-- a window: sorted by the first occurrence in it
SELECT pg_temp.titles(jsonb_build_object('kinds', '["activity"]'::jsonb, 'from', sk_local((current_date + 8)::timestamp),
                                         'to', sk_local((current_date + 12)::timestamp))) AS days_8_to_12,
       pg_temp.titles(jsonb_build_object('kinds', '["activity"]'::jsonb, 'from', sk_local((current_date + 9)::timestamp),
                                         'to', sk_local((current_date + 12)::timestamp))) AS days_9_to_12,
       pg_temp.titles(jsonb_build_object('kinds', '["activity"]'::jsonb, 'from', sk_local((current_date + 30)::timestamp))) AS after_30_days;
-- time filters narrow activities only: the other kinds stay
SELECT pg_temp.titles('{"time_of_day": "morning"}'::jsonb) AS morning_all_kinds;
SELECT pg_temp.titles(jsonb_build_object('from', sk_local((current_date + 5)::timestamp), 'to', sk_local((current_date + 4)::timestamp))) AS to_before_from;
SELECT sk_search_has_time('{"days": [1]}') AS days_is_time, sk_search_has_time('{"q": "x"}') AS q_is_not,
       sk_search_occ_cond('{}') AS no_condition;

ROLLBACK;
