-- keys: invitations (create, list, revoke, peek, accept once), partner keys (list, create, rotate,
-- revoke, who may), browser sessions (partner keys only), and what the audit log keeps (no secret,
-- no contact).
BEGIN;
\ir lib/fixture.psql

-- ---- invitations ---------------------------------------------------------------------------
-- who may invite: moderators in scope
SELECT who, status, pg_temp.p(body)
  FROM (VALUES ('anonymous', 'anonymous', NULL::text[]), ('partner', 'partner', '{}'), ('moderator GM0668', 'moderator', '{GM0668}')) v(who, r, s),
       api_invitation_create(jsonb_build_object('organisation_id', :'org_a'), NULL, r, NULL, NULL, s)
 ORDER BY who;
-- a new organisation, by the organisations' rules (its fields named under organisation.)
SELECT status, pg_temp.p(body) FROM api_invitation_create('{"organisation": {"name": "SQL test nieuw"}, "contact_name": "A"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_invitation_create('{"organisation": {"name": "SQL test nieuw", "municipality": "GM9999"}, "contact_name": "A"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_invitation_create('{"organisation": {"name": "SQL test nieuw", "municipality": "GM0668"}, "contact_name": "A"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_invitation_create(jsonb_build_object('organisation_id', :'org_a', 'organisation', '{}'::jsonb, 'valid_days', 0, 'contact_email', 'x', 'x', 1), NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_invitation_create(jsonb_build_object('organisation_id', :'missing'), NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT body::jsonb AS inv FROM api_invitation_create('{"organisation": {"name": "SQL test nieuw", "municipality": "GM0512"}, "contact_name": "Anna", "contact_email": "anna@example.nl", "valid_days": 3}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}') \gset
SELECT (:'inv'::jsonb)->>'status' AS status, (:'inv'::jsonb)->>'organisation_name' AS org,
       length((:'inv'::jsonb)->>'token') AS token_length, (:'inv'::jsonb)->>'url' = '/partner/uitnodiging/' || ((:'inv'::jsonb)->>'token') AS url_ok,
       (SELECT token_hash = sha256(convert_to((:'inv'::jsonb)->>'token', 'UTF8')) FROM invitations WHERE id = ((:'inv'::jsonb)->>'id')::uuid) AS only_hash_stored;
SELECT (:'inv'::jsonb)->>'token' AS token, (:'inv'::jsonb)->>'id' AS inv_id, (:'inv'::jsonb)->>'organisation_id' AS new_org \gset
-- the list: in scope, no token
SELECT who, status, (SELECT count(*) FROM jsonb_array_elements(body::jsonb->'items') i WHERE i->>'id' = :'inv_id') AS sees, body ~ :'token' AS token_shown
  FROM (VALUES ('moderator GM0512', '{GM0512}'::text[]), ('moderator GM0668', '{GM0668}')) v(who, s),
       api_invitation_list(NULL, 100, NULL, 'moderator', NULL, NULL, s) ORDER BY who;
SELECT status, pg_temp.p(body) FROM api_invitation_list(:'new_org', NULL, NULL, 'moderator', NULL, NULL, '{GM0668}');
SELECT status, pg_temp.p(body) FROM api_invitation_list(NULL, NULL, NULL, 'partner', :'org_a', :'key_a', '{}');
-- peek and accept once
SELECT status, body::jsonb->>'organisation_name' AS org, body::jsonb->>'contact_name' AS contact FROM api_invitation_peek(:'token');
SELECT status, body::jsonb->>'organisation_name' AS org FROM api_invitation_accept(:'token', NULL, '00000000-0000-4000-8000-00000000c001', sha256('sqltest c1'));
SELECT status, pg_temp.p(body) FROM api_invitation_accept(:'token', NULL, '00000000-0000-4000-8000-00000000c002', sha256('sqltest c2'));
SELECT status FROM api_invitation_peek(:'token');
SELECT status FROM api_invitation_peek('not a token');
SELECT role, label, organisation_id = :'new_org' AS its_org FROM api_keys WHERE id = '00000000-0000-4000-8000-00000000c001';
SELECT status, pg_temp.p(body) FROM api_invitation_revoke(:'inv_id', 'moderator', NULL, NULL, '{GM0512}');
-- a withdrawn one
SELECT body::jsonb->>'token' AS token2, body::jsonb->>'id' AS inv2 FROM api_invitation_create(jsonb_build_object('organisation_id', :'org_a'), NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}') \gset
SELECT status, pg_temp.p(body) FROM api_invitation_revoke(:'inv2', 'moderator', NULL, NULL, '{GM0668}');
SELECT status, body::jsonb->>'status' AS now FROM api_invitation_revoke(:'inv2', 'moderator', NULL, NULL, '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_invitation_accept(:'token2', NULL, '00000000-0000-4000-8000-00000000c003', sha256('sqltest c3'));

-- ---- keys ----------------------------------------------------------------------------------
SELECT who, status, pg_temp.p(body)
  FROM (VALUES ('anonymous', 'anonymous', NULL::uuid, NULL::text[]), ('partner B', 'partner', :'org_b'::uuid, '{}'),
               ('moderator GM0668', 'moderator', NULL, '{GM0668}'), ('partner A', 'partner', :'org_a', '{}'),
               ('moderator GM0512', 'moderator', NULL, '{GM0512}')) v(who, r, o, s),
       api_key_list(:'org_a', r, o, NULL, s) ORDER BY who;
SELECT status, body::jsonb->>'label' AS label, body::jsonb->>'role' AS role FROM api_key_create(:'org_a', '{"label": "Website"}', '00000000-0000-4000-8000-00000000c010', sha256('sqltest c10'), 'partner', :'org_a', :'key_a', '{}');
SELECT status, pg_temp.p(body) FROM api_key_create(:'org_a', '{"role": "moderator"}', '00000000-0000-4000-8000-00000000c011', sha256('x'), 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body) FROM api_key_create(:'org_a', '{"label": "", "colour": 1}', '00000000-0000-4000-8000-00000000c011', sha256('x'), 'partner', :'org_a', :'key_a', '{}');
SELECT status, pg_temp.p(body) FROM api_key_create(:'org_a', '{}', '00000000-0000-4000-8000-00000000c011', sha256('x'), 'partner', :'org_b', :'key_b', '{}');
SELECT status, body::jsonb->>'label' AS label, body::jsonb->>'replaces' = '00000000-0000-4000-8000-00000000c010' AS replaces
  FROM api_key_rotate(:'org_a', '00000000-0000-4000-8000-00000000c010', '00000000-0000-4000-8000-00000000c012', sha256('sqltest c12'), 'moderator', NULL, :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_key_rotate(:'org_a', '00000000-0000-4000-8000-00000000c010', '00000000-0000-4000-8000-00000000c013', sha256('x'), 'moderator', NULL, :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_key_rotate(:'org_b', '00000000-0000-4000-8000-00000000c012', '00000000-0000-4000-8000-00000000c013', sha256('x'), 'partner', :'org_b', :'key_b', '{}');
SELECT status, pg_temp.p(body) FROM api_key_revoke(:'org_a', :'key_mod', 'admin', NULL, :'key_admin', '{*}');
-- a session of the new key goes with it
SELECT status FROM api_session_open('00000000-0000-4000-8000-00000000c012', sha256('sqltest c12'), '00000000-0000-4000-8000-00000000c020', sha256('sqltest c20'));
SELECT status, body::jsonb->>'revoked_at' IS NOT NULL AS revoked FROM api_key_revoke(:'org_a', '00000000-0000-4000-8000-00000000c012', 'partner', :'org_a', :'key_a', '{}');
SELECT id, revoked_at IS NOT NULL AS revoked FROM api_keys WHERE id IN ('00000000-0000-4000-8000-00000000c010', '00000000-0000-4000-8000-00000000c012', '00000000-0000-4000-8000-00000000c020') ORDER BY id;
SELECT string_agg(coalesce(i->>'label', '(none)') || ':' || (i->>'revoked_at' IS NOT NULL), ', ' ORDER BY i->>'created_at', i->>'id') AS keys_of_a
  FROM api_key_list(:'org_a', 'partner', :'org_a', :'key_a', '{}') l, jsonb_array_elements(l.body::jsonb->'items') i;

-- ---- sessions ------------------------------------------------------------------------------
SELECT who, status, pg_temp.p(body)
  FROM (VALUES ('partner key', :'key_a'::uuid, sha256('sqltest a')), ('wrong secret', :'key_a', sha256('nope')),
               ('moderator key', :'key_mod', sha256('sqltest mod')), ('revoked key', '00000000-0000-4000-8000-00000000c012', sha256('sqltest c12')),
               ('a session', '00000000-0000-4000-8000-00000000c020', sha256('sqltest c20'))) v(who, k, h),
       LATERAL api_session_open(k, h, gen_random_uuid(), sha256('sqltest session')) ORDER BY who;
SELECT status FROM api_session_open(:'key_b', sha256('sqltest b'), '00000000-0000-4000-8000-00000000c030', sha256('sqltest c30'));
SELECT role, label, session_of = :'key_b' AS of_key, expires_at BETWEEN now() + interval '11 hours' AND now() + interval '13 hours' AS twelve_hours
  FROM api_keys WHERE id = '00000000-0000-4000-8000-00000000c030';
SELECT status FROM api_session_close('partner', :'org_b', '00000000-0000-4000-8000-00000000c030', '{}');
SELECT status, pg_temp.p(body) FROM api_session_close('partner', :'org_b', :'key_b', '{}');
SELECT status, pg_temp.p(body) FROM api_session_close('anonymous', NULL, NULL, NULL);

-- ---- the audit log: every change, never a secret, hash, token or contact -------------------
SELECT entity, action, count(*) FROM audit_log WHERE entity IN ('api_key', 'session', 'invitation') AND at = now() GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS leaks FROM audit_log
 WHERE at = now() AND (after::text ~ 'hash|token|anna|Anna' OR before::text ~ 'hash|token|anna|Anna');
ROLLBACK;
