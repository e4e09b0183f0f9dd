-- audit: what is written (sk_audit, the municipalities of a row) and who reads it (api_audit_list:
-- moderators of the municipalities involved, admins; paging).
BEGIN;
\ir lib/fixture.psql

SELECT status FROM api_entry_create('vacancy',
    jsonb_build_object('title', 'SQL test audit', 'municipality', 'GM0512', 'organisation_id', :'org_a', 'skills', '[]'::jsonb),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT id AS v FROM entries WHERE title = 'SQL test audit' \gset
SELECT status FROM api_entry_update('vacancy', :'v', '{"summary": "Eén"}', true, NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status FROM api_entry_update('vacancy', :'v', '{"summary": "Twee"}', true, NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
-- what the log holds: who, what, before and after, the municipalities involved
SELECT role, entity, action, key_id = :'key_mod' AS by_key, organisation_id = :'org_m' AS by_org,
       before->>'summary' AS before_summary, after->>'summary' AS after_summary, municipalities
  FROM audit_log WHERE entry_id = :'v' ORDER BY id;
-- moving to GM0668 (by an admin): that row involves both municipalities
SELECT status FROM api_entry_update('vacancy', :'v', '{"municipality": "GM0668"}', true, NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT action, municipalities FROM audit_log WHERE entry_id = :'v' ORDER BY id DESC LIMIT 1;

-- ---- reading -------------------------------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_audit_list(:'v', 20, NULL, 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_audit_list(:'v', 20, NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT who, (SELECT string_agg(i->>'action' || coalesce(':' || (i#>>'{after,summary}'), ''), ', ' ORDER BY (i->>'id')::bigint)
               FROM jsonb_array_elements(l.body::jsonb->'items') i) AS actions
  FROM (VALUES ('moderator GM0512', 'moderator', '{GM0512}'::text[]), ('moderator GM0668', 'moderator', '{GM0668}'),
               ('moderator *', 'moderator', '{*}'), ('admin', 'admin', NULL)) v(who, r, s),
       api_audit_list(:'v', 20, NULL, r, :'org_m', NULL, s) l
 ORDER BY who;
-- the items: newest first, with the actor
SELECT i->>'action' AS action, i->>'entity' AS entity, i->>'entity_id' = :'v' AS entity_id_ok, i->>'role' AS role,
       i->>'key_id' = :'key_admin' AS by_admin_key, i->>'at' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$' AS at_iso
  FROM api_audit_list(:'v', 1, NULL, 'admin', :'org_m', NULL, '{*}') l, jsonb_array_elements(l.body::jsonb->'items') i;
-- paging: the cursor is the last id; it continues below it
SELECT (body::jsonb->>'next_cursor') AS c FROM api_audit_list(:'v', 2, NULL, 'admin', :'org_m', NULL, '{*}') \gset
SELECT :'c' = (SELECT (min(id) FILTER (WHERE rn <= 2))::text FROM (SELECT id, row_number() OVER (ORDER BY id DESC) rn FROM audit_log WHERE entry_id = :'v') x) AS cursor_is_last_id;
SELECT (SELECT string_agg(i->>'action', ', ' ORDER BY (i->>'id')::bigint DESC) FROM jsonb_array_elements(body::jsonb->'items') i) AS page_2,
       body::jsonb->'next_cursor' AS next
  FROM api_audit_list(:'v', 2, :'c', 'admin', :'org_m', NULL, '{*}');
SELECT status, pg_temp.p(body) FROM api_audit_list(:'v', 2, 'abc', 'admin', :'org_m', NULL, '{*}');
-- rows about organisations without a municipality are readable by every moderator; with one, only in scope
SELECT status FROM api_org_create('{"name": "SQL test audit landelijk"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status FROM api_org_create('{"name": "SQL test audit Gorinchem", "municipality": "GM0512"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT a.after->>'name' AS org, a.municipalities,
       sk_audit_readable(a, 'moderator', '{GM0668}') AS gm0668_reads, sk_audit_readable(a, 'moderator', '{GM0512}') AS gm0512_reads
  FROM audit_log a WHERE a.entity = 'organisation' AND a.after->>'name' LIKE 'SQL test audit %' ORDER BY a.id;
-- an entry row without municipality would be readable only by keys for everywhere
SELECT sk_audit_readable(ROW(NULL, now(), NULL, NULL, 'admin', 'entry', 'x', :'v', 'create', NULL, NULL, '{}')::audit_log,
                         'moderator', '{GM0512}') AS entry_without_municipality;
-- sk_audit itself: the role defaults to system
SELECT sk_audit(NULL, NULL, NULL, 'theme', 'sqltest-audit', NULL, 'create', NULL, '{"code": "sqltest-audit"}');
SELECT role, entity, action, municipalities FROM audit_log WHERE entity_id = 'sqltest-audit';
-- the log refuses unknown entities and actions
SELECT sk_audit('admin', NULL, NULL, 'castle', 'x', NULL, 'create', NULL, NULL);

ROLLBACK;
