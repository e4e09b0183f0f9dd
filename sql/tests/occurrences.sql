-- occurrences: recurrence rules (sk_rrule_*), expansion (sk_occ_expand), the stored occurrences
-- (sk_occurrences_*) and GET /activities/{id}/occurrences (api_activity_occurrences).
BEGIN;
\ir lib/fixture.psql

-- ---- rule syntax and parts -----------------------------------------------------------------
SELECT r, sk_rrule_ok(r)
  FROM unnest(ARRAY['FREQ=WEEKLY;BYDAY=TU', 'RRULE:FREQ=DAILY', 'FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=HOURLY',
                    'BYDAY=TU', 'FREQ=WEEKLY;COUNT=3;UNTIL=20270101', 'FREQ=WEEKLY;byday=tu', 'FREQ=WEEKLY;FOO=1',
                    'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24']) r
 ORDER BY r;
SELECT sk_rrule_part('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH', 'BYDAY') AS byday,
       sk_rrule_part('FREQ=WEEKLY;INTERVAL=2', 'INTERVAL') AS interval_,
       sk_rrule_part('FREQ=WEEKLY', 'COUNT') IS NULL AS no_count;
-- does the rule select the first date? (2026-12-01 is a Tuesday, the first of the month)
SELECT r, sk_rrule_selects(r, DATE '2026-12-01') AS tue_1st
  FROM unnest(ARRAY['FREQ=WEEKLY;BYDAY=TU', 'FREQ=WEEKLY;BYDAY=WE', 'FREQ=DAILY', 'FREQ=MONTHLY;BYDAY=1TU',
                    'FREQ=MONTHLY;BYDAY=2TU', 'FREQ=MONTHLY;BYDAY=-5TU', 'FREQ=MONTHLY;BYMONTHDAY=1',
                    'FREQ=MONTHLY;BYMONTHDAY=-31', 'FREQ=MONTHLY;BYMONTHDAY=2', 'FREQ=YEARLY']) r
 ORDER BY r;
SELECT sk_rrule_selects('FREQ=MONTHLY;BYDAY=-1TH', DATE '2026-12-31') AS last_thursday,
       sk_rrule_selects('FREQ=MONTHLY;BYMONTHDAY=-1', DATE '2027-02-28') AS last_of_february;
-- UNTIL as the last local start: a date means the whole day, Z is UTC
SELECT u, sk_rrule_until_local(u)
  FROM unnest(ARRAY['FREQ=DAILY;UNTIL=20261224', 'FREQ=DAILY;UNTIL=20261224T100000', 'RRULE:FREQ=DAILY;UNTIL=20261224T100000Z',
                    'FREQ=DAILY;UNTIL=20260724T100000Z', 'FREQ=DAILY;UNTIL=20261399', 'FREQ=DAILY']) u
 ORDER BY u;
SELECT sk_rrule_until_before('FREQ=DAILY;UNTIL=20261224', '2026-12-24 20:00') AS same_day,
       sk_rrule_until_before('FREQ=DAILY;UNTIL=20261223', '2026-12-24 09:00') AS day_before,
       sk_rrule_until_before('FREQ=DAILY', '2026-12-24 09:00') AS no_until;

-- ---- expansion (fixed dates: the function is pure apart from exception sets) ----------------
-- no rule: the one occurrence, if it lies in the window
SELECT * FROM sk_occ_expand('2026-12-01 10:00', '2026-12-01 12:00', NULL, '{}', '{}', '2026-11-01', '2027-01-01');
SELECT count(*) AS outside FROM sk_occ_expand('2026-12-01 10:00', NULL, NULL, '{}', '{}', '2027-01-01', '2027-02-01');
-- weekly on Tuesday and Thursday, COUNT=5 counts before the exdates are removed
SELECT * FROM sk_occ_expand('2026-12-01 10:00', '2026-12-01 11:30', 'FREQ=WEEKLY;BYDAY=TU,TH;COUNT=5',
                            '{2026-12-08}', '{}', '2026-11-01', '2027-03-01');
-- every other week, until a date (inclusive)
SELECT local_start FROM sk_occ_expand('2026-12-01 19:00', NULL, 'FREQ=WEEKLY;INTERVAL=2;UNTIL=20270112', '{}', '{}',
                                      '2026-11-01', '2027-03-01');
-- monthly on the last Friday, and on the last day of the month
SELECT local_start FROM sk_occ_expand('2026-12-25 14:00', NULL, 'FREQ=MONTHLY;BYDAY=-1FR;COUNT=4', '{}', '{}',
                                      '2026-01-01', '2028-01-01');
SELECT local_start FROM sk_occ_expand('2027-01-31 09:00', NULL, 'FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3', '{}', '{}',
                                      '2027-01-01', '2028-01-01');
-- the window cuts: only starts in [from, to)
SELECT local_start FROM sk_occ_expand('2026-12-01 10:00', NULL, 'FREQ=DAILY', '{}', '{}', '2026-12-10', '2026-12-13');
-- daily across the change to summer time keeps the wall-clock time; the moment shifts an hour
SELECT local_start, sk_iso(sk_amsterdam(local_start)) AS moment
  FROM sk_occ_expand('2027-03-27 09:30', NULL, 'FREQ=DAILY;COUNT=3', '{}', '{}', '2027-03-01', '2027-04-01');
-- exception sets: the dates of a set are skipped (here a fixed holiday set of the test)
INSERT INTO exception_sets (code, label_nl, municipality) VALUES ('sqltest-vakantie', 'SQL test vakantie', 'GM0512');
INSERT INTO exception_set_dates (set_code, during, label) VALUES ('sqltest-vakantie', '[2026-12-21,2027-01-04)', 'Kerst');
SELECT local_start FROM sk_occ_expand('2026-12-14 10:00', NULL, 'FREQ=WEEKLY;BYDAY=MO;COUNT=5', '{}', '{sqltest-vakantie}',
                                      '2026-12-01', '2027-03-01');
SELECT local_start FROM sk_occ_expand('2026-12-14 10:00', NULL, 'FREQ=WEEKLY;BYDAY=MO;COUNT=5', '{}', '{sqltest-unknown}',
                                      '2026-12-01', '2027-03-01');

-- ---- stored occurrences and the API, relative to today ---------------------------------------
SELECT sk_occ_first_day() = current_date - 92 AS first_day_ok;
-- a weekly activity starting next week at 10:00, 10 times, with one exdate (the third)
SELECT status, body::jsonb->>'status' AS entry_status, body::jsonb#>>'{schedule,rrule}' AS rrule
  FROM api_entry_create('activity',
         jsonb_build_object('title', 'SQL test koffieochtend', 'municipality', 'GM0512', 'online', true,
                            'schedule', jsonb_build_object('start', sk_local((current_date + 7) + time '10:00'),
                                                           'end', sk_local((current_date + 7) + time '11:30'),
                                                           'rrule', 'FREQ=WEEKLY;COUNT=10',
                                                           'exdates', jsonb_build_array(current_date + 21))),
         NULL, NULL, 'partner', :'org_t', :'key_t', NULL);
SELECT id AS act FROM entries WHERE title = 'SQL test koffieochtend' \gset
SELECT count(*) AS stored, min(local_start) = (current_date + 7) + time '10:00' AS first_ok,
       max(local_start) = (current_date + 70) + time '10:00' AS last_ok,
       bool_and(ends_at - starts_at = interval '90 minutes') AS durations_ok,
       bool_and(local_start::time = '10:00') AS wall_clock_ok,
       count(*) FILTER (WHERE local_start::date = current_date + 21) AS on_exdate
  FROM sk_occurrences WHERE entry_id = :'act';
-- the API: a window of four weeks from today holds the 1st, 2nd and 4th occurrence
SELECT status, jsonb_array_length(body::jsonb->'items') AS items,
       body::jsonb#>>'{items,0,local_start}' = sk_local((current_date + 7) + time '10:00') AS first_ok,
       body::jsonb#>>'{items,2,local_start}' = sk_local((current_date + 28) + time '10:00') AS third_is_4th_week,
       body::jsonb#>>'{items,0,start_offset}' = sk_iso(sk_amsterdam((current_date + 7) + time '10:00')) AS offset_ok,
       body::jsonb->>'timezone' AS timezone
  FROM api_activity_occurrences(:'act', current_date::timestamp, (current_date + 29)::timestamp, 'nl', 'anonymous', NULL, NULL, NULL);
-- a window before the start is empty; bad windows are 400
SELECT status, body::jsonb->'items' AS items
  FROM api_activity_occurrences(:'act', (current_date - 30)::timestamp, current_date::timestamp, 'nl', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body)
  FROM api_activity_occurrences(:'act', current_date::timestamp, current_date::timestamp, 'nl', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body)
  FROM api_activity_occurrences(:'act', current_date::timestamp, NULL, 'nl', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body)
  FROM api_activity_occurrences(:'act', current_date::timestamp, (current_date + 367)::timestamp, 'nl', 'anonymous', NULL, NULL, NULL);
-- not an activity, or not visible: 404
SELECT status FROM api_activity_occurrences(:'missing', current_date::timestamp, (current_date + 7)::timestamp, 'nl', 'anonymous', NULL, NULL, NULL);
UPDATE entries SET status = 'pending' WHERE id = :'act';
SELECT who, o.status
  FROM (VALUES ('anonymous', 'anonymous', NULL::uuid, NULL::text[]), ('owner', 'partner', :'org_t', NULL),
               ('other partner', 'partner', :'org_a', NULL), ('moderator GM0512', 'moderator', :'org_m', '{GM0512}'),
               ('moderator GM0668', 'moderator', :'org_m', '{GM0668}')) v(who, r, org, s),
       api_activity_occurrences(:'act', current_date::timestamp, (current_date + 29)::timestamp, 'nl', r, org, NULL, s) o
 ORDER BY who;
-- changing the schedule rewrites the stored occurrences
UPDATE entries SET rrule = 'FREQ=WEEKLY;COUNT=3', exdates = '{}' WHERE id = :'act';
SELECT count(*) AS stored_after_change FROM sk_occurrences WHERE entry_id = :'act';
SELECT sk_occurrences_refresh(:'act');
SELECT count(*) AS stored_after_refresh FROM sk_occurrences WHERE entry_id = :'act';
-- the occurrence horizon covers the test's occurrences (migrate and the daemon keep it ~400 days ahead)
SELECT horizon >= current_date + 71 AS horizon_covers_test FROM sk_occ_state;

-- ---- moving the horizon (sk_occurrences_extend / _extend_step) --------------------------------
-- an open-ended weekly activity is stored up to the horizon; moving the horizon adds the rest
SELECT status FROM api_entry_create('activity',
         jsonb_build_object('title', 'SQL test wekelijks zonder eind', 'municipality', 'GM0512', 'online', true,
                            'schedule', jsonb_build_object('start', sk_local((current_date + 7) + time '19:00'),
                                                           'rrule', 'FREQ=WEEKLY')),
         NULL, NULL, 'partner', :'org_t', :'key_t', NULL);
SELECT id AS open_act FROM entries WHERE title = 'SQL test wekelijks zonder eind' \gset
SELECT sk_until IS NULL AS never_ends FROM entries WHERE id = :'open_act';
-- as if the horizon were still 30 days ahead (and the occurrences stored only that far)
UPDATE sk_occ_state SET horizon = current_date + 30;
DELETE FROM sk_occurrences WHERE entry_id = :'open_act' AND local_start >= current_date + 30;
SELECT count(*) AS stored_to_30_days FROM sk_occurrences WHERE entry_id = :'open_act';
SELECT sk_occurrences_extend() >= 0 AS extended;
SELECT horizon = current_date + 400 AS horizon_400_days, (SELECT moving_to IS NULL FROM sk_occ_move) AS move_done FROM sk_occ_state;
SELECT count(*) = (SELECT count(*) FROM generate_series(current_date + 7, current_date + 399, interval '7 days')) AS all_weeks_stored,
       max(local_start)::date > current_date + 392 AS reaches_horizon
  FROM sk_occurrences WHERE entry_id = :'open_act';
-- with the horizon current, a step has nothing to do
SELECT sk_occurrences_extend_step() AS step;

ROLLBACK;
