-- sql/api/municipal_themes.sql — themes as each municipality names them (issue 16, item 9):
-- Gorinchem's opgaven, West Maas en Waal's programmes. Each is a named set of the shared themes,
-- so searching it is searching those (its "links.search": /api/v1/search?theme=a,b), and a
-- search across both municipalities still works with the shared codes. Who may:
--   * anyone reads them (GET /api/v1/municipal-themes?municipality=, /{code});
--   * a moderator of the municipality (the first six characters of the code) makes, changes and
--     deletes them; an admin those of every municipality.
--
-- One current definition of each function; `socialekaart migrate` applies this file whenever the
-- release's SQL code changes. Edit in place. Licensed under the EUPL

CREATE OR REPLACE FUNCTION sk_municipal_theme_render(t municipal_themes) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object(
        'code', t.code, 'municipality', t.municipality, 'label_nl', t.label_nl, 'label_en', t.label_en,
        'summary', t.summary, 'themes', to_jsonb(t.themes), 'position', t.position,
        'links', jsonb_build_object(
            'search', '/api/v1/search?theme=' || array_to_string(t.themes, ',') || '&municipality=' || t.municipality,
            'page', '/?theme=' || array_to_string(t.themes, ',') || '&area=' || t.municipality),
        'created_at', sk_iso(t.created_at), 'updated_at', sk_iso(t.updated_at));

-- GET /api/v1/municipal-themes?municipality=: every municipality's, or one's, in its order.
CREATE OR REPLACE FUNCTION api_municipal_themes_list(p_municipality text, p_role text, p_org uuid, p_key uuid,
                                                     p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_municipality IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = p_municipality AND a.kind = 'municipality') THEN
        RETURN QUERY SELECT (sk_not_found(format('There is no municipality %s.', p_municipality))).*;
        RETURN;
    END IF;
    RETURN QUERY SELECT (sk_reply(200, jsonb_build_object('items', coalesce((
        SELECT jsonb_agg(sk_municipal_theme_render(t) ORDER BY t.municipality, t.position, t.code)
          FROM municipal_themes t WHERE p_municipality IS NULL OR t.municipality = p_municipality), '[]'::jsonb),
        'next_cursor', NULL))).*;
END;
$$;

CREATE OR REPLACE FUNCTION api_municipal_theme_get(p_code text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT (coalesce((SELECT sk_reply(200, sk_municipal_theme_render(t)) FROM municipal_themes t WHERE t.code = p_code),
                     sk_not_found(format('There is no municipal theme %s.', p_code)))).*
$$;

-- Who may change the theme p_code: a moderator of its municipality (the code's first six
-- characters), an admin; NULL when allowed.
CREATE OR REPLACE FUNCTION sk_municipal_theme_refusal(p_code text, p_role text, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF left(p_code, 6) ~ '^GM[0-9]{4}$' AND NOT sk_in_scope(p_role, p_scope, left(p_code, 6)) THEN
        RETURN sk_out_of_scope(p_scope, left(p_code, 6));
    END IF;
    RETURN NULL;
END;
$$;

-- PUT /api/v1/municipal-themes/{code}: make or replace. p_body {label_nl, label_en?, summary?,
-- themes, position?}: its shapes checked in C (VALIDATE_BODY_MUNICIPAL_THEME, in p_errors); here
-- what needs the database: the municipality of the code, the shared theme codes.
CREATE OR REPLACE FUNCTION api_municipal_theme_put(p_code text, p_body jsonb, p_errors jsonb, p_role text, p_org uuid,
                                                   p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    old municipal_themes;
    t municipal_themes;
    v_errs jsonb := coalesce(p_errors, '[]');
    v_m text := left(p_code, 6);
    v_res sk_response := sk_not_object(p_body);
    v_con text;
    v_col text;
    v_tab text;
    v_msg text;
BEGIN
    IF v_res.status IS NULL THEN
        v_res := sk_municipal_theme_refusal(p_code, p_role, p_scope);
    END IF;
    IF v_res.status IS NOT NULL THEN
        RETURN QUERY SELECT v_res.*;
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('municipal_theme:' || p_code));
    SELECT * INTO old FROM municipal_themes x WHERE x.code = p_code FOR UPDATE;
    IF NOT (p_code ~ '^GM[0-9]{4}-[a-z0-9]+(-[a-z0-9]+)*$' AND length(p_code) <= 64) THEN
        v_errs := v_errs || sk_err('code', 'must be the municipality''s code, a hyphen and lowercase words (GM0668-vitaal-ouder-worden), at most 64 characters');
    ELSIF NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = v_m AND a.kind = 'municipality') THEN
        v_errs := v_errs || sk_err('code', format('must start with a municipality this sociale kaart covers, not %s', v_m));
    END IF;
    v_errs := sk_merge_errors(v_errs, sk_term_errors('themes', p_body->'themes', 'themes', old.themes, NULL));
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN QUERY SELECT (sk_invalid(v_errs)).*;
        RETURN;
    END IF;
    BEGIN
        INSERT INTO municipal_themes AS x (code, municipality, label_nl, label_en, summary, themes, position)
        VALUES (p_code, v_m, btrim(p_body->>'label_nl'), nullif(btrim(p_body->>'label_en'), ''),
                nullif(btrim(p_body->>'summary'), ''), sk_text_array(p_body->'themes'),
                coalesce((p_body->>'position')::int, 0))
        ON CONFLICT (code) DO UPDATE
           SET (label_nl, label_en, summary, themes, position, updated_at)
             = (EXCLUDED.label_nl, EXCLUDED.label_en, EXCLUDED.summary, EXCLUDED.themes, EXCLUDED.position, now())
        RETURNING x.* INTO t;
    EXCEPTION WHEN check_violation OR foreign_key_violation OR not_null_violation OR data_exception THEN
        GET STACKED DIAGNOSTICS v_con = CONSTRAINT_NAME, v_tab = TABLE_NAME, v_col = COLUMN_NAME, v_msg = MESSAGE_TEXT;
        RETURN QUERY SELECT (sk_invalid(jsonb_build_array(
            sk_constraint_error(nullif(v_con, ''), nullif(v_tab, ''), nullif(v_col, ''), v_msg)))).*;
        RETURN;
    END;
    PERFORM sk_audit(p_role, p_org, p_key, 'municipal_theme', p_code, NULL,
                     CASE WHEN old.code IS NULL THEN 'create' ELSE 'update' END,
                     CASE WHEN old.code IS NOT NULL THEN to_jsonb(old) - 'created_at' - 'updated_at' END,
                     to_jsonb(t) - 'created_at' - 'updated_at');
    RETURN QUERY SELECT (sk_reply(CASE WHEN old.code IS NULL THEN 201 ELSE 200 END, sk_municipal_theme_render(t), NULL,
                                  CASE WHEN old.code IS NULL THEN '/api/v1/municipal-themes/' || p_code END)).*;
END;
$$;

CREATE OR REPLACE FUNCTION api_municipal_theme_delete(p_code text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    t municipal_themes;
    v_res sk_response := sk_municipal_theme_refusal(p_code, p_role, p_scope);
BEGIN
    IF v_res.status IS NULL THEN
        SELECT * INTO t FROM municipal_themes x WHERE x.code = p_code FOR UPDATE;
        IF t.code IS NULL THEN
            v_res := sk_not_found(format('There is no municipal theme %s.', p_code));
        END IF;
    END IF;
    IF v_res.status IS NOT NULL THEN
        RETURN QUERY SELECT v_res.*;
        RETURN;
    END IF;
    DELETE FROM municipal_themes x WHERE x.code = p_code;
    PERFORM sk_audit(p_role, p_org, p_key, 'municipal_theme', p_code, NULL, 'delete',
                     to_jsonb(t) - 'created_at' - 'updated_at', NULL);
    RETURN QUERY SELECT (sk_reply(204, NULL)).*;
END;
$$;
