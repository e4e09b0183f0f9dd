-- sql/api/entries.sql — entries of all five kinds (place, activity, vacancy, carer support, service): validation of what
-- only the database can check, create, read, update, delete, list, render.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL
--
-- The triggers on entries, each defined next to the rule it keeps (PostgreSQL fires triggers of
-- the same timing in name order; none depends on another's effect):
--   BEFORE  entries_search_fill                 the search columns           search.sql
--   AFTER   entries_feed, entries_feed_update    RPDE feed items              feeds.sql
--   AFTER   entries_occurrences_ins, _upd        sk_occurrences               occurrences.sql
--   AFTER   entries_place_follow                 activities at a moved place  search.sql
--   AFTER   entries_search_rows                  the search's summary rows    search.sql
--   AFTER   entries_sk_docs_ins, _upd            rendered documents, index    search.sql
--   AFTER   entries_webhook_outbox, _update      webhook notices              webhooks.sql

-- C errors first, then ours for fields the C validator has not already reported.
-- plpgsql, not sql: its plan is cached for the session, also across subtransactions (see sk_iso).
CREATE OR REPLACE FUNCTION sk_merge_errors(p_first jsonb, p_more jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF coalesce(jsonb_array_length(p_more), 0) = 0 THEN
        RETURN coalesce(p_first, '[]'::jsonb);
    END IF;
    RETURN coalesce(p_first, '[]'::jsonb) || coalesce((
        SELECT jsonb_agg(m.v ORDER BY m.i)
          FROM jsonb_array_elements(p_more) WITH ORDINALITY AS m(v, i)
         WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(p_first, '[]'::jsonb)) AS f(v)
                            WHERE f.v->>'field' = m.v->>'field')), '[]'::jsonb);
END;
$$;

-- =============================================================================================
-- Entries: rendering
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_entry_render(e entries, p_lang text DEFAULT 'nl', p_anonymous boolean DEFAULT false)
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
        'also_serves', to_jsonb(e.also_serves),
        'areas', to_jsonb(e.areas),
        'themes', to_jsonb(e.themes),
        'audiences', to_jsonb(e.audiences),
        'accessibility', e.accessibility,
        'cost', e.cost,
        'contact', e.contact,
        'languages', to_jsonb(e.languages),
        'images', to_jsonb(e.images),
        'campaigns', to_jsonb(e.campaigns),
        'created_at', sk_iso(e.created_at),
        'updated_at', sk_iso(e.updated_at));
    CASE e.kind
    WHEN 'place' THEN
        r := r || jsonb_build_object(
            'place_type', e.place_type,
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
    WHEN 'service' THEN
        r := r || jsonb_build_object(
            'referral_required', e.referral_required,
            'indication_required', e.indication_required,
            'channels', to_jsonb(e.channels),
            'opening_hours', e.opening_hours,
            'place_id', e.place_id);
    END CASE;
    IF e.kind <> 'vacancy' THEN -- issue 16: inloop, zonder aanmelden (not a vacancy's)
        r := r || jsonb_build_object('drop_in', e.drop_in);
    END IF;
    RETURN r;
END;
$$;

-- What only the database knows: codes, areas, municipality, place_id. b is the complete entry
-- (a POST/PUT body, or the merged document of a PATCH); old the stored entry (NULL on create).
-- Tolerates malformed members: the daemon reports those itself.
CREATE OR REPLACE FUNCTION sk_entry_code_errors(p_kind text, b jsonb, old entries) RETURNS jsonb
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

    -- issue 16: the other municipalities a regional entry serves
    FOR r IN SELECT x.code, x.i - 1 AS i, a.code AS known, a.retired_at
               FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(b->'also_serves') = 'array' THEN b->'also_serves' ELSE '[]' END)
                    WITH ORDINALITY AS x(code, i)
               LEFT JOIN areas a ON a.code = x.code AND a.kind = 'municipality'
              ORDER BY x.i LOOP
        IF r.known IS NULL THEN
            errs := errs || sk_err(format('also_serves[%s]', r.i), 'is not a municipality this sociale kaart covers (see GET /api/v1/areas)');
        ELSIF r.code = m THEN
            errs := errs || sk_err(format('also_serves[%s]', r.i), 'is the entry''s own municipality');
        ELSIF r.retired_at IS NOT NULL AND NOT r.code = ANY (coalesce(old.also_serves, '{}')) THEN
            errs := errs || sk_err(format('also_serves[%s]', r.i), 'has been retired and can no longer be chosen');
        END IF;
    END LOOP;

    errs := errs || sk_term_errors('themes', b->'themes', 'themes', old.themes, NULL);
    errs := errs || sk_term_errors('audiences', b->'audiences', 'audiences', old.audiences, NULL);
    errs := errs || sk_campaign_tag_errors(b->'campaigns', m, old.campaigns);

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

    IF p_kind = 'place' THEN
        errs := errs || sk_term_error('place_type', b->'place_type', 'place-types', old.place_type);
    END IF;

    IF p_kind = 'activity' THEN
        errs := errs || sk_term_errors('schedule.exception_sets', b#>'{schedule,exception_sets}', 'exception-sets',
                                       old.exception_sets, m);
    END IF;

    IF p_kind = 'carer_support' THEN
        errs := errs || sk_term_error('support_kind', b->'support_kind', 'support-kinds', old.support_kind);
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

-- A member that is there: neither absent nor JSON null (the daemon's view of "given").
CREATE OR REPLACE FUNCTION sk_given(j jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(jsonb_typeof(j), 'null') <> 'null';

-- schedule.start or .end as the daemon accepts it ("YYYY-MM-DDTHH:MM", a real Dutch wall-clock time
-- within the contract's years); NULL for anything else, which the daemon has reported. Never raises.
CREATE OR REPLACE FUNCTION sk_schedule_local(j jsonb) RETURNS timestamp LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    t timestamp;
BEGIN
    IF jsonb_typeof(j) IS DISTINCT FROM 'string' OR j->>0 !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$' THEN
        RETURN NULL;
    END IF;
    t := (j->>0)::timestamp;
    IF to_char(t, 'YYYY-MM-DD"T"HH24:MI') <> j->>0
       OR extract(year FROM t) NOT BETWEEN sk_contract_limit('year_min') AND sk_contract_limit('year_max')
       OR sk_amsterdam(t) AT TIME ZONE 'Europe/Amsterdam' <> t THEN   -- in the spring-forward gap
        RETURN NULL;
    END IF;
    RETURN t;
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END;
$$;

-- A whole JSON number (what the daemon reads as an integer), else NULL.
CREATE OR REPLACE FUNCTION sk_whole(j jsonb) RETURNS numeric LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN jsonb_typeof(j) = 'number' AND j::text ~ '^-?[0-9]+$' THEN j::text::numeric END;

-- The rules of a complete entry: the rules across members (cost, schedule, venue, capacity), the one
-- copy of them, run on the body of a POST and a PUT and on the merged document of a PATCH
-- (p_merged); and, on a merged document only, the required members a PATCH may have removed (on a
-- POST or PUT the daemon checks required members). A member the daemon found malformed
-- (p_errors) skips the rules it takes part in; nothing here raises on a malformed body.
CREATE OR REPLACE FUNCTION sk_entry_complete_errors(p_kind text, b jsonb, p_merged boolean) RETURNS jsonb
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    errs jsonb := '[]';
    f text;
    free boolean;
    amount numeric;
    s jsonb := sk_obj(b->'schedule');
    t_start timestamp;
    t_end timestamp;
    cap numeric;
    n int;
BEGIN
    IF p_merged AND jsonb_typeof(b->'title') IS DISTINCT FROM 'string' THEN
        errs := errs || sk_err('title', 'is required and cannot be removed');
    END IF;
    IF p_merged AND b->'municipality' IS NULL THEN
        errs := errs || sk_err('municipality', 'is required and cannot be removed');
    END IF;

    IF sk_obj(b->'cost') IS NOT NULL THEN
        free := coalesce(b#>'{cost,free}' = 'true'::jsonb, false);
        amount := CASE WHEN jsonb_typeof(b#>'{cost,amount_eur}') = 'number' THEN (b#>>'{cost,amount_eur}')::numeric END;
        IF free AND amount > 0 THEN
            errs := errs || sk_err('cost.amount_eur', 'must be 0 or left out when free is true');
        ELSIF NOT free AND NOT sk_given(b#>'{cost,amount_eur}') THEN
            errs := errs || sk_err('cost', 'must have "free": true or an amount_eur');
        END IF;
    END IF;

    IF p_merged AND p_kind = 'place' AND b->'address' IS NULL THEN
        errs := errs || sk_err('address', 'is required and cannot be removed');
    END IF;
    IF p_merged AND p_kind IN ('place', 'activity') THEN
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
            IF p_merged THEN
                errs := errs || sk_err('schedule', 'is required and cannot be removed');
            END IF;
        ELSE
            IF p_merged AND jsonb_typeof(s->'start') IS DISTINCT FROM 'string' THEN
                errs := errs || sk_err('schedule.start', 'is required');
            END IF;
            IF p_merged AND jsonb_typeof(s->'end') IS DISTINCT FROM 'string' THEN
                errs := errs || sk_err('schedule.end', 'is required');
            END IF;
            t_start := sk_schedule_local(s->'start');
            t_end := sk_schedule_local(s->'end');
            IF t_end <= t_start THEN
                errs := errs || sk_err('schedule.end', 'must be after start');
            ELSIF t_end - t_start > interval '24 hours' THEN
                errs := errs || sk_err('schedule.end', 'must be within 24 hours of start (repeat with rrule instead)');
            END IF;
            IF t_start IS NOT NULL AND jsonb_typeof(s->'rrule') = 'string' AND sk_rrule_ok(s->>'rrule') THEN
                IF sk_rrule_until_before(s->>'rrule', t_start) THEN
                    errs := errs || sk_err('schedule.rrule', 'UNTIL lies before start');
                ELSIF NOT sk_rrule_selects(regexp_replace(s->>'rrule', '^RRULE:', ''), t_start::date) THEN
                    errs := errs || sk_err('schedule.rrule', 'does not select the start date; start must be the first occurrence');
                END IF;
            END IF;
            -- an empty list in a merged document is the stored entry's, left when its rrule is removed
            IF NOT sk_given(s->'rrule') THEN
                FOREACH f IN ARRAY ARRAY['exdates', 'exception_sets'] LOOP
                    IF sk_given(s->f) AND NOT (p_merged AND s->f = '[]'::jsonb) THEN
                        errs := errs || sk_err('schedule.' || f, 'only make sense with an rrule');
                    END IF;
                END LOOP;
            END IF;
        END IF;

        n := sk_given(b->'place_id')::int + sk_given(b->'address')::int
             + coalesce(b->'online' = 'true'::jsonb, false)::int;
        IF n = 0 THEN
            errs := errs || sk_err('place_id', 'an activity needs one of place_id, address or online: true');
        ELSIF n > 1 THEN
            IF sk_given(b->'place_id') THEN
                errs := errs || sk_err('place_id', 'only one of place_id, address or online: true may be given');
            END IF;
            IF sk_given(b->'address') THEN
                errs := errs || sk_err('address', 'only one of place_id, address or online: true may be given');
            END IF;
            IF b->'online' = 'true'::jsonb THEN
                errs := errs || sk_err('online', 'only one of place_id, address or online: true may be given');
            END IF;
        END IF;
        IF sk_given(b->'location') AND NOT sk_given(b->'address') THEN
            errs := errs || sk_err('location', 'is only allowed together with address');
        END IF;
        cap := sk_whole(b->'capacity');
        IF sk_given(b->'places_left') AND NOT sk_given(b->'capacity') THEN
            errs := errs || sk_err('places_left', 'needs capacity');
        ELSIF cap BETWEEN 1 AND sk_contract_limit('capacity_max') AND sk_whole(b->'places_left') > cap THEN
            errs := errs || sk_err('places_left', 'must not be more than capacity');
        END IF;
        -- issue 16: walking in and signing up first do not go together
        IF b->'drop_in' = 'true'::jsonb AND b->>'registration' = 'required' THEN
            errs := errs || sk_err('drop_in', 'cannot be true when registration is required');
        END IF;
    END IF;

    IF p_merged AND p_kind = 'carer_support' AND b->'support_kind' IS NULL THEN
        errs := errs || sk_err('support_kind', 'is required and cannot be removed');
    END IF;
    IF p_merged AND p_kind = 'service' AND b->'channels' IS NULL THEN
        errs := errs || sk_err('channels', 'is required and cannot be removed');
    END IF;
    RETURN errs;
END;
$$;

-- The sub-areas of the entry's municipality whose boundary contains its location, or its own areas.
-- plpgsql, not sql: its plan is cached for the session, also across subtransactions (see sk_iso).
CREATE OR REPLACE FUNCTION sk_entry_derived_areas(p_municipality text, p_location geography, p_areas text[])
    RETURNS text[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_location IS NULL THEN
        RETURN p_areas;
    END IF;
    RETURN coalesce((SELECT array_agg(a.code ORDER BY a.code)
                       FROM areas a
                      WHERE a.municipality = p_municipality
                        AND a.kind <> 'municipality' AND a.retired_at IS NULL AND a.boundary IS NOT NULL
                        AND ST_Covers(a.boundary, p_location)), p_areas);
END;
$$;

-- Full replacement of every writable column from a complete document b (POST/PUT body, merged
-- PATCH). Absent or null members become NULL or the column's default for the kind.
CREATE OR REPLACE FUNCTION sk_entry_apply(e entries, b jsonb) RETURNS entries LANGUAGE plpgsql STABLE AS $$
BEGIN
    e.title := b->>'title';
    e.summary := b->>'summary';
    e.description := b->>'description';
    e.translations := sk_clean_translations(b->'translations');
    e.municipality := b->>'municipality';
    e.areas := coalesce(sk_text_array(b->'areas'), '{}');
    e.also_serves := coalesce(sk_text_array(b->'also_serves'), '{}');
    e.themes := coalesce(sk_text_array(b->'themes'), '{}');
    e.audiences := coalesce(sk_text_array(b->'audiences'), '{}');
    e.accessibility := coalesce(jsonb_strip_nulls(sk_obj(b->'accessibility')), '{}');
    e.cost := nullif(jsonb_strip_nulls(sk_obj(b->'cost')), '{}'::jsonb);
    e.contact := coalesce(jsonb_strip_nulls(sk_obj(b->'contact')), '{}');
    e.languages := coalesce(sk_text_array(b->'languages'), '{}');
    e.images := coalesce(sk_text_array(b->'images'), '{}');
    e.campaigns := coalesce(sk_text_array(b->'campaigns'), '{}');
    e.drop_in := coalesce((b->>'drop_in')::boolean, false);
    e.place_type := CASE WHEN e.kind = 'place' THEN b->>'place_type' END;
    IF e.kind IN ('place', 'activity') THEN
        e.address := nullif(jsonb_strip_nulls(sk_obj(b->'address')), '{}'::jsonb);
        e.location := sk_point(b->'location');
        e.areas := sk_entry_derived_areas(e.municipality, e.location, e.areas);
    END IF;
    IF e.kind IN ('place', 'service') THEN
        e.opening_hours := CASE WHEN jsonb_typeof(b->'opening_hours') = 'array' THEN b->'opening_hours' END;
    END IF;
    IF e.kind <> 'place' THEN
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
    ELSIF e.kind = 'service' THEN
        e.referral_required := coalesce((b->>'referral_required')::boolean, false);
        e.indication_required := coalesce((b->>'indication_required')::boolean, false);
        e.channels := coalesce(sk_text_array(b->'channels'), '{}');
    END IF;
    RETURN e;
END;
$$;

-- Insert or update the row; a violated constraint comes back as a field error list (NULL = stored).
CREATE OR REPLACE FUNCTION sk_entry_store(e entries, p_insert boolean) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_con text;
    v_tab text;
    v_col text;
    v_msg text;
BEGIN
    IF p_insert THEN
        INSERT INTO entries (id, kind, status, version, organisation_id, municipality, title, summary, description,
                             translations, areas, themes, audiences, accessibility, cost, contact, languages, images,
                             campaigns, drop_in, place_type, address, location, opening_hours, place_id, online, starts_at, ends_at, rrule, exdates,
                             exception_sets, timezone, registration, capacity, places_left, address_visibility,
                             hours_per_week, commitment, min_age, skills, valid_until, support_kind, for_whom,
                             referral_required, indication_required, channels, also_serves, reviewed_at, created_at,
                             updated_at)
        VALUES (e.id, e.kind, e.status, e.version, e.organisation_id, e.municipality, e.title, e.summary, e.description,
                e.translations, e.areas, e.themes, e.audiences, e.accessibility, e.cost, e.contact, e.languages, e.images,
                e.campaigns, e.drop_in, e.place_type, e.address, e.location, e.opening_hours, e.place_id, e.online,
                e.starts_at, e.ends_at, e.rrule, e.exdates, e.exception_sets, e.timezone, e.registration, e.capacity, e.places_left, e.address_visibility,
                e.hours_per_week, e.commitment, e.min_age, e.skills, e.valid_until, e.support_kind, e.for_whom,
                e.referral_required, e.indication_required, e.channels, e.also_serves, e.reviewed_at, e.created_at,
                e.updated_at);
    ELSE
        UPDATE entries x
           SET (status, version, organisation_id, municipality, title, summary, description,
                translations, areas, themes, audiences, accessibility, cost, contact, languages, images,
                campaigns, drop_in, place_type, address, location, opening_hours, place_id, online, starts_at, ends_at,
                rrule, exdates, exception_sets, timezone, registration, capacity, places_left, address_visibility,
                hours_per_week, commitment, min_age, skills, valid_until, support_kind, for_whom,
                referral_required, indication_required, channels, also_serves, updated_at)
             = (e.status, e.version, e.organisation_id, e.municipality, e.title, e.summary, e.description,
                e.translations, e.areas, e.themes, e.audiences, e.accessibility, e.cost, e.contact, e.languages, e.images,
                e.campaigns, e.drop_in, e.place_type, e.address, e.location, e.opening_hours, e.place_id, e.online,
                e.starts_at, e.ends_at, e.rrule, e.exdates,
                e.exception_sets, e.timezone, e.registration, e.capacity, e.places_left, e.address_visibility,
                e.hours_per_week, e.commitment, e.min_age, e.skills, e.valid_until, e.support_kind, e.for_whom,
                e.referral_required, e.indication_required, e.channels, e.also_serves, e.updated_at)
         WHERE x.id = e.id;
    END IF;
    RETURN NULL;
EXCEPTION
    WHEN check_violation OR foreign_key_violation OR not_null_violation OR unique_violation OR data_exception THEN
        GET STACKED DIAGNOSTICS v_con = CONSTRAINT_NAME, v_tab = TABLE_NAME, v_col = COLUMN_NAME, v_msg = MESSAGE_TEXT;
        RETURN jsonb_build_array(sk_constraint_error(nullif(v_con, ''), nullif(v_tab, ''), nullif(v_col, ''), v_msg));
END;
$$;

-- p_status: 'published', or 'pending' when a moderator reviews the entry first (sk_mod_entry_create
-- decides); a published entry counts as reviewed now.
CREATE OR REPLACE FUNCTION sk_entry_create(p_kind text, p_body jsonb, p_errors jsonb, p_idem text, p_role text, p_org uuid,
                                p_key uuid, p_status text) RETURNS sk_response LANGUAGE plpgsql AS $$
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
    IF sk_contract_kind_path(p_kind) IS NULL THEN
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
    v_errs := sk_merge_errors(p_errors, v_errs || sk_entry_complete_errors(p_kind, p_body, false)
                                        || sk_entry_code_errors(p_kind, p_body, NULL));
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
    e.status := p_status;
    e.reviewed_at := CASE WHEN p_status = 'published' THEN now() END;
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
    res := sk_reply(201, v_rep, sk_etag(e.version), '/api/v1/' || sk_contract_kind_path(p_kind) || '/' || e.id);
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
CREATE OR REPLACE FUNCTION sk_entry_access(p_kind text, p_id uuid, p_if_match int, p_role text, p_org uuid, p_purge boolean)
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
        RETURN sk_problem(428, 'precondition-required',
                          format('Send If-Match with the ETag of the entry you change (now "%s"), so that nobody else''s change is overwritten.', e.version));
    END IF;
    IF p_if_match IS NOT NULL AND p_if_match <> e.version THEN
        RETURN sk_problem(412, 'precondition-failed',
                          format('If-Match was "%s" but the entry is now at version "%s": someone else changed it. GET it again, redo your change and send the new ETag.', p_if_match, e.version));
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION sk_entry_update(p_kind text, p_id uuid, p_body jsonb, p_is_patch boolean, p_if_match int,
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
    ELSE
        v_doc := sk_entry_writable(p_body);
    END IF;
    v_errs := v_errs || sk_entry_complete_errors(p_kind, v_doc, p_is_patch);
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

CREATE OR REPLACE FUNCTION sk_entry_delete(p_kind text, p_id uuid, p_if_match int, p_purge boolean, p_role text, p_org uuid,
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
            RETURN sk_problem(409, 'conflict',
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

CREATE OR REPLACE FUNCTION sk_entry_path(e entries) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN '/api/v1/' || sk_contract_kind_path(e.kind) || '/' || e.id;

-- The members a client may write: also without the read-only members this migration adds.
CREATE OR REPLACE FUNCTION sk_entry_writable(b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN b - ARRAY['id', 'kind', 'status', 'version', 'language', 'created_at', 'updated_at', 'organisation_id',
                     'reviewed_at', 'moderation', 'pending_revision'];

-- An untrusted partner's new entry is inserted as 'pending' (never, not even inside the
-- transaction, as 'published', so no search, feed or webhook trigger ever sees it published):
CREATE OR REPLACE FUNCTION api_entry_create(p_kind text, p_body jsonb, p_errors jsonb, p_idempotency_key text,
                                            p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_mod_entry_create(p_kind, p_body, p_errors, p_idempotency_key, p_role, p_org, p_key, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_entry_delete(p_kind text, p_id uuid, p_if_match int, p_purge boolean, p_role text,
                                            p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_mod_entry_delete(p_kind, p_id, p_if_match, coalesce(p_purge, false), p_role, p_org, p_key, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_entry_confirm(p_kind text, p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_mod_confirm(p_kind, p_id, p_role, p_org, p_key, p_scope) r
$$;

-- When a published entry stops being visible by time alone: the search's sk_until (search.sql): end of
-- a one-off activity or of the last occurrence of a recurring one (COUNT/UNTIL), end of a
-- vacancy's valid_until day. NULL = never. One definition for search, lists and feeds.
CREATE OR REPLACE FUNCTION sk_entry_expires_at(e entries) RETURNS timestamptz LANGUAGE sql STABLE
    RETURN e.sk_until;

-- Published and not expired: what residents (and every feed) see.
CREATE OR REPLACE FUNCTION sk_entry_public(e entries) RETURNS boolean LANGUAGE sql STABLE
    RETURN e.status = 'published' AND coalesce(sk_entry_expires_at(e) > now(), true);

CREATE OR REPLACE FUNCTION sk_entry_visible(e entries, p_role text, p_org uuid, p_scope text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN e.status <> 'deleted'
       AND (e.status = 'published'
            OR coalesce(p_role = 'partner' AND e.organisation_id = p_org, false)
            OR sk_in_scope(p_role, p_scope, e.municipality));

-- An out-of-scope moderator (or another organisation's partner) trying to change an entry: a
-- published entry exists for everyone (403); anything else does not exist for this caller (404).
CREATE OR REPLACE FUNCTION sk_entry_denied(e entries) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN e.status = 'published'
                THEN sk_forbidden('This entry belongs to another organisation or municipality; you cannot change it.')
                ELSE sk_not_found(format('There is no %s with id %s.', replace(e.kind, '_', ' '), e.id)) END;

CREATE OR REPLACE FUNCTION api_entry_get(p_kind text, p_id uuid, p_lang text, p_role text, p_org uuid, p_key uuid,
                                         p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_mod_entry_get(p_kind, p_id, p_lang, p_role, p_org, p_scope) r
$$;

CREATE OR REPLACE FUNCTION sk_entry_list(p_kind text, p_limit int, p_cursor text, p_lang text, p_role text, p_org uuid,
                              p_scope text[]) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_limit int := greatest(1, least(coalesce(p_limit, sk_contract_limit('list_default')), sk_contract_limit('list_max')));
    v_at timestamptz;
    v_id uuid;
    e entries;
    n int := 0;
    items jsonb := '[]';
    v_next text;
BEGIN
    IF sk_contract_kind_path(p_kind) IS NULL THEN
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
              WHERE x.kind = p_kind AND sk_entry_visible(x, p_role, p_org, p_scope)
                AND (v_at IS NULL OR (x.created_at, x.id) > (v_at, v_id))
              ORDER BY x.created_at, x.id
              LIMIT v_limit + 1 LOOP
        n := n + 1;
        IF n > v_limit THEN
            EXIT;
        END IF;
        items := items || jsonb_build_array(sk_entry_render(e, coalesce(p_lang, 'nl'),
                                                            NOT sk_sees_private(e, p_role, p_org, p_scope)));
        v_next := sk_cursor(e.created_at, e.id);
    END LOOP;
    RETURN sk_reply(200, jsonb_build_object('items', items, 'next_cursor', CASE WHEN n > v_limit THEN v_next END));
END;
$$;

CREATE OR REPLACE FUNCTION api_entry_list(p_kind text, p_limit int, p_cursor text, p_lang text, p_role text,
                                          p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_entry_list(p_kind, p_limit, p_cursor, p_lang, p_role, p_org, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_entry_update(p_kind text, p_id uuid, p_body jsonb, p_is_patch boolean, p_if_match int,
                                            p_errors jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_mod_entry_update(p_kind, p_id, p_body, coalesce(p_is_patch, false), p_if_match, p_errors,
                                        p_role, p_org, p_key, p_scope) r
$$;

