-- feeds: the RPDE feeds (api_feed_page, sk_feed_*), iCalendar (api_activities_ics, api_activity_ics,
-- sk_ics_*), GeoJSON (api_geojson) and HSDS (api_hsds_list, sk_hsds_*).
BEGIN;
\ir lib/fixture.psql
\set base 'https://kaart.example.org'

-- ---- data: a published place and a weekly activity in it (partner A, via a moderator) ---------
SELECT status FROM api_entry_create('place',
    jsonb_build_object('title', 'SQL test Buurtkamer', 'summary', 'Koffie; thee, en koek', 'municipality', 'GM0512',
                       'organisation_id', :'org_a', 'themes', '["ontmoeten"]'::jsonb,
                       'contact', '{"phone": "0183 123456", "email": "info@sqltest.example.org"}'::jsonb,
                       'address', '{"street": "Molenstraat", "house_number": "3", "postcode": "4201 AD", "city": "Gorinchem"}'::jsonb,
                       'location', '{"lat": 51.8306, "lon": 4.9742}'::jsonb),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT id AS place FROM entries WHERE title = 'SQL test Buurtkamer' \gset
SELECT status FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test Breicafé', 'municipality', 'GM0512', 'organisation_id', :'org_a', 'place_id', :'place',
                       'schedule', jsonb_build_object('start', sk_local((current_date + 2) + time '14:00'),
                                                      'end', sk_local((current_date + 2) + time '16:00'),
                                                      'rrule', 'FREQ=WEEKLY;COUNT=4',
                                                      'exdates', jsonb_build_array(current_date + 9))),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT id AS act FROM entries WHERE title = 'SQL test Breicafé' \gset
-- a pending vacancy: never in any feed
SELECT status FROM api_entry_create('vacancy', '{"title": "SQL test Verborgen vacature", "municipality": "GM0512", "skills": []}',
                                    NULL, NULL, 'partner', :'org_a', :'key_a', NULL);

-- ---- RPDE ----------------------------------------------------------------------------------
-- the writes queued feed items for the public entries only, stamped with this transaction
SELECT f.kind, f.state, f.modified = pg_current_xact_id()::text::bigint AS this_tx
  FROM feed_items f JOIN entries e ON e.id = f.id WHERE e.organisation_id = :'org_a' ORDER BY f.kind;
-- rows of a transaction that has not ended are not served yet (they could still commit out of order)
SELECT (SELECT count(*) FROM jsonb_array_elements(body::jsonb->'items') i WHERE (i->>'id')::uuid IN (:'place', :'act')) AS ours
  FROM api_feed_page('place', NULL, NULL, 500, :'base', 'anonymous', NULL, NULL, NULL);
-- final rows (made final here by giving them tiny stamps): an update with data, a deletion without
UPDATE feed_items SET modified = 2 WHERE id = :'place';
INSERT INTO feed_items (id, kind, modified, state, created_xid)
VALUES ('00000000-0000-4000-8000-00000000c0ff', 'place', 1, 'deleted', 1);
SELECT status, i->>'state' AS state, i->>'kind' AS kind, i->>'id' IN ('00000000-0000-4000-8000-00000000c0ff', :'place') AS id_ok,
       i->>'id' = :'place' AS is_place, i->'modified' AS modified, i ? 'data' AS has_data
  FROM api_feed_page('place', 0, '00000000-0000-0000-0000-000000000000', 2, :'base', 'anonymous', NULL, NULL, NULL) p,
       jsonb_array_elements(p.body::jsonb->'items') WITH ORDINALITY AS x(i, n)
 ORDER BY n;
SELECT body::jsonb->>'next' AS next, body::jsonb->>'license' AS license
  FROM api_feed_page('place', 0, '00000000-0000-0000-0000-000000000000', 1, :'base', 'anonymous', NULL, NULL, NULL);
-- the data of the update (OpenActive-style)
SELECT status, d->>'@type' AS type, d->>'name' AS name, d->>'url' = :'base' || '/api/v1/places/' || :'place' AS url_ok, d#>>'{address,postalCode}' AS postal_code
  FROM api_feed_page('place', 1, '00000000-0000-4000-8000-00000000c0ff', 1, :'base', 'anonymous', NULL, NULL, NULL) p,
       LATERAL (SELECT p.body::jsonb#>'{items,0,data}' AS d) x;
SELECT jsonb_typeof(sk_feed_data(:'base', e)) AS activity_data, sk_feed_rpde_kind('activity') AS rpde_kind,
       sk_contract_kind_path('carer_support') AS path
  FROM entries e WHERE id = :'act';
-- the last page points at itself
SELECT body::jsonb->'items' AS items,
       body::jsonb->>'next' = :'base' || '/feeds/' || sk_contract_kind_path('place') || '?afterTimestamp=9223372036854775806&afterId=' || :'missing' AS next_is_self
  FROM api_feed_page('place', 9223372036854775806, :'missing', 10, :'base', 'anonymous', NULL, NULL, NULL);
-- created and deleted in one transaction: no trace; created earlier and deleted now: a deletion
UPDATE entries SET status = 'deleted' WHERE id = :'act';
SELECT count(*) AS act_items FROM feed_items WHERE id = :'act';
UPDATE entries SET status = 'published' WHERE id = :'act';
UPDATE feed_items SET created_xid = 1 WHERE id = :'place';
UPDATE entries SET status = 'deleted' WHERE id = :'place';
SELECT state, modified = pg_current_xact_id()::text::bigint AS this_tx FROM feed_items WHERE id = :'place';
UPDATE entries SET status = 'published' WHERE id = :'place';

-- ---- iCalendar -----------------------------------------------------------------------------
SELECT sk_ics_text(E'a;b,c\\d\ne') AS escaped;
SELECT sk_ics_fold('SUMMARY:short') = E'SUMMARY:short\r\n' AS short_unfolded;
SELECT length(l) <= 77 AS first_line_ok, l LIKE 'DESCRIPTION:%' AS starts, position(E'\r\n ' IN f) > 0 AS continues
  FROM (SELECT sk_ics_fold('DESCRIPTION:' || repeat('ééé abc ', 30)) AS f) x, LATERAL (SELECT split_part(f, E'\r\n', 1) AS l) y;
SELECT bool_and(octet_length(l) <= 75) AS all_lines_fit_75_octets
  FROM (SELECT sk_ics_fold('DESCRIPTION:' || repeat('ééé abc ', 30)) AS f) x, regexp_split_to_table(rtrim(f, E'\r\n'), E'\r\n') l;
SELECT sk_ics_utc('2026-07-01 12:00:00+02') AS utc, sk_ics_local('2026-07-01 14:00') AS local;
-- one activity as a calendar
SELECT status, body LIKE E'BEGIN:VCALENDAR\r\n%' AS begins, body LIKE E'%END:VCALENDAR\r\n' AS ends,
       (SELECT count(*) FROM regexp_matches(body, 'BEGIN:VEVENT', 'g')) AS events,
       body ~ 'RRULE:FREQ=WEEKLY;COUNT=4' AS has_rrule,
       body ~ ('EXDATE;TZID=Europe/Amsterdam:' || to_char(current_date + 9, 'YYYYMMDD') || 'T140000') AS has_exdate,
       body ~ ('DTSTART;TZID=Europe/Amsterdam:' || to_char(current_date + 2, 'YYYYMMDD') || 'T140000') AS has_dtstart,
       body ~ E'SUMMARY:SQL test Breicaf' AS has_summary,
       body ~ ('UID:' || :'act') AS has_uid
  FROM api_activity_ics(:'act', :'base', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_activity_ics(:'missing', :'base', 'anonymous', NULL, NULL, NULL);
SELECT status FROM api_activity_ics(:'place', :'base', 'anonymous', NULL, NULL, NULL) AS not_an_activity;
-- the calendar of a search: our organisation's activities only
SELECT status, (SELECT count(*) FROM regexp_matches(body, 'BEGIN:VEVENT', 'g')) AS events, body ~ 'Breicaf' AS ours
  FROM api_activities_ics(jsonb_build_object('organisation', :'org_a'), :'base', 'anonymous', NULL, NULL, NULL);
SELECT (SELECT count(*) FROM regexp_matches(body, 'BEGIN:VEVENT', 'g')) AS events_in_gm0668
  FROM api_activities_ics(jsonb_build_object('organisation', :'org_a', 'municipality', 'GM0668'), :'base', 'anonymous', NULL, NULL, NULL);

-- ---- GeoJSON -------------------------------------------------------------------------------
SELECT status, body::jsonb->>'type' AS type, jsonb_array_length(body::jsonb->'features') AS features,
       body::jsonb#>'{features,0,geometry}' AS geometry, body::jsonb#>>'{features,0,properties,title}' AS title
  FROM api_geojson('place', jsonb_build_object('organisation', :'org_a'), :'base', 'anonymous', NULL, NULL, NULL);
-- an activity takes the location of its place; a vacancy has none
SELECT jsonb_array_length(body::jsonb->'features') AS activity_features,
       body::jsonb#>'{features,0,geometry,coordinates}' AS coordinates
  FROM api_geojson('activity', jsonb_build_object('organisation', :'org_a'), :'base', 'anonymous', NULL, NULL, NULL);
SELECT jsonb_array_length(body::jsonb->'features') AS vacancy_features
  FROM api_geojson('vacancy', jsonb_build_object('organisation', :'org_a'), :'base', 'anonymous', NULL, NULL, NULL);
-- an activity whose address is area_only has no point on the map
UPDATE entries SET place_id = NULL, address = '{"street": "Geheim", "house_number": "1", "postcode": "4201 AE", "city": "Gorinchem"}',
                   location = 'SRID=4326;POINT(4.97 51.83)', address_visibility = 'area_only' WHERE id = :'act';
SELECT jsonb_array_length(body::jsonb->'features') AS area_only_features
  FROM api_geojson('activity', jsonb_build_object('organisation', :'org_a'), :'base', 'anonymous', NULL, NULL, NULL);

-- ---- HSDS ----------------------------------------------------------------------------------
SELECT status, s->>'name' AS name, s->>'id' = :'act' AS id_is_entry_id, s->>'organization_id' = :'org_a' AS org_ok,
       s#>>'{schedules,0,id}' = sk_hsds_uuid(:'act', 'schedule')::text AS schedule_id_ok
  FROM api_hsds_list('services', jsonb_build_object('organisation', :'org_a'), 1, 50, :'base', 'anonymous', NULL, NULL, NULL) h,
       jsonb_array_elements(h.body::jsonb->'contents') s
 ORDER BY name;
SELECT body::jsonb->'total_items' AS total_items, body::jsonb->'total_pages' AS pages, body::jsonb->'page_number' AS page,
       body::jsonb->'size' AS size, body::jsonb->'first_page' AS first, body::jsonb->'last_page' AS last
  FROM api_hsds_list('locations', jsonb_build_object('organisation', :'org_a'), 1, 1, :'base', 'anonymous', NULL, NULL, NULL);
-- page 0 is page 1; a page after the last is empty
SELECT body::jsonb->'page_number' AS page, jsonb_array_length(body::jsonb->'contents') AS contents
  FROM api_hsds_list('services', jsonb_build_object('organisation', :'org_a'), 0, 1000, :'base', 'anonymous', NULL, NULL, NULL);
SELECT body::jsonb->'empty' AS empty, jsonb_array_length(body::jsonb->'contents') AS contents
  FROM api_hsds_list('services', jsonb_build_object('organisation', :'org_a'), 5, 10, :'base', 'anonymous', NULL, NULL, NULL);
SELECT (SELECT string_agg(c->>'name', ', ' ORDER BY c->>'name') FROM jsonb_array_elements(body::jsonb->'contents') c) AS organizations
  FROM api_hsds_list('organizations', jsonb_build_object('organisation', :'org_a'), 1, 50, :'base', 'anonymous', NULL, NULL, NULL);
SELECT jsonb_array_length(body::jsonb->'contents') AS locations
  FROM api_hsds_list('locations', jsonb_build_object('organisation', :'org_a'), 1, 50, :'base', 'anonymous', NULL, NULL, NULL);
SELECT sk_hsds_uuid(:'place', 'address') = sk_hsds_uuid(:'place', 'address') AS stable,
       sk_hsds_uuid(:'place', 'address') <> sk_hsds_uuid(:'place', 'phone') AS per_part,
       sk_hsds_uuid('a', 'b') = md5('a/b')::uuid AS md5_based;

ROLLBACK;
