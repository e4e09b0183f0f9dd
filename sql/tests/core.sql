-- core: problem and error helpers, JSON/text/time helpers, cursors, replies, idempotent replay.
BEGIN;
\ir lib/fixture.psql

-- Problems (RFC 9457) in the contract's dialect: type and title from common/contract.def
SELECT (r).status, (r).etag, (r).location, (r).body::jsonb
  FROM (SELECT sk_problem(409, 'conflict', 'It changed.') AS r) x;
SELECT (r).body::jsonb->>'type' AS type, (r).body::jsonb->>'title' AS title
  FROM (VALUES (sk_problem(500, NULL, 'd')), (sk_problem(422, 'invalid-input', 'd')),
               (sk_problem(409, 'already-hidden', 'd'))) v(r);
SELECT (sk_problem(400, 'invalid-input', 'd', '[]')).body::jsonb ? 'errors' AS empty_errors_kept,
       (sk_problem(400, 'invalid-input', 'd')).body::jsonb ? 'errors' AS no_errors_member;
-- a problem type that is not in the contract is a programming error, not an answer
SAVEPOINT unknown_slug;
SELECT sk_problem(400, 'no-such-problem', 'd');
ROLLBACK TO SAVEPOINT unknown_slug;
SELECT sk_err('title', 'is required');
SELECT (r).status, pg_temp.p((r).body), (r).body::jsonb->>'detail' AS detail
  FROM (VALUES (sk_unauthorized()), (sk_forbidden('Not yours.')), (sk_not_found('Gone.')),
               (sk_bad_field('limit', 'must be a number'))) v(r)
 ORDER BY 1;
-- sk_invalid: one error has the message as detail, several name the count and the first
SELECT (sk_invalid('[{"field": "title", "message": "is required"}]')).body::jsonb->>'detail' AS one;
SELECT (sk_invalid('[{"field": "title", "message": "is required"},
                     {"field": "municipality", "message": "is unknown"}]')).body::jsonb->>'detail' AS two;
SELECT (sk_invalid('[{"field": "", "message": "breaks a rule"}]')).body::jsonb->>'detail' AS no_field;
SELECT (sk_invalid('[{"field": "a", "message": "m"}]')).status;

-- Constraint violations as field errors: commented constraints, NOT NULL columns, foreign keys
SELECT sk_constraint_error('entries_title_chk', 'entries', NULL, 'x');
SELECT sk_constraint_error('entries_schedule_end_chk', 'entries', NULL, 'x');
SELECT sk_constraint_error(NULL, 'entries', 'starts_at', 'null value');
SELECT sk_constraint_error(NULL, 'entries', 'title', 'null value');
SELECT sk_constraint_error('entries_support_kind_fkey', 'entries', NULL, 'x');
SELECT sk_constraint_error('no_such_rule', 'entries', NULL, 'x');
SELECT sk_constraint_error(NULL, NULL, NULL, 'raw message');
-- the comment is looked up on the named table only
SELECT sk_constraint_error('entries_title_chk', 'organisations', NULL, 'x');

-- Replies and ETags
SELECT (r).status, (r).etag, (r).location, (r).body
  FROM (SELECT sk_reply(201, '{"a": 1}', sk_etag(7), '/api/v1/x') AS r) x;
SELECT (sk_reply(204, NULL)).body IS NULL AS no_body;
SELECT sk_etag(1), sk_etag(42);

-- sk_obj, sk_text_array, sk_is_uuid
SELECT sk_obj('{"a": 1}'), sk_obj('[1]') IS NULL AS arr, sk_obj('"s"') IS NULL AS str, sk_obj(NULL) IS NULL AS nul;
SELECT sk_text_array('["a", "b"]'), sk_text_array('[]'), sk_text_array('"a"') IS NULL AS not_array;
SELECT sk_is_uuid('0a0b0c0d-0000-4000-8000-00000000abcd') AS lower_ok,
       sk_is_uuid('0A0B0C0D-0000-4000-8000-00000000ABCD') AS upper_ok,
       sk_is_uuid('0a0b0c0d00004000800000000000abcd') AS no_dashes,
       sk_is_uuid('0a0b0c0d-0000-4000-8000-00000000abc') AS short,
       sk_is_uuid(NULL) AS nul;

-- sk_merge_patch (RFC 7396, incl. the RFC's appendix A cases)
SELECT sk_merge_patch('{"a": "b"}', '{"a": "c"}');
SELECT sk_merge_patch('{"a": "b"}', '{"b": "c"}');
SELECT sk_merge_patch('{"a": "b", "b": "c"}', '{"a": null}');
SELECT sk_merge_patch('{"a": ["b"]}', '{"a": "c"}');
SELECT sk_merge_patch('{"a": {"b": "c"}}', '{"a": {"b": "d", "c": null}}');
SELECT sk_merge_patch('{"a": [{"b": "c"}]}', '{"a": [1]}');
SELECT sk_merge_patch('["a", "b"]', '["c", "d"]');
SELECT sk_merge_patch('{"a": "foo"}', '"bar"');
SELECT sk_merge_patch('{"e": null}', '{"a": 1}');
SELECT sk_merge_patch('[1, 2]', '{"a": "b", "c": null}');
SELECT sk_merge_patch('{}', '{"a": {"bb": {"ccc": null}}}');

-- sk_clean_translations: no nulls, no empty or non-object languages
SELECT sk_clean_translations('{"en": {"title": "Hi", "summary": null}, "de": {"title": null}, "fr": "x", "tr": {}}');
SELECT sk_clean_translations('"not an object"'), sk_clean_translations(NULL);

-- Dates, times of day, durations
SELECT sk_date_ok('2026-02-28') AS ok, sk_date_ok('2026-02-30') AS feb30, sk_date_ok('1999-12-31') AS too_early,
       sk_date_ok('2100-12-31') AS last, sk_date_ok('2101-01-01') AS too_late, sk_date_ok('morgen') AS word;
SELECT t, sk_tod_ok(t, 'morning') AS morning, sk_tod_ok(t, 'afternoon') AS afternoon,
       sk_tod_ok(t, 'evening') AS evening, sk_tod_ok(t, NULL) AS any
  FROM unnest(ARRAY['2026-05-01 05:59', '2026-05-01 06:00', '2026-05-01 11:59', '2026-05-01 12:00',
                    '2026-05-01 17:59', '2026-05-01 18:00', '2026-05-01 23:59']::timestamp[]) t
 ORDER BY t;
SELECT d, sk_parse_duration(d)
  FROM unnest(ARRAY['P6M', 'P1Y', 'P90D', 'P2W', 'P1Y6M', 'P', 'PT1H', '6M', 'P-1D', 'P1M1Y', '']) d
 ORDER BY d;
SELECT i, sk_iso_interval(i)
  FROM unnest(ARRAY['6 months', '1 year 2 months 3 days 4 hours', '0', '90 days', '30 seconds']::interval[]) i
 ORDER BY i;
SELECT sk_iso_interval(sk_parse_duration('P1Y6M')) AS round_trip;

-- Time: ISO with the Amsterdam offset (winter +01:00, summer +02:00), local schedule times
SELECT sk_iso('2026-01-15 12:00:00+00'), sk_iso('2026-07-15 12:00:00+00'), sk_iso(NULL) IS NULL AS nul;
SELECT sk_iso('2026-03-29 00:59:59+00') AS before_dst, sk_iso('2026-03-29 01:00:00+00') AS after_dst;
SELECT sk_local('2026-11-24 10:00:30'), sk_local(NULL) IS NULL AS nul;
-- sk_amsterdam: wall-clock to moment; the ambiguous hour in October is the first (summer time)
SELECT sk_amsterdam('2026-01-15 12:00') = '2026-01-15 11:00:00+00' AS winter,
       sk_amsterdam('2026-07-15 12:00') = '2026-07-15 10:00:00+00' AS summer,
       sk_amsterdam('2026-10-25 02:30') = '2026-10-25 00:30:00+00' AS ambiguous_first,
       sk_amsterdam('2026-10-25 03:30') = '2026-10-25 02:30:00+00' AS after_fold;

-- CSV fields (RFC 4180 and no formula injection)
SELECT v, sk_csv(v)
  FROM unnest(ARRAY['plain', 'a,b', 'say "hi"', E'two\nlines', '=SUM(A1)', '+31', '-1', '@me', '']) v
 ORDER BY v;
SELECT sk_csv(NULL) = '' AS null_is_empty;

-- sk_diff: changed members, one level deeper for objects, ignoring the read-only members
SELECT sk_diff('{"id": 1, "version": 1, "title": "A", "themes": ["x"], "address": {"street": "S", "city": "C"}}',
               '{"id": 2, "version": 2, "title": "B", "themes": ["x", "y"], "address": {"street": "S", "city": "D"}}');
SELECT sk_diff('{"cost": null}', '{"cost": {"free": true}}');
SELECT sk_diff('{"title": "A"}', '{"title": "A"}');

-- Points
SELECT sk_point_json(sk_point('{"lat": 51.83, "lon": 4.97}'));
SELECT sk_point('{"lat": "51.83", "lon": 4.97}') IS NULL AS string_lat, sk_point('{"lat": 51.83}') IS NULL AS no_lon,
       sk_point_json(NULL) IS NULL AS nul;

-- Cursors: round trip, syntax
SELECT sk_cursor('2026-11-23 10:00:00.123456+01', '0a0b0c0d-0000-4000-8000-00000000abcd');
SELECT sk_cursor_at(sk_cursor('2026-11-23 10:00:00.123456+01', :'missing')) = '2026-11-23 10:00:00.123456+01' AS at_ok,
       sk_cursor_id(sk_cursor('2026-11-23 10:00:00.123456+01', :'missing')) = :'missing' AS id_ok;
SELECT c, sk_cursor_ok(c)
  FROM unnest(ARRAY['1795424400123456.0a0b0c0d-0000-4000-8000-00000000abcd',
                    '-5.0a0b0c0d-0000-4000-8000-00000000abcd',
                    '1795424400123456.0A0B0C0D-0000-4000-8000-00000000ABCD',
                    '1795424400123456',
                    'abc.0a0b0c0d-0000-4000-8000-00000000abcd',
                    '123456789012345678.0a0b0c0d-0000-4000-8000-00000000abcd']) c
 ORDER BY c;

-- Idempotent replay: same request → the stored response; other request or no stored status → 422
SELECT (r).status, (r).etag, (r).location, (r).body
  FROM (SELECT sk_idempotent_replay(ROW(:'key_a', 'k1', 'hash1', 201, '"1"', '/api/v1/places/x', '{"id": "x"}',
                                        NULL, now())::idempotency_keys, 'hash1') AS r) x;
SELECT (r).status, pg_temp.p((r).body)
  FROM (SELECT sk_idempotent_replay(ROW(:'key_a', 'k1', 'hash1', 201, '"1"', '/x', '{}', NULL, now())::idempotency_keys,
                                    'hash2') AS r) x;
SELECT (r).status, pg_temp.p((r).body)
  FROM (SELECT sk_idempotent_replay(ROW(:'key_a', 'k1', 'hash1', NULL, NULL, NULL, NULL, NULL, now())::idempotency_keys,
                                    'hash1') AS r) x;

ROLLBACK;
