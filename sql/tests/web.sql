-- web: the resident web pages' data (api_web_search, api_web_entry, sk_web_labels, sk_web_org_names).
BEGIN;
\ir lib/fixture.psql

SELECT status FROM api_entry_create('place',
    jsonb_build_object('title', 'SQL test Webplek', 'municipality', 'GM0512', 'organisation_id', :'org_a',
                       'address', '{"street": "Webweg", "house_number": "1", "postcode": "4201 AA", "city": "Gorinchem"}'::jsonb,
                       'location', '{"lat": 51.83, "lon": 4.97}'::jsonb),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT id AS place FROM entries WHERE title = 'SQL test Webplek' \gset
-- a weekly activity at the place, with an end time, from tomorrow
SELECT status FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test Webactiviteit', 'municipality', 'GM0512', 'organisation_id', :'org_a', 'place_id', :'place',
                       'schedule', jsonb_build_object('start', sk_local((current_date + 1) + time '10:00'),
                                                      'end', sk_local((current_date + 1) + time '11:00'),
                                                      'rrule', 'FREQ=WEEKLY;COUNT=8')),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT id AS act FROM entries WHERE title = 'SQL test Webactiviteit' \gset
-- the same without an end time
SELECT status FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test Webactiviteit zonder eind', 'municipality', 'GM0512', 'organisation_id', :'org_a', 'online', true,
                       'schedule', jsonb_build_object('start', sk_local((current_date + 1) + time '10:00'), 'rrule', 'FREQ=WEEKLY;COUNT=8')),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT id AS act2 FROM entries WHERE title = 'SQL test Webactiviteit zonder eind' \gset
SELECT status FROM api_entry_create('vacancy', '{"title": "SQL test Webvacature in afwachting", "municipality": "GM0512", "skills": []}',
                                    NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT id AS pending FROM entries WHERE title = 'SQL test Webvacature in afwachting' \gset

-- ---- labels --------------------------------------------------------------------------------
SELECT jsonb_typeof(l->'areas') AS areas, jsonb_typeof(l->'themes') AS themes, jsonb_typeof(l->'audiences') AS audiences,
       jsonb_typeof(l->'access') AS access, jsonb_typeof(l->'support_kinds') AS support_kinds,
       (SELECT count(*) FROM jsonb_array_elements(l->'areas') a WHERE a->>'code' = 'GM0512-west' AND a->>'name' = 'West') AS west,
       (SELECT a->>'label' FROM jsonb_array_elements(l->'themes') a WHERE a->>'code' = 'beweging') AS beweging,
       (SELECT a->>'parent' FROM jsonb_array_elements(l->'themes') a WHERE a->>'code' = 'beweging') AS beweging_parent
  FROM sk_web_labels() l;
-- a parent theme comes before its children
SELECT (SELECT min(n) FROM jsonb_array_elements(sk_web_labels()->'themes') WITH ORDINALITY t(a, n) WHERE a->>'code' = 'gezonde-leefstijl')
     < (SELECT min(n) FROM jsonb_array_elements(sk_web_labels()->'themes') WITH ORDINALITY t(a, n) WHERE a->>'code' = 'beweging') AS parent_first;
-- retired areas are left out
UPDATE areas SET retired_at = now() WHERE code = 'GM0512-west';
SELECT count(*) AS retired_west FROM jsonb_array_elements(sk_web_labels()->'areas') a WHERE a->>'code' = 'GM0512-west';
UPDATE areas SET retired_at = NULL WHERE code = 'GM0512-west';
-- organisation names for the items
SELECT sk_web_org_names(jsonb_build_array(jsonb_build_object('organisation_id', :'org_a'), jsonb_build_object('organisation_id', 'nonsense'),
                                          jsonb_build_object('x', 1)))
       = jsonb_build_object(:'org_a', 'SQL test partner A') AS org_names_ok,
       sk_web_org_names(NULL) AS none;

-- ---- search --------------------------------------------------------------------------------
SELECT status, jsonb_array_length(body::jsonb->'items') AS items, body::jsonb ? 'labels' AS has_labels,
       body::jsonb->'organisations' = jsonb_build_object(:'org_a', 'SQL test partner A') AS organisations_ok
  FROM api_web_search(jsonb_build_object('organisation', :'org_a'), 'nl', 'anonymous', NULL, NULL, NULL);
-- errors pass through unchanged
SELECT status, pg_temp.p(body), body::jsonb ? 'labels' AS has_labels
  FROM api_web_search('{"municipality": "GM9999"}', 'nl', 'anonymous', NULL, NULL, NULL);

-- ---- one entry -----------------------------------------------------------------------------
SELECT status, body::jsonb->>'title' AS title, body::jsonb#>>'{organisation,name}' AS organisation,
       body::jsonb ? 'labels' AS has_labels, body::jsonb ? 'place' AS has_place, body::jsonb ? 'next_occurrences' AS has_occurrences
  FROM api_web_entry(:'place', 'nl', 'anonymous', NULL, NULL, NULL);
-- an activity: its place and its next five occurrences
SELECT status, body::jsonb#>>'{place,title}' AS place, body::jsonb#>'{place,location}' AS location,
       jsonb_array_length(body::jsonb->'next_occurrences') AS next_occurrences,
       body::jsonb#>>'{next_occurrences,0,start}' = sk_local((current_date + 1) + time '10:00') AS first_ok,
       body::jsonb#>>'{next_occurrences,0,end}' = sk_local((current_date + 1) + time '11:00') AS end_ok
  FROM api_web_entry(:'act', 'nl', 'anonymous', NULL, NULL, NULL);
-- without an end time the stored occurrences end when they start (length 0): they are listed, "end" = "start"
SELECT count(*) AS stored, count(ends_at) AS with_end, min(ends_at - starts_at) AS length FROM sk_occurrences WHERE entry_id = :'act2';
SELECT jsonb_array_length(body::jsonb->'next_occurrences') AS next_occurrences_without_end,
       body::jsonb#>'{next_occurrences,0}' ? 'end' AS has_end_member
  FROM api_web_entry(:'act2', 'nl', 'anonymous', NULL, NULL, NULL);
-- a place that is not published is not shown with the activity
UPDATE entries SET status = 'hidden' WHERE id = :'place';
SELECT body::jsonb->'place' AS place FROM api_web_entry(:'act', 'nl', 'anonymous', NULL, NULL, NULL);
-- not published, unknown: 404 (the owner sees its own)
SELECT status, pg_temp.p(body) FROM api_web_entry(:'pending', 'nl', 'anonymous', NULL, NULL, NULL);
SELECT status FROM api_web_entry(:'pending', 'nl', 'partner', :'org_a', NULL, NULL) AS owner;
SELECT status, pg_temp.p(body) FROM api_web_entry(:'missing', 'nl', 'anonymous', NULL, NULL, NULL);

ROLLBACK;
