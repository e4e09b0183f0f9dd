-- 0003 API: one function per API operation. The daemon validates the shape of a request in C and
-- then makes exactly one call to an api_* function, which authorises, checks what only the
-- database can check (vocabulary codes, areas, references, rules across a merged PATCH), writes,
-- audits and renders the JSON, all in the one statement (= one transaction).
--
-- Every api_* function returns exactly one row (status, etag, location, body):
--   status    the HTTP status
--   etag      '"<version>"' for a single entry or organisation, else NULL
--   location  '/api/v1/...' for 201, else NULL
--   body      JSON text: the resource, a list page {"items": [...], "next_cursor": ...}, an RFC 9457
--             problem {"type", "title", "status", "detail", "errors": [{"field", "message"}]} when
--             status >= 400, or NULL for 204.
-- The actor is always the last four parameters: p_role ('anonymous' | 'partner' | 'moderator' |
-- 'admin'), p_org (organisation of the key), p_key (api_keys.id), p_scope (municipalities a
-- moderator may act in; accepted and not yet enforced).
--
-- Decisions worth knowing:
--  * A soft-deleted entry answers 404 to everyone, its own organisation and moderators included
--    (never 410): "deleted" looks the same as "never existed". Moderators can still purge it.
--  * A partner sees published entries and every non-deleted entry of its own organisation; another
--    organisation's unpublished entry is 404, its published entry is 403 for a change.
--  * The representation is rendered by sk_entry_render() only, for GET, lists, create, update and
--    the audit log. Its member names are the public contract (issue 4). Kind-specific members are
--    always present for their kind (null when unset). For an anonymous caller an activity with
--    address_visibility 'area_only' has no address and location members.
--    schedule.exdates and schedule.exception_sets are null when there is no rrule, so a GET body
--    can be sent back as a PUT body.
--  * Retired vocabulary terms and areas stay valid on entries that already carry them; they are
--    refused only when newly added.
--  * When an entry has a location and some non-retired sub-area of its municipality has a boundary
--    containing it, the entry's areas are those sub-areas (derived on create/update, and again for
--    all entries of the municipality when a boundary is set).
--  * Idempotency-Key: only successful creates are stored (per API key, 24 hours); a retry returns
--    the stored response byte for byte, the same key with another body is a 422.
--
-- Applied inside one transaction by `socialekaart migrate`; no psql meta-commands here.

-- =============================================================================================
-- Response helpers
-- =============================================================================================

CREATE TYPE sk_response AS (status integer, etag text, location text, body text);

CREATE FUNCTION sk_reply(p_status integer, p_body jsonb, p_etag text DEFAULT NULL, p_location text DEFAULT NULL)
    RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN ROW(p_status, p_etag, p_location, p_body::text)::sk_response;

CREATE FUNCTION sk_err(p_field text, p_message text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    RETURN jsonb_build_object('field', p_field, 'message', p_message);

-- An RFC 9457 problem. p_slug NULL gives type about:blank.
CREATE FUNCTION sk_problem(p_status integer, p_slug text, p_title text, p_detail text, p_errors jsonb DEFAULT NULL)
    RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN ROW(p_status, NULL, NULL,
               (jsonb_build_object('type', CASE WHEN p_slug IS NULL THEN 'about:blank'
                                               ELSE 'urn:socialekaart:problem:' || p_slug END,
                                   'title', p_title, 'status', p_status, 'detail', p_detail)
                || CASE WHEN p_errors IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('errors', p_errors) END
               )::text)::sk_response;

CREATE FUNCTION sk_unauthorized() RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(401, 'unauthorized', 'Authentication required',
                      'This operation needs an API key: send "Authorization: Bearer <key>".');

CREATE FUNCTION sk_forbidden(p_detail text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(403, 'forbidden', 'Not allowed', p_detail);

CREATE FUNCTION sk_not_found(p_detail text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(404, 'not-found', 'Not found', p_detail);

CREATE FUNCTION sk_bad_field(p_field text, p_message text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(400, 'bad-request', 'Bad request', p_field || ' ' || p_message,
                      jsonb_build_array(sk_err(p_field, p_message)));

-- 422 with every error; the detail names the first one so logs say something useful.
CREATE FUNCTION sk_invalid(p_errors jsonb) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(422, 'validation', 'The request has invalid fields',
                      CASE jsonb_array_length(p_errors)
                          WHEN 1 THEN ''
                          ELSE jsonb_array_length(p_errors) || ' fields are invalid; the first: '
                      END
                      || CASE WHEN p_errors->0->>'field' = '' THEN '' ELSE (p_errors->0->>'field') || ' ' END
                      || (p_errors->0->>'message'),
                      p_errors);

CREATE FUNCTION sk_etag(p_version integer) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN '"' || p_version || '"';

CREATE FUNCTION sk_is_mod(p_role text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role IN ('moderator', 'admin'), false);

CREATE FUNCTION sk_is_writer(p_role text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role IN ('partner', 'moderator', 'admin'), false);

CREATE FUNCTION sk_kind_path(p_kind text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN CASE p_kind WHEN 'place' THEN 'places' WHEN 'activity' THEN 'activities'
                       WHEN 'vacancy' THEN 'vacancies' WHEN 'carer_support' THEN 'carer-support' END;

CREATE FUNCTION sk_is_uuid(p text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(p ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', false);

-- C errors first, then ours for fields the C validator has not already reported.
CREATE FUNCTION sk_merge_errors(p_first jsonb, p_more jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(p_first, '[]'::jsonb) || coalesce((
        SELECT jsonb_agg(m.v ORDER BY m.i)
          FROM jsonb_array_elements(coalesce(p_more, '[]'::jsonb)) WITH ORDINALITY AS m(v, i)
         WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(p_first, '[]'::jsonb)) AS f(v)
                            WHERE f.v->>'field' = m.v->>'field')), '[]'::jsonb)
$$;

-- =============================================================================================
-- JSON and time helpers
-- =============================================================================================

-- ISO 8601 with the Europe/Amsterdam offset: 2026-11-23T14:05:09+01:00
CREATE FUNCTION sk_iso(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN m < 0 THEN '-' ELSE '+' END
           || lpad((abs(m) / 60)::text, 2, '0') || ':' || lpad((abs(m) % 60)::text, 2, '0')
      FROM (SELECT (extract(epoch FROM (t AT TIME ZONE 'Europe/Amsterdam') - (t AT TIME ZONE 'UTC')) / 60)::int AS m) x
     WHERE t IS NOT NULL
$$;

-- Local schedule time as the API takes it: 2026-11-24T10:00
CREATE FUNCTION sk_local(t timestamp) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN to_char(t, 'YYYY-MM-DD"T"HH24:MI');

CREATE FUNCTION sk_text_array(j jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(j)) END
$$;

CREATE FUNCTION sk_obj(j jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN jsonb_typeof(j) = 'object' THEN j END;

CREATE FUNCTION sk_point(j jsonb) RETURNS geography LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN jsonb_typeof(j->'lat') = 'number' AND jsonb_typeof(j->'lon') = 'number'
                THEN ST_SetSRID(ST_MakePoint((j->>'lon')::float8, (j->>'lat')::float8), 4326)::geography END;

CREATE FUNCTION sk_point_json(g geography) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN g IS NOT NULL
                THEN jsonb_build_object('lat', ST_Y(g::geometry), 'lon', ST_X(g::geometry)) END;

-- RFC 7396 JSON merge patch.
CREATE FUNCTION sk_merge_patch(target jsonb, patch jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
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
CREATE FUNCTION sk_cursor(p_at timestamptz, p_id uuid) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN (extract(epoch FROM p_at) * 1000000)::bigint || '.' || p_id;

CREATE FUNCTION sk_cursor_ok(p_cursor text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN p_cursor ~ '^-?[0-9]{1,17}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

CREATE FUNCTION sk_cursor_at(p_cursor text) RETURNS timestamptz LANGUAGE sql IMMUTABLE
    RETURN 'epoch'::timestamptz + split_part(p_cursor, '.', 1)::bigint * interval '1 microsecond';

CREATE FUNCTION sk_cursor_id(p_cursor text) RETURNS uuid LANGUAGE sql IMMUTABLE
    RETURN split_part(p_cursor, '.', 2)::uuid;

-- =============================================================================================
-- Recurrence rules (the subset the daemon accepts; see common/rrule.h). Only needed to re-check a
-- merged PATCH: for POST and PUT the daemon has checked the rule against schedule.start already.
-- =============================================================================================

CREATE FUNCTION sk_rrule_part(p_rule text, p_name text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN substring(p_rule FROM '(?:^|;)' || p_name || '=([^;]+)');

-- Does the rule's BY-filter select the date of the first occurrence (start)?
CREATE FUNCTION sk_rrule_selects(p_rule text, d date) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    freq text := sk_rrule_part(p_rule, 'FREQ');
    byday text[] := string_to_array(sk_rrule_part(p_rule, 'BYDAY'), ',');
    bymd int[] := string_to_array(sk_rrule_part(p_rule, 'BYMONTHDAY'), ',')::int[];
    wd text := (ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])[extract(isodow FROM d)::int];
    dom int := extract(day FROM d)::int;
    dim int := extract(day FROM date_trunc('month', d) + interval '1 month - 1 day')::int;
BEGIN
    IF freq IN ('DAILY', 'WEEKLY') THEN
        RETURN byday IS NULL OR wd = ANY (byday);
    END IF;
    IF byday IS NULL AND bymd IS NULL THEN
        RETURN true;
    END IF;
    IF bymd IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM unnest(bymd) AS x(n)
             WHERE (x.n > 0 AND x.n = dom) OR (x.n < 0 AND dim + x.n + 1 = dom)) THEN
        RETURN false;
    END IF;
    RETURN byday IS NULL OR EXISTS (
        SELECT 1 FROM unnest(byday) AS b(item)
         WHERE right(b.item, 2) = wd
           AND (length(b.item) = 2
                OR left(b.item, -2)::int = (dom - 1) / 7 + 1
                OR left(b.item, -2)::int = -((dim - dom) / 7 + 1)));
END;
$$;

-- UNTIL as the last local wall-clock moment an occurrence may start at (NULL when absent):
-- UNTIL=YYYYMMDD (the whole day), YYYYMMDDTHHMMSS local, or ...Z in UTC. One reader for the
-- validation here, the search (0004) and the feeds (0006).
CREATE FUNCTION sk_rrule_until_local(p_rule text) RETURNS timestamp LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    u text := sk_rrule_part(regexp_replace(p_rule, '^RRULE:', ''), 'UNTIL');
    t timestamp;
BEGIN
    IF u IS NULL OR u !~ '^[0-9]{8}(T[0-9]{6}Z?)?$' THEN
        RETURN NULL;
    END IF;
    IF length(u) = 8 THEN
        RETURN make_timestamp(left(u, 4)::int, substr(u, 5, 2)::int, substr(u, 7, 2)::int, 23, 59, 59);
    END IF;
    t := make_timestamp(left(u, 4)::int, substr(u, 5, 2)::int, substr(u, 7, 2)::int,
                        substr(u, 10, 2)::int, substr(u, 12, 2)::int, substr(u, 14, 2)::int);
    IF right(u, 1) = 'Z' THEN
        t := (t AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/Amsterdam';
    END IF;
    RETURN t;
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$;

-- Does UNTIL lie before start?
CREATE FUNCTION sk_rrule_until_before(p_rule text, p_start timestamp) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(sk_rrule_until_local(p_rule) < p_start, false);

-- =============================================================================================
-- Audit
-- =============================================================================================

CREATE FUNCTION sk_audit(p_role text, p_org uuid, p_key uuid, p_entity text, p_entity_id text, p_entry uuid,
                         p_action text, p_before jsonb, p_after jsonb) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO audit_log (key_id, organisation_id, role, entity, entity_id, entry_id, action, before, after)
    VALUES (p_key, p_org, coalesce(p_role, 'system'), p_entity, p_entity_id, p_entry, p_action, p_before, p_after)
$$;

-- A constraint violation as a field error: constraints a client can trip carry a COMMENT of the form
-- 'field: message' (see 0002). This is the second line of defence; the checks in the functions
-- below normally answer first.
CREATE FUNCTION sk_constraint_error(p_constraint text, p_table text, p_column text, p_message text)
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
-- Entries: rendering
-- =============================================================================================

CREATE FUNCTION sk_entry_render(e entries, p_lang text DEFAULT 'nl', p_anonymous boolean DEFAULT false)
    RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    tr jsonb;
    lang text := 'nl';
    r jsonb;
BEGIN
    IF p_lang IS NOT NULL AND p_lang <> 'nl' AND jsonb_typeof(e.translations->p_lang) = 'object'
       AND e.translations->p_lang <> '{}'::jsonb THEN
        tr := e.translations->p_lang;
        lang := p_lang;
    END IF;
    r := jsonb_build_object(
        'id', e.id,
        'kind', e.kind,
        'status', e.status,
        'version', e.version,
        'language', lang,
        'title', coalesce(tr->>'title', e.title),
        'summary', coalesce(tr->>'summary', e.summary),
        'description', coalesce(tr->>'description', e.description),
        'translations', e.translations,
        'organisation_id', e.organisation_id,
        'municipality', e.municipality,
        'areas', to_jsonb(e.areas),
        'themes', to_jsonb(e.themes),
        'audiences', to_jsonb(e.audiences),
        'accessibility', e.accessibility,
        'cost', e.cost,
        'contact', e.contact,
        'languages', to_jsonb(e.languages),
        'images', to_jsonb(e.images),
        'created_at', sk_iso(e.created_at),
        'updated_at', sk_iso(e.updated_at));
    CASE e.kind
    WHEN 'place' THEN
        r := r || jsonb_build_object(
            'address', e.address,
            'location', sk_point_json(e.location),
            'opening_hours', e.opening_hours);
    WHEN 'activity' THEN
        r := r || jsonb_build_object(
            'place_id', e.place_id,
            'address', e.address,
            'location', sk_point_json(e.location),
            'online', e.online,
            'schedule', jsonb_build_object(
                'start', sk_local(e.starts_at),
                'end', sk_local(e.ends_at),
                'rrule', e.rrule,
                'exdates', CASE WHEN e.rrule IS NOT NULL THEN to_jsonb(e.exdates) END,
                'exception_sets', CASE WHEN e.rrule IS NOT NULL THEN to_jsonb(e.exception_sets) END),
            'registration', e.registration,
            'capacity', e.capacity,
            'places_left', e.places_left,
            'address_visibility', e.address_visibility);
        IF p_anonymous AND e.address_visibility = 'area_only' THEN
            r := r - 'address' - 'location';
        END IF;
    WHEN 'vacancy' THEN
        r := r || jsonb_build_object(
            'hours_per_week', e.hours_per_week,
            'commitment', e.commitment,
            'min_age', e.min_age,
            'skills', to_jsonb(e.skills),
            'valid_until', e.valid_until,
            'place_id', e.place_id);
    WHEN 'carer_support' THEN
        r := r || jsonb_build_object(
            'support_kind', e.support_kind,
            'for_whom', to_jsonb(e.for_whom),
            'place_id', e.place_id);
    END CASE;
    RETURN r;
END;
$$;

-- The members a client may write; read-only ones are dropped (organisation_id is handled apart).
CREATE FUNCTION sk_entry_writable(b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN b - ARRAY['id', 'kind', 'status', 'version', 'language', 'created_at', 'updated_at', 'organisation_id'];

CREATE FUNCTION sk_entry_visible(e entries, p_role text, p_org uuid) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN e.status <> 'deleted'
       AND (e.status = 'published' OR sk_is_mod(p_role) OR (p_role = 'partner' AND e.organisation_id = p_org));

-- =============================================================================================
-- Entries: checks the database makes
-- =============================================================================================

-- Every vocabulary term in one place, for code checks.
CREATE VIEW sk_vocab_terms AS
    SELECT 'themes'::text AS vocab, code, retired_at, NULL::text AS municipality FROM themes
    UNION ALL SELECT 'audiences', code, retired_at, NULL FROM audiences
    UNION ALL SELECT 'accessibility-features', code, retired_at, NULL FROM accessibility_features
    UNION ALL SELECT 'support-kinds', code, retired_at, NULL FROM support_kinds
    UNION ALL SELECT 'exception-sets', code, retired_at, municipality FROM exception_sets;

-- Errors for a list of codes: unknown, retired (unless already on the entry: p_old), or bound to
-- another municipality (exception sets).
CREATE FUNCTION sk_term_errors(p_field text, p_list jsonb, p_vocab text, p_old text[], p_municipality text)
    RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(sk_err(format('%s[%s]', p_field, x.i - 1),
               CASE WHEN t.code IS NULL
                        THEN format('is not a known code (see GET /api/v1/%s)', p_vocab)
                    WHEN t.retired_at IS NOT NULL AND NOT x.code = ANY (coalesce(p_old, '{}'))
                        THEN 'has been retired and can no longer be chosen'
                    ELSE format('belongs to municipality %s, not to %s', t.municipality, p_municipality)
               END) ORDER BY x.i), '[]'::jsonb)
      FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(p_list) = 'array' THEN p_list ELSE '[]' END)
           WITH ORDINALITY AS x(code, i)
      LEFT JOIN sk_vocab_terms t ON t.vocab = p_vocab AND t.code = x.code
     WHERE t.code IS NULL
        OR (t.retired_at IS NOT NULL AND NOT x.code = ANY (coalesce(p_old, '{}')))
        OR (t.municipality IS NOT NULL AND p_municipality IS NOT NULL AND t.municipality <> p_municipality)
$$;

-- What only the database knows: codes, areas, municipality, place_id. b is the complete entry
-- (a POST/PUT body, or the merged document of a PATCH); old the stored entry (NULL on create).
-- Tolerates malformed members: the daemon reports those itself.
CREATE FUNCTION sk_entry_code_errors(p_kind text, b jsonb, old entries) RETURNS jsonb
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    errs jsonb := '[]';
    m text := CASE WHEN jsonb_typeof(b->'municipality') = 'string' THEN b->>'municipality' END;
    m_ok boolean := false;
    r record;
BEGIN
    IF m IS NOT NULL THEN
        m_ok := EXISTS (SELECT 1 FROM areas a
                         WHERE a.code = m AND a.kind = 'municipality'
                           AND (a.retired_at IS NULL OR m = old.municipality));
        IF NOT m_ok THEN
            errs := errs || sk_err('municipality', format('is not a municipality this sociale kaart covers (%s)',
                        (SELECT string_agg(code || ' ' || name, ', ' ORDER BY code)
                           FROM areas WHERE kind = 'municipality' AND retired_at IS NULL)));
        END IF;
    END IF;

    FOR r IN SELECT x.code, x.i - 1 AS i, a.code AS known, a.municipality, a.retired_at
               FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(b->'areas') = 'array' THEN b->'areas' ELSE '[]' END)
                    WITH ORDINALITY AS x(code, i)
               LEFT JOIN areas a ON a.code = x.code
              ORDER BY x.i LOOP
        IF r.known IS NULL THEN
            errs := errs || sk_err(format('areas[%s]', r.i), 'is not a known area code (see GET /api/v1/areas)');
        ELSIF m_ok AND r.municipality <> m THEN
            errs := errs || sk_err(format('areas[%s]', r.i), format('is not an area of municipality %s', m));
        ELSIF r.retired_at IS NOT NULL AND NOT r.code = ANY (coalesce(old.areas, '{}')) THEN
            errs := errs || sk_err(format('areas[%s]', r.i), 'has been retired and can no longer be chosen');
        END IF;
    END LOOP;

    errs := errs || sk_term_errors('themes', b->'themes', 'themes', old.themes, NULL);
    errs := errs || sk_term_errors('audiences', b->'audiences', 'audiences', old.audiences, NULL);

    errs := errs || coalesce((
        SELECT jsonb_agg(sk_err('accessibility.' || x.key,
                   CASE WHEN f.code IS NULL
                            THEN 'is not a known accessibility feature (see GET /api/v1/accessibility-features)'
                        WHEN f.retired_at IS NOT NULL AND NOT coalesce(old.accessibility ? x.key, false)
                            THEN 'has been retired and can no longer be chosen'
                        ELSE format('must be one of: %s', array_to_string(f.allowed_values, ', '))
                   END) ORDER BY x.key)
          FROM jsonb_each(CASE WHEN jsonb_typeof(b->'accessibility') = 'object' THEN b->'accessibility' ELSE '{}' END) x
          LEFT JOIN accessibility_features f ON f.code = x.key
         WHERE jsonb_typeof(x.value) = 'string'
           AND (f.code IS NULL
                OR (f.retired_at IS NOT NULL AND NOT coalesce(old.accessibility ? x.key, false))
                OR NOT (x.value #>> '{}') = ANY (f.allowed_values))), '[]'::jsonb);

    IF p_kind = 'activity' THEN
        errs := errs || sk_term_errors('schedule.exception_sets', b#>'{schedule,exception_sets}', 'exception-sets',
                                       old.exception_sets, m);
    END IF;

    IF p_kind = 'carer_support' THEN
        IF jsonb_typeof(b->'support_kind') = 'string' THEN
            errs := errs || coalesce((
                SELECT sk_err('support_kind', CASE WHEN t.code IS NULL
                                  THEN 'is not a known support kind (see GET /api/v1/support-kinds)'
                                  ELSE 'has been retired and can no longer be chosen' END)
                  FROM (SELECT b->>'support_kind' AS code) x
                  LEFT JOIN support_kinds t ON t.code = x.code
                 WHERE t.code IS NULL OR (t.retired_at IS NOT NULL AND x.code IS DISTINCT FROM old.support_kind)),
                '[]'::jsonb);
        END IF;
        errs := errs || sk_term_errors('for_whom', b->'for_whom', 'audiences', old.for_whom, NULL);
    END IF;

    IF p_kind <> 'place' AND jsonb_typeof(b->'place_id') = 'string' AND sk_is_uuid(b->>'place_id') THEN
        IF NOT EXISTS (SELECT 1 FROM entries p
                        WHERE p.id = (b->>'place_id')::uuid AND p.kind = 'place' AND p.status <> 'deleted') THEN
            errs := errs || sk_err('place_id', 'is not the id of an existing place (see GET /api/v1/places)');
        END IF;
    END IF;
    RETURN errs;
END;
$$;

-- The rules of a complete entry that the daemon can only check on a complete body: required
-- members and rules across members. Run on the merged document of a PATCH (for POST and PUT the
-- daemon has checked them, with the same messages).
CREATE FUNCTION sk_entry_complete_errors(p_kind text, b jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    errs jsonb := '[]';
    f text;
    free boolean;
    amount numeric;
    s jsonb := sk_obj(b->'schedule');
    t_start timestamp;
    t_end timestamp;
    n int;
BEGIN
    IF jsonb_typeof(b->'title') IS DISTINCT FROM 'string' THEN
        errs := errs || sk_err('title', 'is required and cannot be removed');
    END IF;
    IF b->'municipality' IS NULL THEN
        errs := errs || sk_err('municipality', 'is required and cannot be removed');
    END IF;

    IF sk_obj(b->'cost') IS NOT NULL THEN
        free := coalesce(b#>'{cost,free}' = 'true'::jsonb, false);
        amount := CASE WHEN jsonb_typeof(b#>'{cost,amount_eur}') = 'number' THEN (b#>>'{cost,amount_eur}')::numeric END;
        IF free AND amount > 0 THEN
            errs := errs || sk_err('cost.amount_eur', 'must be 0 or left out when free is true');
        ELSIF NOT free AND amount IS NULL THEN
            errs := errs || sk_err('cost', 'must have "free": true or an amount_eur');
        END IF;
    END IF;

    IF p_kind = 'place' AND b->'address' IS NULL THEN
        errs := errs || sk_err('address', 'is required and cannot be removed');
    END IF;
    IF p_kind IN ('place', 'activity') THEN
        IF sk_obj(b->'address') IS NOT NULL THEN
            FOREACH f IN ARRAY ARRAY['street', 'house_number', 'postcode', 'city'] LOOP
                IF b->'address'->f IS NULL THEN
                    errs := errs || sk_err('address.' || f, 'is required');
                END IF;
            END LOOP;
        END IF;
        IF sk_obj(b->'location') IS NOT NULL THEN
            FOREACH f IN ARRAY ARRAY['lat', 'lon'] LOOP
                IF b->'location'->f IS NULL THEN
                    errs := errs || sk_err('location.' || f, 'is required');
                END IF;
            END LOOP;
        END IF;
    END IF;

    IF p_kind = 'activity' THEN
        IF s IS NULL THEN
            errs := errs || sk_err('schedule', 'is required and cannot be removed');
        ELSE
            IF jsonb_typeof(s->'start') = 'string' THEN t_start := (s->>'start')::timestamp;
            ELSE errs := errs || sk_err('schedule.start', 'is required');
            END IF;
            IF jsonb_typeof(s->'end') = 'string' THEN t_end := (s->>'end')::timestamp;
            ELSE errs := errs || sk_err('schedule.end', 'is required');
            END IF;
            IF t_end <= t_start THEN
                errs := errs || sk_err('schedule.end', 'must be after start');
            ELSIF t_end - t_start > interval '24 hours' THEN
                errs := errs || sk_err('schedule.end', 'must be within 24 hours of start (repeat with rrule instead)');
            END IF;
            IF jsonb_typeof(s->'rrule') = 'string' THEN
                IF t_start IS NOT NULL AND sk_rrule_until_before(s->>'rrule', t_start) THEN
                    errs := errs || sk_err('schedule.rrule', 'UNTIL lies before start');
                ELSIF t_start IS NOT NULL AND NOT sk_rrule_selects(s->>'rrule', t_start::date) THEN
                    errs := errs || sk_err('schedule.rrule', 'does not select the start date; start must be the first occurrence');
                END IF;
            ELSE
                IF jsonb_array_length(CASE WHEN jsonb_typeof(s->'exdates') = 'array' THEN s->'exdates' ELSE '[]' END) > 0 THEN
                    errs := errs || sk_err('schedule.exdates', 'only make sense with an rrule');
                END IF;
                IF jsonb_array_length(CASE WHEN jsonb_typeof(s->'exception_sets') = 'array' THEN s->'exception_sets' ELSE '[]' END) > 0 THEN
                    errs := errs || sk_err('schedule.exception_sets', 'only make sense with an rrule');
                END IF;
            END IF;
        END IF;

        n := (b->'place_id' IS NOT NULL)::int + (b->'address' IS NOT NULL)::int
             + coalesce(b->'online' = 'true'::jsonb, false)::int;
        IF n = 0 THEN
            errs := errs || sk_err('place_id', 'an activity needs one of place_id, address or online: true');
        ELSIF n > 1 THEN
            IF b->'place_id' IS NOT NULL THEN
                errs := errs || sk_err('place_id', 'only one of place_id, address or online: true may be given');
            END IF;
            IF b->'address' IS NOT NULL THEN
                errs := errs || sk_err('address', 'only one of place_id, address or online: true may be given');
            END IF;
            IF b->'online' = 'true'::jsonb THEN
                errs := errs || sk_err('online', 'only one of place_id, address or online: true may be given');
            END IF;
        END IF;
        IF b->'location' IS NOT NULL AND b->'address' IS NULL THEN
            errs := errs || sk_err('location', 'is only allowed together with address');
        END IF;
        IF b->'places_left' IS NOT NULL AND b->'capacity' IS NULL THEN
            errs := errs || sk_err('places_left', 'needs capacity');
        ELSIF jsonb_typeof(b->'places_left') = 'number' AND jsonb_typeof(b->'capacity') = 'number'
              AND (b->>'places_left')::numeric > (b->>'capacity')::numeric THEN
            errs := errs || sk_err('places_left', 'must not be more than capacity');
        END IF;
    END IF;

    IF p_kind = 'carer_support' AND b->'support_kind' IS NULL THEN
        errs := errs || sk_err('support_kind', 'is required and cannot be removed');
    END IF;
    RETURN errs;
END;
$$;

-- =============================================================================================
-- Entries: from a body to a row, and storing it
-- =============================================================================================

-- translations without nulls and without empty languages
CREATE FUNCTION sk_clean_translations(j jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(t.lang, jsonb_strip_nulls(t.tr)), '{}'::jsonb)
      FROM jsonb_each(CASE WHEN jsonb_typeof(j) = 'object' THEN j ELSE '{}' END) AS t(lang, tr)
     WHERE jsonb_typeof(t.tr) = 'object' AND jsonb_strip_nulls(t.tr) <> '{}'::jsonb
$$;

-- The sub-areas of the entry's municipality whose boundary contains its location, or its own areas.
CREATE FUNCTION sk_entry_derived_areas(p_municipality text, p_location geography, p_areas text[])
    RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT array_agg(a.code ORDER BY a.code)
                       FROM areas a
                      WHERE p_location IS NOT NULL AND a.municipality = p_municipality
                        AND a.kind <> 'municipality' AND a.retired_at IS NULL AND a.boundary IS NOT NULL
                        AND ST_Covers(a.boundary, p_location)), p_areas)
$$;

-- Full replacement of every writable column from a complete document b (POST/PUT body, merged
-- PATCH). Absent or null members become NULL or the column's default for the kind.
CREATE FUNCTION sk_entry_apply(e entries, b jsonb) RETURNS entries LANGUAGE plpgsql STABLE AS $$
BEGIN
    e.title := b->>'title';
    e.summary := b->>'summary';
    e.description := b->>'description';
    e.translations := sk_clean_translations(b->'translations');
    e.municipality := b->>'municipality';
    e.areas := coalesce(sk_text_array(b->'areas'), '{}');
    e.themes := coalesce(sk_text_array(b->'themes'), '{}');
    e.audiences := coalesce(sk_text_array(b->'audiences'), '{}');
    e.accessibility := coalesce(jsonb_strip_nulls(sk_obj(b->'accessibility')), '{}');
    e.cost := nullif(jsonb_strip_nulls(sk_obj(b->'cost')), '{}'::jsonb);
    e.contact := coalesce(jsonb_strip_nulls(sk_obj(b->'contact')), '{}');
    e.languages := coalesce(sk_text_array(b->'languages'), '{}');
    e.images := coalesce(sk_text_array(b->'images'), '{}');
    IF e.kind IN ('place', 'activity') THEN
        e.address := nullif(jsonb_strip_nulls(sk_obj(b->'address')), '{}'::jsonb);
        e.location := sk_point(b->'location');
        e.areas := sk_entry_derived_areas(e.municipality, e.location, e.areas);
    END IF;
    IF e.kind = 'place' THEN
        e.opening_hours := CASE WHEN jsonb_typeof(b->'opening_hours') = 'array' THEN b->'opening_hours' END;
    ELSE
        e.place_id := (b->>'place_id')::uuid;
    END IF;
    IF e.kind = 'activity' THEN
        e.online := coalesce((b->>'online')::boolean, false);
        e.starts_at := (b#>>'{schedule,start}')::timestamp;
        e.ends_at := (b#>>'{schedule,end}')::timestamp;
        e.rrule := b#>>'{schedule,rrule}';
        e.exdates := CASE WHEN e.rrule IS NULL THEN '{}'
                          ELSE coalesce(sk_text_array(b#>'{schedule,exdates}')::date[], '{}') END;
        e.exception_sets := CASE WHEN e.rrule IS NULL THEN '{}'
                                 ELSE coalesce(sk_text_array(b#>'{schedule,exception_sets}'), '{}') END;
        e.timezone := 'Europe/Amsterdam';
        e.registration := coalesce(b->>'registration', 'none');
        e.capacity := (b->>'capacity')::int;
        e.places_left := (b->>'places_left')::int;
        e.address_visibility := coalesce(b->>'address_visibility', 'public');
    ELSIF e.kind = 'vacancy' THEN
        e.hours_per_week := (b->>'hours_per_week')::numeric;
        e.commitment := b->>'commitment';
        e.min_age := (b->>'min_age')::int;
        e.skills := coalesce(sk_text_array(b->'skills'), '{}');
        e.valid_until := (b->>'valid_until')::date;
    ELSIF e.kind = 'carer_support' THEN
        e.support_kind := b->>'support_kind';
        e.for_whom := coalesce(sk_text_array(b->'for_whom'), '{}');
    END IF;
    RETURN e;
END;
$$;

-- Insert or update the row; a violated constraint comes back as a field error list (NULL = stored).
CREATE FUNCTION sk_entry_store(e entries, p_insert boolean) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_con text;
    v_tab text;
    v_col text;
    v_msg text;
BEGIN
    IF p_insert THEN
        INSERT INTO entries (id, kind, status, version, organisation_id, municipality, title, summary, description,
                             translations, areas, themes, audiences, accessibility, cost, contact, languages, images,
                             address, location, opening_hours, place_id, online, starts_at, ends_at, rrule, exdates,
                             exception_sets, timezone, registration, capacity, places_left, address_visibility,
                             hours_per_week, commitment, min_age, skills, valid_until, support_kind, for_whom,
                             created_at, updated_at)
        VALUES (e.id, e.kind, e.status, e.version, e.organisation_id, e.municipality, e.title, e.summary, e.description,
                e.translations, e.areas, e.themes, e.audiences, e.accessibility, e.cost, e.contact, e.languages, e.images,
                e.address, e.location, e.opening_hours, e.place_id, e.online, e.starts_at, e.ends_at, e.rrule, e.exdates,
                e.exception_sets, e.timezone, e.registration, e.capacity, e.places_left, e.address_visibility,
                e.hours_per_week, e.commitment, e.min_age, e.skills, e.valid_until, e.support_kind, e.for_whom,
                e.created_at, e.updated_at);
    ELSE
        UPDATE entries x
           SET (status, version, organisation_id, municipality, title, summary, description,
                translations, areas, themes, audiences, accessibility, cost, contact, languages, images,
                address, location, opening_hours, place_id, online, starts_at, ends_at, rrule, exdates,
                exception_sets, timezone, registration, capacity, places_left, address_visibility,
                hours_per_week, commitment, min_age, skills, valid_until, support_kind, for_whom, updated_at)
             = (e.status, e.version, e.organisation_id, e.municipality, e.title, e.summary, e.description,
                e.translations, e.areas, e.themes, e.audiences, e.accessibility, e.cost, e.contact, e.languages, e.images,
                e.address, e.location, e.opening_hours, e.place_id, e.online, e.starts_at, e.ends_at, e.rrule, e.exdates,
                e.exception_sets, e.timezone, e.registration, e.capacity, e.places_left, e.address_visibility,
                e.hours_per_week, e.commitment, e.min_age, e.skills, e.valid_until, e.support_kind, e.for_whom,
                e.updated_at)
         WHERE x.id = e.id;
    END IF;
    RETURN NULL;
EXCEPTION
    WHEN check_violation OR foreign_key_violation OR not_null_violation OR unique_violation OR data_exception THEN
        GET STACKED DIAGNOSTICS v_con = CONSTRAINT_NAME, v_tab = TABLE_NAME, v_col = COLUMN_NAME, v_msg = MESSAGE_TEXT;
        RETURN jsonb_build_array(sk_constraint_error(nullif(v_con, ''), nullif(v_tab, ''), nullif(v_col, ''), v_msg));
END;
$$;

-- The stored response of an Idempotency-Key, or 422 when the key came with another request.
CREATE FUNCTION sk_idempotent_replay(k idempotency_keys, p_hash text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE
        WHEN k.request_hash IS DISTINCT FROM p_hash OR k.status IS NULL THEN
            sk_problem(422, 'idempotency-key-reused', 'Idempotency-Key reused with a different request',
                       'This Idempotency-Key was already used with a different request; use a new key for a new request.',
                       jsonb_build_array(sk_err('Idempotency-Key', 'was already used with a different request')))
        ELSE ROW(k.status, k.etag, k.location, k.body)::sk_response
    END;

-- =============================================================================================
-- Entries: operations
-- =============================================================================================

CREATE FUNCTION sk_entry_get(p_kind text, p_id uuid, p_lang text, p_role text, p_org uuid) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    e entries;
BEGIN
    SELECT * INTO e FROM entries WHERE id = p_id AND kind = p_kind;
    IF NOT FOUND OR NOT sk_entry_visible(e, p_role, p_org) THEN
        RETURN sk_not_found(format('There is no %s with id %s.', replace(coalesce(p_kind, 'entry'), '_', ' '), p_id));
    END IF;
    RETURN sk_reply(200, sk_entry_render(e, coalesce(p_lang, 'nl'), NOT sk_is_writer(p_role)), sk_etag(e.version));
END;
$$;

CREATE FUNCTION sk_entry_list(p_kind text, p_limit int, p_cursor text, p_lang text, p_role text, p_org uuid)
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_limit int := greatest(1, least(coalesce(p_limit, 20), 100));
    v_at timestamptz;
    v_id uuid;
    e entries;
    n int := 0;
    items jsonb := '[]';
    v_next text;
    v_mod boolean := sk_is_mod(p_role);
    v_anon boolean := NOT sk_is_writer(p_role);
BEGIN
    IF sk_kind_path(p_kind) IS NULL THEN
        RETURN sk_not_found('There is no such collection.');
    END IF;
    IF p_cursor IS NOT NULL THEN
        IF NOT sk_cursor_ok(p_cursor) THEN
            RETURN sk_bad_field('cursor', 'is not a cursor this API gave out; start again without it');
        END IF;
        v_at := sk_cursor_at(p_cursor);
        v_id := sk_cursor_id(p_cursor);
    END IF;
    FOR e IN SELECT * FROM entries x
              WHERE x.kind = p_kind AND x.status <> 'deleted'
                AND (x.status = 'published' OR v_mod OR (p_role = 'partner' AND x.organisation_id = p_org))
                AND (v_at IS NULL OR (x.created_at, x.id) > (v_at, v_id))
              ORDER BY x.created_at, x.id
              LIMIT v_limit + 1 LOOP
        n := n + 1;
        IF n > v_limit THEN
            EXIT;
        END IF;
        items := items || jsonb_build_array(sk_entry_render(e, coalesce(p_lang, 'nl'), v_anon));
        v_next := sk_cursor(e.created_at, e.id);
    END LOOP;
    RETURN sk_reply(200, jsonb_build_object('items', items, 'next_cursor', CASE WHEN n > v_limit THEN v_next END));
END;
$$;

CREATE FUNCTION sk_entry_create(p_kind text, p_body jsonb, p_errors jsonb, p_idem text, p_role text, p_org uuid,
                                p_key uuid) RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    v_org uuid;
    v_hash text;
    v_errs jsonb := '[]';
    k idempotency_keys;
    e entries;
    v_rep jsonb;
    res sk_response;
BEGIN
    IF NOT sk_is_writer(p_role) THEN
        RETURN sk_unauthorized();
    END IF;
    IF sk_kind_path(p_kind) IS NULL THEN
        RETURN sk_not_found('There is no such collection.');
    END IF;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;

    IF p_role = 'partner' THEN
        IF p_org IS NULL THEN
            RETURN sk_forbidden('This API key belongs to no organisation.');
        END IF;
        IF jsonb_typeof(p_body->'organisation_id') = 'string' AND lower(p_body->>'organisation_id') <> p_org::text THEN
            RETURN sk_forbidden(format('A partner can only create entries for its own organisation: leave organisation_id out or set it to %s.', p_org));
        END IF;
        v_org := p_org;
    END IF;

    -- a retry returns the stored response
    IF p_idem IS NOT NULL AND p_key IS NOT NULL THEN
        v_hash := encode(sha256(convert_to(p_kind || ' ' || p_body::text, 'UTF8')), 'hex');
        DELETE FROM idempotency_keys WHERE key_id = p_key AND key = p_idem AND created_at < now() - interval '24 hours';
        SELECT * INTO k FROM idempotency_keys WHERE key_id = p_key AND key = p_idem;
        IF FOUND THEN
            RETURN sk_idempotent_replay(k, v_hash);
        END IF;
    END IF;

    IF sk_is_mod(p_role) THEN
        IF jsonb_typeof(p_body->'organisation_id') = 'string' THEN
            IF sk_is_uuid(p_body->>'organisation_id') THEN
                v_org := (p_body->>'organisation_id')::uuid;
                IF NOT EXISTS (SELECT 1 FROM organisations WHERE id = v_org) THEN
                    v_errs := v_errs || sk_err('organisation_id', 'is not a known organisation (see GET /api/v1/organisations)');
                END IF;
            END IF;
        ELSE
            v_errs := v_errs || sk_err('organisation_id', 'is required when a moderator or admin creates an entry: the organisation that offers it');
        END IF;
    END IF;
    v_errs := sk_merge_errors(p_errors, v_errs || sk_entry_code_errors(p_kind, p_body, NULL));
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;

    IF v_hash IS NOT NULL THEN
        INSERT INTO idempotency_keys (key_id, key, request_hash) VALUES (p_key, p_idem, v_hash)
            ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN   -- a concurrent request with the same key committed first
            SELECT * INTO k FROM idempotency_keys WHERE key_id = p_key AND key = p_idem;
            RETURN sk_idempotent_replay(k, v_hash);
        END IF;
    END IF;

    e.id := gen_random_uuid();
    e.kind := p_kind;
    e.status := 'published';
    e.version := 1;
    e.organisation_id := v_org;
    e.place_kind := 'place';
    e.created_at := now();
    e.updated_at := now();
    BEGIN
        e := sk_entry_apply(e, p_body);
    EXCEPTION WHEN data_exception THEN
        v_errs := jsonb_build_array(sk_err('', 'has a value the database cannot store: ' || SQLERRM));
    END;
    IF jsonb_array_length(v_errs) = 0 THEN
        v_errs := coalesce(sk_entry_store(e, true), '[]');
    END IF;
    IF jsonb_array_length(v_errs) > 0 THEN
        DELETE FROM idempotency_keys WHERE key_id = p_key AND key = p_idem;
        RETURN sk_invalid(v_errs);
    END IF;

    SELECT * INTO e FROM entries WHERE id = e.id;
    v_rep := sk_entry_render(e);
    PERFORM sk_audit(p_role, p_org, p_key, 'entry', e.id::text, e.id, 'create', NULL, v_rep);
    res := sk_reply(201, v_rep, sk_etag(e.version), '/api/v1/' || sk_kind_path(p_kind) || '/' || e.id);
    IF v_hash IS NOT NULL THEN
        UPDATE idempotency_keys
           SET status = res.status, etag = res.etag, location = res.location, body = res.body, entry_id = e.id
         WHERE key_id = p_key AND key = p_idem;
    END IF;
    RETURN res;
END;
$$;

-- Common start of update and delete: find the entry (locking it), authorise, check If-Match.
-- Returns a problem, or NULL when the caller may go on.
CREATE FUNCTION sk_entry_access(p_kind text, p_id uuid, p_if_match int, p_role text, p_org uuid, p_purge boolean)
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    e entries;
BEGIN
    IF NOT sk_is_writer(p_role) THEN
        RETURN sk_unauthorized();
    END IF;
    IF p_purge AND NOT sk_is_mod(p_role) THEN
        RETURN sk_forbidden('Only a moderator or admin can purge an entry.');
    END IF;
    SELECT * INTO e FROM entries x WHERE x.id = p_id AND x.kind = p_kind FOR UPDATE;
    IF NOT FOUND OR (e.status = 'deleted' AND NOT p_purge)
       OR (p_role = 'partner' AND e.organisation_id IS DISTINCT FROM p_org AND e.status <> 'published') THEN
        RETURN sk_not_found(format('There is no %s with id %s.', replace(coalesce(p_kind, 'entry'), '_', ' '), p_id));
    END IF;
    IF p_role = 'partner' AND e.organisation_id IS DISTINCT FROM p_org THEN
        RETURN sk_forbidden('This entry belongs to another organisation; a partner can only change its own entries.');
    END IF;
    IF p_if_match IS NULL AND p_role = 'partner' THEN
        RETURN sk_problem(428, 'precondition-required', 'If-Match required',
                          format('Send If-Match with the ETag of the entry you change (now "%s"), so that nobody else''s change is overwritten.', e.version));
    END IF;
    IF p_if_match IS NOT NULL AND p_if_match <> e.version THEN
        RETURN sk_problem(412, 'precondition-failed', 'The entry has changed',
                          format('If-Match was "%s" but the entry is now at version "%s": someone else changed it. GET it again, redo your change and send the new ETag.', p_if_match, e.version));
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION sk_entry_update(p_kind text, p_id uuid, p_body jsonb, p_is_patch boolean, p_if_match int,
                                p_errors jsonb, p_role text, p_org uuid, p_key uuid) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    e entries;
    res sk_response;
    v_before jsonb;
    v_doc jsonb;
    v_errs jsonb := '[]';
    v_org uuid;
    v_rep jsonb;
BEGIN
    res := sk_entry_access(p_kind, p_id, p_if_match, p_role, p_org, false);
    IF res.status IS NOT NULL THEN
        RETURN res;
    END IF;
    SELECT * INTO e FROM entries WHERE id = p_id;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;

    v_org := e.organisation_id;
    IF jsonb_typeof(p_body->'organisation_id') = 'string' AND lower(p_body->>'organisation_id') <> e.organisation_id::text THEN
        IF NOT sk_is_mod(p_role) THEN
            RETURN sk_forbidden('A partner cannot move an entry to another organisation.');
        ELSIF sk_is_uuid(p_body->>'organisation_id') THEN
            v_org := (p_body->>'organisation_id')::uuid;
            IF NOT EXISTS (SELECT 1 FROM organisations WHERE id = v_org) THEN
                v_errs := v_errs || sk_err('organisation_id', 'is not a known organisation (see GET /api/v1/organisations)');
            END IF;
        END IF;
    END IF;
    IF jsonb_typeof(p_body->'id') = 'string' AND lower(p_body->>'id') <> p_id::text THEN
        v_errs := v_errs || sk_err('id', 'must be the id of this entry (it cannot be changed)');
    END IF;

    v_before := sk_entry_render(e);
    IF p_is_patch THEN
        -- nulls in the stored representation mean "not set": strip them after merging
        v_doc := jsonb_strip_nulls(sk_merge_patch(sk_entry_writable(v_before), sk_entry_writable(p_body)));
        v_errs := v_errs || sk_entry_complete_errors(p_kind, v_doc);
    ELSE
        v_doc := sk_entry_writable(p_body);
    END IF;
    v_errs := sk_merge_errors(p_errors, v_errs || sk_entry_code_errors(p_kind, v_doc, e));
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;

    BEGIN
        e := sk_entry_apply(e, v_doc);
    EXCEPTION WHEN data_exception THEN
        RETURN sk_invalid(jsonb_build_array(sk_err('', 'has a value the database cannot store: ' || SQLERRM)));
    END;
    e.organisation_id := v_org;
    e.version := e.version + 1;
    e.updated_at := now();
    v_errs := sk_entry_store(e, false);
    IF v_errs IS NOT NULL THEN
        RETURN sk_invalid(v_errs);
    END IF;
    SELECT * INTO e FROM entries WHERE id = p_id;
    v_rep := sk_entry_render(e);
    PERFORM sk_audit(p_role, p_org, p_key, 'entry', e.id::text, e.id, 'update', v_before, v_rep);
    RETURN sk_reply(200, v_rep, sk_etag(e.version));
END;
$$;

CREATE FUNCTION sk_entry_delete(p_kind text, p_id uuid, p_if_match int, p_purge boolean, p_role text, p_org uuid,
                                p_key uuid) RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    e entries;
    res sk_response;
    v_before jsonb;
    n int;
BEGIN
    res := sk_entry_access(p_kind, p_id, p_if_match, p_role, p_org, coalesce(p_purge, false));
    IF res.status IS NOT NULL THEN
        RETURN res;
    END IF;
    SELECT * INTO e FROM entries WHERE id = p_id;
    v_before := sk_entry_render(e);
    IF coalesce(p_purge, false) THEN
        SELECT count(*) INTO n FROM entries WHERE place_id = p_id;
        IF n > 0 THEN
            RETURN sk_problem(409, 'conflict', 'The place is still in use',
                              format('%s entries (also deleted ones) refer to this place with place_id; change or purge them first.', n));
        END IF;
        DELETE FROM entries WHERE id = p_id;
        PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'purge', v_before, NULL);
    ELSE
        UPDATE entries SET status = 'deleted', version = version + 1, updated_at = now() WHERE id = p_id
            RETURNING * INTO e;
        PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'delete', v_before, sk_entry_render(e));
    END IF;
    RETURN sk_reply(204, NULL);
END;
$$;

-- =============================================================================================
-- Areas
-- =============================================================================================

CREATE FUNCTION sk_area_render(a areas, p_with_boundary boolean DEFAULT false) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object(
        'code', a.code,
        'name', a.name,
        'kind', a.kind,
        'municipality', a.municipality,
        'location', sk_point_json(a.location),
        'has_boundary', a.boundary IS NOT NULL,
        'retired', a.retired_at IS NOT NULL)
     || CASE WHEN p_with_boundary
             THEN jsonb_build_object('boundary', ST_AsGeoJSON(a.boundary::geometry, 6)::jsonb)
             ELSE '{}'::jsonb END;

CREATE FUNCTION sk_areas_list(p_municipality text, p_include_retired boolean) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_municipality IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM areas WHERE code = p_municipality AND kind = 'municipality') THEN
        RETURN sk_bad_field('municipality', format('is not a municipality this sociale kaart covers (%s)',
                   (SELECT string_agg(code, ', ' ORDER BY code) FROM areas WHERE kind = 'municipality')));
    END IF;
    RETURN sk_reply(200, jsonb_build_object('items', coalesce((
        SELECT jsonb_agg(sk_area_render(a) ORDER BY a.municipality, a.kind <> 'municipality', a.name)
          FROM areas a
         WHERE (p_municipality IS NULL OR a.municipality = p_municipality)
           AND (coalesce(p_include_retired, false) OR a.retired_at IS NULL)), '[]'::jsonb),
        'next_cursor', NULL));
END;
$$;

CREATE FUNCTION sk_area_get(p_code text) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    a areas;
BEGIN
    SELECT * INTO a FROM areas WHERE code = p_code;
    IF NOT FOUND THEN
        RETURN sk_not_found(format('There is no area with code %s.', p_code));
    END IF;
    RETURN sk_reply(200, sk_area_render(a, true));
END;
$$;

CREATE FUNCTION sk_mod_only(p_role text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN NOT sk_is_writer(p_role) THEN sk_unauthorized()
                WHEN NOT sk_is_mod(p_role) THEN sk_forbidden('Only a moderator or admin can do this.') END;

-- Errors for a JSON string member: required, single line, length.
CREATE FUNCTION sk_line_errors(p_field text, v jsonb, p_required boolean, p_max int) RETURNS jsonb
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

CREATE FUNCTION sk_unknown_member_errors(b jsonb, p_allowed text[]) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_agg(sk_err(k, 'unknown field') ORDER BY k), '[]'::jsonb)
      FROM jsonb_object_keys(b) AS k
     WHERE NOT k = ANY (p_allowed)
$$;

CREATE FUNCTION sk_area_upsert(p_code text, p_body jsonb, p_role text, p_org uuid, p_key uuid) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    old areas;
    a areas;
    v_errs jsonb := '[]';
    v_kind text := p_body->>'kind';
    v_mun text := p_body->>'municipality';
    v_loc jsonb := p_body->'location';
    v_new boolean;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;
    SELECT * INTO old FROM areas WHERE code = p_code FOR UPDATE;
    v_new := NOT FOUND;

    v_errs := sk_unknown_member_errors(p_body, ARRAY['code', 'name', 'kind', 'municipality', 'location',
                                                     'has_boundary', 'retired', 'boundary']);
    IF NOT (p_code ~ '^GM[0-9]{4}(-[a-z0-9]+)*$' AND length(p_code) <= 64) THEN
        v_errs := v_errs || sk_err('code', 'must be a CBS gemeentecode (GM0512) or one followed by -lowercase-words (GM0512-west)');
    END IF;
    IF p_body ? 'code' AND p_body->>'code' IS DISTINCT FROM p_code THEN
        v_errs := v_errs || sk_err('code', 'must be the code in the path');
    END IF;
    v_errs := v_errs || sk_line_errors('name', p_body->'name', true, 100);
    IF v_kind IS NULL THEN
        v_errs := v_errs || sk_err('kind', 'is required');
    ELSIF jsonb_typeof(p_body->'kind') <> 'string' OR v_kind NOT IN ('municipality', 'wijk', 'kern') THEN
        v_errs := v_errs || sk_err('kind', 'must be one of: municipality, wijk, kern');
        v_kind := NULL;
    ELSIF NOT v_new AND v_kind <> old.kind THEN
        v_errs := v_errs || sk_err('kind', format('cannot be changed (it is %s); retire this area and add a new one', old.kind));
    END IF;
    IF v_kind = 'municipality' THEN
        IF v_mun IS NOT NULL AND v_mun <> p_code THEN
            v_errs := v_errs || sk_err('municipality', 'must be left out or equal to code for a municipality');
        END IF;
        IF p_code !~ '^GM[0-9]{4}$' THEN
            v_errs := v_errs || sk_err('code', 'must be a CBS gemeentecode like GM0512 for a municipality');
        END IF;
        v_mun := p_code;
    ELSIF v_kind IS NOT NULL THEN
        IF v_mun IS NULL THEN
            v_errs := v_errs || sk_err('municipality', 'is required for a wijk or kern');
        ELSIF jsonb_typeof(p_body->'municipality') <> 'string'
              OR NOT EXISTS (SELECT 1 FROM areas WHERE code = v_mun AND kind = 'municipality') THEN
            v_errs := v_errs || sk_err('municipality', 'is not a known municipality code (see GET /api/v1/areas)');
        ELSIF NOT v_new AND v_mun <> old.municipality THEN
            v_errs := v_errs || sk_err('municipality', format('cannot be changed (it is %s); retire this area and add a new one', old.municipality));
        ELSIF p_code NOT LIKE v_mun || '-%' THEN
            v_errs := v_errs || sk_err('code', format('must start with %s- for an area of that municipality', v_mun));
        END IF;
    END IF;
    IF v_loc IS NOT NULL AND jsonb_typeof(v_loc) <> 'null' THEN
        IF jsonb_typeof(v_loc) <> 'object' OR sk_unknown_member_errors(v_loc, ARRAY['lat', 'lon']) <> '[]'::jsonb THEN
            v_errs := v_errs || sk_err('location', 'must be an object {"lat": .., "lon": ..}');
        ELSE
            IF jsonb_typeof(v_loc->'lat') IS DISTINCT FROM 'number' OR (v_loc->>'lat')::float8 NOT BETWEEN 50.75 AND 53.7 THEN
                v_errs := v_errs || sk_err('location.lat', 'must be a number from 50.75 to 53.7');
            END IF;
            IF jsonb_typeof(v_loc->'lon') IS DISTINCT FROM 'number' OR (v_loc->>'lon')::float8 NOT BETWEEN 3.2 AND 7.25 THEN
                v_errs := v_errs || sk_err('location.lon', 'must be a number from 3.2 to 7.25');
            END IF;
        END IF;
    END IF;
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;

    INSERT INTO areas AS x (code, name, kind, municipality, location)
    VALUES (p_code, p_body->>'name', v_kind, v_mun, sk_point(v_loc))
    ON CONFLICT (code) DO UPDATE
        SET name = excluded.name, location = excluded.location, retired_at = NULL, updated_at = now()
    RETURNING * INTO a;
    PERFORM sk_audit(p_role, p_org, p_key, 'area', p_code, NULL, CASE WHEN v_new THEN 'create' ELSE 'update' END,
                     CASE WHEN v_new THEN NULL ELSE sk_area_render(old) END, sk_area_render(a));
    IF v_new THEN
        RETURN sk_reply(201, sk_area_render(a), NULL, '/api/v1/areas/' || p_code);
    END IF;
    RETURN sk_reply(200, sk_area_render(a));
END;
$$;

CREATE FUNCTION sk_area_retire(p_code text, p_role text, p_org uuid, p_key uuid) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    old areas;
    a areas;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    SELECT * INTO old FROM areas WHERE code = p_code FOR UPDATE;
    IF NOT FOUND THEN
        RETURN sk_not_found(format('There is no area with code %s.', p_code));
    END IF;
    IF old.retired_at IS NULL THEN
        UPDATE areas SET retired_at = now(), updated_at = now() WHERE code = p_code RETURNING * INTO a;
        PERFORM sk_audit(p_role, p_org, p_key, 'area', p_code, NULL, 'retire', sk_area_render(old), sk_area_render(a));
    END IF;
    RETURN sk_reply(204, NULL);
END;
$$;

-- Loads a boundary (GeoJSON Polygon, MultiPolygon, or a Feature holding one, in WGS84 lon/lat), then
-- re-derives the areas of every non-deleted entry of that municipality that has a location inside
-- some boundary of the municipality (version + 1 and an audit row for each entry that changes).
-- Entries outside every boundary keep their areas.
CREATE FUNCTION sk_area_boundary_set(p_code text, p_geojson jsonb, p_role text, p_org uuid, p_key uuid)
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    old areas;
    a areas;
    g jsonb := p_geojson;
    v_field text := 'coordinates';
    geom geometry;
    e entries;
    v_before jsonb;
    v_areas text[];
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    SELECT * INTO old FROM areas WHERE code = p_code FOR UPDATE;
    IF NOT FOUND THEN
        RETURN sk_not_found(format('There is no area with code %s.', p_code));
    END IF;
    IF g->>'type' = 'Feature' THEN
        g := g->'geometry';
        v_field := 'geometry.coordinates';
    END IF;
    IF jsonb_typeof(g) IS DISTINCT FROM 'object' OR g->>'type' IS NULL OR g->>'type' NOT IN ('Polygon', 'MultiPolygon') THEN
        RETURN sk_invalid(jsonb_build_array(sk_err(CASE WHEN v_field = 'coordinates' THEN 'type' ELSE 'geometry.type' END,
                          'must be a GeoJSON Polygon or MultiPolygon (or a Feature holding one)')));
    END IF;
    BEGIN
        geom := ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g::text), 4326));
    EXCEPTION WHEN OTHERS THEN
        RETURN sk_invalid(jsonb_build_array(sk_err(v_field, 'is not valid GeoJSON: ' || SQLERRM)));
    END;
    IF NOT ST_IsValid(geom) THEN
        RETURN sk_invalid(jsonb_build_array(sk_err(v_field, 'is not a valid polygon: ' || ST_IsValidReason(geom))));
    END IF;
    IF ST_XMin(geom) < 3.0 OR ST_XMax(geom) > 7.5 OR ST_YMin(geom) < 50.5 OR ST_YMax(geom) > 54.0 THEN
        RETURN sk_invalid(jsonb_build_array(sk_err(v_field,
            'must be WGS84 longitude/latitude inside the Netherlands (is it in RD New, EPSG:28992? convert it to EPSG:4326)')));
    END IF;

    UPDATE areas SET boundary = geom::geography, updated_at = now() WHERE code = p_code RETURNING * INTO a;
    PERFORM sk_audit(p_role, p_org, p_key, 'area', p_code, NULL, 'boundary',
                     sk_area_render(old, true), sk_area_render(a, true));

    FOR e IN SELECT * FROM entries x
              WHERE x.municipality = a.municipality AND x.location IS NOT NULL AND x.status <> 'deleted'
              FOR UPDATE LOOP
        v_areas := sk_entry_derived_areas(e.municipality, e.location, e.areas);
        IF v_areas IS DISTINCT FROM e.areas THEN
            v_before := sk_entry_render(e);
            UPDATE entries SET areas = v_areas, version = version + 1, updated_at = now() WHERE id = e.id
                RETURNING * INTO e;
            PERFORM sk_audit(p_role, p_org, p_key, 'entry', e.id::text, e.id, 'update', v_before, sk_entry_render(e));
        END IF;
    END LOOP;
    RETURN sk_reply(200, sk_area_render(a, true));
END;
$$;

-- =============================================================================================
-- Vocabularies: themes, audiences, accessibility-features, support-kinds, exception-sets
-- =============================================================================================

CREATE FUNCTION sk_vocab_entity(p_vocab text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN CASE p_vocab WHEN 'themes' THEN 'theme' WHEN 'audiences' THEN 'audience'
                        WHEN 'accessibility-features' THEN 'accessibility_feature'
                        WHEN 'support-kinds' THEN 'support_kind' WHEN 'exception-sets' THEN 'exception_set' END;

-- One term as JSON, or NULL when there is no such term.
CREATE FUNCTION sk_vocab_item(p_vocab text, p_code text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT CASE p_vocab
        WHEN 'themes' THEN (
            SELECT jsonb_build_object('code', t.code, 'parent', t.parent, 'label_nl', t.label_nl,
                                      'label_en', t.label_en, 'retired', t.retired_at IS NOT NULL)
              FROM themes t WHERE t.code = p_code)
        WHEN 'audiences' THEN (
            SELECT jsonb_build_object('code', t.code, 'label_nl', t.label_nl, 'label_en', t.label_en,
                                      'retired', t.retired_at IS NOT NULL)
              FROM audiences t WHERE t.code = p_code)
        WHEN 'support-kinds' THEN (
            SELECT jsonb_build_object('code', t.code, 'label_nl', t.label_nl, 'label_en', t.label_en,
                                      'retired', t.retired_at IS NOT NULL)
              FROM support_kinds t WHERE t.code = p_code)
        WHEN 'accessibility-features' THEN (
            SELECT jsonb_build_object('code', t.code, 'label_nl', t.label_nl, 'label_en', t.label_en,
                                      'values', to_jsonb(t.allowed_values), 'osm_equivalent', t.osm_equivalent,
                                      'retired', t.retired_at IS NOT NULL)
              FROM accessibility_features t WHERE t.code = p_code)
        WHEN 'exception-sets' THEN (
            SELECT jsonb_build_object('code', t.code, 'label_nl', t.label_nl, 'label_en', t.label_en,
                                      'municipality', t.municipality,
                                      'dates', coalesce((
                                          SELECT jsonb_agg(jsonb_build_object('start', lower(d.during),
                                                                              'end', upper(d.during) - 1,
                                                                              'label', d.label)
                                                           ORDER BY lower(d.during))
                                            FROM exception_set_dates d WHERE d.set_code = t.code), '[]'::jsonb),
                                      'retired', t.retired_at IS NOT NULL)
              FROM exception_sets t WHERE t.code = p_code)
    END
$$;

CREATE FUNCTION sk_vocab_list(p_vocab text, p_include_retired boolean) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    items jsonb;
BEGIN
    IF sk_vocab_entity(p_vocab) IS NULL THEN
        RETURN sk_not_found('There is no such vocabulary.');
    END IF;
    SELECT coalesce(jsonb_agg(sk_vocab_item(p_vocab, x.code) ORDER BY x.position, x.code), '[]'::jsonb) INTO items
      FROM (SELECT code, position, retired_at FROM themes WHERE p_vocab = 'themes'
            UNION ALL SELECT code, position, retired_at FROM audiences WHERE p_vocab = 'audiences'
            UNION ALL SELECT code, position, retired_at FROM support_kinds WHERE p_vocab = 'support-kinds'
            UNION ALL SELECT code, position, retired_at FROM accessibility_features WHERE p_vocab = 'accessibility-features'
            UNION ALL SELECT code, position, retired_at FROM exception_sets WHERE p_vocab = 'exception-sets') x
     WHERE coalesce(p_include_retired, false) OR x.retired_at IS NULL;
    RETURN sk_reply(200, jsonb_build_object('items', items, 'next_cursor', NULL));
END;
$$;

CREATE FUNCTION sk_date_ok(p text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN p::date BETWEEN DATE '2000-01-01' AND DATE '2100-12-31';
EXCEPTION WHEN data_exception THEN
    RETURN false;
END;
$$;

-- PUT /api/v1/{vocab}/{code}: add, rename, or bring back a retired term. Labels, parent,
-- osm_equivalent and municipality are replaced (absent = none); `values` (facets) and `dates`
-- (exception sets) are replaced when given and kept when left out (required for a new facet).
CREATE FUNCTION sk_vocab_upsert(p_vocab text, p_code text, p_body jsonb, p_role text, p_org uuid, p_key uuid)
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    v_before jsonb;
    v_after jsonb;
    v_new boolean;
    v_errs jsonb := '[]';
    v_allowed text[] := ARRAY['code', 'label_nl', 'label_en', 'retired'];
    v_parent text;
    v_values text[];
    v_mun text;
    v_pos int;
    v_idx int[] := '{}';
    v_ranges daterange[] := '{}';
    v_labels text[] := '{}';
    r record;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF sk_vocab_entity(p_vocab) IS NULL THEN
        RETURN sk_not_found('There is no such vocabulary.');
    END IF;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('sk_vocab:' || p_vocab || ':' || p_code));
    v_before := sk_vocab_item(p_vocab, p_code);
    v_new := v_before IS NULL;

    v_allowed := v_allowed || CASE p_vocab WHEN 'themes' THEN ARRAY['parent']
                                           WHEN 'accessibility-features' THEN ARRAY['values', 'osm_equivalent']
                                           WHEN 'exception-sets' THEN ARRAY['municipality', 'dates']
                                           ELSE '{}'::text[] END;
    v_errs := sk_unknown_member_errors(p_body, v_allowed);
    IF NOT (length(p_code) <= 64 AND p_code ~ CASE WHEN p_vocab = 'accessibility-features'
                                                   THEN '^[a-z0-9]+([-_][a-z0-9]+)*$'
                                                   ELSE '^[a-z0-9]+(-[a-z0-9]+)*$' END) THEN
        v_errs := v_errs || sk_err('code', CASE WHEN p_vocab = 'accessibility-features'
                                               THEN 'must be lowercase letters and digits joined by - or _ (at most 64)'
                                               ELSE 'must be lowercase letters and digits joined by - (at most 64)' END);
    END IF;
    IF p_body ? 'code' AND p_body->>'code' IS DISTINCT FROM p_code THEN
        v_errs := v_errs || sk_err('code', 'must be the code in the path');
    END IF;
    v_errs := v_errs || sk_line_errors('label_nl', p_body->'label_nl', true, 100)
                     || sk_line_errors('label_en', p_body->'label_en', false, 100);

    IF p_vocab = 'themes' AND jsonb_typeof(p_body->'parent') IS NOT NULL AND jsonb_typeof(p_body->'parent') <> 'null' THEN
        v_parent := p_body->>'parent';
        IF jsonb_typeof(p_body->'parent') <> 'string' OR NOT EXISTS (SELECT 1 FROM themes WHERE code = v_parent) THEN
            v_errs := v_errs || sk_err('parent', 'is not a known theme code');
        ELSIF v_parent = p_code OR EXISTS (
                WITH RECURSIVE up(code, parent) AS (
                    SELECT code, parent FROM themes WHERE code = v_parent
                    UNION ALL
                    SELECT t.code, t.parent FROM themes t JOIN up ON t.code = up.parent)
                SELECT 1 FROM up WHERE code = p_code) THEN
            v_errs := v_errs || sk_err('parent', 'would make a theme its own ancestor');
        END IF;
    END IF;

    IF p_vocab = 'accessibility-features' THEN
        IF jsonb_typeof(p_body->'values') = 'array' THEN
            v_values := sk_text_array(p_body->'values');
            IF cardinality(v_values) NOT BETWEEN 1 AND 20
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_body->'values') v
                           WHERE jsonb_typeof(v) <> 'string' OR (v #>> '{}') !~ '^[a-z0-9_-]{1,32}$')
               OR (SELECT count(DISTINCT v) FROM unnest(v_values) v) <> cardinality(v_values) THEN
                v_errs := v_errs || sk_err('values', 'must be 1 to 20 different lowercase codes like yes, limited, no');
            END IF;
        ELSIF p_body->'values' IS NOT NULL AND jsonb_typeof(p_body->'values') <> 'null' THEN
            v_errs := v_errs || sk_err('values', 'must be an array of codes like ["yes", "no"]');
        ELSIF v_new THEN
            v_errs := v_errs || sk_err('values', 'is required for a new accessibility feature');
        END IF;
        IF p_body->'osm_equivalent' IS NOT NULL AND jsonb_typeof(p_body->'osm_equivalent') <> 'null'
           AND (jsonb_typeof(p_body->'osm_equivalent') <> 'string' OR length(p_body->>'osm_equivalent') > 200) THEN
            v_errs := v_errs || sk_err('osm_equivalent', 'must be a string of at most 200 characters');
        END IF;
    END IF;

    IF p_vocab = 'exception-sets' THEN
        IF jsonb_typeof(p_body->'municipality') = 'string' THEN
            v_mun := p_body->>'municipality';
            IF NOT EXISTS (SELECT 1 FROM areas WHERE code = v_mun AND kind = 'municipality') THEN
                v_errs := v_errs || sk_err('municipality', 'is not a known municipality code (leave it out for a national set)');
            END IF;
        ELSIF p_body->'municipality' IS NOT NULL AND jsonb_typeof(p_body->'municipality') <> 'null' THEN
            v_errs := v_errs || sk_err('municipality', 'must be a municipality code or null');
        END IF;
        IF p_body->'dates' IS NOT NULL AND jsonb_typeof(p_body->'dates') <> 'null' THEN
            IF jsonb_typeof(p_body->'dates') <> 'array' THEN
                v_errs := v_errs || sk_err('dates', 'must be an array of {"start", "end", "label"}');
            ELSE
                FOR r IN SELECT x.i - 1 AS i, x.v FROM jsonb_array_elements(p_body->'dates') WITH ORDINALITY x(v, i) LOOP
                    IF jsonb_typeof(r.v) <> 'object' THEN
                        v_errs := v_errs || sk_err(format('dates[%s]', r.i), 'must be an object {"start", "end", "label"}');
                        CONTINUE;
                    END IF;
                    v_errs := v_errs || sk_unknown_member_errors(r.v, ARRAY['start', 'end', 'label']);
                    IF NOT coalesce(r.v->>'start' ~ '^\d{4}-\d{2}-\d{2}$' AND sk_date_ok(r.v->>'start'), false) THEN
                        v_errs := v_errs || sk_err(format('dates[%s].start', r.i), 'is required and must be a real date like 2026-12-25');
                    ELSIF r.v->'end' IS NOT NULL AND jsonb_typeof(r.v->'end') <> 'null'
                          AND NOT coalesce(r.v->>'end' ~ '^\d{4}-\d{2}-\d{2}$' AND sk_date_ok(r.v->>'end'), false) THEN
                        v_errs := v_errs || sk_err(format('dates[%s].end', r.i), 'must be a real date like 2026-12-26');
                    ELSIF coalesce(r.v->>'end', r.v->>'start')::date < (r.v->>'start')::date THEN
                        v_errs := v_errs || sk_err(format('dates[%s].end', r.i), 'must not be before start');
                    ELSIF coalesce(r.v->>'end', r.v->>'start')::date - (r.v->>'start')::date >= 366 THEN
                        v_errs := v_errs || sk_err(format('dates[%s].end', r.i), 'must be less than a year after start');
                    ELSE
                        v_idx := v_idx || r.i;
                        v_ranges := v_ranges || daterange((r.v->>'start')::date,
                                                          coalesce(r.v->>'end', r.v->>'start')::date, '[]');
                        v_labels := v_labels || (r.v->>'label');
                    END IF;
                    v_errs := v_errs || sk_line_errors(format('dates[%s].label', r.i), r.v->'label', false, 100);
                END LOOP;
                v_errs := v_errs || coalesce((
                    SELECT jsonb_agg(sk_err(format('dates[%s]', b.i), format('overlaps dates[%s]', a.i)) ORDER BY b.i)
                      FROM unnest(v_idx, v_ranges) AS a(i, during)
                      JOIN unnest(v_idx, v_ranges) AS b(i, during) ON a.i < b.i AND a.during && b.during), '[]'::jsonb);
            END IF;
        END IF;
    END IF;

    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;

    CASE p_vocab
    WHEN 'themes' THEN
        SELECT coalesce(max(position), 0) + 10 INTO v_pos FROM themes;
        INSERT INTO themes AS t (code, parent, label_nl, label_en, position)
        VALUES (p_code, v_parent, p_body->>'label_nl', p_body->>'label_en', v_pos)
        ON CONFLICT (code) DO UPDATE SET parent = excluded.parent, label_nl = excluded.label_nl,
            label_en = excluded.label_en, retired_at = NULL, updated_at = now();
    WHEN 'audiences' THEN
        SELECT coalesce(max(position), 0) + 10 INTO v_pos FROM audiences;
        INSERT INTO audiences (code, label_nl, label_en, position)
        VALUES (p_code, p_body->>'label_nl', p_body->>'label_en', v_pos)
        ON CONFLICT (code) DO UPDATE SET label_nl = excluded.label_nl, label_en = excluded.label_en,
            retired_at = NULL, updated_at = now();
    WHEN 'support-kinds' THEN
        SELECT coalesce(max(position), 0) + 10 INTO v_pos FROM support_kinds;
        INSERT INTO support_kinds (code, label_nl, label_en, position)
        VALUES (p_code, p_body->>'label_nl', p_body->>'label_en', v_pos)
        ON CONFLICT (code) DO UPDATE SET label_nl = excluded.label_nl, label_en = excluded.label_en,
            retired_at = NULL, updated_at = now();
    WHEN 'accessibility-features' THEN
        SELECT coalesce(max(position), 0) + 10 INTO v_pos FROM accessibility_features;
        INSERT INTO accessibility_features AS t (code, label_nl, label_en, allowed_values, osm_equivalent, position)
        VALUES (p_code, p_body->>'label_nl', p_body->>'label_en', v_values, p_body->>'osm_equivalent', v_pos)
        ON CONFLICT (code) DO UPDATE SET label_nl = excluded.label_nl, label_en = excluded.label_en,
            allowed_values = coalesce(v_values, t.allowed_values), osm_equivalent = excluded.osm_equivalent,
            retired_at = NULL, updated_at = now();
    WHEN 'exception-sets' THEN
        SELECT coalesce(max(position), 0) + 10 INTO v_pos FROM exception_sets;
        INSERT INTO exception_sets (code, label_nl, label_en, municipality, position)
        VALUES (p_code, p_body->>'label_nl', p_body->>'label_en', v_mun, v_pos)
        ON CONFLICT (code) DO UPDATE SET label_nl = excluded.label_nl, label_en = excluded.label_en,
            municipality = excluded.municipality, retired_at = NULL, updated_at = now();
        IF jsonb_typeof(p_body->'dates') = 'array' THEN
            DELETE FROM exception_set_dates WHERE set_code = p_code;
            INSERT INTO exception_set_dates (set_code, during, label)
            SELECT p_code, d.during, d.label FROM unnest(v_ranges, v_labels) AS d(during, label);
        END IF;
    END CASE;

    v_after := sk_vocab_item(p_vocab, p_code);
    PERFORM sk_audit(p_role, p_org, p_key, sk_vocab_entity(p_vocab), p_code, NULL,
                     CASE WHEN v_new THEN 'create' ELSE 'update' END, v_before, v_after);
    IF v_new THEN
        RETURN sk_reply(201, v_after, NULL, '/api/v1/' || p_vocab || '/' || p_code);
    END IF;
    RETURN sk_reply(200, v_after);
END;
$$;

CREATE FUNCTION sk_vocab_retire(p_vocab text, p_code text, p_role text, p_org uuid, p_key uuid) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    v_before jsonb;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF sk_vocab_entity(p_vocab) IS NULL THEN
        RETURN sk_not_found('There is no such vocabulary.');
    END IF;
    v_before := sk_vocab_item(p_vocab, p_code);
    IF v_before IS NULL THEN
        RETURN sk_not_found(format('There is no term %s in %s.', p_code, p_vocab));
    END IF;
    IF (v_before->>'retired')::boolean THEN
        RETURN sk_reply(204, NULL);
    END IF;
    CASE p_vocab
    WHEN 'themes' THEN UPDATE themes SET retired_at = now(), updated_at = now() WHERE code = p_code;
    WHEN 'audiences' THEN UPDATE audiences SET retired_at = now(), updated_at = now() WHERE code = p_code;
    WHEN 'support-kinds' THEN UPDATE support_kinds SET retired_at = now(), updated_at = now() WHERE code = p_code;
    WHEN 'accessibility-features' THEN UPDATE accessibility_features SET retired_at = now(), updated_at = now() WHERE code = p_code;
    WHEN 'exception-sets' THEN UPDATE exception_sets SET retired_at = now(), updated_at = now() WHERE code = p_code;
    END CASE;
    PERFORM sk_audit(p_role, p_org, p_key, sk_vocab_entity(p_vocab), p_code, NULL, 'retire',
                     v_before, sk_vocab_item(p_vocab, p_code));
    RETURN sk_reply(204, NULL);
END;
$$;

-- =============================================================================================
-- Organisations
-- =============================================================================================

CREATE FUNCTION sk_org_render(o organisations) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object(
        'id', o.id, 'name', o.name, 'description', o.description, 'website', o.website,
        'email', o.email, 'phone', o.phone, 'trusted', o.trusted,
        'created_at', sk_iso(o.created_at), 'updated_at', sk_iso(o.updated_at));

-- Field errors of a complete organisation document (POST body or merged PATCH).
CREATE FUNCTION sk_org_errors(b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT sk_unknown_member_errors(b, ARRAY['id', 'name', 'description', 'website', 'email', 'phone', 'trusted',
                                             'created_at', 'updated_at', 'version'])
        || sk_line_errors('name', b->'name', true, 200)
        || CASE WHEN b->'description' IS NULL OR jsonb_typeof(b->'description') = 'null' THEN '[]'::jsonb
                WHEN jsonb_typeof(b->'description') <> 'string' OR length(b->>'description') > 2000
                    THEN jsonb_build_array(sk_err('description', 'must be a string of at most 2000 characters'))
                ELSE '[]'::jsonb END
        || CASE WHEN b->'website' IS NULL OR jsonb_typeof(b->'website') = 'null' THEN '[]'::jsonb
                WHEN jsonb_typeof(b->'website') <> 'string' OR length(b->>'website') > 500
                     OR b->>'website' !~* '^https?://[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]{1,5})?([/?#][!-~]*)?$'
                    THEN jsonb_build_array(sk_err('website', 'must be an absolute http:// or https:// URL like https://example.nl (at most 500 characters)'))
                ELSE '[]'::jsonb END
        || CASE WHEN b->'email' IS NULL OR jsonb_typeof(b->'email') = 'null' THEN '[]'::jsonb
                WHEN jsonb_typeof(b->'email') <> 'string' OR length(b->>'email') > 254
                     OR b->>'email' !~ '^[A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$'
                    THEN jsonb_build_array(sk_err('email', 'must be an e-mail address like info@example.nl'))
                ELSE '[]'::jsonb END
        || CASE WHEN b->'phone' IS NULL OR jsonb_typeof(b->'phone') = 'null' THEN '[]'::jsonb
                WHEN jsonb_typeof(b->'phone') <> 'string' OR length(b->>'phone') NOT BETWEEN 8 AND 20
                     OR b->>'phone' !~ '^\+?[0-9 ()-]+$'
                     OR length(regexp_replace(b->>'phone', '[^0-9]', '', 'g')) NOT BETWEEN 9 AND 15
                    THEN jsonb_build_array(sk_err('phone', 'must be a phone number like 0183 123 456 or +31 183 123 456 (9 to 15 digits)'))
                ELSE '[]'::jsonb END
        || CASE WHEN b->'trusted' IS NULL OR jsonb_typeof(b->'trusted') IN ('boolean', 'null') THEN '[]'::jsonb
                ELSE jsonb_build_array(sk_err('trusted', 'must be true or false')) END
$$;

CREATE FUNCTION sk_org_list(p_limit int, p_cursor text) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_limit int := greatest(1, least(coalesce(p_limit, 20), 100));
    v_at timestamptz;
    v_id uuid;
    items jsonb;
    n int;
    v_next text;
BEGIN
    IF p_cursor IS NOT NULL THEN
        IF NOT sk_cursor_ok(p_cursor) THEN
            RETURN sk_bad_field('cursor', 'is not a cursor this API gave out; start again without it');
        END IF;
        v_at := sk_cursor_at(p_cursor);
        v_id := sk_cursor_id(p_cursor);
    END IF;
    SELECT coalesce(jsonb_agg(sk_org_render(o.x) ORDER BY o.rn) FILTER (WHERE o.rn <= v_limit), '[]'::jsonb),
           count(*), (array_agg(sk_cursor((o.x).created_at, (o.x).id) ORDER BY o.rn) FILTER (WHERE o.rn <= v_limit))[v_limit]
      INTO items, n, v_next
      FROM (SELECT x, row_number() OVER (ORDER BY x.created_at, x.id) AS rn
              FROM organisations x
             WHERE v_at IS NULL OR (x.created_at, x.id) > (v_at, v_id)
             ORDER BY x.created_at, x.id
             LIMIT v_limit + 1) o;
    RETURN sk_reply(200, jsonb_build_object('items', items,
                                            'next_cursor', CASE WHEN n > v_limit THEN v_next END));
END;
$$;

CREATE FUNCTION sk_org_get(p_id uuid) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    o organisations;
BEGIN
    SELECT * INTO o FROM organisations WHERE id = p_id;
    IF NOT FOUND THEN
        RETURN sk_not_found(format('There is no organisation with id %s.', p_id));
    END IF;
    RETURN sk_reply(200, sk_org_render(o), sk_etag(o.version));
END;
$$;

CREATE FUNCTION sk_org_write(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    old organisations;
    o organisations;
    v_doc jsonb;
    v_errs jsonb;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;
    IF p_id IS NOT NULL THEN
        SELECT * INTO old FROM organisations WHERE id = p_id FOR UPDATE;
        IF NOT FOUND THEN
            RETURN sk_not_found(format('There is no organisation with id %s.', p_id));
        END IF;
        v_doc := sk_merge_patch(sk_org_render(old) - ARRAY['id', 'created_at', 'updated_at'],
                                p_body - ARRAY['id', 'created_at', 'updated_at', 'version']);
        v_errs := sk_org_errors(v_doc);
        IF p_body ? 'id' AND lower(p_body->>'id') IS DISTINCT FROM p_id::text THEN
            v_errs := v_errs || sk_err('id', 'must be the id of this organisation (it cannot be changed)');
        END IF;
    ELSE
        v_doc := p_body - ARRAY['id', 'created_at', 'updated_at', 'version'];
        v_errs := sk_org_errors(p_body);
    END IF;
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;

    IF p_id IS NULL THEN
        INSERT INTO organisations (name, description, website, email, phone, trusted)
        VALUES (v_doc->>'name', v_doc->>'description', v_doc->>'website', v_doc->>'email', v_doc->>'phone',
                coalesce((v_doc->>'trusted')::boolean, false))
        RETURNING * INTO o;
        PERFORM sk_audit(p_role, p_org, p_key, 'organisation', o.id::text, NULL, 'create', NULL, sk_org_render(o));
        RETURN sk_reply(201, sk_org_render(o), sk_etag(o.version), '/api/v1/organisations/' || o.id);
    END IF;
    UPDATE organisations
       SET name = v_doc->>'name', description = v_doc->>'description', website = v_doc->>'website',
           email = v_doc->>'email', phone = v_doc->>'phone', trusted = coalesce((v_doc->>'trusted')::boolean, false),
           version = version + 1, updated_at = now()
     WHERE id = p_id
    RETURNING * INTO o;
    PERFORM sk_audit(p_role, p_org, p_key, 'organisation', o.id::text, NULL, 'update', sk_org_render(old), sk_org_render(o));
    RETURN sk_reply(200, sk_org_render(o), sk_etag(o.version));
END;
$$;

-- =============================================================================================
-- Audit log
-- =============================================================================================

CREATE FUNCTION sk_audit_list(p_entry uuid, p_limit int, p_cursor text, p_role text) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_limit int := greatest(1, least(coalesce(p_limit, 20), 100));
    v_before bigint;
    items jsonb;
    n int;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF p_cursor IS NOT NULL THEN
        IF p_cursor !~ '^[0-9]{1,18}$' THEN
            RETURN sk_bad_field('cursor', 'is not a cursor this API gave out; start again without it');
        END IF;
        v_before := p_cursor::bigint;
    END IF;
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', l.id, 'at', sk_iso(l.at), 'action', l.action, 'entity', l.entity, 'entity_id', l.entity_id,
               'entry_id', l.entry_id, 'key_id', l.key_id, 'organisation_id', l.organisation_id, 'role', l.role,
               'before', l.before, 'after', l.after) ORDER BY l.id DESC) FILTER (WHERE l.rn <= v_limit), '[]'::jsonb),
           count(*)
      INTO items, n
      FROM (SELECT x.*, row_number() OVER (ORDER BY x.id DESC) AS rn
              FROM audit_log x
             WHERE (p_entry IS NULL OR x.entry_id = p_entry)
               AND (v_before IS NULL OR x.id < v_before)
             ORDER BY x.id DESC
             LIMIT v_limit + 1) l;
    RETURN sk_reply(200, jsonb_build_object('items', items,
                                            'next_cursor', CASE WHEN n > v_limit THEN items->(v_limit - 1)->>'id' END));
END;
$$;

-- Housekeeping: Idempotency-Keys are kept for 24 hours (callable from a timer; also pruned lazily).
CREATE FUNCTION sk_prune_idempotency_keys() RETURNS bigint LANGUAGE sql AS $$
    WITH d AS (DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours' RETURNING 1)
    SELECT count(*) FROM d
$$;

-- =============================================================================================
-- The API: exactly the signatures the daemon prepares (see server/db_catalog.c).
-- =============================================================================================

CREATE FUNCTION api_entry_get(p_kind text, p_id uuid, p_lang text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_entry_get(p_kind, p_id, p_lang, p_role, p_org) r
$$;

CREATE FUNCTION api_entry_list(p_kind text, p_limit int, p_cursor text, p_lang text, p_role text, p_org uuid,
                               p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_entry_list(p_kind, p_limit, p_cursor, p_lang, p_role, p_org) r
$$;

CREATE FUNCTION api_entry_create(p_kind text, p_body jsonb, p_errors jsonb, p_idempotency_key text, p_role text,
                                 p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_entry_create(p_kind, p_body, p_errors, p_idempotency_key, p_role, p_org, p_key) r
$$;

CREATE FUNCTION api_entry_update(p_kind text, p_id uuid, p_body jsonb, p_is_patch boolean, p_if_match int,
                                 p_errors jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_entry_update(p_kind, p_id, p_body, coalesce(p_is_patch, false), p_if_match, p_errors,
                                    p_role, p_org, p_key) r
$$;

CREATE FUNCTION api_entry_delete(p_kind text, p_id uuid, p_if_match int, p_purge boolean, p_role text, p_org uuid,
                                 p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_entry_delete(p_kind, p_id, p_if_match, p_purge, p_role, p_org, p_key) r
$$;

CREATE FUNCTION api_areas_list(p_municipality text, p_include_retired boolean)
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_areas_list(p_municipality, p_include_retired) r
$$;

CREATE FUNCTION api_area_get(p_code text)
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_area_get(p_code) r
$$;

CREATE FUNCTION api_area_upsert(p_code text, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_area_upsert(p_code, p_body, p_role, p_org, p_key) r
$$;

CREATE FUNCTION api_area_retire(p_code text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_area_retire(p_code, p_role, p_org, p_key) r
$$;

CREATE FUNCTION api_area_boundary_set(p_code text, p_geojson jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_area_boundary_set(p_code, p_geojson, p_role, p_org, p_key) r
$$;

CREATE FUNCTION api_vocab_list(p_vocab text, p_include_retired boolean)
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_vocab_list(p_vocab, p_include_retired) r
$$;

CREATE FUNCTION api_vocab_upsert(p_vocab text, p_code text, p_body jsonb, p_role text, p_org uuid, p_key uuid,
                                 p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_vocab_upsert(p_vocab, p_code, p_body, p_role, p_org, p_key) r
$$;

CREATE FUNCTION api_vocab_retire(p_vocab text, p_code text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_vocab_retire(p_vocab, p_code, p_role, p_org, p_key) r
$$;

CREATE FUNCTION api_org_list(p_limit int, p_cursor text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_org_list(p_limit, p_cursor) r
$$;

CREATE FUNCTION api_org_get(p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_org_get(p_id) r
$$;

CREATE FUNCTION api_org_create(p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_org_write(NULL, p_body, p_role, p_org, p_key) r
$$;

CREATE FUNCTION api_org_update(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_org_write(p_id, p_body, p_role, p_org, p_key) r
$$;

CREATE FUNCTION api_audit_list(p_entry uuid, p_limit int, p_cursor text, p_role text, p_org uuid, p_key uuid,
                               p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_audit_list(p_entry, p_limit, p_cursor, p_role) r
$$;
