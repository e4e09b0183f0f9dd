-- sql/api/areas.sql — areas: municipalities, wijken and kernen, their buurten, points and boundaries.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- =============================================================================================
-- Areas
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_area_render(a areas, p_with_boundary boolean DEFAULT false) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object(
        'code', a.code,
        'name', a.name,
        'aliases', to_jsonb(a.aliases),
        'kind', a.kind,
        'municipality', a.municipality,
        'parent', a.parent,
        'location', sk_point_json(a.location),
        'has_boundary', a.boundary IS NOT NULL,
        'retired', a.retired_at IS NOT NULL)
     || CASE WHEN p_with_boundary
             THEN jsonb_build_object('boundary', ST_AsGeoJSON(a.boundary::geometry, 6)::jsonb)
             ELSE '{}'::jsonb END;

CREATE OR REPLACE FUNCTION sk_areas_list(p_municipality text, p_include_retired boolean) RETURNS sk_response
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

-- The 404 of an area code that is not there.
CREATE OR REPLACE FUNCTION sk_area_missing(p_code text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_not_found(format('There is no area with code %s.', p_code));

CREATE OR REPLACE FUNCTION sk_area_get(p_code text) RETURNS sk_response LANGUAGE sql STABLE
    RETURN coalesce((SELECT sk_reply(200, sk_area_render(a, true)) FROM areas a WHERE a.code = p_code),
                    sk_area_missing(p_code));

-- Before a moderator changes area p_code: the answer that refuses it (not a moderator, no such
-- area), or NULL with the area locked FOR UPDATE.
CREATE OR REPLACE FUNCTION sk_area_lock(p_code text, p_role text) RETURNS sk_response LANGUAGE plpgsql AS $$
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    PERFORM FROM areas WHERE code = p_code FOR UPDATE;
    IF NOT FOUND THEN
        RETURN sk_area_missing(p_code);
    END IF;
    RETURN NULL;
END;
$$;

-- p_errors: what the daemon found in the body's members (validate.c, VALIDATE_BODY_AREA: unknown
-- members, name, kind, location); this adds what needs the path or the database. Called without
-- them, a malformed body ends as a field error of the constraint it breaks, never as an unhandled one.
CREATE OR REPLACE FUNCTION sk_area_upsert(p_code text, p_body jsonb, p_errors jsonb, p_role text, p_org uuid, p_key uuid)
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    old areas;
    a areas;
    v_errs jsonb := '[]';
    v_kind text := p_body->>'kind';
    v_mun text := p_body->>'municipality';
    v_loc jsonb := p_body->'location';
    v_parent text := CASE WHEN jsonb_typeof(p_body->'parent') = 'string' THEN p_body->>'parent' END;
    v_new boolean;
    v_con text;
    v_tab text;
    v_col text;
    v_msg text;
BEGIN
    IF (sk_mod_write_refusal(p_role, p_body)).status IS NOT NULL THEN
        RETURN sk_mod_write_refusal(p_role, p_body);
    END IF;
    SELECT * INTO old FROM areas WHERE code = p_code FOR UPDATE;
    v_new := NOT FOUND;

    IF jsonb_typeof(p_body->'kind') IS DISTINCT FROM 'string' OR v_kind NOT IN ('municipality', 'wijk', 'kern', 'buurt') THEN
        v_kind := NULL;                  -- the daemon's error (VALIDATE_BODY_AREA)
    END IF;
    IF NOT (p_code ~ sk_contract_pattern('area_code') AND length(p_code) <= sk_contract_limit('code_max')) THEN
        v_errs := v_errs || sk_err('code', 'must be a CBS gemeentecode (GM0512) or one followed by -lowercase-words (GM0512-west)');
    END IF;
    IF p_body ? 'code' AND p_body->>'code' IS DISTINCT FROM p_code THEN
        v_errs := v_errs || sk_err('code', 'must be the code in the path');
    END IF;
    IF NOT v_new AND v_kind <> old.kind THEN
        v_errs := v_errs || sk_err('kind', format('cannot be changed (it is %s); retire this area and add a new one', old.kind));
    END IF;
    IF v_kind = 'municipality' THEN
        IF v_mun IS NOT NULL AND v_mun <> p_code THEN
            v_errs := v_errs || sk_err('municipality', 'must be left out or equal to code for a municipality');
        END IF;
        IF p_code !~ sk_contract_pattern('municipality_code') THEN
            v_errs := v_errs || sk_err('code', 'must be a CBS gemeentecode like GM0512 for a municipality');
        END IF;
        v_mun := p_code;
    ELSIF v_kind IS NOT NULL THEN
        IF v_mun IS NULL THEN
            v_errs := v_errs || sk_err('municipality', 'is required for a wijk, kern or buurt');
        ELSIF jsonb_typeof(p_body->'municipality') <> 'string'
              OR NOT EXISTS (SELECT 1 FROM areas WHERE code = v_mun AND kind = 'municipality') THEN
            v_errs := v_errs || sk_err('municipality', 'is not a known municipality code (see GET /api/v1/areas)');
        ELSIF NOT v_new AND v_mun <> old.municipality THEN
            v_errs := v_errs || sk_err('municipality', format('cannot be changed (it is %s); retire this area and add a new one', old.municipality));
        ELSIF p_code NOT LIKE v_mun || '-%' THEN
            v_errs := v_errs || sk_err('code', format('must start with %s- for an area of that municipality', v_mun));
        END IF;
    END IF;
    -- issue 16: a buurt lies in a wijk or kern of its municipality; only a buurt has a parent
    IF v_kind = 'buurt' THEN
        IF v_parent IS NULL THEN
            v_errs := v_errs || sk_err('parent', 'is required for a buurt: the code of the wijk or kern it lies in');
        ELSIF NOT EXISTS (SELECT 1 FROM areas x WHERE x.code = v_parent AND x.kind IN ('wijk', 'kern')
                                                   AND x.municipality = v_mun AND x.retired_at IS NULL) THEN
            v_errs := v_errs || sk_err('parent', format('is not a wijk or kern of %s (see GET /api/v1/areas)', v_mun));
        ELSIF v_new AND (SELECT count(*) FROM areas x WHERE x.parent = v_parent) >= 100 THEN
            v_errs := v_errs || sk_err('parent', 'has 100 buurten already, the most a wijk or kern can have');
        END IF;
    ELSIF p_body ? 'parent' AND jsonb_typeof(p_body->'parent') <> 'null' THEN
        v_errs := v_errs || sk_err('parent', 'is only for a buurt (the wijk or kern it lies in)');
    END IF;
    v_errs := sk_merge_errors(p_errors, v_errs);
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;

    BEGIN
        INSERT INTO areas AS x (code, name, aliases, kind, municipality, parent, location)
        VALUES (p_code, p_body->>'name', coalesce(sk_text_array(p_body->'aliases'), '{}'), v_kind, v_mun,
                CASE WHEN v_kind = 'buurt' THEN v_parent END,
                CASE WHEN jsonb_typeof(v_loc) = 'object' THEN sk_point(v_loc) END)
        ON CONFLICT (code) DO UPDATE
            SET name = excluded.name, aliases = excluded.aliases, parent = excluded.parent, location = excluded.location,
                retired_at = NULL, updated_at = now()
        RETURNING * INTO a;
    EXCEPTION WHEN check_violation OR not_null_violation OR data_exception THEN
        GET STACKED DIAGNOSTICS v_con = CONSTRAINT_NAME, v_tab = TABLE_NAME, v_col = COLUMN_NAME, v_msg = MESSAGE_TEXT;
        RETURN sk_invalid(jsonb_build_array(sk_constraint_error(nullif(v_con, ''), nullif(v_tab, ''), nullif(v_col, ''),
                                                                 v_msg)));
    END;
    -- a wijk's or kern's words are in its entries' search text: renamed, they are found by the new
    -- ones (a municipality's name and aliases change there when its entries are next saved)
    -- its words are known to the search's typo tolerance (sk_search_terms), as entries' words are
    INSERT INTO sk_words (word) SELECT w FROM sk_words_of(concat_ws(' ', a.name, array_to_string(a.aliases, ' '))) w
    ON CONFLICT DO NOTHING;
    IF NOT v_new AND a.kind <> 'municipality' AND (a.name, a.aliases) IS DISTINCT FROM (old.name, old.aliases) THEN
        UPDATE entries SET sk_geo = sk_geo WHERE areas @> ARRAY[p_code] AND status <> 'deleted';
    END IF;
    PERFORM sk_audit(p_role, p_org, p_key, 'area', p_code, NULL, CASE WHEN v_new THEN 'create' ELSE 'update' END,
                     CASE WHEN v_new THEN NULL ELSE sk_area_render(old) END, sk_area_render(a));
    IF v_new THEN
        RETURN sk_reply(201, sk_area_render(a), NULL, '/api/v1/areas/' || p_code);
    END IF;
    RETURN sk_reply(200, sk_area_render(a));
END;
$$;

CREATE OR REPLACE FUNCTION sk_area_retire(p_code text, p_role text, p_org uuid, p_key uuid) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    res sk_response := sk_area_lock(p_code, p_role);
    old areas;
    a areas;
BEGIN
    IF res.status IS NULL THEN
        SELECT * INTO old FROM areas WHERE code = p_code;
        IF old.retired_at IS NULL THEN
            UPDATE areas SET retired_at = now(), updated_at = now() WHERE code = p_code RETURNING * INTO a;
            PERFORM sk_audit(p_role, p_org, p_key, 'area', p_code, NULL, 'retire', sk_area_render(old), sk_area_render(a));
        END IF;
        res := sk_reply(204, NULL);
    END IF;
    RETURN res;
END;
$$;

-- Loads a boundary (GeoJSON Polygon, MultiPolygon, or a Feature holding one, in WGS84 lon/lat), then
-- re-derives the areas of every non-deleted entry of that municipality that has a location inside
-- some boundary of the municipality (version + 1 and an audit row for each entry that changes).
-- Entries outside every boundary keep their areas.
CREATE OR REPLACE FUNCTION sk_area_boundary_set(p_code text, p_geojson jsonb, p_role text, p_org uuid, p_key uuid)
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
    res sk_response := sk_area_lock(p_code, p_role);
BEGIN
    IF res.status IS NOT NULL THEN
        RETURN res;
    END IF;
    SELECT * INTO old FROM areas WHERE code = p_code;
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

CREATE OR REPLACE FUNCTION api_areas_list(p_municipality text, p_include_retired boolean)
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_areas_list(p_municipality, p_include_retired) r
$$;

CREATE OR REPLACE FUNCTION api_area_get(p_code text)
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_area_get(p_code) r
$$;

-- =============================================================================================
-- Areas: moderators of the area's municipality; municipalities themselves: admins
-- =============================================================================================
-- NULL when the caller may change (or create) area p_code with body p_body, else the problem.
CREATE OR REPLACE FUNCTION sk_area_guard(p_code text, p_body jsonb, p_role text, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    a areas;
    v_m text;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    SELECT * INTO a FROM areas WHERE code = p_code;
    IF FOUND THEN
        IF a.kind = 'municipality' THEN
            RETURN sk_admin_only(p_role, 'a municipality');
        END IF;
        IF NOT sk_in_scope(p_role, p_scope, a.municipality) THEN
            RETURN sk_out_of_scope(p_scope, a.municipality);
        END IF;
        RETURN NULL;
    END IF;
    IF p_body IS NOT NULL AND (p_body->>'kind' = 'municipality' OR p_code ~ sk_contract_pattern('municipality_code')) THEN
        RETURN sk_admin_only(p_role, 'the list of municipalities');
    END IF;
    v_m := CASE WHEN jsonb_typeof(p_body->'municipality') = 'string' THEN p_body->>'municipality'
                ELSE substring(p_code FROM '^(GM[0-9]{4})') END;
    IF v_m IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, v_m) THEN
        RETURN sk_out_of_scope(p_scope, v_m);
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION api_area_upsert(p_code text, p_body jsonb, p_errors jsonb, p_role text, p_org uuid,
                                           p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    res sk_response := sk_area_guard(p_code, p_body, p_role, p_scope);
BEGIN
    IF res.status IS NULL THEN
        res := sk_area_upsert(p_code, p_body, p_errors, p_role, p_org, p_key);
    END IF;
    RETURN QUERY SELECT res.*;
END;
$$;

CREATE OR REPLACE FUNCTION api_area_retire(p_code text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    res sk_response;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM areas WHERE code = p_code) THEN
        res := coalesce(sk_mod_only(p_role), sk_area_missing(p_code));
    ELSE
        res := coalesce(sk_area_guard(p_code, NULL, p_role, p_scope), sk_area_retire(p_code, p_role, p_org, p_key));
    END IF;
    RETURN QUERY SELECT res.*;
END;
$$;

CREATE OR REPLACE FUNCTION api_area_boundary_set(p_code text, p_geojson jsonb, p_role text, p_org uuid, p_key uuid,
                                                 p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    res sk_response;
    a areas;
BEGIN
    res := sk_mod_only(p_role);
    IF res.status IS NULL THEN
        SELECT * INTO a FROM areas WHERE code = p_code;
        IF NOT FOUND THEN
            res := sk_area_missing(p_code);
        ELSIF NOT sk_in_scope(p_role, p_scope, a.municipality) THEN
            res := sk_out_of_scope(p_scope, a.municipality);
        ELSE
            res := sk_area_boundary_set(p_code, p_geojson, p_role, p_org, p_key);
        END IF;
    END IF;
    RETURN QUERY SELECT res.*;
END;
$$;
