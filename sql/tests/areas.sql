-- areas: list/get, upsert (wijken and kernen by moderators of their municipality, municipalities by
-- admins), retire, boundaries and the entries' derived areas (api_area*, sk_area*).
BEGIN;
\ir lib/fixture.psql
\set square '{"type": "Polygon", "coordinates": [[[4.95, 51.82], [4.96, 51.82], [4.96, 51.83], [4.95, 51.83], [4.95, 51.82]]]}'

-- ---- list and get --------------------------------------------------------------------------
SELECT status, (SELECT count(*) FROM jsonb_array_elements(body::jsonb->'items') i WHERE i->>'municipality' <> 'GM0512') AS others,
       (SELECT count(*) FROM jsonb_array_elements(body::jsonb->'items') i WHERE i->>'code' = 'GM0512-west') AS west
  FROM api_areas_list('GM0512', false);
SELECT status, body::jsonb->>'name' AS name, body::jsonb->>'kind' AS kind, body::jsonb->>'municipality' AS municipality,
       body::jsonb->'location' AS location
  FROM api_area_get('GM0512-west');
SELECT status, pg_temp.p(body) FROM api_area_get('GM0512-nergens');

-- ---- upsert: roles and scope ---------------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_area_upsert('GM0512-sqltest', '{"name": "SQL test wijk", "kind": "wijk", "municipality": "GM0512"}',
                                                    NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_area_upsert('GM0512-sqltest', '{"name": "SQL test wijk", "kind": "wijk", "municipality": "GM0512"}',
                       NULL, 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_area_upsert('GM0999', '{"name": "SQL test gemeente", "kind": "municipality"}', NULL, 'moderator', :'org_m', :'key_mod', '{*}');
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_area_upsert('GM0512', '{"name": "Gorkum", "kind": "municipality"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, location, body::jsonb->>'code' AS code, body::jsonb->>'name' AS name, body::jsonb->'location' AS location_
  FROM api_area_upsert('GM0512-sqltest', '{"name": "SQL test wijk", "kind": "wijk", "municipality": "GM0512",
                                           "location": {"lat": 51.825, "lon": 4.955}}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->>'name' AS name
  FROM api_area_upsert('GM0512-sqltest', '{"name": "SQL test wijk (hernoemd)", "kind": "wijk", "municipality": "GM0512"}',
                       NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->>'kind' AS kind
  FROM api_area_upsert('GM0999', '{"name": "SQL test gemeente", "kind": "municipality"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT entity, action, entity_id FROM audit_log WHERE entity = 'area' AND entity_id IN ('GM0512-sqltest', 'GM0999') ORDER BY id;

-- ---- upsert: validation --------------------------------------------------------------------
SELECT status, pg_temp.f(body) FROM api_area_upsert('GM0512-Bad Code', '{"kind": "straat"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_area_upsert('GM0512-sqltest2', '{"name": "x", "kind": "wijk"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_area_upsert('GM0512-sqltest2', '{"name": "x", "kind": "wijk", "municipality": "GM0668"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_area_upsert('GM0512-sqltest', '{"name": "x", "kind": "kern", "municipality": "GM0512"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- (the members' shape, location included, is the daemon's: validate.c, test_catalog.c areas/shape_errors)
-- the daemon's errors come first; the database adds its own
SELECT status, pg_temp.f(body) FROM api_area_upsert('GM0512-sqltest2', '{"name": 5, "kind": "wijk"}',
                                                    '[{"field": "name", "message": "must be a string"}]', 'admin', :'org_m', :'key_admin', '{*}');
-- called without them, a malformed body is a field error of the constraint it breaks, never an exception
SELECT status, pg_temp.p(body) FROM api_area_upsert('GM0512-sqltest3', '{"name": "x", "kind": 5, "location": [1]}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_area_upsert('GM0998', '{"name": "x", "kind": "municipality", "municipality": "GM0512"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');

-- ---- boundaries and derived areas ----------------------------------------------------------
-- a place inside the square, one outside (both in GM0512), one in GM0668
SELECT status FROM api_entry_create('place',
    jsonb_build_object('title', 'SQL test binnen', 'municipality', 'GM0512', 'organisation_id', :'org_a', 'areas', '["GM0512-binnenstad"]'::jsonb,
                       'address', '{"street": "A", "house_number": "1", "postcode": "4201 AA", "city": "Gorinchem"}'::jsonb,
                       'location', '{"lat": 51.825, "lon": 4.955}'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status FROM api_entry_create('place',
    jsonb_build_object('title', 'SQL test buiten', 'municipality', 'GM0512', 'organisation_id', :'org_a', 'areas', '["GM0512-binnenstad"]'::jsonb,
                       'address', '{"street": "B", "house_number": "1", "postcode": "4201 AA", "city": "Gorinchem"}'::jsonb,
                       'location', '{"lat": 51.835, "lon": 4.975}'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_area_boundary_set('GM0512-sqltest', :'square', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, pg_temp.p(body) FROM api_area_boundary_set('GM0512-nergens', :'square', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_area_boundary_set('GM0512-sqltest', '{"type": "Point", "coordinates": [4.95, 51.82]}', 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.f(body) FROM api_area_boundary_set('GM0512-sqltest', '{"type": "Polygon", "coordinates": [[[4.95, 51.82]]]}', 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.f(body) FROM api_area_boundary_set('GM0512-sqltest',
    '{"type": "Polygon", "coordinates": [[[4.95, 51.82], [4.96, 51.83], [4.96, 51.82], [4.95, 51.83], [4.95, 51.82]]]}', 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_area_boundary_set('GM0512-sqltest',
    '{"type": "Polygon", "coordinates": [[[120000, 425000], [121000, 425000], [121000, 426000], [120000, 425000]]]}', 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, body::jsonb#>>'{boundary,type}' AS boundary_type
  FROM api_area_boundary_set('GM0512-sqltest', jsonb_build_object('type', 'Feature', 'geometry', :'square'::jsonb),
                             'moderator', :'org_m', :'key_mod', '{GM0512}');
-- the entry inside now belongs to the new wijk (replacing its own areas), the one outside keeps its own
SELECT replace(title, 'SQL test ', '') AS entry, areas, version FROM entries WHERE organisation_id = :'org_a' ORDER BY title;
-- a new entry inside gets the wijk too
SELECT status, body::jsonb->'areas' AS areas FROM api_entry_create('vacancy',
    jsonb_build_object('title', 'SQL test vacature', 'municipality', 'GM0512', 'organisation_id', :'org_a', 'skills', '[]'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, body::jsonb->'areas' AS areas FROM api_entry_create('place',
    jsonb_build_object('title', 'SQL test ook binnen', 'municipality', 'GM0512', 'organisation_id', :'org_a',
                       'address', '{"street": "C", "house_number": "1", "postcode": "4201 AA", "city": "Gorinchem"}'::jsonb,
                       'location', '{"lat": 51.826, "lon": 4.956}'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- a moderator may also set the boundary of its whole municipality (while changing the municipality
-- itself is admin-only)
SELECT status FROM api_area_boundary_set('GM0512',
    '{"type": "Polygon", "coordinates": [[[4.90, 51.80], [5.05, 51.80], [5.05, 51.87], [4.90, 51.87], [4.90, 51.80]]]}',
    'moderator', :'org_m', :'key_mod', '{GM0512}');

-- ---- retire --------------------------------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_area_retire('GM0512-sqltest', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_area_retire('GM0512-nergens', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->>'detail' AS detail FROM api_area_retire('GM0512-sqltest', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, body::jsonb->>'detail' AS detail FROM api_area_retire('GM0512', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body FROM api_area_retire('GM0512-sqltest', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT retired_at IS NOT NULL AS retired FROM areas WHERE code = 'GM0512-sqltest';
SELECT (SELECT count(*) FROM jsonb_array_elements(l.body::jsonb->'items') i WHERE i->>'code' = 'GM0512-sqltest') AS listed,
       (SELECT count(*) FROM jsonb_array_elements(r.body::jsonb->'items') i WHERE i->>'code' = 'GM0512-sqltest') AS listed_with_retired
  FROM api_areas_list('GM0512', false) l, api_areas_list('GM0512', true) r;
-- a retired area is no longer derived, nor chosen anew
SELECT status, body::jsonb->'areas' AS areas FROM api_entry_create('place',
    jsonb_build_object('title', 'SQL test na opheffen', 'municipality', 'GM0512', 'organisation_id', :'org_a',
                       'address', '{"street": "D", "house_number": "1", "postcode": "4201 AA", "city": "Gorinchem"}'::jsonb,
                       'location', '{"lat": 51.826, "lon": 4.956}'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_entry_create('vacancy',
    jsonb_build_object('title', 'SQL test kies opgeheven', 'municipality', 'GM0512', 'organisation_id', :'org_a',
                       'areas', '["GM0512-sqltest"]'::jsonb, 'skills', '[]'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- bringing it back: an upsert clears retired
SELECT status, body::jsonb->'retired_at' AS retired_at
  FROM api_area_upsert('GM0512-sqltest', '{"name": "SQL test wijk", "kind": "wijk", "municipality": "GM0512"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');

ROLLBACK;
