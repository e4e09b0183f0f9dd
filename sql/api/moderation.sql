-- sql/api/moderation.sql — moderation: the review queue, approve/reject/hide, proposals on published entries,
-- freshness, residents' reports, settings and coverage statistics.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- The last moderation decision on an entry (from the audit log), or NULL.
CREATE OR REPLACE FUNCTION sk_last_decision(p_entry uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('decision', CASE l.action WHEN 'approve' THEN 'approved' ELSE 'rejected' END,
                              'reason', l.after #>> '{moderation,reason}',
                              'revision_id', l.after #>> '{moderation,revision_id}',
                              'at', sk_iso(l.at))
      FROM audit_log l
     WHERE l.entry_id = p_entry AND l.action IN ('approve', 'reject')
     ORDER BY l.id DESC
     LIMIT 1
$$;

CREATE OR REPLACE FUNCTION sk_report_render(r entry_reports) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object('id', r.id, 'entry_id', r.entry_id, 'reason', r.reason, 'message', r.message,
                              'status', r.status, 'created_at', sk_iso(r.created_at),
                              'resolved_at', sk_iso(r.resolved_at), 'resolution', r.resolution);

-- The ETag of a representation made by sk_mod_view: the strong "<version>" when it carries no
-- moderation state (residents, or nothing to show), else W/"<version>-<fingerprint>" where the
-- fingerprint covers pending_revision and moderation. So a proposal, a decision, a report or a
-- hiding changes the owner's ETag although the published version does not change, and a
-- conditional GET (If-None-Match) never answers 304 over it. If-Match keeps working: the daemon
-- compares only the version, the digits before '-' (server/h_entries.c, entry_if_match).
CREATE OR REPLACE FUNCTION sk_mod_etag(p_version int, p_view jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN st = '{}'::jsonb THEN sk_etag(p_version)
                ELSE 'W/"' || p_version || '-' || left(md5(st::text), 12) || '"' END
      FROM (SELECT jsonb_strip_nulls(coalesce(p_view->'moderation', '{}')
                                     || jsonb_build_object('pending_revision', p_view->'pending_revision'))
                   - CASE WHEN p_view #> '{moderation,open_reports}' = '[]'::jsonb THEN 'open_reports' ELSE '' END
                   AS st) x
$$;

CREATE OR REPLACE FUNCTION sk_nothing_pending(e entries) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_problem(409, 'nothing-to-review',
                      format('This entry (status %s) has no new version and no proposed change waiting for review.', e.status));

-- What the queue and the stale list check before they read: a moderator, a municipality in the
-- key's scope (when one is asked for), a cursor this API gave out. NULL status when all is well.
CREATE OR REPLACE FUNCTION sk_mod_list_check(p_municipality text, p_cursor text, p_role text, p_scope text[])
    RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE
        WHEN (sk_mod_only(p_role)).status IS NOT NULL THEN sk_mod_only(p_role)
        WHEN p_municipality IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, p_municipality)
            THEN sk_out_of_scope(p_scope, p_municipality)
        WHEN p_cursor IS NOT NULL AND NOT sk_cursor_ok(p_cursor)
            THEN sk_bad_field('cursor', 'is not a cursor this API gave out; start again without it')
    END;

-- The queue: new entries, proposed changes and open reports, oldest first. p_type: new_entry,
-- revision, report or NULL for all; p_min_age_hours: only items waiting at least that long.
CREATE OR REPLACE FUNCTION sk_mod_queue(p_kind text, p_municipality text, p_area text, p_type text, p_min_age_hours int,
                             p_limit int, p_cursor text, p_role text, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_limit int := greatest(1, least(coalesce(p_limit, sk_contract_limit('mod_list_default')), sk_contract_limit('mod_list_max')));
    v_at timestamptz;
    v_id uuid;
    items jsonb;
    n int;
    v_next text;
    res sk_response;
BEGIN
    res := sk_mod_list_check(p_municipality, p_cursor, p_role, p_scope);
    IF res.status IS NOT NULL THEN
        RETURN res;
    END IF;
    v_at := sk_cursor_at(p_cursor);
    v_id := sk_cursor_id(p_cursor);
    WITH q AS (
        SELECT 'new_entry'::text AS type, e.id AS item_id, e.updated_at AS at, e, NULL::jsonb AS extra
          FROM entries e WHERE e.status = 'pending'
        UNION ALL
        SELECT 'revision', r.id, r.created_at, e,
               jsonb_build_object('revision_id', r.id, 'proposed_title', r.proposed->>'title',
                                  'changed_fields', (SELECT jsonb_agg(d->'field') FROM jsonb_array_elements(
                                      sk_diff(sk_entry_render(e), r.proposed)) d))
          FROM entry_revisions r JOIN entries e ON e.id = r.entry_id
         WHERE r.status = 'pending' AND e.status <> 'deleted'
        UNION ALL
        SELECT 'report', x.id, x.created_at, e,
               jsonb_build_object('report', sk_report_render(x))
          FROM entry_reports x JOIN entries e ON e.id = x.entry_id
         WHERE x.status = 'open' AND e.status <> 'deleted'
    ), f AS (
        SELECT q.*, row_number() OVER (ORDER BY q.at, q.item_id) AS rn
          FROM q
         WHERE (p_type IS NULL OR q.type = p_type)
           AND (p_kind IS NULL OR (q.e).kind = p_kind)
           AND (p_municipality IS NULL OR (q.e).municipality = p_municipality)
           AND (p_area IS NULL OR p_area = ANY ((q.e).areas))
           AND (p_min_age_hours IS NULL OR q.at <= now() - make_interval(hours => p_min_age_hours))
           AND sk_in_scope(p_role, p_scope, (q.e).municipality)
           AND (v_at IS NULL OR (q.at, q.item_id) > (v_at, v_id))
         ORDER BY q.at, q.item_id
         LIMIT v_limit + 1
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'type', f.type, 'id', f.item_id, 'entry_id', (f.e).id, 'kind', (f.e).kind,
               'entry_status', (f.e).status, 'title', (f.e).title, 'municipality', (f.e).municipality,
               'areas', to_jsonb((f.e).areas), 'organisation_id', (f.e).organisation_id,
               'organisation_name', (SELECT o.name FROM organisations o WHERE o.id = (f.e).organisation_id),
               'submitted_at', sk_iso(f.at),
               'waiting_hours', floor(extract(epoch FROM now() - f.at) / 3600)::int,
               'links', jsonb_build_object(
                   'entry', sk_entry_path(f.e),
                   'diff', CASE WHEN f.type <> 'report' THEN '/api/v1/moderation/' || (f.e).id || '/diff' END,
                   'approve', CASE WHEN f.type <> 'report' THEN '/api/v1/moderation/' || (f.e).id || '/approve' END,
                   'reject', CASE WHEN f.type <> 'report' THEN '/api/v1/moderation/' || (f.e).id || '/reject' END,
                   'resolve', CASE WHEN f.type = 'report' THEN '/api/v1/moderation/reports/' || f.item_id || '/resolve' END))
               || coalesce(f.extra, '{}'::jsonb) ORDER BY f.rn) FILTER (WHERE f.rn <= v_limit), '[]'::jsonb),
           count(*), (array_agg(sk_cursor(f.at, f.item_id) ORDER BY f.rn) FILTER (WHERE f.rn <= v_limit))[v_limit]
      INTO items, n, v_next
      FROM f;
    IF n <= v_limit THEN
        v_next := NULL;
    END IF;
    RETURN sk_reply(200, jsonb_build_object('items', items, 'next_cursor', v_next));
END;
$$;

-- =============================================================================================
-- Freshness: stale list, confirm, housekeeping
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_mod_stale(p_municipality text, p_kind text, p_limit int, p_cursor text, p_role text,
                             p_scope text[]) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    s moderation_settings;
    v_limit int := greatest(1, least(coalesce(p_limit, sk_contract_limit('mod_list_default')), sk_contract_limit('mod_list_max')));
    v_at timestamptz;
    v_id uuid;
    items jsonb;
    n int;
    v_next text;
    res sk_response;
BEGIN
    res := sk_mod_list_check(p_municipality, p_cursor, p_role, p_scope);
    IF res.status IS NOT NULL THEN
        RETURN res;
    END IF;
    v_at := sk_cursor_at(p_cursor);
    v_id := sk_cursor_id(p_cursor);
    SELECT * INTO s FROM moderation_settings;
    WITH f AS (
        SELECT e, coalesce(e.reviewed_at, e.created_at) AS at,
               row_number() OVER (ORDER BY coalesce(e.reviewed_at, e.created_at), e.id) AS rn
          FROM entries e
         WHERE (e.status = 'published' OR (e.status = 'hidden' AND e.hidden_by = 'housekeeping'))
           AND coalesce(e.reviewed_at, e.created_at) < now() - s.stale_after
           AND (p_municipality IS NULL OR e.municipality = p_municipality)
           AND (p_kind IS NULL OR e.kind = p_kind)
           AND sk_in_scope(p_role, p_scope, e.municipality)
           AND (v_at IS NULL OR (coalesce(e.reviewed_at, e.created_at), e.id) > (v_at, v_id))
         ORDER BY coalesce(e.reviewed_at, e.created_at), e.id
         LIMIT v_limit + 1
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', (f.e).id, 'kind', (f.e).kind, 'status', (f.e).status, 'title', (f.e).title,
               'municipality', (f.e).municipality, 'areas', to_jsonb((f.e).areas),
               'organisation_id', (f.e).organisation_id,
               'reviewed_at', sk_iso(f.at),
               'stale_since', sk_iso(f.at + s.stale_after),
               'hidden', (f.e).status = 'hidden',
               'hide_at', sk_iso(f.at + s.stale_after + s.hide_after),
               'links', jsonb_build_object('entry', sk_entry_path(f.e), 'confirm', sk_entry_path(f.e) || '/confirm'))
               ORDER BY f.rn) FILTER (WHERE f.rn <= v_limit), '[]'::jsonb),
           count(*), (array_agg(sk_cursor(f.at, (f.e).id) ORDER BY f.rn) FILTER (WHERE f.rn <= v_limit))[v_limit]
      INTO items, n, v_next
      FROM f;
    IF n <= v_limit THEN
        v_next := NULL;
    END IF;
    RETURN sk_reply(200, jsonb_build_object(
        'stale_after', sk_iso_interval(s.stale_after), 'hide_after', sk_iso_interval(s.hide_after),
        'items', items, 'next_cursor', v_next));
END;
$$;

-- =============================================================================================
-- Hiding by hand
-- =============================================================================================
-- Errors of an optional or required "reason" text (at most 1000 characters, not blank).
CREATE OR REPLACE FUNCTION sk_reason_errors(p_body jsonb, p_required boolean, p_hint text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN NOT p_required AND (p_body->'reason' IS NULL OR jsonb_typeof(p_body->'reason') = 'null')
                    THEN '[]'::jsonb
                WHEN jsonb_typeof(p_body->'reason') = 'string' AND length(p_body->>'reason') > 1000
                    THEN jsonb_build_array(sk_err('reason', 'must be at most 1000 characters'))
                WHEN jsonb_typeof(p_body->'reason') = 'string'
                     AND btrim(p_body->>'reason', E' \t\n\r\u00a0') <> '' THEN '[]'::jsonb
                ELSE jsonb_build_array(sk_err('reason', p_hint)) END;

CREATE OR REPLACE FUNCTION sk_settings_render(s moderation_settings) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object('stale_after', sk_iso_interval(s.stale_after), 'hide_after', sk_iso_interval(s.hide_after),
                              'reports_per_hour', s.reports_per_hour, 'report_hash_days', s.report_hash_days,
                              'response_days', s.response_days, 'responses_per_hour', s.responses_per_hour,
                              'demand_min_count', s.demand_min_count, 'wishes_per_day', s.wishes_per_day,
                              'wish_days', s.wish_days,
                              'updated_at', sk_iso(s.updated_at));

-- Moderators (any) and admins read the settings; they hold for every municipality.
CREATE OR REPLACE FUNCTION sk_mod_settings_get(p_role text) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    s moderation_settings;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    SELECT * INTO s FROM moderation_settings;
    RETURN sk_reply(200, sk_settings_render(s));
END;
$$;

-- PATCH (merge): only an admin, since the settings hold for every municipality. Audited as
-- entity 'moderation_settings', action 'update', before and after.
CREATE OR REPLACE FUNCTION sk_mod_settings_patch(p_body jsonb, p_role text, p_org uuid, p_key uuid) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    s moderation_settings;
    v_before jsonb;
    v_errs jsonb;
BEGIN
    IF NOT sk_is_writer(p_role) THEN
        RETURN sk_unauthorized();
    END IF;
    IF p_role IS DISTINCT FROM 'admin' THEN
        RETURN sk_forbidden('Only an admin can change the moderation settings: they hold for every municipality.');
    END IF;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;
    v_errs := sk_unknown_member_errors(p_body, ARRAY['stale_after', 'hide_after', 'reports_per_hour', 'report_hash_days',
                                                     'response_days', 'responses_per_hour', 'demand_min_count',
                                                     'wishes_per_day', 'wish_days'])
              || sk_duration_errors(p_body, 'stale_after', interval '1 day', 'P1D')
              || sk_duration_errors(p_body, 'hide_after', interval '0', 'P0D')
              || sk_int_member_errors(p_body, 'reports_per_hour', 1, 10000)
              || sk_int_member_errors(p_body, 'report_hash_days', 1, 365)
              || sk_int_member_errors(p_body, 'response_days', 1, 730)
              || sk_int_member_errors(p_body, 'responses_per_hour', 1, 10000)
              || sk_int_member_errors(p_body, 'demand_min_count', 1, 100)
              || sk_int_member_errors(p_body, 'wishes_per_day', 1, 100000)
              || sk_int_member_errors(p_body, 'wish_days', 30, 1095);
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    SELECT * INTO s FROM moderation_settings FOR UPDATE;
    v_before := sk_settings_render(s);
    UPDATE moderation_settings
       SET stale_after = coalesce(sk_parse_duration(p_body->>'stale_after'), stale_after),
           hide_after = coalesce(sk_parse_duration(p_body->>'hide_after'), hide_after),
           reports_per_hour = coalesce((p_body->>'reports_per_hour')::numeric::int, reports_per_hour),
           report_hash_days = coalesce((p_body->>'report_hash_days')::numeric::int, report_hash_days),
           response_days = coalesce((p_body->>'response_days')::numeric::int, response_days),
           responses_per_hour = coalesce((p_body->>'responses_per_hour')::numeric::int, responses_per_hour),
           demand_min_count = coalesce((p_body->>'demand_min_count')::numeric::int, demand_min_count),
           wishes_per_day = coalesce((p_body->>'wishes_per_day')::numeric::int, wishes_per_day),
           wish_days = coalesce((p_body->>'wish_days')::numeric::int, wish_days)
     RETURNING * INTO s;
    IF sk_settings_render(s) - 'updated_at' IS DISTINCT FROM v_before - 'updated_at' THEN
        UPDATE moderation_settings SET updated_at = now() RETURNING * INTO s;
        PERFORM sk_audit(p_role, p_org, p_key, 'moderation_settings', 'moderation_settings', NULL, 'update',
                         v_before, sk_settings_render(s));
    END IF;
    RETURN sk_reply(200, sk_settings_render(s));
END;
$$;

-- Run by the daemon every housekeeping_interval_s (server/housekeeping.c): hide entries nobody
-- confirmed for stale_after + hide_after, and erase old report client hashes. Returns what it did.
CREATE OR REPLACE FUNCTION sk_moderation_housekeeping() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    s moderation_settings;
    e entries;
    v_before jsonb;
    v_since timestamptz;
    n_hidden int := 0;
    n_erased int;
BEGIN
    SELECT * INTO s FROM moderation_settings;
    FOR e IN SELECT * FROM entries
              WHERE status = 'published' AND coalesce(reviewed_at, created_at) < now() - s.stale_after - s.hide_after
              ORDER BY reviewed_at
              LIMIT 1000
              FOR UPDATE SKIP LOCKED LOOP
        v_before := sk_entry_render(e);
        v_since := coalesce(e.reviewed_at, e.created_at);
        UPDATE entries SET status = 'hidden', hidden_reason = 'stale', hidden_by = 'housekeeping',
                           version = version + 1, updated_at = now()
         WHERE id = e.id RETURNING * INTO e;
        PERFORM sk_audit('system', NULL, NULL, 'entry', e.id::text, e.id, 'hide', v_before,
                         sk_entry_render(e) || jsonb_build_object('moderation', jsonb_build_object(
                             'reason', format('not confirmed since %s', sk_iso(v_since)))));
        n_hidden := n_hidden + 1;
    END LOOP;
    UPDATE entry_reports SET client_hash = NULL
     WHERE client_hash IS NOT NULL AND created_at < now() - make_interval(days => s.report_hash_days);
    GET DIAGNOSTICS n_erased = ROW_COUNT;
    RETURN jsonb_build_object('hidden', n_hidden, 'report_hashes_erased', n_erased);
END;
$$;

-- =============================================================================================
-- Coverage statistics
-- =============================================================================================
-- Published entries only. Rows per area: the municipality's own code stands for the entries that
-- serve the whole municipality (areas = [], and the regional entries of other municipalities that
-- also serve it, issue 16); a wijk or kern counts the entries that name it. Every
-- area × category cell is present, zero included (the gaps). A theme counts the entries that carry
-- it or one of its sub-themes. Activities per week: occurrences of published activities in the
-- four weeks from this Monday (sk_occurrences). Wheelchair: entries per
-- value of the 'wheelchair' facet ('unknown' when absent) and share_yes = yes / all entries.
-- The long form every output is built from: (measure, area, area_name, category, value, ord).
CREATE OR REPLACE FUNCTION sk_coverage_rows(p_m text)
    RETURNS TABLE(measure text, area text, area_name text, category text, value numeric, ord int)
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_monday date := date_trunc('week', (now() AT TIME ZONE 'Europe/Amsterdam'))::date;
    v_occ jsonb := '{}';   -- "<area>|<monday>" -> occurrences
BEGIN
    IF to_regclass('sk_occurrences') IS NOT NULL THEN
        EXECUTE $q$
            SELECT coalesce(jsonb_object_agg(x.k, x.n), '{}'::jsonb)
              FROM (SELECT a.code || '|' || date_trunc('week', o.local_start)::date AS k, count(*) AS n
                      FROM sk_occurrences o
                      JOIN entries e ON e.id = o.entry_id AND e.kind = 'activity'
                                    AND e.status = 'published' AND (e.municipality = $2 OR (e.also_serves <> '{}' AND e.also_serves @> ARRAY[$2]))
                      CROSS JOIN LATERAL unnest(CASE WHEN cardinality(e.areas) = 0 OR e.municipality <> $2 THEN ARRAY[$2]
                                                     ELSE e.areas END) AS a(code)
                     WHERE o.local_start >= $1 AND o.local_start < $1 + 28
                     GROUP BY 1) x $q$
            INTO v_occ USING v_monday, p_m;
    END IF;
    RETURN QUERY
    WITH pub AS MATERIALIZED (
        SELECT e.id, e.kind, CASE WHEN cardinality(e.areas) = 0 OR e.municipality <> p_m THEN ARRAY[p_m]
                                  ELSE e.areas END AS areas,
               e.themes, e.audiences, coalesce(e.accessibility->>'wheelchair', 'unknown') AS wheelchair
          FROM entries e WHERE (e.municipality = p_m OR (e.also_serves <> '{}' AND e.also_serves @> ARRAY[p_m])) AND e.status = 'published'
    ), ar AS (
        SELECT a.code, a.name, CASE WHEN a.kind = 'municipality' THEN 0 ELSE 1 END AS o
          FROM areas a WHERE a.municipality = p_m AND (a.retired_at IS NULL OR a.kind = 'municipality')
    ), th AS (
        SELECT t.code, t.position FROM themes t WHERE t.retired_at IS NULL
    ), au AS (
        SELECT a.code, a.position FROM audiences a WHERE a.retired_at IS NULL
    ), k AS (
        SELECT * FROM (VALUES ('place', 1), ('activity', 2), ('vacancy', 3), ('carer_support', 4), ('service', 5)) v(code, position)
    ), wk AS (
        SELECT (v_monday + 7 * i) AS week, i FROM generate_series(0, 3) i
    ), wv AS (
        SELECT * FROM (VALUES ('yes', 1), ('limited', 2), ('no', 3), ('unknown', 4)) v(code, position)
    )
    SELECT 'theme', ar.code, ar.name, th.code,
           (SELECT count(*) FROM pub p
             WHERE ar.code = ANY (p.areas)
               AND (th.code = ANY (p.themes)
                    OR EXISTS (SELECT 1 FROM themes c WHERE c.parent = th.code AND c.code = ANY (p.themes))))::numeric,
           1000000 + ar.o * 100000 + th.position
      FROM ar CROSS JOIN th
    UNION ALL
    SELECT 'audience', ar.code, ar.name, au.code,
           (SELECT count(*) FROM pub p WHERE ar.code = ANY (p.areas) AND au.code = ANY (p.audiences))::numeric,
           2000000 + ar.o * 100000 + au.position
      FROM ar CROSS JOIN au
    UNION ALL
    SELECT 'kind', ar.code, ar.name, k.code,
           (SELECT count(*) FROM pub p WHERE ar.code = ANY (p.areas) AND p.kind = k.code)::numeric,
           3000000 + ar.o * 100000 + k.position
      FROM ar CROSS JOIN k
    UNION ALL
    SELECT 'activities_per_week', ar.code, ar.name, to_char(wk.week, 'IYYY-"W"IW'),
           coalesce((v_occ->>(ar.code || '|' || wk.week))::numeric, 0),
           4000000 + ar.o * 100000 + wk.i
      FROM ar CROSS JOIN wk
    UNION ALL
    SELECT 'wheelchair', ar.code, ar.name, wv.code,
           (SELECT count(*) FROM pub p WHERE ar.code = ANY (p.areas) AND p.wheelchair = wv.code)::numeric,
           5000000 + ar.o * 100000 + wv.position
      FROM ar CROSS JOIN wv
    UNION ALL
    SELECT 'wheelchair_share_yes', ar.code, ar.name, 'yes',
           (SELECT round(count(*) FILTER (WHERE p.wheelchair = 'yes')::numeric / nullif(count(*), 0), 3)
              FROM pub p WHERE ar.code = ANY (p.areas)),
           6000000 + ar.o * 100000
      FROM ar;
END;
$$;

-- JSON, or CSV (one row per cell: measure,area,area_name,category,value) when p_format = 'csv'.
CREATE OR REPLACE FUNCTION sk_stats_coverage(p_m text, p_format text) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_body text;
    j jsonb;
BEGIN
    IF p_m IS NULL THEN
        RETURN sk_bad_field('municipality', 'is required: a municipality code such as GM0512');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM areas WHERE code = p_m AND kind = 'municipality') THEN
        RETURN sk_not_found(format('There is no municipality %s (see GET /api/v1/areas).', p_m));
    END IF;
    IF p_format = 'csv' THEN
        SELECT 'measure,area,area_name,category,value' || E'\r\n'
               || string_agg(concat_ws(',', sk_csv(r.measure), sk_csv(r.area), sk_csv(r.area_name),
                                       sk_csv(r.category), coalesce(r.value::text, '')), E'\r\n' ORDER BY r.ord / 100000, r.area, r.ord)
               || E'\r\n'
          INTO v_body FROM sk_coverage_rows(p_m) r;
        RETURN ROW(200, NULL, NULL, v_body)::sk_response;
    END IF;
    WITH r AS MATERIALIZED (SELECT * FROM sk_coverage_rows(p_m))
    SELECT jsonb_build_object(
        'municipality', p_m,
        'generated_at', sk_iso(now()),
        'areas', (SELECT jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name, 'kind', a.kind)
                                   ORDER BY a.kind <> 'municipality', a.code)
                    FROM areas a WHERE a.municipality = p_m AND (a.retired_at IS NULL OR a.kind = 'municipality')),
        'occurrences_available', to_regclass('sk_occurrences') IS NOT NULL,
        'by_theme', (SELECT jsonb_agg(jsonb_build_object('area', area, 'theme', category, 'count', value) ORDER BY ord / 100000, area, ord)
                       FROM r WHERE measure = 'theme'),
        'by_audience', (SELECT jsonb_agg(jsonb_build_object('area', area, 'audience', category, 'count', value) ORDER BY ord / 100000, area, ord)
                          FROM r WHERE measure = 'audience'),
        'by_kind', (SELECT jsonb_agg(jsonb_build_object('area', area, 'kind', category, 'count', value) ORDER BY ord / 100000, area, ord)
                      FROM r WHERE measure = 'kind'),
        'activities_per_week', (SELECT jsonb_agg(jsonb_build_object('area', area, 'week', category, 'occurrences', value)
                                                 ORDER BY ord / 100000, area, ord)
                                  FROM r WHERE measure = 'activities_per_week'),
        'wheelchair', (SELECT jsonb_agg(jsonb_build_object(
                                  'area', w.area,
                                  'entries', (SELECT sum(x.value) FROM r x WHERE x.measure = 'wheelchair' AND x.area = w.area),
                                  'yes', (SELECT x.value FROM r x WHERE x.measure = 'wheelchair' AND x.area = w.area AND x.category = 'yes'),
                                  'limited', (SELECT x.value FROM r x WHERE x.measure = 'wheelchair' AND x.area = w.area AND x.category = 'limited'),
                                  'no', (SELECT x.value FROM r x WHERE x.measure = 'wheelchair' AND x.area = w.area AND x.category = 'no'),
                                  'unknown', (SELECT x.value FROM r x WHERE x.measure = 'wheelchair' AND x.area = w.area AND x.category = 'unknown'),
                                  'share_yes', w.value) ORDER BY w.ord / 100000, w.area)
                         FROM r w WHERE w.measure = 'wheelchair_share_yes'))
      INTO j;
    RETURN sk_reply(200, j);
END;
$$;

CREATE OR REPLACE FUNCTION api_moderation_queue(p_kind text, p_municipality text, p_area text, p_type text, p_min_age_hours int,
                                     p_limit int, p_cursor text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_mod_queue(p_kind, p_municipality, p_area, p_type, p_min_age_hours, p_limit, p_cursor,
                                 p_role, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_moderation_approve(p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_mod_approve(p_id, p_role, p_org, p_key, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_moderation_reject(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_mod_reject(p_id, p_body, p_role, p_org, p_key, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_moderation_diff(p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_mod_diff(p_id, p_role, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_moderation_stale(p_municipality text, p_kind text, p_limit int, p_cursor text, p_role text,
                                     p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_mod_stale(p_municipality, p_kind, p_limit, p_cursor, p_role, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_report_create(p_kind text, p_id uuid, p_body jsonb, p_errors jsonb, p_client text, p_role text,
                                  p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_report_create(p_kind, p_id, p_body, p_errors, p_client, p_role, p_org, p_key) r
$$;

CREATE OR REPLACE FUNCTION api_reports_list(p_kind text, p_id uuid, p_status text, p_role text, p_org uuid, p_key uuid,
                                 p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_reports_list(p_kind, p_id, p_status, p_role, p_org, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_report_resolve(p_report uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_report_resolve(p_report, p_body, p_role, p_org, p_key, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_stats_coverage(p_municipality text, p_format text, p_role text, p_org uuid, p_key uuid,
                                   p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_stats_coverage(p_municipality, p_format) r
$$;

CREATE OR REPLACE FUNCTION api_moderation_hide(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_mod_hide(p_id, p_body, p_role, p_org, p_key, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_moderation_unhide(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_mod_unhide(p_id, p_body, p_role, p_org, p_key, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_moderation_settings_get(p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_mod_settings_get(p_role) r
$$;

CREATE OR REPLACE FUNCTION api_moderation_settings_patch(p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_mod_settings_patch(p_body, p_role, p_org, p_key) r
$$;

CREATE OR REPLACE FUNCTION sk_mod_view(e entries, p_lang text, p_role text, p_org uuid, p_scope text[]) RETURNS jsonb
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_private boolean := sk_sees_private(e, p_role, p_org, p_scope);
    r jsonb := sk_entry_render(e, coalesce(p_lang, 'nl'), NOT v_private)
               || jsonb_build_object('reviewed_at', sk_iso(e.reviewed_at));
BEGIN
    IF v_private THEN
        r := r || jsonb_build_object(
            'pending_revision', (SELECT jsonb_build_object('id', v.id, 'created_at', sk_iso(v.created_at),
                                                           'based_on_version', v.base_version, 'entry', v.proposed)
                                   FROM entry_revisions v WHERE v.entry_id = e.id AND v.status = 'pending'),
            'moderation', jsonb_build_object(
                'last_decision', sk_last_decision(e.id),
                'hidden_reason', CASE WHEN e.status = 'hidden' THEN e.hidden_reason END,
                'hidden_by', CASE WHEN e.status = 'hidden' THEN e.hidden_by END,
                'open_reports', coalesce((SELECT jsonb_agg(sk_report_render(x) ORDER BY x.created_at, x.id)
                                            FROM entry_reports x WHERE x.entry_id = e.id AND x.status = 'open'),
                                         '[]'::jsonb)));
    END IF;
    RETURN r;
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_reply(p_status int, e entries, p_lang text, p_role text, p_org uuid, p_scope text[],
                             p_location text DEFAULT NULL) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v jsonb := sk_mod_view(e, p_lang, p_role, p_org, p_scope);
BEGIN
    RETURN sk_reply(p_status, v, sk_mod_etag(e.version, v), p_location);
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_entry_get(p_kind text, p_id uuid, p_lang text, p_role text, p_org uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    e entries;
BEGIN
    SELECT * INTO e FROM entries WHERE id = p_id AND kind = p_kind;
    IF NOT FOUND OR NOT sk_entry_visible(e, p_role, p_org, p_scope) THEN
        RETURN sk_not_found(format('There is no %s with id %s.', replace(coalesce(p_kind, 'entry'), '_', ' '), p_id));
    END IF;
    RETURN sk_mod_reply(200, e, p_lang, p_role, p_org, p_scope);
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_entry_create(p_kind text, p_body jsonb, p_errors jsonb, p_idem text, p_role text,
                                    p_org uuid, p_key uuid, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    res sk_response;
    e entries;
BEGIN
    IF sk_is_mod(p_role) AND jsonb_typeof(p_body->'municipality') = 'string'
       AND NOT sk_in_scope(p_role, p_scope, p_body->>'municipality') THEN
        RETURN sk_out_of_scope(p_scope, p_body->>'municipality');
    END IF;
    res := sk_entry_create(p_kind, p_body, p_errors, p_idem, p_role, p_org, p_key,
                           CASE WHEN p_role = 'partner' AND NOT sk_org_trusted_in(p_org, p_body->>'municipality')
                                THEN 'pending' ELSE 'published' END);
    IF res.status <> 201 THEN
        RETURN res;
    END IF;
    SELECT * INTO e FROM entries WHERE id = (res.body::jsonb->>'id')::uuid;
    IF NOT FOUND OR e.created_at <> now() THEN
        RETURN res;   -- a replayed Idempotency-Key: the stored response
    END IF;
    res := sk_mod_reply(201, e, 'nl', p_role, p_org, p_scope, res.location);
    IF p_idem IS NOT NULL AND p_key IS NOT NULL THEN
        UPDATE idempotency_keys SET body = res.body WHERE key_id = p_key AND key = p_idem AND entry_id = e.id;
    END IF;
    RETURN res;
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_propose(p_kind text, p_id uuid, p_body jsonb, p_is_patch boolean, p_if_match int,
                               p_errors jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    res sk_response;
    e entries;
    e2 entries;
    rev entry_revisions;
    v_published jsonb;
    v_doc jsonb;
    v_errs jsonb := '[]';
    v_proposed jsonb;
    v_rev uuid;
BEGIN
    res := sk_entry_access(p_kind, p_id, p_if_match, p_role, p_org, false);
    IF res.status IS NOT NULL THEN
        RETURN res;
    END IF;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;
    SELECT * INTO e FROM entries WHERE id = p_id;
    IF jsonb_typeof(p_body->'organisation_id') = 'string' AND lower(p_body->>'organisation_id') <> e.organisation_id::text THEN
        RETURN sk_forbidden('A partner cannot move an entry to another organisation.');
    END IF;
    IF jsonb_typeof(p_body->'id') = 'string' AND lower(p_body->>'id') <> p_id::text THEN
        v_errs := v_errs || sk_err('id', 'must be the id of this entry (it cannot be changed)');
    END IF;
    SELECT * INTO rev FROM entry_revisions WHERE entry_id = p_id AND status = 'pending' FOR UPDATE;

    v_published := sk_entry_render(e);
    IF p_is_patch THEN
        v_doc := jsonb_strip_nulls(sk_merge_patch(sk_entry_writable(coalesce(rev.proposed, v_published)),
                                                  sk_entry_writable(p_body)));
    ELSE
        v_doc := sk_entry_writable(p_body);
    END IF;
    v_errs := v_errs || sk_entry_complete_errors(p_kind, v_doc, p_is_patch);
    v_errs := sk_merge_errors(p_errors, v_errs || sk_entry_code_errors(p_kind, v_doc, e));
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;

    e2 := e;
    BEGIN
        e2 := sk_entry_apply(e2, v_doc);
    EXCEPTION WHEN data_exception THEN
        RETURN sk_invalid(jsonb_build_array(sk_err('', 'has a value the database cannot store: ' || SQLERRM)));
    END;
    e2.updated_at := now();
    -- The table's constraints judge the proposal: store it and roll the store back at once.
    BEGIN
        v_errs := sk_entry_store(e2, false);
        RAISE EXCEPTION USING ERRCODE = 'raise_exception', MESSAGE = 'sk_propose_dry_run';
    EXCEPTION WHEN raise_exception THEN
        NULL;
    END;
    IF v_errs IS NOT NULL THEN
        RETURN sk_invalid(v_errs);
    END IF;

    v_proposed := sk_entry_render(e2);
    UPDATE entry_revisions SET status = 'superseded', decided_at = now() WHERE id = rev.id;
    IF jsonb_strip_nulls(sk_entry_writable(v_proposed)) = jsonb_strip_nulls(sk_entry_writable(v_published)) THEN
        IF rev.id IS NOT NULL THEN
            UPDATE entry_revisions SET status = 'withdrawn' WHERE id = rev.id;
        END IF;
        RETURN sk_mod_reply(200, e, 'nl', p_role, p_org, p_scope);
    END IF;
    INSERT INTO entry_revisions (entry_id, base_version, base, doc, proposed, key_id, organisation_id)
    VALUES (e.id, e.version, sk_entry_writable(v_published), v_doc, v_proposed, p_key, p_org)
    RETURNING id INTO v_rev;
    PERFORM sk_audit(p_role, p_org, p_key, 'entry', e.id::text, e.id, 'propose', v_published,
                     v_proposed || jsonb_build_object('moderation', jsonb_build_object('revision_id', v_rev)));
    RETURN sk_mod_reply(202, e, 'nl', p_role, p_org, p_scope);
END;
$$;

-- =============================================================================================
-- Moderation actions: an entry outside the scope is 404 unless it is published (then 403)
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_mod_target(p_id uuid, p_role text, p_scope text[], OUT e entries, OUT res sk_response)
    LANGUAGE plpgsql AS $$
BEGIN
    res := sk_mod_only(p_role);
    IF res.status IS NOT NULL THEN
        RETURN;
    END IF;
    SELECT * INTO e FROM entries x WHERE x.id = p_id AND x.status <> 'deleted' FOR UPDATE;
    IF NOT FOUND THEN
        res := sk_not_found(format('There is no entry with id %s.', p_id));
    ELSIF NOT sk_in_scope(p_role, p_scope, e.municipality) THEN
        res := CASE WHEN e.status = 'published' THEN sk_out_of_scope(p_scope, e.municipality)
                    ELSE sk_not_found(format('There is no entry with id %s.', p_id)) END;
    END IF;
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_diff(p_id uuid, p_role text, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    e entries;
    rev entry_revisions;
    v_pub jsonb;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    SELECT * INTO e FROM entries WHERE id = p_id AND status <> 'deleted';
    IF NOT FOUND OR (NOT sk_in_scope(p_role, p_scope, e.municipality) AND e.status <> 'published') THEN
        RETURN sk_not_found(format('There is no entry with id %s.', p_id));
    END IF;
    IF NOT sk_in_scope(p_role, p_scope, e.municipality) THEN
        RETURN sk_out_of_scope(p_scope, e.municipality);
    END IF;
    v_pub := sk_entry_render(e);
    SELECT * INTO rev FROM entry_revisions WHERE entry_id = p_id AND status = 'pending';
    IF FOUND THEN
        RETURN sk_reply(200, jsonb_build_object(
            'entry_id', e.id, 'kind', e.kind, 'type', 'revision', 'revision_id', rev.id,
            'published_version', e.version, 'based_on_version', rev.base_version,
            'proposed_at', sk_iso(rev.created_at),
            'changes', sk_diff(v_pub, rev.proposed)));
    ELSIF e.status = 'pending' THEN
        RETURN sk_reply(200, jsonb_build_object(
            'entry_id', e.id, 'kind', e.kind, 'type', 'new_entry', 'revision_id', NULL,
            'published_version', NULL, 'based_on_version', NULL, 'proposed_at', sk_iso(e.updated_at),
            'changes', sk_diff(NULL, jsonb_strip_nulls(v_pub))));
    END IF;
    RETURN sk_nothing_pending(e);
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_approve(p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    t record;
    e entries;
    rev entry_revisions;
    v_before jsonb;
    v_errs jsonb;
BEGIN
    t := sk_mod_target(p_id, p_role, p_scope);
    IF (t.res).status IS NOT NULL THEN
        RETURN t.res;
    END IF;
    e := t.e;
    v_before := sk_entry_render(e);
    SELECT * INTO rev FROM entry_revisions WHERE entry_id = p_id AND status = 'pending' FOR UPDATE;
    IF FOUND THEN
        IF sk_entry_writable(v_before) IS DISTINCT FROM rev.base THEN
            RETURN sk_problem(409, 'revision-outdated',
                              'The published entry was changed after the partner proposed this change; approving it would undo that. Reject it and ask the partner to propose it again.');
        END IF;
        IF jsonb_typeof(rev.doc->'municipality') = 'string' AND NOT sk_in_scope(p_role, p_scope, rev.doc->>'municipality') THEN
            RETURN sk_out_of_scope(p_scope, rev.doc->>'municipality');
        END IF;
        v_errs := sk_entry_code_errors(e.kind, rev.doc, e);
        IF jsonb_array_length(v_errs) = 0 THEN
            BEGIN
                e := sk_entry_apply(e, rev.doc);
            EXCEPTION WHEN data_exception THEN
                v_errs := jsonb_build_array(sk_err('', SQLERRM));
            END;
        END IF;
        IF jsonb_array_length(v_errs) = 0 THEN
            e.status := 'published';
            e.version := e.version + 1;
            e.updated_at := now();
            v_errs := coalesce(sk_entry_store(e, false), '[]');
        END IF;
        IF jsonb_array_length(v_errs) > 0 THEN
            RETURN sk_problem(409, 'revision-invalid',
                              'Something it refers to changed since it was proposed (see errors); reject it with that reason.', v_errs);
        END IF;
        UPDATE entries SET reviewed_at = now(), hidden_reason = NULL, hidden_by = NULL WHERE id = p_id RETURNING * INTO e;
        UPDATE entry_revisions SET status = 'approved', decided_at = now(), decided_by = p_key WHERE id = rev.id;
        PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'approve', v_before,
                         sk_entry_render(e) || jsonb_build_object('moderation', jsonb_build_object('revision_id', rev.id)));
    ELSIF e.status = 'pending' THEN
        UPDATE entries SET status = 'published', version = version + 1, updated_at = now(), reviewed_at = now()
         WHERE id = p_id RETURNING * INTO e;
        PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'approve', v_before, sk_entry_render(e));
    ELSE
        RETURN sk_nothing_pending(e);
    END IF;
    RETURN sk_mod_reply(200, e, 'nl', p_role, p_org, p_scope);
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_reject(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    t record;
    e entries;
    rev entry_revisions;
    v_before jsonb;
    v_errs jsonb;
    v_reason text;
BEGIN
    t := sk_mod_target(p_id, p_role, p_scope);
    IF (t.res).status IS NOT NULL THEN
        RETURN t.res;
    END IF;
    e := t.e;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object with a reason');
    END IF;
    v_errs := sk_unknown_member_errors(p_body, ARRAY['reason'])
              || sk_reason_errors(p_body, true, 'is required: tell the partner what to change');
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    v_reason := p_body->>'reason';
    v_before := sk_entry_render(e);
    SELECT * INTO rev FROM entry_revisions WHERE entry_id = p_id AND status = 'pending' FOR UPDATE;
    IF FOUND THEN
        UPDATE entry_revisions SET status = 'rejected', decided_at = now(), decided_by = p_key, reason = v_reason
         WHERE id = rev.id;
        PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'reject', v_before,
                         rev.proposed || jsonb_build_object('moderation',
                             jsonb_build_object('revision_id', rev.id, 'reason', v_reason)));
    ELSIF e.status = 'pending' THEN
        UPDATE entries SET status = 'rejected', version = version + 1, updated_at = now()
         WHERE id = p_id RETURNING * INTO e;
        PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'reject', v_before,
                         sk_entry_render(e) || jsonb_build_object('moderation', jsonb_build_object('reason', v_reason)));
    ELSE
        RETURN sk_nothing_pending(e);
    END IF;
    RETURN sk_mod_reply(200, e, 'nl', p_role, p_org, p_scope);
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_confirm(p_kind text, p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    e entries;
    v_before jsonb;
BEGIN
    IF NOT sk_is_writer(p_role) THEN
        RETURN sk_unauthorized();
    END IF;
    SELECT * INTO e FROM entries WHERE id = p_id AND kind = p_kind AND status <> 'deleted' FOR UPDATE;
    IF NOT FOUND OR NOT sk_entry_visible(e, p_role, p_org, p_scope) THEN
        RETURN sk_not_found(format('There is no %s with id %s.', replace(p_kind, '_', ' '), p_id));
    END IF;
    IF p_role = 'partner' AND e.organisation_id IS DISTINCT FROM p_org THEN
        RETURN sk_forbidden('Only the organisation that offers this entry (or a moderator) can confirm it.');
    END IF;
    IF sk_is_mod(p_role) AND NOT sk_in_scope(p_role, p_scope, e.municipality) THEN
        RETURN sk_out_of_scope(p_scope, e.municipality);
    END IF;
    IF e.status = 'hidden' AND e.hidden_by = 'moderator' THEN
        RETURN sk_problem(409, 'hidden-by-moderator',
                          format('A moderator hid this entry: %s. Change it (a moderator then reviews the change) or ask the municipality to show it again.',
                                 e.hidden_reason));
    END IF;
    IF NOT (e.status = 'published' OR (e.status = 'hidden' AND e.hidden_by = 'housekeeping')) THEN
        RETURN sk_problem(409, 'not-published',
                          format('This entry is %s; a moderator reviews it first.', e.status));
    END IF;
    v_before := sk_entry_render(e);
    IF e.status = 'hidden' THEN
        UPDATE entries SET status = 'published', hidden_reason = NULL, hidden_by = NULL, reviewed_at = now(),
                           version = version + 1, updated_at = now()
         WHERE id = p_id RETURNING * INTO e;
    ELSE
        UPDATE entries SET reviewed_at = now(), version = version + 1 WHERE id = p_id RETURNING * INTO e;
    END IF;
    PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'confirm', v_before,
                     sk_entry_render(e) || jsonb_build_object('reviewed_at', sk_iso(e.reviewed_at)));
    RETURN sk_mod_reply(200, e, 'nl', p_role, p_org, p_scope);
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_hide(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    t record;
    e entries;
    v_before jsonb;
    v_errs jsonb;
    v_reason text;
BEGIN
    t := sk_mod_target(p_id, p_role, p_scope);
    IF (t.res).status IS NOT NULL THEN
        RETURN t.res;
    END IF;
    e := t.e;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object with a reason');
    END IF;
    v_errs := sk_unknown_member_errors(p_body, ARRAY['reason'])
              || sk_reason_errors(p_body, true, 'is required: tell the partner why the entry is hidden');
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    IF e.status = 'hidden' AND e.hidden_by = 'moderator' THEN
        RETURN sk_problem(409, 'already-hidden',
                          format('A moderator already hid this entry: %s', e.hidden_reason));
    END IF;
    IF e.status NOT IN ('published', 'hidden') THEN
        RETURN sk_problem(409, 'not-published',
                          format('This entry is %s: residents do not see it. Reject it instead.', e.status));
    END IF;
    v_reason := btrim(p_body->>'reason');
    v_before := sk_entry_render(e);
    UPDATE entries SET status = 'hidden', hidden_by = 'moderator', hidden_reason = v_reason,
                       version = version + 1, updated_at = now()
     WHERE id = p_id RETURNING * INTO e;
    PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'hide', v_before,
                     sk_entry_render(e) || jsonb_build_object('moderation', jsonb_build_object('reason', v_reason)));
    RETURN sk_mod_reply(200, e, 'nl', p_role, p_org, p_scope);
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_unhide(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    t record;
    e entries;
    v_before jsonb;
    v_errs jsonb;
    v_reason text;
BEGIN
    t := sk_mod_target(p_id, p_role, p_scope);
    IF (t.res).status IS NOT NULL THEN
        RETURN t.res;
    END IF;
    e := t.e;
    p_body := coalesce(p_body, '{}');
    IF jsonb_typeof(p_body) <> 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;
    v_errs := sk_unknown_member_errors(p_body, ARRAY['reason'])
              || sk_reason_errors(p_body, false, 'must be a text that is not empty');
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    IF e.status <> 'hidden' THEN
        RETURN sk_problem(409, 'not-hidden',
                          format('This entry is %s, not hidden.', e.status));
    END IF;
    v_reason := nullif(btrim(p_body->>'reason'), '');
    v_before := sk_entry_render(e) || jsonb_build_object('moderation', jsonb_build_object(
                    'hidden_reason', e.hidden_reason, 'hidden_by', e.hidden_by));
    UPDATE entries SET status = 'published', hidden_by = NULL, hidden_reason = NULL, reviewed_at = now(),
                       version = version + 1, updated_at = now()
     WHERE id = p_id RETURNING * INTO e;
    PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'unhide', v_before,
                     sk_entry_render(e) || jsonb_build_object('reviewed_at', sk_iso(e.reviewed_at),
                                                              'moderation', jsonb_build_object('reason', v_reason)));
    RETURN sk_mod_reply(200, e, 'nl', p_role, p_org, p_scope);
END;
$$;

-- =============================================================================================
-- Residents' reports: reported on what the reporter can see; read and resolved within scope
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_report_create(p_kind text, p_id uuid, p_body jsonb, p_errors jsonb, p_client text,
                                            p_role text, p_org uuid, p_key uuid) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    s moderation_settings;
    e entries;
    v_errs jsonb;
    v_hash bytea;
    x entry_reports;
BEGIN
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;
    SELECT * INTO e FROM entries WHERE id = p_id AND kind = p_kind;
    -- residents report what residents see: published entries only, whoever sends the report
    IF NOT FOUND OR e.status <> 'published' THEN
        RETURN sk_not_found(format('There is no %s with id %s.', replace(p_kind, '_', ' '), p_id));
    END IF;
    v_errs := sk_merge_errors(p_errors,
        sk_unknown_member_errors(p_body, ARRAY['reason', 'message'])
        || CASE WHEN p_body->>'reason' IN ('outdated', 'wrong_address', 'no_longer_exists', 'inappropriate', 'other')
                     AND jsonb_typeof(p_body->'reason') = 'string' THEN '[]'::jsonb
                ELSE jsonb_build_array(sk_err('reason', 'is required: one of outdated, wrong_address, no_longer_exists, inappropriate, other')) END
        || CASE WHEN p_body->'message' IS NULL OR jsonb_typeof(p_body->'message') = 'null' THEN '[]'::jsonb
                WHEN jsonb_typeof(p_body->'message') <> 'string' OR length(p_body->>'message') > 1000
                    THEN jsonb_build_array(sk_err('message', 'must be a text of at most 1000 characters'))
                ELSE '[]'::jsonb END);
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;

    SELECT * INTO s FROM moderation_settings;
    v_hash := hmac(convert_to(coalesce(p_client, '-'), 'UTF8'), s.report_salt, 'sha256');
    PERFORM pg_advisory_xact_lock(hashtext('sk_report:' || encode(v_hash, 'hex')));
    IF (SELECT count(*) FROM entry_reports
         WHERE client_hash = v_hash AND created_at > now() - interval '1 hour') >= s.reports_per_hour THEN
        RETURN sk_problem(429, 'too-many-reports',
                          format('You can send at most %s reports per hour. Thank you for helping; please try again later.',
                                 s.reports_per_hour));
    END IF;
    INSERT INTO entry_reports (entry_id, reason, message, client_hash)
    VALUES (p_id, p_body->>'reason', nullif(btrim(p_body->>'message'), ''), v_hash)
    RETURNING * INTO x;
    PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'report', NULL,
                     jsonb_build_object('report', sk_report_render(x)));
    RETURN sk_reply(201, sk_report_render(x));
END;
$$;

CREATE OR REPLACE FUNCTION sk_reports_list(p_kind text, p_id uuid, p_status text, p_role text, p_org uuid,
                                           p_scope text[]) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    e entries;
BEGIN
    IF NOT sk_is_writer(p_role) THEN
        RETURN sk_unauthorized();
    END IF;
    SELECT * INTO e FROM entries WHERE id = p_id AND kind = p_kind AND status <> 'deleted';
    IF NOT FOUND OR NOT sk_entry_visible(e, p_role, p_org, p_scope) THEN
        RETURN sk_not_found(format('There is no %s with id %s.', replace(p_kind, '_', ' '), p_id));
    END IF;
    IF NOT sk_sees_private(e, p_role, p_org, p_scope) THEN
        RETURN sk_forbidden('Only the organisation that offers this entry, or a moderator of its municipality, can read its reports.');
    END IF;
    RETURN sk_reply(200, jsonb_build_object('items', coalesce((
        SELECT jsonb_agg(sk_report_render(x) ORDER BY x.created_at DESC, x.id)
          FROM (SELECT * FROM entry_reports r
                 WHERE r.entry_id = p_id AND (p_status = 'all' OR r.status = coalesce(p_status, 'open'))
                 ORDER BY r.created_at DESC, r.id
                 LIMIT 200) x), '[]'::jsonb)));
END;
$$;

CREATE OR REPLACE FUNCTION sk_report_resolve(p_report uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid,
                                             p_scope text[]) RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    x entry_reports;
    v_m text;
    v_errs jsonb;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    p_body := coalesce(p_body, '{}');
    IF jsonb_typeof(p_body) <> 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;
    SELECT r.* INTO x FROM entry_reports r WHERE r.id = p_report FOR UPDATE;
    IF FOUND THEN
        SELECT municipality INTO v_m FROM entries WHERE id = x.entry_id;
    END IF;
    -- another municipality's report does not exist for this moderator
    IF NOT FOUND OR NOT sk_in_scope(p_role, p_scope, v_m) THEN
        RETURN sk_not_found(format('There is no report with id %s.', p_report));
    END IF;
    v_errs := sk_unknown_member_errors(p_body, ARRAY['resolution'])
              || CASE WHEN p_body->'resolution' IS NULL OR jsonb_typeof(p_body->'resolution') = 'null' THEN '[]'::jsonb
                      WHEN jsonb_typeof(p_body->'resolution') <> 'string' OR length(p_body->>'resolution') > 1000
                          THEN jsonb_build_array(sk_err('resolution', 'must be a text of at most 1000 characters'))
                      ELSE '[]'::jsonb END;
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    IF x.status = 'resolved' THEN
        RETURN sk_problem(409, 'already-resolved',
                          format('This report was resolved at %s.', sk_iso(x.resolved_at)));
    END IF;
    UPDATE entry_reports SET status = 'resolved', resolved_at = now(), resolved_by = p_key,
                             resolution = nullif(btrim(p_body->>'resolution'), '')
     WHERE id = p_report RETURNING * INTO x;
    PERFORM sk_audit(p_role, p_org, p_key, 'entry', x.entry_id::text, x.entry_id, 'resolve', NULL,
                     jsonb_build_object('report', sk_report_render(x),
                                        'moderation', jsonb_build_object('reason', x.resolution)));
    RETURN sk_reply(200, sk_report_render(x));
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_entry_update(p_kind text, p_id uuid, p_body jsonb, p_is_patch boolean, p_if_match int,
                                    p_errors jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    e entries;
    res sk_response;
    v_prev text;
    v_hidden text;
    v_partner boolean := false;   -- an untrusted partner: its changes wait for a moderator
BEGIN
    -- locked: the scope is checked on the row that is then changed
    SELECT * INTO e FROM entries WHERE id = p_id AND kind = p_kind FOR UPDATE;
    IF FOUND AND e.status <> 'deleted' THEN
        IF sk_is_mod(p_role) THEN
            IF NOT sk_in_scope(p_role, p_scope, e.municipality) THEN
                RETURN sk_entry_denied(e);
            END IF;
            IF jsonb_typeof(p_body->'municipality') = 'string' AND NOT sk_in_scope(p_role, p_scope, p_body->>'municipality') THEN
                RETURN sk_out_of_scope(p_scope, p_body->>'municipality');
            END IF;
        END IF;
        v_partner := p_role = 'partner'
                     AND NOT (sk_org_trusted_in(p_org, e.municipality)
                              AND sk_org_trusted_in(p_org, CASE WHEN jsonb_typeof(p_body->'municipality') = 'string'
                                                                THEN p_body->>'municipality' ELSE e.municipality END));
        IF v_partner AND e.organisation_id = p_org AND e.status IN ('published', 'hidden') THEN
            RETURN sk_mod_propose(p_kind, p_id, p_body, p_is_patch, p_if_match, p_errors, p_role, p_org, p_key, p_scope);
        END IF;
    END IF;
    v_prev := e.status;
    v_hidden := e.hidden_by;
    res := sk_entry_update(p_kind, p_id, p_body, p_is_patch, p_if_match, p_errors, p_role, p_org, p_key);
    IF res.status <> 200 THEN
        RETURN res;
    END IF;
    IF v_partner AND v_prev = 'rejected' THEN
        UPDATE entries SET status = 'pending' WHERE id = p_id RETURNING * INTO e;
        PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'submit', NULL, sk_entry_render(e));
    ELSIF NOT v_partner AND v_prev = 'published' THEN
        UPDATE entries SET reviewed_at = now() WHERE id = p_id;
    ELSIF NOT v_partner AND v_prev = 'hidden' AND v_hidden = 'housekeeping' THEN
        UPDATE entries SET status = 'published', hidden_reason = NULL, hidden_by = NULL, reviewed_at = now() WHERE id = p_id;
        PERFORM sk_audit(p_role, p_org, p_key, 'entry', p_id::text, p_id, 'confirm', NULL,
                         jsonb_build_object('status', 'published'));
    END IF;
    SELECT * INTO e FROM entries WHERE id = p_id;
    RETURN sk_mod_reply(200, e, 'nl', p_role, p_org, p_scope);
END;
$$;

CREATE OR REPLACE FUNCTION sk_mod_entry_delete(p_kind text, p_id uuid, p_if_match int, p_purge boolean, p_role text,
                                               p_org uuid, p_key uuid, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    e entries;
    res sk_response;
BEGIN
    IF sk_is_mod(p_role) THEN
        SELECT * INTO e FROM entries WHERE id = p_id AND kind = p_kind FOR UPDATE; -- checked on the row deleted
        IF FOUND AND NOT sk_in_scope(p_role, p_scope, e.municipality) THEN
            RETURN sk_entry_denied(e);
        END IF;
    END IF;
    res := sk_entry_delete(p_kind, p_id, p_if_match, p_purge, p_role, p_org, p_key);
    IF res.status = 204 THEN
        UPDATE entry_revisions SET status = 'withdrawn', decided_at = now() WHERE entry_id = p_id AND status = 'pending';
    END IF;
    RETURN res;
END;
$$;
