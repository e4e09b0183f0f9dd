-- webhooks: create/list/get/delete/deliveries (roles, scope, validation, cap), the outbox trigger
-- (sk_webhook_enqueue: published/updated/deleted per subscriber, merging within a transaction) and
-- the delivery engine (sk_webhook_claim, sk_webhook_report).
BEGIN;
\ir lib/fixture.psql
\set secret 'sqltest-secret-0123456789'

-- ---- create: roles, scope, validation --------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_webhook_create('{"url": "https://hook.example.org/a", "secret": "sqltest-secret-0123456789"}',
                                                       NULL, 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_webhook_create('{"url": "https://hook.example.org/a", "secret": "sqltest-secret-0123456789"}',
                                                       NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT status, pg_temp.p(body) FROM api_webhook_create('[]', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_webhook_create('{"url": "https://hook.example.org/a", "secret": "sqltest-secret-0123456789", "municipality": "GM0668"}',
                          NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body)
  FROM api_webhook_create('{"url": "https://hook.example.org/a", "secret": "sqltest-secret-0123456789", "municipality": "GM9999"}',
                          NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body)
  FROM api_webhook_create('{"url": "https://hook.example.org/a", "secret": "sqltest-secret-0123456789"}',
                          NULL, 'moderator', :'org_m', :'key_mod', '{GM0512,GM0668}');
-- what the daemon does not catch, the constraints do
SELECT status, pg_temp.p(body)
  FROM api_webhook_create('{"url": "https://hook.example.org/a", "secret": "short"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body)
  FROM api_webhook_create('{"url": "ftp://hook.example.org/a", "secret": "sqltest-secret-0123456789"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body)
  FROM api_webhook_create('{"url": "https://hook.example.org/a", "secret": "sqltest-secret-0123456789", "kinds": ["castle"]}',
                          NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- the daemon's errors are passed through
SELECT status, pg_temp.p(body)
  FROM api_webhook_create('{"url": "https://10.0.0.1/a", "secret": "sqltest-secret-0123456789"}',
                          '[{"field": "url", "message": "must not point at a private address"}]', 'admin', :'org_m', :'key_admin', '{*}');
-- happy path: a moderator of one municipality gets its municipality; kinds are sorted and unique
SELECT status, location LIKE '/api/v1/webhooks/%' AS location_ok, body::jsonb->>'url' AS url, body::jsonb->'kinds' AS kinds,
       body::jsonb->>'municipality' AS municipality, body::jsonb ? 'secret' AS shows_secret, body::jsonb->'deliveries' AS deliveries
  FROM api_webhook_create('{"url": "https://hook.example.org/gorinchem", "secret": "sqltest-secret-0123456789",
                            "kinds": ["vacancy", "place", "place"]}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT id AS hook_g FROM webhooks WHERE url = 'https://hook.example.org/gorinchem' \gset
SELECT status, body::jsonb->>'municipality' AS municipality, body::jsonb->'kinds' AS kinds
  FROM api_webhook_create('{"url": "https://hook.example.org/wmw", "secret": "sqltest-secret-0123456789"}',
                          NULL, 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT id AS hook_w FROM webhooks WHERE url = 'https://hook.example.org/wmw' \gset
-- an admin's webhook without municipality is national
SELECT status, body::jsonb->'municipality' AS municipality
  FROM api_webhook_create('{"url": "https://hook.example.org/all", "secret": "sqltest-secret-0123456789"}',
                          NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT id AS hook_all FROM webhooks WHERE url = 'https://hook.example.org/all' \gset

-- ---- list / get / delete: a moderator sees only its municipalities' webhooks -----------------
SELECT who, (SELECT string_agg(replace(i->>'url', 'https://hook.example.org/', ''), ', ' ORDER BY i->>'url')
               FROM jsonb_array_elements(l.body::jsonb->'items') i WHERE i->>'url' LIKE 'https://hook.example.org/%') AS hooks
  FROM (VALUES ('moderator GM0512', 'moderator', '{GM0512}'::text[]), ('moderator GM0668', 'moderator', '{GM0668}'),
               ('admin', 'admin', '{*}')) v(who, r, s),
       api_webhook_list(r, :'org_m', NULL, s) l
 ORDER BY who;
SELECT status, pg_temp.p(body) FROM api_webhook_list('partner', :'org_a', :'key_a', NULL);
SELECT status, body::jsonb->>'url' AS url FROM api_webhook_get(:'hook_g', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_webhook_get(:'hook_g', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, pg_temp.p(body) FROM api_webhook_get(:'hook_all', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status FROM api_webhook_get(:'hook_all', 'moderator', :'org_m', :'key_mod', '{*}') AS all_municipalities_key;

-- ---- the outbox ----------------------------------------------------------------------------
CREATE FUNCTION pg_temp.outbox() RETURNS TABLE(hook text, event text, kind text, version int, status text, title text)
    LANGUAGE sql AS $$
    SELECT replace(w.url, 'https://hook.example.org/', ''), d.event, d.kind, d.entry_version, d.status,
           replace(e.title, 'SQL test ', '')
      FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id LEFT JOIN entries e ON e.id = d.entry_id
     WHERE w.url LIKE 'https://hook.example.org/%'
     ORDER BY 1, 6, 2
$$;
-- a published place in GM0512: the Gorinchem hook (kinds place, vacancy) and the national one
SELECT status FROM api_entry_create('place',
    jsonb_build_object('title', 'SQL test Hookplek', 'municipality', 'GM0512', 'organisation_id', :'org_a',
                       'address', '{"street": "Haven", "house_number": "1", "postcode": "4201 AF", "city": "Gorinchem"}'::jsonb),
    NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT id AS hp FROM entries WHERE title = 'SQL test Hookplek' \gset
-- an activity in GM0668: the West Maas en Waal hook and the national one
SELECT status FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test Hookactiviteit', 'municipality', 'GM0668', 'organisation_id', :'org_a', 'online', true,
                       'schedule', jsonb_build_object('start', sk_local((current_date + 3) + time '19:00'))),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- an untrusted partner's entry is pending: nobody hears of it
SELECT status FROM api_entry_create('place',
    '{"title": "SQL test Hook pending", "municipality": "GM0512",
      "address": {"street": "Haven", "house_number": "2", "postcode": "4201 AF", "city": "Gorinchem"}}',
    NULL, NULL, 'partner', :'org_a', :'key_a', NULL);
SELECT * FROM pg_temp.outbox();
-- changes in the same transaction merge into one notice per subscriber
SELECT status FROM api_entry_update('place', :'hp', '{"summary": "Nieuw"}', true, NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT * FROM pg_temp.outbox() WHERE title = 'Hookplek';
-- the payload
SELECT p->>'event' AS event, p->>'kind' AS kind, p->>'id' = :'hp' AS id_ok, p->'version' AS version,
       p->>'url' = '/api/v1/places/' || :'hp' AS url_ok, p->>'modified' IS NOT NULL AS has_modified
  FROM (SELECT d.payload::jsonb AS p FROM webhook_deliveries d WHERE d.webhook_id = :'hook_g' AND d.entry_id = :'hp') x;
-- as if those notices were from an earlier transaction: now a move to GM0668 is deleted for the
-- Gorinchem hook, published for the West Maas en Waal hook and updated for the national one
UPDATE webhook_deliveries SET xact = '1' WHERE entry_id = :'hp';
SELECT status FROM api_entry_update('place', :'hp', '{"municipality": "GM0668"}', true, NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT hook, event, version FROM pg_temp.outbox() WHERE title = 'Hookplek' AND version = 3;
-- deleting a webhook removes its outbox
SELECT status, pg_temp.p(body) FROM api_webhook_delete(:'hook_w', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body FROM api_webhook_delete(:'hook_w', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT count(*) AS wmw_deliveries FROM webhook_deliveries WHERE webhook_id = :'hook_w';
SELECT status FROM api_webhook_get(:'hook_w', 'admin', :'org_m', :'key_admin', '{*}') AS after_delete;

-- ---- delivery engine -----------------------------------------------------------------------
SELECT count(*) AS claimed, bool_and(c.secret = :'secret') AS secret_ok, bool_and(c.attempts = 0) AS first_attempt
  FROM sk_webhook_claim(100000, 60000) c JOIN webhook_deliveries d ON d.id = c.id WHERE d.webhook_id = :'hook_g';
-- claimed rows are leased: a second claim does not take them
SELECT count(*) AS claimed_again FROM sk_webhook_claim(100000, 60000) c JOIN webhook_deliveries d ON d.id = c.id
 WHERE d.webhook_id = :'hook_g';
SELECT min(id) AS d1, max(id) AS d2 FROM webhook_deliveries WHERE webhook_id = :'hook_g' \gset
-- success: delivered; failure: back-off, then failed after max attempts
SELECT sk_webhook_report(:d1, true, 204, NULL, 1000, 60000, 3) AS ok_report;
SELECT sk_webhook_report(:d2, false, 500, 'Internal Server Error', 1000, 60000, 3) AS fail_1;
SELECT attempts, last_status_code, last_error, locked_until IS NULL AS unlocked,
       next_attempt_at BETWEEN now() + interval '0.9 s' AND now() + interval '1.1 s' AS backoff_1s
  FROM webhook_deliveries WHERE id = :d2;
SELECT sk_webhook_report(:d2, false, NULL, NULL, 1000, 60000, 3) AS fail_2;
SELECT next_attempt_at BETWEEN now() + interval '1.9 s' AND now() + interval '2.1 s' AS backoff_2s, last_error
  FROM webhook_deliveries WHERE id = :d2;
SELECT sk_webhook_report(:d2, false, 502, repeat('x', 600), 1000, 60000, 3) AS fail_3;
SELECT length(last_error) AS error_length FROM webhook_deliveries WHERE id = :d2;
-- a finished row takes no more reports
SELECT sk_webhook_report(:d1, false, 500, 'late', 1000, 60000, 3) IS NULL AS finished_row_untouched;
-- the deliveries list, with a status filter
SELECT status, jsonb_array_length(body::jsonb->'items') AS items
  FROM api_webhook_deliveries(:'hook_g', 50, NULL, NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, (SELECT string_agg(i->>'status', ',') FROM jsonb_array_elements(body::jsonb->'items') i) AS statuses
  FROM api_webhook_deliveries(:'hook_g', 50, NULL, 'failed', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body) FROM api_webhook_deliveries(:'hook_g', 50, NULL, NULL, 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT body::jsonb->'deliveries' AS counts FROM api_webhook_get(:'hook_g', 'admin', :'org_m', :'key_admin', '{*}');

ROLLBACK;
