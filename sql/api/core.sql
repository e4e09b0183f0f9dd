-- sql/api/core.sql — the helpers every resource uses: replies and RFC 9457 problems, field errors, JSON and
-- time formatting (Europe/Amsterdam), cursors, ETags, JSON merge patch, idempotent replays.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- =============================================================================================
-- Response helpers
-- =============================================================================================
CREATE TYPE sk_response AS (status integer, etag text, location text, body text);

CREATE OR REPLACE FUNCTION sk_reply(p_status integer, p_body jsonb, p_etag text DEFAULT NULL, p_location text DEFAULT NULL)
    RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN ROW(p_status, p_etag, p_location, p_body::text)::sk_response;

CREATE OR REPLACE FUNCTION sk_err(p_field text, p_message text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    RETURN jsonb_build_object('field', p_field, 'message', p_message);

-- An RFC 9457 problem in the API's one dialect (common/contract.def, shared with the daemon):
-- p_slug NULL is about:blank with the status's reason phrase; a slug has its urn and its title
-- (or the reason phrase). Field errors are invalid-input with "errors". The daemon adds
-- "instance", the request's path, which SQL does not know.
CREATE OR REPLACE FUNCTION sk_problem(p_status integer, p_slug text, p_detail text, p_errors jsonb DEFAULT NULL)
    RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN ROW(p_status, NULL, NULL,
               (jsonb_build_object('type', sk_contract_problem_type(p_slug),
                                   'title', sk_contract_problem_title(p_slug, p_status),
                                   'status', p_status, 'detail', p_detail)
                || CASE WHEN p_errors IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('errors', p_errors) END
               )::text)::sk_response;

CREATE OR REPLACE FUNCTION sk_unauthorized() RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(401, NULL,
                      'This operation needs an API key: send "Authorization: Bearer <key>".');

CREATE OR REPLACE FUNCTION sk_forbidden(p_detail text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(403, NULL, p_detail);

CREATE OR REPLACE FUNCTION sk_not_found(p_detail text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(404, NULL, p_detail);

CREATE OR REPLACE FUNCTION sk_bad_field(p_field text, p_message text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(400, 'invalid-input', p_field || ' ' || p_message,
                      jsonb_build_array(sk_err(p_field, p_message)));

-- The 400 of a request body that is not a JSON object, NULL for one that is.
CREATE OR REPLACE FUNCTION sk_not_object(p_body jsonb) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN sk_bad_field('body', 'must be a JSON object') END;

-- 422 with every error; the detail names the first one so logs say something useful.
CREATE OR REPLACE FUNCTION sk_invalid(p_errors jsonb) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(422, 'invalid-input',
                      CASE jsonb_array_length(p_errors)
                          WHEN 1 THEN ''
                          ELSE jsonb_array_length(p_errors) || ' fields are invalid; the first: '
                      END
                      || CASE WHEN p_errors->0->>'field' = '' THEN '' ELSE (p_errors->0->>'field') || ' ' END
                      || (p_errors->0->>'message'),
                      p_errors);

CREATE OR REPLACE FUNCTION sk_etag(p_version integer) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN '"' || p_version || '"';

CREATE OR REPLACE FUNCTION sk_is_uuid(p text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(p ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', false);

-- =============================================================================================
-- JSON and time helpers
-- =============================================================================================
-- ISO 8601 with the Europe/Amsterdam offset: 2026-11-23T14:05:09+01:00
-- One expression (no FROM, no sublink), so the planner inlines it into the caller's plan: a
-- function with a query of its own is planned again on every call inside a subtransaction (an
-- EXCEPTION block per row, as the import has).
CREATE OR REPLACE FUNCTION sk_iso(t timestamptz) RETURNS text LANGUAGE sql STABLE
    RETURN to_char(t AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN (t AT TIME ZONE 'Europe/Amsterdam') < (t AT TIME ZONE 'UTC')
                   THEN '-' || to_char((t AT TIME ZONE 'UTC') - (t AT TIME ZONE 'Europe/Amsterdam'), 'HH24:MI')
                   ELSE '+' || to_char((t AT TIME ZONE 'Europe/Amsterdam') - (t AT TIME ZONE 'UTC'), 'HH24:MI') END;

-- Local schedule time as the API takes it: 2026-11-24T10:00
CREATE OR REPLACE FUNCTION sk_local(t timestamp) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN to_char(t, 'YYYY-MM-DD"T"HH24:MI');

-- plpgsql, not sql: its plan is cached for the session, also across subtransactions (see sk_iso).
CREATE OR REPLACE FUNCTION sk_text_array(j jsonb) RETURNS text[] LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN CASE WHEN jsonb_typeof(j) = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(j)) END;
END;
$$;

CREATE OR REPLACE FUNCTION sk_obj(j jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN jsonb_typeof(j) = 'object' THEN j END;

CREATE OR REPLACE FUNCTION sk_point(j jsonb) RETURNS geography LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN jsonb_typeof(j->'lat') = 'number' AND jsonb_typeof(j->'lon') = 'number'
                THEN ST_SetSRID(ST_MakePoint((j->>'lon')::float8, (j->>'lat')::float8), 4326)::geography END;

CREATE OR REPLACE FUNCTION sk_point_json(g geography) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN g IS NOT NULL
                THEN jsonb_build_object('lat', ST_Y(g::geometry), 'lon', ST_X(g::geometry)) END;

-- RFC 7396 JSON merge patch.
CREATE OR REPLACE FUNCTION sk_merge_patch(target jsonb, patch jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    k text;
    v jsonb;
    r jsonb;
BEGIN
    IF patch IS NULL OR jsonb_typeof(patch) <> 'object' THEN
        RETURN patch;
    END IF;
    r := CASE WHEN jsonb_typeof(target) = 'object' THEN target ELSE '{}'::jsonb END;
    FOR k, v IN SELECT * FROM jsonb_each(patch) LOOP
        IF jsonb_typeof(v) = 'null' THEN
            r := r - k;
        ELSE
            r := r || jsonb_build_object(k, sk_merge_patch(r->k, v));
        END IF;
    END LOOP;
    RETURN r;
END;
$$;

-- Keyset cursors: "<created_at as epoch microseconds>.<uuid>" (only [0-9a-f.-], as the daemon allows).
CREATE OR REPLACE FUNCTION sk_cursor(p_at timestamptz, p_id uuid) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN (extract(epoch FROM p_at) * 1000000)::bigint || '.' || p_id;

CREATE OR REPLACE FUNCTION sk_cursor_ok(p_cursor text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN p_cursor ~ '^-?[0-9]{1,17}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

CREATE OR REPLACE FUNCTION sk_cursor_at(p_cursor text) RETURNS timestamptz LANGUAGE sql IMMUTABLE
    RETURN 'epoch'::timestamptz + split_part(p_cursor, '.', 1)::bigint * interval '1 microsecond';

CREATE OR REPLACE FUNCTION sk_cursor_id(p_cursor text) RETURNS uuid LANGUAGE sql IMMUTABLE
    RETURN split_part(p_cursor, '.', 2)::uuid;

-- The 400 of a cursor this API did not give out.
CREATE OR REPLACE FUNCTION sk_bad_cursor() RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_bad_field('cursor', 'is not a cursor this API gave out; start again without it');

-- The 400 of a keyset cursor (sk_cursor) that is not one, NULL for a good one or none.
CREATE OR REPLACE FUNCTION sk_cursor_refusal(p_cursor text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN NOT sk_cursor_ok(p_cursor) THEN sk_bad_cursor() END;

-- A list's page size: p_limit (the contract's default without one) within 1 and the contract's maximum.
CREATE OR REPLACE FUNCTION sk_list_limit(p_limit int) RETURNS int LANGUAGE sql IMMUTABLE
    RETURN greatest(1, least(coalesce(p_limit, sk_contract_limit('list_default')), sk_contract_limit('list_max')));

-- A constraint violation as a field error: constraints a client can trip carry a COMMENT of the form
-- 'field: message' (see sql/schema/0002). This is the second line of defence; the checks in the functions
-- below normally answer first.
CREATE OR REPLACE FUNCTION sk_constraint_error(p_constraint text, p_table text, p_column text, p_message text)
    RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN c.comment ~ '^[a-z_.]+: ' THEN sk_err(substring(c.comment FROM '^([a-z_.]+): '),
                                                     substring(c.comment FROM '^[a-z_.]+: (.*)$'))
        WHEN p_column IS NOT NULL THEN sk_err(
            CASE p_column WHEN 'starts_at' THEN 'schedule.start' WHEN 'ends_at' THEN 'schedule.end'
                          WHEN 'rrule' THEN 'schedule.rrule' WHEN 'exdates' THEN 'schedule.exdates'
                          WHEN 'exception_sets' THEN 'schedule.exception_sets' ELSE p_column END,
            'is required')
        WHEN p_constraint ~ '^[a-z]+_[a-z_]+_fkey$' THEN
            sk_err(substring(p_constraint FROM '^[a-z]+_([a-z_]+)_fkey$'), 'refers to something that does not exist')
        ELSE sk_err('', coalesce('breaks the rule ' || p_constraint, p_message))
    END
      FROM (SELECT (SELECT d.description
                      FROM pg_constraint k
                      JOIN pg_class r ON r.oid = k.conrelid
                      JOIN pg_description d ON d.objoid = k.oid AND d.classoid = 'pg_constraint'::regclass
                     WHERE k.conname = p_constraint AND r.relname = p_table
                     LIMIT 1) AS comment) c
$$;

-- =============================================================================================
-- Entries: from a body to a row, and storing it
-- =============================================================================================
-- translations without nulls and without empty languages
-- plpgsql, not sql: its plan is cached for the session, also across subtransactions (see sk_iso).
CREATE OR REPLACE FUNCTION sk_clean_translations(j jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_object_agg(t.lang, jsonb_strip_nulls(t.tr)), '{}'::jsonb)
              FROM jsonb_each(CASE WHEN jsonb_typeof(j) = 'object' THEN j ELSE '{}' END) AS t(lang, tr)
             WHERE jsonb_typeof(t.tr) = 'object' AND jsonb_strip_nulls(t.tr) <> '{}'::jsonb);
END;
$$;

-- The stored response of an Idempotency-Key, or 422 when the key came with another request.
CREATE OR REPLACE FUNCTION sk_idempotent_replay(k idempotency_keys, p_hash text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE
        WHEN k.request_hash IS DISTINCT FROM p_hash OR k.status IS NULL THEN
            sk_problem(422, 'idempotency-key-reused',
                       'This Idempotency-Key was already used with a different request; use a new key for a new request.',
                       jsonb_build_array(sk_err('Idempotency-Key', 'was already used with a different request')))
        ELSE ROW(k.status, k.etag, k.location, k.body)::sk_response
    END;

-- Errors for a JSON string member: required, single line, length.
CREATE OR REPLACE FUNCTION sk_line_errors(p_field text, v jsonb, p_required boolean, p_max int) RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN v IS NULL OR jsonb_typeof(v) = 'null' THEN
            CASE WHEN p_required THEN jsonb_build_array(sk_err(p_field, 'is required')) ELSE '[]'::jsonb END
        WHEN jsonb_typeof(v) <> 'string' THEN jsonb_build_array(sk_err(p_field, 'must be a string'))
        WHEN btrim(v #>> '{}', E' \t\n\r\u00a0') = '' THEN jsonb_build_array(sk_err(p_field, 'must not be empty or only spaces'))
        WHEN (v #>> '{}') ~ '[\x01-\x1f\x7f]' THEN jsonb_build_array(sk_err(p_field, 'must be a single line without control characters'))
        WHEN length(v #>> '{}') > p_max THEN jsonb_build_array(sk_err(p_field, format('must be at most %s characters', p_max)))
        ELSE '[]'::jsonb
    END
$$;

CREATE OR REPLACE FUNCTION sk_unknown_member_errors(b jsonb, p_allowed text[]) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_agg(sk_err(k, 'unknown field') ORDER BY k), '[]'::jsonb)
      FROM jsonb_object_keys(b) AS k
     WHERE NOT k = ANY (p_allowed)
$$;

CREATE OR REPLACE FUNCTION sk_date_ok(p text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN p::date BETWEEN DATE '2000-01-01' AND DATE '2100-12-31';
EXCEPTION WHEN data_exception THEN
    RETURN false;
END;
$$;

-- Housekeeping: Idempotency-Keys are kept for 24 hours (callable from a timer; also pruned lazily).
CREATE OR REPLACE FUNCTION sk_prune_idempotency_keys() RETURNS bigint LANGUAGE sql AS $$
    WITH d AS (DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours' RETURNING 1)
    SELECT count(*) FROM d
$$;

-- ---------------------------------------------------------------------------------------------
-- Recurrence expansion
-- ---------------------------------------------------------------------------------------------
-- A wall-clock time in Amsterdam as a moment. A time that occurs twice (02:00-02:59 on the last
-- Sunday of October) is the first of the two, in summer time, as RFC 5545 (3.3.5) says and
-- calendars do; PostgreSQL alone would take the second.
CREATE OR REPLACE FUNCTION sk_amsterdam(t timestamp) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN ((t AT TIME ZONE 'Europe/Amsterdam') - interval '1 hour') AT TIME ZONE 'Europe/Amsterdam' = t
                THEN (t AT TIME ZONE 'Europe/Amsterdam') - interval '1 hour'
                ELSE t AT TIME ZONE 'Europe/Amsterdam' END;

-- ---------------------------------------------------------------------------------------------
-- Search columns on entries
-- ---------------------------------------------------------------------------------------------
-- opening_hours as minutes of the week (mo 00:00 = 0 .. su 24:00 = 10080)
CREATE OR REPLACE FUNCTION sk_opening_minutes(j jsonb) RETURNS int4multirange LANGUAGE sql IMMUTABLE AS $$
    SELECT range_agg(int4range(d.i * 1440 + split_part(h->>'opens', ':', 1)::int * 60 + split_part(h->>'opens', ':', 2)::int,
                               d.i * 1440 + split_part(h->>'closes', ':', 1)::int * 60 + split_part(h->>'closes', ':', 2)::int))
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(j) = 'array' THEN j ELSE '[]' END) h,
           LATERAL (SELECT array_position(ARRAY['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'], h->>'day') - 1 AS i) d
     WHERE d.i IS NOT NULL AND h->>'opens' < h->>'closes'
$$;

-- A moment as minute of the week in Amsterdam time.
CREATE OR REPLACE FUNCTION sk_week_minute(t timestamp) RETURNS int LANGUAGE sql IMMUTABLE
    RETURN (extract(isodow FROM t)::int - 1) * 1440 + extract(hour FROM t)::int * 60 + extract(minute FROM t)::int;

-- Does a local start time fall in the time_of_day part (NULL = any)?
CREATE OR REPLACE FUNCTION sk_tod_ok(t timestamp, p_tod text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN CASE p_tod WHEN 'morning' THEN t::time >= '06:00' AND t::time < '12:00'
                      WHEN 'afternoon' THEN t::time >= '12:00' AND t::time < '18:00'
                      WHEN 'evening' THEN t::time >= '18:00'
                      ELSE true END;

-- ISO 8601 duration of an interval (P6M, P1Y2M3DT4H).
CREATE OR REPLACE FUNCTION sk_iso_interval(i interval) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN 'P' || CASE WHEN extract(year FROM i) <> 0 THEN extract(year FROM i)::int || 'Y' ELSE '' END
               || CASE WHEN extract(month FROM i) <> 0 THEN extract(month FROM i)::int || 'M' ELSE '' END
               || CASE WHEN extract(day FROM i) <> 0 THEN extract(day FROM i)::int || 'D' ELSE '' END
               || CASE WHEN extract(epoch FROM i - date_trunc('day', i)) <> 0
                       THEN 'T' || round(extract(epoch FROM i - date_trunc('day', i)))::bigint || 'S'
                       WHEN i = interval '0' THEN 'T0S' ELSE '' END;

-- One CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
CREATE OR REPLACE FUNCTION sk_csv(v text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN v IS NULL THEN ''
                WHEN v ~ '[",\r\n]' OR v ~ '^[=+@-]' THEN '"' || replace(v, '"', '""') || '"'
                ELSE v END;

-- The members that differ between two representations, as [{field, published, proposed}], ordered
-- by field. An object member (address, contact, cost, accessibility, schedule, translations ...)
-- is compared one level deeper: "address.street", "contact.phone"; arrays are compared whole.
CREATE OR REPLACE FUNCTION sk_diff(p_published jsonb, p_proposed jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    WITH top AS (
        SELECT k, coalesce(p_published->k, 'null') AS a, coalesce(p_proposed->k, 'null') AS b
          FROM (SELECT jsonb_object_keys(coalesce(p_published, '{}')) AS k
                UNION SELECT jsonb_object_keys(coalesce(p_proposed, '{}'))) keys
         WHERE NOT k = ANY (ARRAY['id', 'kind', 'status', 'version', 'language', 'created_at', 'updated_at'])
    ), deep AS (
        -- both sides an object, or one an object and the other null: member by member
        SELECT t.k || '.' || m AS field, coalesce(t.a->m, 'null') AS a, coalesce(t.b->m, 'null') AS b
          FROM top t
          CROSS JOIN LATERAL (SELECT jsonb_object_keys(CASE WHEN jsonb_typeof(t.a) = 'object' THEN t.a ELSE '{}' END) AS m
                              UNION SELECT jsonb_object_keys(CASE WHEN jsonb_typeof(t.b) = 'object' THEN t.b ELSE '{}' END)) ms
         WHERE jsonb_typeof(t.a) IN ('object', 'null') AND jsonb_typeof(t.b) IN ('object', 'null')
        UNION ALL
        SELECT t.k, t.a, t.b
          FROM top t
         WHERE NOT (jsonb_typeof(t.a) IN ('object', 'null') AND jsonb_typeof(t.b) IN ('object', 'null'))
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object('field', field, 'published', a, 'proposed', b) ORDER BY field),
                    '[]'::jsonb)
      FROM deep
     WHERE a IS DISTINCT FROM b
$$;

-- =============================================================================================
-- Settings
-- =============================================================================================
-- An ISO 8601 duration in whole years, months, weeks and days ("P6M", "P1Y", "P90D", "P2W",
-- "P1Y6M"), as an interval; NULL when the text is not one.
CREATE OR REPLACE FUNCTION sk_parse_duration(p text) RETURNS interval LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    m text[] := regexp_match(p, '^P(?:([0-9]{1,4})Y)?(?:([0-9]{1,5})M)?(?:([0-9]{1,5})W)?(?:([0-9]{1,6})D)?$');
BEGIN
    IF m IS NULL OR p = 'P' THEN
        RETURN NULL;
    END IF;
    RETURN make_interval(years => coalesce(m[1]::int, 0), months => coalesce(m[2]::int, 0),
                         weeks => coalesce(m[3]::int, 0), days => coalesce(m[4]::int, 0));
END;
$$;

-- Errors of a duration member: an ISO 8601 duration from p_min to 10 years.
CREATE OR REPLACE FUNCTION sk_duration_errors(p_body jsonb, p_field text, p_min interval, p_min_text text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN NOT p_body ? p_field THEN '[]'::jsonb
                WHEN jsonb_typeof(p_body->p_field) IS DISTINCT FROM 'string' OR sk_parse_duration(p_body->>p_field) IS NULL
                    THEN jsonb_build_array(sk_err(p_field, 'must be an ISO 8601 duration in years, months, weeks or days, such as "P6M", "P90D" or "P1Y"'))
                WHEN sk_parse_duration(p_body->>p_field) < p_min OR sk_parse_duration(p_body->>p_field) > interval '10 years'
                    THEN jsonb_build_array(sk_err(p_field, format('must be from %s to P10Y', p_min_text)))
                ELSE '[]'::jsonb END;

-- Errors of a whole-number member in [p_lo, p_hi].
CREATE OR REPLACE FUNCTION sk_int_member_errors(p_body jsonb, p_field text, p_lo int, p_hi int) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN NOT p_body ? p_field THEN '[]'::jsonb
                WHEN jsonb_typeof(p_body->p_field) IS DISTINCT FROM 'number'
                    THEN jsonb_build_array(sk_err(p_field, format('must be a whole number from %s to %s', p_lo, p_hi)))
                WHEN (p_body->>p_field)::numeric <> trunc((p_body->>p_field)::numeric)
                     OR (p_body->>p_field)::numeric NOT BETWEEN p_lo AND p_hi
                    THEN jsonb_build_array(sk_err(p_field, format('must be a whole number from %s to %s', p_lo, p_hi)))
                ELSE '[]'::jsonb END;
