-- access: roles and scope (who may write, moderate, administer; in which municipalities).
BEGIN;
\ir lib/fixture.psql

-- Writers and moderators by role (unknown and NULL roles are neither)
SELECT r, sk_is_writer(r) AS writer, sk_is_mod(r) AS mod
  FROM unnest(ARRAY['anonymous', 'partner', 'moderator', 'admin', 'system', NULL]) r
 ORDER BY r NULLS LAST;

-- sk_mod_only: anonymous 401, partner 403, moderator and admin pass (NULL)
SELECT r, (sk_mod_only(r)).status, pg_temp.p((sk_mod_only(r)).body)
  FROM unnest(ARRAY['anonymous', 'partner', 'moderator', 'admin']) r
 ORDER BY r;
-- sk_admin_only: only admins pass; the detail names what is protected
SELECT r, (sk_admin_only(r, 'themes')).status, (sk_admin_only(r, 'themes')).body::jsonb->>'detail' AS detail
  FROM unnest(ARRAY['anonymous', 'partner', 'moderator', 'admin', NULL]) r
 ORDER BY r NULLS LAST;

-- sk_in_scope: admin everywhere, a moderator only in its municipalities ('*' = all), nobody else
SELECT r, s, m, sk_in_scope(r, s::text[], m)
  FROM (VALUES ('admin', NULL, 'GM0668'), ('admin', '{}', 'GM0512'),
               ('moderator', '{GM0512}', 'GM0512'), ('moderator', '{GM0512}', 'GM0668'),
               ('moderator', '{GM0512,GM0668}', 'GM0668'), ('moderator', '{*}', 'GM0668'),
               ('moderator', '{}', 'GM0512'), ('moderator', NULL, 'GM0512'), ('moderator', '{GM0512}', NULL),
               ('partner', '{*}', 'GM0512'), ('anonymous', '{GM0512}', 'GM0512'), (NULL, '{*}', 'GM0512')) v(r, s, m)
 ORDER BY r NULLS LAST, s NULLS FIRST, m NULLS LAST;

-- sk_scope_municipalities: the known municipalities the caller may act in
SELECT sk_scope_municipalities('moderator', '{GM0512}') AS mod_gorinchem,
       sk_scope_municipalities('moderator', '{GM0512,GM9999}') AS with_unknown,
       sk_scope_municipalities('moderator', '{}') AS none,
       sk_scope_municipalities('partner', '{*}') AS partner,
       ARRAY['GM0512', 'GM0668'] <@ sk_scope_municipalities('admin', NULL) AS admin_all,
       sk_scope_municipalities('admin', NULL) = sk_scope_municipalities('moderator', '{*}') AS star_is_all;

-- sk_out_of_scope: 403 naming the key's scope and the municipality
SELECT (sk_out_of_scope('{GM0512}', 'GM0668')).status,
       (sk_out_of_scope('{GM0512}', 'GM0668')).body::jsonb->>'detail' AS detail;
SELECT (sk_out_of_scope('{}', NULL)).body::jsonb->>'detail' AS detail_empty;

-- sk_sees_private: the owning partner, moderators in scope and admins; not other partners
INSERT INTO entries (id, kind, status, organisation_id, municipality, title, skills)
VALUES ('00000000-0000-4000-8000-00000000c001', 'vacancy', 'pending', :'org_a', 'GM0512', 'SQL test vacancy', '{}');
SELECT who, sk_sees_private(e, r, o::uuid, s::text[]) AS sees_private, sk_entry_visible(e, r, o::uuid, s::text[]) AS visible
  FROM entries e,
       (VALUES ('owner', 'partner', :'org_a', NULL), ('other partner', 'partner', :'org_b', NULL),
               ('moderator GM0512', 'moderator', :'org_m', '{GM0512}'),
               ('moderator GM0668', 'moderator', :'org_m', '{GM0668}'),
               ('moderator *', 'moderator', :'org_m', '{*}'), ('admin', 'admin', :'org_m', '{*}'),
               ('anonymous', 'anonymous', NULL, NULL),
               ('partner with the owner''s scope', 'partner', :'org_b', '{GM0512}')) v(who, r, o, s)
 WHERE e.id = '00000000-0000-4000-8000-00000000c001'
 ORDER BY who;
-- published: visible to all; deleted: visible to nobody
UPDATE entries SET status = 'published' WHERE id = '00000000-0000-4000-8000-00000000c001';
SELECT sk_entry_visible(e, 'anonymous', NULL, NULL) AS published_anon,
       sk_sees_private(e, 'anonymous', NULL, NULL) AS anon_private
  FROM entries e WHERE e.id = '00000000-0000-4000-8000-00000000c001';
UPDATE entries SET status = 'deleted' WHERE id = '00000000-0000-4000-8000-00000000c001';
SELECT sk_entry_visible(e, 'partner', :'org_a', NULL) AS deleted_owner,
       sk_entry_visible(e, 'admin', :'org_m', '{*}') AS deleted_admin
  FROM entries e WHERE e.id = '00000000-0000-4000-8000-00000000c001';

-- The daemon's key lookup: admins and all-municipality moderators get '{*}'
SELECT k.id = :'key_mod' AS is_mod_key,
       CASE WHEN role = 'admin' OR all_municipalities THEN '{*}'::text[] ELSE municipalities END AS scope
  FROM api_keys k WHERE k.id IN (:'key_mod', :'key_admin') ORDER BY 1;
-- a moderator key needs municipalities or all_municipalities
INSERT INTO api_keys (organisation_id, role, secret_hash) VALUES (:'org_m', 'moderator', sha256('x'));

ROLLBACK;
