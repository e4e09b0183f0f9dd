-- sql/api/vocabularies.sql — the vocabularies (themes, audiences, accessibility features, support kinds, exception
-- sets): listed for everyone, edited by admins.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- Errors for a list of codes: unknown, retired (unless already on the entry: p_old), or bound to
-- another municipality (exception sets).
-- plpgsql, not sql: its plan is cached for the session, also across subtransactions (see sk_iso);
-- the generic one always: a custom plan prunes the view's other vocabularies, so the planner
-- would keep planning anew (a millisecond) for a query that runs in a twentieth of that.
CREATE OR REPLACE FUNCTION sk_term_errors(p_field text, p_list jsonb, p_vocab text, p_old text[], p_municipality text)
    RETURNS jsonb LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_agg(sk_err(format('%s[%s]', p_field, x.i - 1),
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
        OR (t.municipality IS NOT NULL AND p_municipality IS NOT NULL AND t.municipality <> p_municipality));
END;
$$;

-- The error (a list of zero or one) of member p_field holding one code of vocabulary p_vocab (a
-- string member; anything else the daemon has reported): unknown, or retired unless the entry had
-- it already (p_old). Support kinds and place types use it.
CREATE OR REPLACE FUNCTION sk_term_error(p_field text, p_member jsonb, p_vocab text, p_old text)
    RETURNS jsonb LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    IF jsonb_typeof(p_member) IS DISTINCT FROM 'string' THEN
        RETURN '[]';
    END IF;
    RETURN (SELECT coalesce(jsonb_agg(sk_err(p_field, CASE WHEN t.code IS NULL
                       THEN format('is not a known %s (see GET /api/v1/%s)', rtrim(replace(p_vocab, '-', ' '), 's'),
                                   p_vocab)
                       ELSE 'has been retired and can no longer be chosen' END)), '[]'::jsonb)
              FROM (SELECT p_member #>> '{}' AS code) x
              LEFT JOIN sk_vocab_terms t ON t.vocab = p_vocab AND t.code = x.code
             WHERE t.code IS NULL OR (t.retired_at IS NOT NULL AND x.code IS DISTINCT FROM p_old));
END;
$$;

-- =============================================================================================
-- Vocabularies: themes, audiences, accessibility-features, support-kinds, exception-sets
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_vocab_entity(p_vocab text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN CASE p_vocab WHEN 'themes' THEN 'theme' WHEN 'audiences' THEN 'audience'
                        WHEN 'accessibility-features' THEN 'accessibility_feature'
                        WHEN 'support-kinds' THEN 'support_kind' WHEN 'exception-sets' THEN 'exception_set'
                        WHEN 'place-types' THEN 'place_type' END;

-- The 404 of a vocabulary that is not there, NULL for one that is.
CREATE OR REPLACE FUNCTION sk_vocab_missing(p_vocab text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN sk_vocab_entity(p_vocab) IS NULL THEN sk_not_found('There is no such vocabulary.') END;

-- The answer that refuses a change of a term of p_vocab (not a moderator, no such vocabulary), or NULL.
CREATE OR REPLACE FUNCTION sk_vocab_refusal(p_vocab text, p_role text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN coalesce(sk_mod_only(p_role), sk_vocab_missing(p_vocab));

-- One term as JSON, or NULL when there is no such term.
CREATE OR REPLACE FUNCTION sk_vocab_item(p_vocab text, p_code text) RETURNS jsonb LANGUAGE sql STABLE AS $$
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
        WHEN 'place-types' THEN (
            SELECT jsonb_build_object('code', t.code, 'label_nl', t.label_nl, 'label_en', t.label_en,
                                      'retired', t.retired_at IS NOT NULL)
              FROM place_types t WHERE t.code = p_code)
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

CREATE OR REPLACE FUNCTION sk_vocab_list(p_vocab text, p_include_retired boolean) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    items jsonb;
BEGIN
    IF sk_vocab_entity(p_vocab) IS NULL THEN
        RETURN sk_vocab_missing(p_vocab);
    END IF;
    SELECT coalesce(jsonb_agg(sk_vocab_item(p_vocab, x.code) ORDER BY x.position, x.code), '[]'::jsonb) INTO items
      FROM (SELECT code, position, retired_at FROM themes WHERE p_vocab = 'themes'
            UNION ALL SELECT code, position, retired_at FROM audiences WHERE p_vocab = 'audiences'
            UNION ALL SELECT code, position, retired_at FROM support_kinds WHERE p_vocab = 'support-kinds'
            UNION ALL SELECT code, position, retired_at FROM place_types WHERE p_vocab = 'place-types'
            UNION ALL SELECT code, position, retired_at FROM accessibility_features WHERE p_vocab = 'accessibility-features'
            UNION ALL SELECT code, position, retired_at FROM exception_sets WHERE p_vocab = 'exception-sets') x
     WHERE coalesce(p_include_retired, false) OR x.retired_at IS NULL;
    RETURN sk_reply(200, jsonb_build_object('items', items, 'next_cursor', NULL));
END;
$$;

-- PUT /api/v1/{vocab}/{code}: add, rename, or bring back a retired term. Labels, parent,
-- osm_equivalent and municipality are replaced (absent = none); `values` (facets) and `dates`
-- (exception sets) are replaced when given and kept when left out (required for a new facet).
-- p_errors: what the daemon found in the body's members (validate.c, VALIDATE_BODY_VOCAB_*:
-- unknown members, labels, values, osm_equivalent, the municipality's type); this adds what needs
-- the path or the database. Called without them, a malformed body ends as a field error of the
-- constraint it breaks (sk_constraint_error), never as an unhandled one.
CREATE OR REPLACE FUNCTION sk_vocab_upsert(p_vocab text, p_code text, p_body jsonb, p_errors jsonb, p_role text,
                                           p_org uuid, p_key uuid)
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    v_before jsonb;
    v_after jsonb;
    v_new boolean;
    v_errs jsonb := '[]';
    v_parent text;
    v_values text[];
    v_mun text;
    v_pos int;
    v_idx int[] := '{}';
    v_ranges daterange[] := '{}';
    v_labels text[] := '{}';
    r record;
    v_refusal sk_response := coalesce(sk_vocab_refusal(p_vocab, p_role), sk_not_object(p_body));
    v_con text;
    v_tab text;
    v_col text;
    v_msg text;
BEGIN
    IF v_refusal.status IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('sk_vocab:' || p_vocab || ':' || p_code));
    v_before := sk_vocab_item(p_vocab, p_code);
    v_new := v_before IS NULL;

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
        v_values := sk_text_array(p_body->'values');
        IF coalesce(jsonb_typeof(p_body->'values'), 'null') = 'null' AND v_new THEN
            v_errs := v_errs || sk_err('values', 'is required for a new accessibility feature');
        END IF;
    END IF;

    IF p_vocab = 'exception-sets' THEN
        IF jsonb_typeof(p_body->'municipality') = 'string' THEN
            v_mun := p_body->>'municipality';
            IF NOT EXISTS (SELECT 1 FROM areas WHERE code = v_mun AND kind = 'municipality') THEN
                v_errs := v_errs || sk_err('municipality', 'is not a known municipality code (leave it out for a national set)');
            END IF;
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

    v_errs := sk_merge_errors(p_errors, v_errs);
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;

    BEGIN
    CASE p_vocab
    WHEN 'themes' THEN
        SELECT coalesce(max(position), 0) + 10 INTO v_pos FROM themes;
        INSERT INTO themes AS t (code, parent, label_nl, label_en, position)
        VALUES (p_code, v_parent, p_body->>'label_nl', p_body->>'label_en', v_pos)
        ON CONFLICT (code) DO UPDATE SET parent = excluded.parent, label_nl = excluded.label_nl,
            label_en = excluded.label_en, retired_at = NULL, updated_at = now();
    WHEN 'audiences', 'support-kinds', 'place-types' THEN   -- the same columns: audiences, support_kinds, place_types
        EXECUTE format('SELECT coalesce(max(position), 0) + 10 FROM %I', replace(p_vocab, '-', '_')) INTO v_pos;
        EXECUTE format('INSERT INTO %I (code, label_nl, label_en, position) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (code) DO UPDATE SET label_nl = excluded.label_nl, label_en = excluded.label_en,
                            retired_at = NULL, updated_at = now()', replace(p_vocab, '-', '_'))
            USING p_code, p_body->>'label_nl', p_body->>'label_en', v_pos;
    WHEN 'accessibility-features' THEN
        SELECT coalesce(max(position), 0) + 10 INTO v_pos FROM accessibility_features;
        INSERT INTO accessibility_features AS t (code, label_nl, label_en, allowed_values, osm_equivalent, position)
        -- values left out: the feature keeps its own (NOT NULL is checked before ON CONFLICT, so
        -- the proposed row must carry them already)
        VALUES (p_code, p_body->>'label_nl', p_body->>'label_en',
                coalesce(v_values, (SELECT allowed_values FROM accessibility_features WHERE code = p_code)),
                p_body->>'osm_equivalent', v_pos)
        ON CONFLICT (code) DO UPDATE SET label_nl = excluded.label_nl, label_en = excluded.label_en,
            allowed_values = excluded.allowed_values, osm_equivalent = excluded.osm_equivalent,
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
    EXCEPTION WHEN check_violation OR not_null_violation OR data_exception THEN
        GET STACKED DIAGNOSTICS v_con = CONSTRAINT_NAME, v_tab = TABLE_NAME, v_col = COLUMN_NAME, v_msg = MESSAGE_TEXT;
        RETURN sk_invalid(jsonb_build_array(sk_constraint_error(nullif(v_con, ''), nullif(v_tab, ''), nullif(v_col, ''),
                                                                 v_msg)));
    END;

    v_after := sk_vocab_item(p_vocab, p_code);
    PERFORM sk_audit(p_role, p_org, p_key, sk_vocab_entity(p_vocab), p_code, NULL,
                     CASE WHEN v_new THEN 'create' ELSE 'update' END, v_before, v_after);
    IF v_new THEN
        RETURN sk_reply(201, v_after, NULL, '/api/v1/' || p_vocab || '/' || p_code);
    END IF;
    RETURN sk_reply(200, v_after);
END;
$$;

CREATE OR REPLACE FUNCTION sk_vocab_retire(p_vocab text, p_code text, p_role text, p_org uuid, p_key uuid) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    v_before jsonb;
BEGIN
    IF (sk_vocab_refusal(p_vocab, p_role)).status IS NOT NULL THEN
        RETURN sk_vocab_refusal(p_vocab, p_role);
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
    WHEN 'place-types' THEN UPDATE place_types SET retired_at = now(), updated_at = now() WHERE code = p_code;
    WHEN 'accessibility-features' THEN UPDATE accessibility_features SET retired_at = now(), updated_at = now() WHERE code = p_code;
    WHEN 'exception-sets' THEN UPDATE exception_sets SET retired_at = now(), updated_at = now() WHERE code = p_code;
    END CASE;
    PERFORM sk_audit(p_role, p_org, p_key, sk_vocab_entity(p_vocab), p_code, NULL, 'retire',
                     v_before, sk_vocab_item(p_vocab, p_code));
    RETURN sk_reply(204, NULL);
END;
$$;

CREATE OR REPLACE FUNCTION api_vocab_list(p_vocab text, p_include_retired boolean)
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_vocab_list(p_vocab, p_include_retired) r
$$;

-- =============================================================================================
-- Vocabularies: national ones are admin business; a municipal exception set belongs to the
-- moderators of its municipality
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_vocab_guard(p_vocab text, p_code text, p_body jsonb, p_role text, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_old text;
    v_found boolean;
    v_new text;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF p_vocab IS DISTINCT FROM 'exception-sets' THEN
        RETURN sk_admin_only(p_role, 'a national vocabulary');
    END IF;
    SELECT municipality, true INTO v_old, v_found FROM exception_sets WHERE code = p_code;
    IF coalesce(v_found, false) THEN
        IF v_old IS NULL THEN
            RETURN sk_admin_only(p_role, 'a national exception set');
        ELSIF NOT sk_in_scope(p_role, p_scope, v_old) THEN
            RETURN sk_out_of_scope(p_scope, v_old);
        END IF;
    END IF;
    IF p_body IS NOT NULL THEN           -- the set as it will be after the change
        v_new := CASE WHEN jsonb_typeof(p_body->'municipality') = 'string' THEN p_body->>'municipality' END;
        IF v_new IS NULL THEN
            RETURN sk_admin_only(p_role, 'a national exception set (give your municipality for a local one)');
        ELSIF NOT sk_in_scope(p_role, p_scope, v_new) THEN
            RETURN sk_out_of_scope(p_scope, v_new);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION api_vocab_upsert(p_vocab text, p_code text, p_body jsonb, p_errors jsonb, p_role text,
                                            p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    res sk_response := sk_vocab_guard(p_vocab, p_code, CASE WHEN jsonb_typeof(p_body) = 'object' THEN p_body
                                                            ELSE '{}' END, p_role, p_scope);
BEGIN
    IF res.status IS NULL THEN
        res := sk_vocab_upsert(p_vocab, p_code, p_body, p_errors, p_role, p_org, p_key);
    END IF;
    RETURN QUERY SELECT res.*;
END;
$$;

CREATE OR REPLACE FUNCTION api_vocab_retire(p_vocab text, p_code text, p_role text, p_org uuid, p_key uuid,
                                            p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    res sk_response := sk_vocab_guard(p_vocab, p_code, NULL, p_role, p_scope);
BEGIN
    IF res.status IS NULL THEN
        res := sk_vocab_retire(p_vocab, p_code, p_role, p_org, p_key);
    END IF;
    RETURN QUERY SELECT res.*;
END;
$$;
