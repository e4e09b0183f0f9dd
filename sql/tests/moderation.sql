-- moderation: the queue, approve/reject of new entries and revisions, diff, hide/unhide, stale and
-- confirm, reports (create, list, resolve), settings, coverage statistics; roles and scope.
BEGIN;
\ir lib/fixture.psql

-- ---- data: partner A (untrusted) proposes a place in GM0512, partner B one in GM0668 -----------
SELECT status, body::jsonb->>'status' AS entry_status FROM api_entry_create('place',
    '{"title": "SQL test Inloophuis", "municipality": "GM0512",
      "address": {"street": "Kerkstraat", "house_number": "5", "postcode": "4201 AC", "city": "Gorinchem"}}',
    NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT id AS p1 FROM entries WHERE title = 'SQL test Inloophuis' \gset
SELECT status, body::jsonb->>'status' AS entry_status FROM api_entry_create('place',
    '{"title": "SQL test Dorpskamer", "municipality": "GM0668",
      "address": {"street": "Dijk", "house_number": "1", "postcode": "6621 AB", "city": "Dreumel"}}',
    NULL, NULL, 'partner', :'org_b', :'key_b', NULL);
SELECT id AS p2 FROM entries WHERE title = 'SQL test Dorpskamer' \gset

-- ---- queue ---------------------------------------------------------------------------------
-- partner 403, anonymous 401; a moderator sees only its municipalities (pg_temp.queue: our items,
-- from a cursor just before this transaction's now(), as the queue runs oldest first)
SELECT status, pg_temp.p(body) FROM api_moderation_queue(NULL, NULL, NULL, NULL, NULL, 200, NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.p(body) FROM api_moderation_queue(NULL, NULL, NULL, NULL, NULL, 200, NULL, 'anonymous', NULL, NULL, NULL);
CREATE FUNCTION pg_temp.queue(r text, s text[], m text DEFAULT NULL, t text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN (q).status <> 200 THEN (q).status || ' ' || pg_temp.p((q).body)
                ELSE coalesce((SELECT string_agg(i->>'type' || ':' || replace(i->>'title', 'SQL test ', ''), ', '
                                                 ORDER BY i->>'title', i->>'type')
                                 FROM jsonb_array_elements((q).body::jsonb->'items') i
                                WHERE i->>'title' LIKE 'SQL test %'), '(none)') END
      FROM (SELECT api_moderation_queue(NULL, m, NULL, t, NULL, 200,
                                        sk_cursor(now() - interval '1 microsecond', '00000000-0000-0000-0000-000000000000'), r, '00000000-0000-4000-8000-00000000a004', NULL, s) AS q) x
$$;
SELECT pg_temp.queue('moderator', '{GM0512}') AS mod_gm0512, pg_temp.queue('moderator', '{GM0668}') AS mod_gm0668,
       pg_temp.queue('admin', '{*}') AS admin;
-- filtering on a municipality outside the scope is 403
SELECT pg_temp.queue('moderator', '{GM0512}', 'GM0668') AS out_of_scope_filter;

-- ---- approve / reject a new entry ----------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_moderation_approve(:'p1', 'partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.p(body) FROM api_moderation_approve(:'p1', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, pg_temp.p(body) FROM api_moderation_approve(:'missing', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->>'status' AS entry_status, body::jsonb#>>'{moderation,last_decision,decision}' AS decision,
       body::jsonb->>'reviewed_at' IS NOT NULL AS reviewed
  FROM api_moderation_approve(:'p1', 'moderator', :'org_m', :'key_mod', '{GM0512}');
-- approving again: nothing pending any more
SELECT status, pg_temp.f(body) FROM api_moderation_approve(:'p1', 'moderator', :'org_m', :'key_mod', '{GM0512}');
-- reject needs a reason
SELECT status, pg_temp.p(body) FROM api_moderation_reject(:'p2', '{}', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, pg_temp.p(body) FROM api_moderation_reject(:'p2', '{"reason": "   "}', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, pg_temp.f(body) FROM api_moderation_reject(:'p2', '{"reason": "x", "extra": 1}', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, body::jsonb->>'status' AS entry_status, body::jsonb#>>'{moderation,last_decision,reason}' AS reason
  FROM api_moderation_reject(:'p2', '{"reason": "Graag een adres met huisnummer."}', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
-- the partner fixes a rejected entry: it is pending again
SELECT status, body::jsonb->>'status' AS entry_status
  FROM api_entry_update('place', :'p2', '{"title": "SQL test Dorpskamer Dreumel"}', true,
                        (SELECT version FROM entries WHERE id = :'p2'), NULL, 'partner', :'org_b', :'key_b', NULL);
SELECT action FROM audit_log WHERE entry_id = :'p2' ORDER BY id;

-- ---- revisions and diff --------------------------------------------------------------------
SELECT status, body::jsonb#>>'{pending_revision,entry,title}' AS proposed
  FROM api_entry_update('place', :'p1', '{"title": "SQL test Inloophuis De Kerk", "summary": "Elke dag open"}', true,
                        (SELECT version FROM entries WHERE id = :'p1'), NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT pg_temp.queue('moderator', '{GM0512}', NULL, 'revision') AS revisions;
SELECT status, d->>'field' AS field, d->>'published' AS published, d->>'proposed' AS proposed
  FROM api_moderation_diff(:'p1', 'moderator', :'org_m', :'key_mod', '{GM0512}') x,
       jsonb_array_elements(x.body::jsonb->'changes') d
 ORDER BY field;
SELECT status, pg_temp.p(body) FROM api_moderation_diff(:'p1', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, body::jsonb->>'title' AS title, body::jsonb->'pending_revision' AS pending
  FROM api_moderation_approve(:'p1', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT title, summary, version FROM entries WHERE id = :'p1';
-- a rejected revision leaves the entry as it was
SELECT status FROM api_entry_update('place', :'p1', '{"title": "SQL test Inloophuis FOUT"}', true,
                                    (SELECT version FROM entries WHERE id = :'p1'), NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT status, body::jsonb->>'title' AS title, body::jsonb#>>'{moderation,last_decision,decision}' AS decision
  FROM api_moderation_reject(:'p1', '{"reason": "Titel klopt niet."}', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT r.status, count(*) FROM entry_revisions r WHERE r.entry_id = :'p1' GROUP BY 1 ORDER BY 1;

-- ---- hide / unhide -------------------------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_moderation_hide(:'p1', '{"reason": "x"}', 'partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.p(body) FROM api_moderation_hide(:'p1', '{}', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->>'status' AS entry_status, body::jsonb#>>'{moderation,hidden_reason}' AS reason
  FROM api_moderation_hide(:'p1', '{"reason": "Tijdelijk gesloten"}', 'moderator', :'org_m', :'key_mod', '{GM0512}');
-- hidden: gone for residents, still there for the owner
SELECT (SELECT status FROM api_entry_get('place', :'p1', 'nl', 'anonymous', NULL, NULL, NULL)) AS anonymous,
       (SELECT status FROM api_entry_get('place', :'p1', 'nl', 'partner', :'org_a', NULL, NULL)) AS owner;
SELECT status, body::jsonb->>'status' AS entry_status
  FROM api_moderation_unhide(:'p1', '{}', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.f(body) FROM api_moderation_unhide(:'p1', '{}', 'moderator', :'org_m', :'key_mod', '{GM0512}');

-- ---- reports -------------------------------------------------------------------------------
SELECT status, pg_temp.f(body) FROM api_report_create('place', :'p1', '{"reason": "boring"}', NULL, 'sqltest-client-1', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.f(body) FROM api_report_create('place', :'p1', '{"reason": "other", "message": 5}', NULL, 'sqltest-client-1', 'anonymous', NULL, NULL, NULL);
SELECT status FROM api_report_create('place', :'p2', '{"reason": "outdated"}', NULL, 'sqltest-client-1', 'anonymous', NULL, NULL, NULL);
SELECT status, body::jsonb->>'reason' AS reason, body::jsonb->>'message' AS message, body::jsonb->>'status' AS report_status
  FROM api_report_create('place', :'p1', '{"reason": "wrong_address", "message": "  Verhuisd naar nummer 7  "}', NULL,
                         'sqltest-client-1', 'anonymous', NULL, NULL, NULL);
SELECT id AS rep FROM entry_reports WHERE entry_id = :'p1' \gset
-- the rate limit per client and hour (settings: reports_per_hour)
UPDATE moderation_settings SET reports_per_hour = 2;
SELECT status FROM api_report_create('place', :'p1', '{"reason": "other"}', NULL, 'sqltest-client-1', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_report_create('place', :'p1', '{"reason": "other"}', NULL, 'sqltest-client-1', 'anonymous', NULL, NULL, NULL);
SELECT status FROM api_report_create('place', :'p1', '{"reason": "other"}', NULL, 'sqltest-client-2', 'anonymous', NULL, NULL, NULL);
-- the client is kept only as a keyed hash
SELECT count(*) FILTER (WHERE client_hash = convert_to('sqltest-client-1', 'UTF8')) AS plain_kept, count(DISTINCT client_hash) AS clients
  FROM entry_reports WHERE entry_id = :'p1';
-- listing: moderators in scope and the owner; others 403/404
SELECT status, jsonb_array_length(body::jsonb->'items') AS items
  FROM api_reports_list('place', :'p1', 'open', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.f(body) FROM api_reports_list('place', :'p1', 'open', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, pg_temp.f(body) FROM api_reports_list('place', :'p1', 'open', 'anonymous', NULL, NULL, NULL);
SELECT pg_temp.queue('moderator', '{GM0512}', NULL, 'report') AS report_queue;
-- resolve
SELECT status, pg_temp.f(body) FROM api_report_resolve(:'rep', '{"resolution": "fixed"}', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, pg_temp.f(body) FROM api_report_resolve(:'rep', '{"resolution": 5}', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.f(body) FROM api_report_resolve(:'rep', '{"resolution": "fixed"}', 'partner', :'org_a', :'key_a', NULL);
SELECT status, body::jsonb->>'status' AS report_status, body::jsonb->>'resolved_at' IS NOT NULL AS resolved,
       body::jsonb->>'resolution' AS resolution
  FROM api_report_resolve(:'rep', '{"resolution": "  Adres aangepast  "}', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.f(body) FROM api_report_resolve(:'rep', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');

-- ---- stale entries and confirm -------------------------------------------------------------
UPDATE moderation_settings SET stale_after = interval '1 year';
UPDATE entries SET reviewed_at = now() - interval '20 years', updated_at = now() - interval '20 years' WHERE id = :'p1';
SELECT status, (SELECT count(*) FROM jsonb_array_elements(body::jsonb->'items') i WHERE i->>'entry_id' = :'p1' OR i->>'id' = :'p1') AS p1_listed
  FROM api_moderation_stale('GM0512', NULL, 200, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.f(body) FROM api_moderation_stale('GM0512', NULL, 200, NULL, 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, body::jsonb->>'reviewed_at' IS NOT NULL AS reviewed
  FROM api_entry_confirm('place', :'p1', 'partner', :'org_a', :'key_a', NULL);
SELECT reviewed_at > now() - interval '1 minute' AS confirmed_now FROM entries WHERE id = :'p1';
SELECT status, (SELECT count(*) FROM jsonb_array_elements(body::jsonb->'items') i WHERE i->>'entry_id' = :'p1' OR i->>'id' = :'p1') AS p1_listed
  FROM api_moderation_stale('GM0512', NULL, 200, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');

-- ---- settings ------------------------------------------------------------------------------
SELECT status, body::jsonb->'reports_per_hour' AS reports_per_hour
  FROM api_moderation_settings_get('moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_moderation_settings_get('partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.p(body) FROM api_moderation_settings_patch('{"stale_after": "P1Y"}', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.f(body) FROM api_moderation_settings_patch('{"stale_after": "one year", "reports_per_hour": -1}', 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, body::jsonb->>'stale_after' AS stale_after, body::jsonb->>'hide_after' AS hide_after
  FROM api_moderation_settings_patch('{"stale_after": "P1Y6M", "hide_after": "P90D"}', 'admin', :'org_m', :'key_admin', '{*}');

-- ---- coverage statistics -------------------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_stats_coverage(NULL, 'json', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_stats_coverage('GM9999', 'json', 'anonymous', NULL, NULL, NULL);
SELECT status, left(body, 37) AS csv_header FROM api_stats_coverage('GM0512', 'csv', 'anonymous', NULL, NULL, NULL);
SELECT status, body::jsonb->>'municipality' AS municipality FROM api_stats_coverage('GM0512', 'json', 'anonymous', NULL, NULL, NULL);

ROLLBACK;
