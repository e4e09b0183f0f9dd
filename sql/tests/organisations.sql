-- organisations: create/update (validation, home municipality, trust per municipality, scope),
-- get and list (api_org_*, sk_org_*).
BEGIN;
\ir lib/fixture.psql

-- ---- create --------------------------------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_org_create('{"name": "SQL test org"}', NULL, 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_org_create('{"name": "SQL test org"}', NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.p(body) FROM api_org_create('"x"', NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- field rules: the members' shape is the daemon's (validate.c, test_catalog.c orgs/shape_errors);
-- its errors come first, then the database's
SELECT status, pg_temp.f(body)
  FROM api_org_create('{"name": 5, "municipality": "GM9999"}', '[{"field": "name", "message": "must be a string"}]',
                      'admin', :'org_m', :'key_admin', '{*}');
-- called without them, a malformed body is a field error of the constraint it breaks, never an exception
SELECT status, pg_temp.f(body)
  FROM api_org_create('{"name": "", "website": "gopher://x", "email": "not-an-address", "phone": "12", "colour": "red"}',
                      NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.f(body) FROM api_org_create('{"description": "no name"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_org_create('{"name": "SQL test org", "municipality": "GM9999"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_org_create('{"name": "SQL test org", "trusted": true, "trusted_in": []}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_org_create('{"name": "SQL test org", "trusted_in": ["GM9999"]}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- a moderator of one municipality: the organisation gets that home; elsewhere is out of scope
SELECT status, location LIKE '/api/v1/organisations/%' AS location_ok, etag,
       body::jsonb->>'name' AS name, body::jsonb->>'municipality' AS municipality,
       body::jsonb->'trusted' AS trusted, body::jsonb->'trusted_in' AS trusted_in
  FROM api_org_create('{"name": "SQL test Buurtvereniging", "email": "info@buurt.example.org", "phone": "0183 123 456",
                        "website": "https://buurt.example.org"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT id AS o1 FROM organisations WHERE name = 'SQL test Buurtvereniging' \gset
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_org_create('{"name": "SQL test elders", "municipality": "GM0668"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_org_create('{"name": "SQL test elders", "trusted_in": ["GM0668"]}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
-- trusted: true means trusted where the caller moderates
SELECT status, body::jsonb->'trusted_in' AS trusted_in
  FROM api_org_create('{"name": "SQL test Vertrouwd", "trusted": true}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->'trusted_in' AS trusted_in, body::jsonb->'municipality' AS municipality
  FROM api_org_create('{"name": "SQL test Landelijk", "trusted_in": ["GM0668", "GM0512", "GM0512"]}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT id AS o2 FROM organisations WHERE name = 'SQL test Landelijk' \gset
SELECT entity, action, after->>'name' AS name FROM audit_log WHERE entity = 'organisation' AND entity_id IN (:'o1', :'o2') ORDER BY id;

-- ---- update --------------------------------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_org_update(:'missing', '{"name": "x"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_org_update(:'o1', '{"name": "x"}', NULL, 'partner', :'org_a', :'key_a', NULL);
-- a merge patch: null removes, the rest stays; the version goes up
SELECT status, etag, body::jsonb->>'name' AS name, body::jsonb->'phone' AS phone, body::jsonb->>'email' AS email
  FROM api_org_update(:'o1', '{"name": "SQL test Buurtvereniging Oost", "phone": null}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.f(body) FROM api_org_update(:'o1', '{"name": null}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.f(body) FROM api_org_update(:'o1', jsonb_build_object('id', :'missing'), NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
-- another municipality's moderator may not change it, nor trust it at home
SELECT status, pg_temp.p(body) FROM api_org_update(:'o1', '{"name": "x"}', NULL, 'moderator', :'org_m', :'key_mod2', '{GM0668}');
-- but may trust it in its own municipality
SELECT status, body::jsonb->'trusted_in' AS trusted_in
  FROM api_org_update(:'o1', '{"trusted": true}', NULL, 'moderator', :'org_m', :'key_mod2', '{GM0668}');
-- and take that back, without touching GM0512's trust
SELECT status FROM api_org_update(:'o1', '{"trusted": true}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->'trusted_in' AS trusted_in
  FROM api_org_update(:'o1', '{"trusted": false}', NULL, 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT sk_org_trusted_in(:'o1', 'GM0512') AS gm0512, sk_org_trusted_in(:'o1', 'GM0668') AS gm0668, sk_org_trust_list(:'o1');
-- an organisation active in two municipalities: only a moderator of both changes its details
SELECT status FROM api_entry_create('vacancy',
    jsonb_build_object('title', 'SQL test org vacature', 'municipality', 'GM0668', 'organisation_id', :'o1', 'skills', '[]'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT ARRAY(SELECT m FROM unnest(sk_org_active_in(:'o1')) m ORDER BY 1) AS active_in;  -- (the function's order is unspecified)
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_org_update(:'o1', '{"description": "Nieuw"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->>'description' AS description
  FROM api_org_update(:'o1', '{"description": "Nieuw"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512,GM0668}');
-- moving the home: the old home must be in scope (o1 lives in GM0512)
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_org_update(:'o1', '{"municipality": "GM0668"}', NULL, 'moderator', :'org_m', :'key_mod2', '{GM0668}');
-- a national organisation (no home) without entries can be given a home by a moderator of that
-- municipality, although an admin trusted it elsewhere too
SELECT status, body::jsonb->>'municipality' AS municipality, body::jsonb->'trusted_in' AS trusted_in
  FROM api_org_update(:'o2', '{"municipality": "GM0512"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT version, municipality FROM organisations WHERE id = :'o1';

-- ---- get and list --------------------------------------------------------------------------
SELECT status, etag, body::jsonb->>'name' AS name FROM api_org_get(:'o1', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_org_get(:'missing', 'anonymous', NULL, NULL, NULL);
-- lists run oldest first: a cursor just before this transaction's now() skips every older row
SELECT sk_cursor(now() - interval '1 microsecond', '00000000-0000-0000-0000-000000000000') AS since_now \gset
SELECT (SELECT string_agg(replace(i->>'name', 'SQL test ', ''), ', ' ORDER BY i->>'name')
          FROM jsonb_array_elements(body::jsonb->'items') i WHERE i->>'name' LIKE 'SQL test %') AS ours
  FROM api_org_list(100, :'since_now', 'anonymous', NULL, NULL, NULL);
SELECT status, jsonb_array_length(body::jsonb->'items') AS items, body::jsonb->>'next_cursor' IS NOT NULL AS has_next
  FROM api_org_list(1, NULL, 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_org_list(10, 'nonsense', 'anonymous', NULL, NULL, NULL);
-- paging with a cursor continues after the last item
SELECT (body::jsonb->>'next_cursor') AS oc FROM api_org_list(1, :'since_now', 'anonymous', NULL, NULL, NULL) \gset
SELECT (SELECT i->>'id' FROM jsonb_array_elements(body::jsonb->'items') i LIMIT 1) AS second_id,
       (SELECT i->>'id' FROM api_org_list(1, :'since_now', 'anonymous', NULL, NULL, NULL) f, jsonb_array_elements(f.body::jsonb->'items') i) AS first_id
  FROM api_org_list(1, :'oc', 'anonymous', NULL, NULL, NULL) \gset
SELECT :'second_id' <> :'first_id' AS next_page_differs;

ROLLBACK;
