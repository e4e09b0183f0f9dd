-- entries: create, get, list, update (PUT/PATCH), delete/purge, confirm; validation, roles, scope.
BEGIN;
\ir lib/fixture.psql

-- ---- create --------------------------------------------------------------------------------
-- anonymous: 401; an unknown collection: 404; a body that is not an object: 400
SELECT status, pg_temp.p(body) FROM api_entry_create('place', '{"title": "x"}', NULL, NULL, 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_entry_create('castle', '{"title": "x"}', NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.p(body) FROM api_entry_create('place', '[1]', NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
-- a partner creates only for its own organisation
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_entry_create('place', jsonb_build_object('title', 'x', 'municipality', 'GM0512', 'organisation_id', :'org_b'),
                        NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
-- unknown codes: municipality, areas, themes, audiences, accessibility
SELECT status, pg_temp.f(body)
  FROM api_entry_create('place', '{"title": "x", "municipality": "GM9999", "areas": ["GM0512-west", "GM0512-nergens"],
                                   "themes": ["no-such-theme"], "audiences": ["no-such-audience"],
                                   "accessibility": {"no_such_feature": "yes"}}', NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
-- an area of another municipality
SELECT status, pg_temp.p(body)
  FROM api_entry_create('place', '{"title": "x", "municipality": "GM0512", "areas": ["GM0668-wamel"]}',
                        NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
-- the daemon's own errors come first; ours are added for other fields only
-- (the list of covered municipalities depends on the database: only its start is compared)
SELECT status, pg_temp.f(body), body::jsonb#>>'{errors,0,message}' AS c_message,
       body::jsonb#>>'{errors,1,message}' LIKE 'is not a municipality this sociale kaart covers (%' AS ours
  FROM api_entry_create('place', '{"title": "x", "municipality": "GM9999", "themes": ["no-such-theme"]}',
                        '[{"field": "themes[0]", "message": "C says no"}]', NULL, 'partner', :'org_a', :'key_a', NULL);
-- a constraint the function does not check itself comes back as a field error (second line of defence)
SELECT status, pg_temp.p(body)
  FROM api_entry_create('place', '{"title": "x", "municipality": "GM0512", "address": {"postcode": "0000 XX"}}',
                        NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.p(body)
  FROM api_entry_create('place', '{"title": "x", "municipality": "GM0512", "location": {"lat": 48.85, "lon": 2.35}}',
                        NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
-- a moderator must name the organisation, and it must exist
SELECT status, pg_temp.f(body)
  FROM api_entry_create('place', '{"title": "x", "municipality": "GM0512"}', NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.f(body)
  FROM api_entry_create('place', jsonb_build_object('title', 'x', 'municipality', 'GM0512', 'organisation_id', :'missing'),
                        NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
-- a moderator creates only in its municipalities
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_entry_create('place', jsonb_build_object('title', 'x', 'municipality', 'GM0668', 'organisation_id', :'org_a'),
                        NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');

-- happy path: an untrusted partner's place is pending, a trusted partner's is published
SELECT status, location LIKE '/api/v1/places/%' AS location_ok, etag,
       body::jsonb->>'status' AS entry_status, body::jsonb->>'title' AS title, body::jsonb->'themes' AS themes,
       body::jsonb->>'organisation_id' = :'org_a' AS own_org, body::jsonb->'areas' AS areas,
       body::jsonb->'location' AS location, body::jsonb->>'language' AS language
  FROM api_entry_create('place', '{"title": "SQL test buurthuis", "summary": "Koffie en een praatje.",
                                   "municipality": "GM0512", "areas": ["GM0512-west"], "themes": ["ontmoeten"],
                                   "address": {"street": "Teststraat", "house_number": "1", "postcode": "4201 AA", "city": "Gorinchem"},
                                   "location": {"lat": 51.8335, "lon": 4.959},
                                   "translations": {"en": {"title": "SQL test community centre"}},
                                   "opening_hours": [{"day": "mo", "opens": "09:00", "closes": "17:00"}]}',
                        NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT id AS place_a FROM entries WHERE title = 'SQL test buurthuis' \gset
SELECT status, body::jsonb->>'status' AS entry_status
  FROM api_entry_create('vacancy', '{"title": "SQL test vrijwilliger", "municipality": "GM0512", "skills": ["koken"],
                                     "hours_per_week": 4, "commitment": "ongoing"}', NULL, NULL, 'partner', :'org_t', :'key_t', NULL);
SELECT id AS vacancy_t FROM entries WHERE title = 'SQL test vrijwilliger' \gset
-- a trusted partner is trusted only in its municipalities
SELECT status, body::jsonb->>'status' AS entry_status
  FROM api_entry_create('vacancy', '{"title": "SQL test vrijwilliger Wamel", "municipality": "GM0668", "skills": []}',
                        NULL, NULL, 'partner', :'org_t', :'key_t', NULL);
-- a moderator's entry is published at once
SELECT status, body::jsonb->>'status' AS entry_status, body::jsonb->>'organisation_id' = :'org_b' AS for_org_b
  FROM api_entry_create('place', jsonb_build_object('title', 'SQL test wijkpunt', 'municipality', 'GM0512',
                                                    'organisation_id', :'org_b',
                                                    'address', jsonb_build_object('street', 'Wijkweg', 'house_number', '2',
                                                                                  'postcode', '4201 AB', 'city', 'Gorinchem')),
                        NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT id AS place_b FROM entries WHERE title = 'SQL test wijkpunt' \gset
-- the audit log has the creations
SELECT role, entity, action, organisation_id = :'org_a' AS by_org_a, after->>'title' AS title
  FROM audit_log WHERE entry_id IN (:'place_a', :'place_b') ORDER BY id;

-- ---- idempotency ---------------------------------------------------------------------------
SELECT status, body::jsonb->>'title' AS title
  FROM api_entry_create('vacancy', '{"title": "SQL test idem", "municipality": "GM0512", "skills": []}', NULL, 'idem-1',
                        'partner', :'org_a', :'key_a', NULL);
SELECT (SELECT count(*) FROM entries WHERE title = 'SQL test idem') AS entries_before_retry;
SELECT status, body::jsonb->>'title' AS title, (SELECT count(*) FROM entries WHERE title = 'SQL test idem') AS entries
  FROM api_entry_create('vacancy', '{"title": "SQL test idem", "municipality": "GM0512", "skills": []}', NULL, 'idem-1',
                        'partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.p(body)
  FROM api_entry_create('vacancy', '{"title": "SQL test idem 2", "municipality": "GM0512", "skills": []}', NULL, 'idem-1',
                        'partner', :'org_a', :'key_a', NULL);
-- the same key of another API key is another request
SELECT status FROM api_entry_create('vacancy', '{"title": "SQL test idem", "municipality": "GM0512", "skills": []}', NULL,
                                    'idem-1', 'partner', :'org_b', :'key_b', NULL);
SELECT count(*) AS idem_entries FROM entries WHERE title = 'SQL test idem';
-- a create that fails does not use up its key: the corrected request goes through
SELECT status, pg_temp.p(body)
  FROM api_entry_create('place', '{"title": "SQL test idem fout", "municipality": "GM0512", "address": {"postcode": "0000"}}', NULL,
                        'idem-2', 'partner', :'org_a', :'key_a', NULL);
SELECT count(*) AS idem_2_kept FROM idempotency_keys WHERE key_id = :'key_a' AND key = 'idem-2';
SELECT status, body::jsonb->>'title' AS title
  FROM api_entry_create('place', '{"title": "SQL test idem goed", "municipality": "GM0512", "address": {"postcode": "4201 AA"}}', NULL,
                        'idem-2', 'partner', :'org_a', :'key_a', NULL);
-- the stored response is the one the partner got (with its moderation state)
SELECT k.status, k.body::jsonb->>'status' AS entry_status, k.etag IS NOT NULL AS has_etag, k.body::jsonb ? 'moderation' AS has_moderation
  FROM idempotency_keys k WHERE k.key_id = :'key_a' AND k.key = 'idem-2';

-- ---- get -----------------------------------------------------------------------------------
-- a pending entry: the owner and a moderator in scope see it; others get 404
SELECT who, g.status, g.etag IS NOT NULL AS has_etag, g.body::jsonb->>'title' AS title
  FROM (VALUES ('owner', 'partner', :'org_a'::uuid, NULL::text[]), ('other partner', 'partner', :'org_b', NULL),
               ('anonymous', 'anonymous', NULL, NULL), ('moderator GM0512', 'moderator', :'org_m', '{GM0512}'),
               ('moderator GM0668', 'moderator', :'org_m', '{GM0668}'), ('admin', 'admin', :'org_m', '{*}')) v(who, r, o, s),
       api_entry_get('place', :'place_a', 'nl', r, o, NULL, s) g
 ORDER BY who;
-- the wrong kind is 404; a translation is chosen by language, falling back to nl
SELECT status FROM api_entry_get('activity', :'place_a', 'nl', 'partner', :'org_a', NULL, NULL);
SELECT body::jsonb->>'language' AS language, body::jsonb->>'title' AS title
  FROM api_entry_get('place', :'place_a', 'en', 'partner', :'org_a', NULL, NULL);
SELECT body::jsonb->>'language' AS language, body::jsonb->>'title' AS title
  FROM api_entry_get('place', :'place_a', 'de', 'partner', :'org_a', NULL, NULL);
-- the owner sees the moderation state; a published entry shows no moderation to residents
SELECT body::jsonb ? 'moderation' AS owner_sees_moderation, body::jsonb ? 'pending_revision' AS has_pending_member
  FROM api_entry_get('place', :'place_a', 'nl', 'partner', :'org_a', NULL, NULL);
SELECT status, body::jsonb ? 'moderation' AS anon_sees_moderation, etag = '"1"' AS strong_etag
  FROM api_entry_get('place', :'place_b', 'nl', 'anonymous', NULL, NULL, NULL);

-- ---- list ----------------------------------------------------------------------------------
-- lists run oldest first: a cursor just before this transaction's now() skips every older row
SELECT sk_cursor(now() - interval '1 microsecond', '00000000-0000-0000-0000-000000000000') AS since_now \gset
-- our rows in the list: anonymous sees only published ones
SELECT who,
       (SELECT count(*) FROM jsonb_array_elements(l.body::jsonb->'items') i
         WHERE (i->>'id')::uuid IN (:'place_a', :'place_b')) AS ours
  FROM (VALUES ('anonymous', 'anonymous', NULL::uuid, NULL::text[]), ('owner', 'partner', :'org_a', NULL),
               ('moderator', 'moderator', :'org_m', '{GM0512}')) v(who, r, o, s),
       api_entry_list('place', 100, :'since_now', 'nl', r, o, NULL, s) l
 ORDER BY who;
-- paging: a limit of 1 gives a cursor; a bad cursor is 400
SELECT status, jsonb_array_length(body::jsonb->'items') AS items, body::jsonb->>'next_cursor' IS NOT NULL AS has_next
  FROM api_entry_list('place', 1, :'since_now', 'nl', 'moderator', :'org_m', NULL, '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_entry_list('place', 10, 'not-a-cursor', 'nl', 'anonymous', NULL, NULL, NULL);

-- ---- update --------------------------------------------------------------------------------
-- another partner: 404 for a pending entry, 403 for a published one
SELECT status, pg_temp.p(body) FROM api_entry_update('place', :'place_a', '{"title": "stolen"}', true, NULL, NULL,
                                                      'partner', :'org_b', :'key_b', NULL);
SELECT status, pg_temp.p(body) FROM api_entry_update('place', :'place_b', '{"title": "stolen"}', true, NULL, NULL,
                                                      'partner', :'org_a', :'key_a', NULL);
-- an out-of-scope moderator: 403 (published); moving into a municipality outside the scope: 403
SELECT status, pg_temp.p(body) FROM api_entry_update('place', :'place_b', '{"title": "x"}', true, NULL, NULL,
                                                      'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_entry_update('place', :'place_b', '{"municipality": "GM0668"}', true, NULL, NULL,
                        'moderator', :'org_m', :'key_mod', '{GM0512}');
-- If-Match: a stale version is 412
SELECT status, pg_temp.p(body) FROM api_entry_update('place', :'place_b', '{"title": "x"}', true, 5, NULL,
                                                      'moderator', :'org_m', :'key_mod', '{GM0512}');
-- PATCH by the owner of a pending entry: applied directly, version goes up
SELECT status, etag, body::jsonb->>'title' AS title, body::jsonb->>'summary' AS summary, body::jsonb->'themes' AS themes
  FROM api_entry_update('place', :'place_a', '{"title": "SQL test buurthuis (nieuw)", "summary": null}', true, 1, NULL,
                        'partner', :'org_a', :'key_a', NULL);
-- a partner must send If-Match (428); a moderator need not
SELECT status, pg_temp.p(body) FROM api_entry_update('place', :'place_a', '{"title": "x"}', true, NULL, NULL,
                                                      'partner', :'org_a', :'key_a', NULL);
-- PATCH that breaks a rule of the merged document: a bad theme, a missing title
SELECT status, pg_temp.f(body) FROM api_entry_update('place', :'place_a', '{"themes": ["no-such-theme"]}', true, 2, NULL,
                                                      'partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.f(body) FROM api_entry_update('place', :'place_a', '{"title": null, "address": {"city": null}}', true, 2, NULL,
                                                      'partner', :'org_a', :'key_a', NULL);
-- PUT replaces: absent members are gone
SELECT status, body::jsonb->>'title' AS title, body::jsonb->'themes' AS themes, body::jsonb->'address' AS address
  FROM api_entry_update('place', :'place_b', '{"title": "SQL test wijkpunt", "municipality": "GM0512", "themes": ["beweging"]}',
                        false, NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
-- an untrusted partner's change to its published entry becomes a pending revision
UPDATE entries SET status = 'published' WHERE id = :'place_a';
SELECT status, body::jsonb->>'title' AS title, body::jsonb#>>'{pending_revision,entry,title}' AS proposed_title
  FROM api_entry_update('place', :'place_a', '{"title": "SQL test voorstel"}', true, 2, NULL,
                        'partner', :'org_a', :'key_a', NULL);
SELECT title AS stored_title, version FROM entries WHERE id = :'place_a';
SELECT count(*) AS pending_revisions FROM entry_revisions WHERE entry_id = :'place_a' AND status = 'pending';

-- ---- confirm -------------------------------------------------------------------------------
SELECT status FROM api_entry_confirm('vacancy', :'vacancy_t', 'partner', :'org_b', :'key_b', NULL);
SELECT status, body::jsonb->>'reviewed_at' IS NOT NULL AS reviewed
  FROM api_entry_confirm('vacancy', :'vacancy_t', 'partner', :'org_t', :'key_t', NULL);

-- ---- delete --------------------------------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_entry_delete('vacancy', :'vacancy_t', NULL, false, 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_entry_delete('vacancy', :'vacancy_t', NULL, false, 'partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.p(body) FROM api_entry_delete('vacancy', :'vacancy_t', 9, false, 'partner', :'org_t', :'key_t', NULL);
-- a partner cannot purge
SELECT status, pg_temp.p(body) FROM api_entry_delete('vacancy', :'vacancy_t', NULL, true, 'partner', :'org_t', :'key_t', NULL);
SELECT status, pg_temp.p(body) FROM api_entry_delete('vacancy', :'vacancy_t', NULL, false, 'partner', :'org_t', :'key_t', NULL);
SELECT status, body FROM api_entry_delete('vacancy', :'vacancy_t', (SELECT version FROM entries WHERE id = :'vacancy_t'), false,
                                          'partner', :'org_t', :'key_t', NULL);
SELECT status AS stored_status FROM entries WHERE id = :'vacancy_t';
-- deleted: 404 for everyone, also the owner and an admin; deleting again is 404
SELECT status FROM api_entry_get('vacancy', :'vacancy_t', 'nl', 'partner', :'org_t', NULL, NULL);
SELECT status FROM api_entry_get('vacancy', :'vacancy_t', 'nl', 'admin', :'org_m', NULL, '{*}');
SELECT status FROM api_entry_delete('vacancy', :'vacancy_t', 1, false, 'partner', :'org_t', :'key_t', NULL);
-- a moderator can purge it: the row is gone
SELECT status FROM api_entry_delete('vacancy', :'vacancy_t', NULL, true, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT count(*) AS rows_left FROM entries WHERE id = :'vacancy_t';
SELECT action FROM audit_log WHERE entity_id = :'vacancy_t' ORDER BY id;

-- ---- kinds and rendering -------------------------------------------------------------------
-- carer support: a known support kind, for_whom audiences
SELECT status, pg_temp.p(body) FROM api_entry_create('carer_support',
    '{"title": "SQL test lotgenoten", "municipality": "GM0512", "support_kind": "no-such-kind", "for_whom": ["nobody"]}',
    NULL, NULL, 'partner', :'org_t', :'key_t', NULL);
SELECT status, body::jsonb->>'support_kind' AS support_kind, body::jsonb->'for_whom' AS for_whom, body::jsonb ? 'address' AS has_address
  FROM api_entry_create('carer_support',
    '{"title": "SQL test lotgenoten", "municipality": "GM0512", "support_kind": "peer-contact", "for_whom": ["mantelzorgers"]}',
    NULL, NULL, 'partner', :'org_t', :'key_t', NULL);
-- an activity at an address shown only as its area: residents get neither address nor location
SELECT status, body::jsonb->>'address_visibility' AS visibility, body::jsonb->'address' IS NOT NULL AS owner_sees_address
  FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test huiskamer', 'municipality', 'GM0512', 'address_visibility', 'area_only',
                       'address', '{"street": "Thuis", "house_number": "4", "postcode": "4201 AB", "city": "Gorinchem"}'::jsonb,
                       'location', '{"lat": 51.83, "lon": 4.97}'::jsonb,
                       'schedule', jsonb_build_object('start', sk_local((current_date + 5) + time '20:00'),
                                                      'end', sk_local((current_date + 5) + time '21:00'))),
    NULL, NULL, 'partner', :'org_t', :'key_t', NULL);
SELECT id AS huiskamer FROM entries WHERE title = 'SQL test huiskamer' \gset
SELECT body::jsonb ? 'address' AS anon_address, body::jsonb ? 'location' AS anon_location,
       body::jsonb#>>'{schedule,start}' = sk_local((current_date + 5) + time '20:00') AS start_ok,
       body::jsonb#>'{schedule,rrule}' AS rrule, body::jsonb#>'{schedule,exdates}' AS exdates_without_rrule,
       body::jsonb->>'registration' AS registration, body::jsonb->'online' AS online
  FROM api_entry_get('activity', :'huiskamer', 'nl', 'anonymous', NULL, NULL, NULL);
SELECT body::jsonb#>'{address,street}' AS moderator_street
  FROM api_entry_get('activity', :'huiskamer', 'nl', 'moderator', :'org_m', NULL, '{GM0512}');
-- an activity needs exactly one of place_id, address, online
SELECT status, pg_temp.p(body) FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test nergens', 'municipality', 'GM0512',
                       'schedule', jsonb_build_object('start', sk_local((current_date + 5) + time '20:00'))),
    NULL, NULL, 'partner', :'org_t', :'key_t', NULL);
SELECT status, pg_temp.p(body) FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test bij een onbekende plek', 'municipality', 'GM0512', 'place_id', :'missing',
                       'schedule', jsonb_build_object('start', sk_local((current_date + 5) + time '20:00'))),
    NULL, NULL, 'partner', :'org_t', :'key_t', NULL);
-- a PATCH that ends before it starts
SELECT status, pg_temp.p(body) FROM api_entry_update('activity', :'huiskamer',
    jsonb_build_object('schedule', jsonb_build_object('end', sk_local((current_date + 5) + time '19:00'))), true, 1, NULL,
    'partner', :'org_t', :'key_t', NULL);
-- ---- the rules across members (sk_entry_complete_errors): on create, PUT and PATCH ----------
-- Each rule broken three ways: a create with the base body changed, a PUT of it over the huiskamer,
-- and a PATCH of the huiskamer; each answers 422 naming the field with the rule's message.
CREATE TEMP TABLE cross_cases (n int, rule text, field text, change jsonb, patch jsonb);
INSERT INTO cross_cases
SELECT n, rule, field, change, coalesce(patch, change)
  FROM (VALUES
    (1, 'free with an amount', 'cost.amount_eur', '{"cost": {"free": true, "amount_eur": 5}}'::jsonb, NULL::jsonb),
    (2, 'neither free nor an amount', 'cost', '{"cost": {"free": false, "description": "vraag ernaar"}}', NULL),
    (3, 'no venue', 'place_id', '{"address": null, "location": null}', NULL),
    (4, 'two venues', 'online', '{"online": true}', NULL),
    (5, 'location without address', 'location', '{"address": null, "online": true}', NULL),
    (6, 'end before start', 'schedule.end',
        jsonb_build_object('schedule', jsonb_build_object('start', sk_local((current_date + 5) + time '20:00'),
                                                          'end', sk_local((current_date + 5) + time '19:00'))),
        jsonb_build_object('schedule', jsonb_build_object('end', sk_local((current_date + 5) + time '19:00')))),
    (7, 'longer than 24 hours', 'schedule.end',
        jsonb_build_object('schedule', jsonb_build_object('start', sk_local((current_date + 5) + time '20:00'),
                                                          'end', sk_local((current_date + 6) + time '20:01'))),
        jsonb_build_object('schedule', jsonb_build_object('end', sk_local((current_date + 6) + time '20:01')))),
    (8, 'UNTIL before start', 'schedule.rrule',
        jsonb_build_object('schedule', jsonb_build_object('start', sk_local((current_date + 5) + time '20:00'),
                                                          'end', sk_local((current_date + 5) + time '21:00'),
                                                          'rrule', 'FREQ=DAILY;UNTIL=' || to_char(current_date + 4, 'YYYYMMDD'))),
        jsonb_build_object('schedule', jsonb_build_object('rrule', 'FREQ=DAILY;UNTIL=' || to_char(current_date + 4, 'YYYYMMDD')))),
    (9, 'rule does not select the start date', 'schedule.rrule',
        jsonb_build_object('schedule', jsonb_build_object('start', sk_local((current_date + 5) + time '20:00'),
                                                          'end', sk_local((current_date + 5) + time '21:00'),
                                                          'rrule', 'FREQ=WEEKLY;BYDAY=' || upper(left(to_char(current_date + 6, 'Dy'), 2)))),
        jsonb_build_object('schedule', jsonb_build_object('rrule', 'FREQ=WEEKLY;BYDAY=' || upper(left(to_char(current_date + 6, 'Dy'), 2))))),
    (10, 'exdates without rrule', 'schedule.exdates',
        jsonb_build_object('schedule', jsonb_build_object('start', sk_local((current_date + 5) + time '20:00'),
                                                          'end', sk_local((current_date + 5) + time '21:00'),
                                                          'exdates', jsonb_build_array(current_date + 12))),
        jsonb_build_object('schedule', jsonb_build_object('exdates', jsonb_build_array(current_date + 12)))),
    (11, 'exception_sets without rrule', 'schedule.exception_sets',
        jsonb_build_object('schedule', jsonb_build_object('start', sk_local((current_date + 5) + time '20:00'),
                                                          'end', sk_local((current_date + 5) + time '21:00'),
                                                          'exception_sets', '["schoolvakanties"]'::jsonb)),
        '{"schedule": {"exception_sets": ["schoolvakanties"]}}'),
    (12, 'places_left without capacity', 'places_left', '{"places_left": 3}', NULL),
    (13, 'places_left above capacity', 'places_left', '{"capacity": 3, "places_left": 5}', NULL)) v(n, rule, field, change, patch);
CREATE TEMP TABLE cross_base AS
SELECT jsonb_build_object('title', 'SQL test regels', 'municipality', 'GM0512',
                          'address', '{"street": "Thuis", "house_number": "4", "postcode": "4201 AB", "city": "Gorinchem"}'::jsonb,
                          'location', '{"lat": 51.83, "lon": 4.97}'::jsonb,
                          'schedule', jsonb_build_object('start', sk_local((current_date + 5) + time '20:00'),
                                                         'end', sk_local((current_date + 5) + time '21:00'))) AS b;
-- pg_temp.cross_errs(body): the messages for one field of a 422, and how many errors it holds in all
CREATE FUNCTION pg_temp.cross_errs(b text, f text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN (SELECT string_agg(e->>'message', ' | ') FROM jsonb_array_elements(b::jsonb->'errors') e WHERE e->>'field' = f)
           || ' (' || jsonb_array_length(b::jsonb->'errors') || ' in all)';
SELECT c.n, c.field, 'create' AS how, r.status, pg_temp.cross_errs(r.body, c.field) AS errors
  FROM cross_cases c, cross_base, api_entry_create('activity', b || c.change, NULL, NULL, 'partner', :'org_t', :'key_t', NULL) r
UNION ALL
SELECT c.n, c.field, 'put', r.status, pg_temp.cross_errs(r.body, c.field)
  FROM cross_cases c, cross_base,
       api_entry_update('activity', :'huiskamer', b || c.change, false, (SELECT version FROM entries WHERE id = :'huiskamer'),
                        NULL, 'partner', :'org_t', :'key_t', NULL) r
UNION ALL
SELECT c.n, c.field, 'patch', r.status, pg_temp.cross_errs(r.body, c.field)
  FROM cross_cases c,
       api_entry_update('activity', :'huiskamer', c.patch, true, (SELECT version FROM entries WHERE id = :'huiskamer'),
                        NULL, 'partner', :'org_t', :'key_t', NULL) r
 ORDER BY n, how;
-- none of them was stored
SELECT count(*) AS stored FROM entries WHERE title = 'SQL test regels';
SELECT version AS huiskamer_version FROM entries WHERE id = :'huiskamer';
-- the daemon's format errors first, then the rules across members for the other fields
SELECT status, pg_temp.p(body)
  FROM cross_base, api_entry_create('activity', b || '{"title": "", "online": true}',
                                    '[{"field": "title", "message": "must not be empty or only spaces"}]',
                                    NULL, 'partner', :'org_t', :'key_t', NULL);
SELECT status, pg_temp.p(body)
  FROM cross_base, api_entry_update('activity', :'huiskamer', b || '{"title": "", "online": true}', false,
                                    (SELECT version FROM entries WHERE id = :'huiskamer'),
                                    '[{"field": "title", "message": "must not be empty or only spaces"}]',
                                    'partner', :'org_t', :'key_t', NULL);
-- a value the daemon found malformed skips the rules it takes part in, and nothing raises: a start
-- that is no date, in the spring-forward gap or outside the years, an rrule the daemon refused,
-- numbers that are not (whole) numbers, a cost amount that is not a number
SELECT v.what, r.how, r.status, pg_temp.p(r.body)
  FROM cross_base, (VALUES
    ('no such date', '{"schedule": {"start": "2027-02-30T10:00", "end": "2027-02-27T10:00"}}'::jsonb),
    ('not a local time', '{"schedule": {"start": "2027-03-02 10:00:00+01", "end": "2027-03-01T10:00"}}'),
    ('24:00', '{"schedule": {"start": "2027-03-02T24:00", "end": "2027-03-02T23:00"}}'),
    ('spring-forward gap', '{"schedule": {"start": "2027-03-28T02:30", "end": "2027-03-28T01:00"}}'),
    ('before the years', '{"schedule": {"start": "1999-03-02T10:00", "end": "2027-03-02T09:00"}}'),
    ('BYMONTHDAY not a number', '{"schedule": {"start": "2027-03-02T10:00", "end": "2027-03-02T11:00", "rrule": "FREQ=MONTHLY;BYMONTHDAY=+"}}'),
    ('BYDAY ordinal not a number', '{"schedule": {"start": "2027-03-02T10:00", "end": "2027-03-02T11:00", "rrule": "FREQ=MONTHLY;BYDAY=XTU"}}'),
    ('BYMONTHDAY too large', '{"schedule": {"start": "2027-03-02T10:00", "end": "2027-03-02T11:00", "rrule": "FREQ=MONTHLY;BYMONTHDAY=99999999999"}}'),
    ('rrule not a string', '{"schedule": {"start": "2027-03-02T10:00", "end": "2027-03-02T11:00", "rrule": 5, "exdates": ["2027-03-09"]}}'),
    ('capacity not a number', '{"capacity": "3", "places_left": 5}'),
    ('capacity not whole', '{"capacity": 2.5, "places_left": 5}'),
    ('capacity out of range', '{"capacity": 0, "places_left": 5}'),
    ('amount not a number', '{"cost": {"amount_eur": "5"}}')) v(what, change),
       LATERAL (SELECT 'patch' AS how, x.* FROM api_entry_update('activity', :'huiskamer', v.change, true,
                                                   (SELECT version FROM entries WHERE id = :'huiskamer'),
                                                   '[{"field": "x", "message": "the daemon said"}]',
                                                   'partner', :'org_t', :'key_t', NULL) x
                UNION ALL
                SELECT 'create', x.* FROM api_entry_create('activity', b || v.change,
                                                           '[{"field": "x", "message": "the daemon said"}]',
                                                           NULL, 'partner', :'org_t', :'key_t', NULL) x) r
 ORDER BY v.what, r.how;
-- an expired vacancy is listed for its owner but not for residents
SELECT status FROM api_entry_create('vacancy',
    jsonb_build_object('title', 'SQL test verlopen', 'municipality', 'GM0512', 'skills', '[]'::jsonb, 'valid_until', current_date - 1),
    NULL, NULL, 'partner', :'org_t', :'key_t', NULL);
SELECT id AS expired FROM entries WHERE title = 'SQL test verlopen' \gset
SELECT who, (SELECT count(*) FROM jsonb_array_elements(l.body::jsonb->'items') i WHERE i->>'id' = :'expired') AS listed
  FROM (VALUES ('anonymous', 'anonymous', NULL::uuid), ('owner', 'partner', :'org_t')) v(who, r, o),
       api_entry_list('vacancy', 100, :'since_now', 'nl', r, o, NULL, NULL) l
 ORDER BY who;

ROLLBACK;
