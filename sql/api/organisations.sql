-- sql/api/organisations.sql — organisations (partners): create, read, update, list; where they are active and trusted.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

CREATE OR REPLACE FUNCTION sk_org_list(p_limit int, p_cursor text) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_limit int := sk_list_limit(p_limit);
    v_at timestamptz;
    v_id uuid;
    items jsonb;
    n int;
    v_next text;
BEGIN
    IF (sk_cursor_refusal(p_cursor)).status IS NOT NULL THEN
        RETURN sk_cursor_refusal(p_cursor);
    END IF;
    v_at := sk_cursor_at(p_cursor);   -- both NULL without a cursor
    v_id := sk_cursor_id(p_cursor);
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

CREATE OR REPLACE FUNCTION sk_org_get(p_id uuid) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT sk_reply(200, sk_org_render(o), sk_etag(o.version)) FROM organisations o WHERE o.id = p_id),
                    sk_not_found(format('There is no organisation with id %s.', p_id)));
END;
$$;

CREATE OR REPLACE FUNCTION api_org_list(p_limit int, p_cursor text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_org_list(p_limit, p_cursor) r
$$;

CREATE OR REPLACE FUNCTION api_org_get(p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_org_get(p_id) r
$$;

CREATE OR REPLACE FUNCTION sk_org_trusted_in(p_org uuid, p_m text) RETURNS boolean LANGUAGE sql STABLE
    RETURN EXISTS (SELECT 1 FROM organisation_trust t WHERE t.organisation_id = p_org AND t.municipality = p_m);

CREATE OR REPLACE FUNCTION sk_org_trust_list(p_org uuid) RETURNS text[] LANGUAGE sql STABLE
    RETURN ARRAY(SELECT t.municipality FROM organisation_trust t WHERE t.organisation_id = p_org ORDER BY 1);

-- Where an organisation is active: its home municipality and those of its entries.
CREATE OR REPLACE FUNCTION sk_org_active_in(p_org uuid) RETURNS text[] LANGUAGE sql STABLE
    RETURN ARRAY(SELECT o.municipality FROM organisations o WHERE o.id = p_org AND o.municipality IS NOT NULL
                 UNION
                 SELECT DISTINCT e.municipality FROM entries e WHERE e.organisation_id = p_org AND e.status <> 'deleted');

CREATE OR REPLACE FUNCTION sk_org_render(o organisations) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object(
        'id', o.id, 'name', o.name, 'description', o.description, 'website', o.website,
        'email', o.email, 'phone', o.phone, 'municipality', o.municipality,
        'trusted', EXISTS (SELECT 1 FROM organisation_trust t WHERE t.organisation_id = o.id),
        'trusted_in', to_jsonb(sk_org_trust_list(o.id)),
        'created_at', sk_iso(o.created_at), 'updated_at', sk_iso(o.updated_at));

-- The trust list a write asks for: trusted_in as given, or trusted true/false meaning "in every
-- municipality of my scope" / "in none of them", on top of the current list p_now.
CREATE OR REPLACE FUNCTION sk_org_trust_wanted(p_body jsonb, p_now text[], p_role text, p_scope text[]) RETURNS text[]
    LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN jsonb_typeof(p_body->'trusted_in') = 'array'
            THEN ARRAY(SELECT DISTINCT x FROM jsonb_array_elements_text(p_body->'trusted_in') x ORDER BY 1)
        WHEN p_body->'trusted' = 'true'::jsonb
            THEN ARRAY(SELECT DISTINCT x FROM unnest(p_now || sk_scope_municipalities(p_role, p_scope)) x ORDER BY 1)
        WHEN p_body->'trusted' = 'false'::jsonb
            THEN ARRAY(SELECT x FROM unnest(p_now) x WHERE NOT sk_in_scope(p_role, p_scope, x) ORDER BY 1)
        ELSE p_now
    END
$$;

CREATE OR REPLACE FUNCTION api_org_create(p_body jsonb, p_errors jsonb, p_role text, p_org uuid, p_key uuid,
                                          p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_org_write(NULL, p_body, p_errors, p_role, p_org, p_key, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_org_update(p_id uuid, p_body jsonb, p_errors jsonb, p_role text, p_org uuid, p_key uuid,
                                          p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_org_write(p_id, p_body, p_errors, p_role, p_org, p_key, p_scope) r
$$;

-- p_errors: what the daemon found in the body's members (validate.c, VALIDATE_BODY_ORG_CREATE and
-- _PATCH: unknown members, name, description, website, email, phone, trusted, trusted_in, the
-- municipality's format); this adds the id of a PATCH, "not both" and which municipalities exist.
-- Called without them, a malformed body ends as a field error of the constraint it breaks.
CREATE OR REPLACE FUNCTION sk_org_write(p_id uuid, p_body jsonb, p_errors jsonb, p_role text, p_org uuid, p_key uuid,
                                        p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    old organisations;
    o organisations;
    v_doc jsonb;
    v_errs jsonb := coalesce(p_errors, '[]');
    v_before jsonb;
    v_con text;
    v_tab text;
    v_col text;
    v_msg text;
    v_trust_now text[] := '{}';
    v_trust text[];
    v_changed text[];
    v_home text;
    v_details boolean := false;   -- name, description or contact change
    v_scope_list text[] := sk_scope_municipalities(p_role, p_scope);
BEGIN
    IF (sk_mod_write_refusal(p_role, p_body)).status IS NOT NULL THEN
        RETURN sk_mod_write_refusal(p_role, p_body);
    END IF;
    IF p_id IS NOT NULL THEN
        SELECT * INTO old FROM organisations WHERE id = p_id FOR UPDATE;
        IF NOT FOUND THEN
            RETURN sk_not_found(format('There is no organisation with id %s.', p_id));
        END IF;
        v_before := sk_org_render(old);
        v_trust_now := sk_org_trust_list(p_id);
        v_doc := sk_merge_patch(v_before - ARRAY['id', 'created_at', 'updated_at', 'trusted', 'trusted_in'],
                                p_body - ARRAY['id', 'created_at', 'updated_at', 'version', 'trusted', 'trusted_in']);
        IF p_body ? 'id' AND lower(p_body->>'id') IS DISTINCT FROM p_id::text THEN
            v_errs := v_errs || sk_err('id', 'must be the id of this organisation (it cannot be changed)');
        END IF;
    ELSE
        v_doc := p_body - ARRAY['id', 'created_at', 'updated_at', 'version', 'trusted', 'trusted_in'];
        -- a moderator of one municipality makes organisations of that municipality
        IF (v_doc->'municipality' IS NULL OR jsonb_typeof(v_doc->'municipality') = 'null')
           AND p_role = 'moderator' AND NOT '*' = ANY (coalesce(p_scope, '{}')) AND cardinality(v_scope_list) = 1 THEN
            v_doc := v_doc || jsonb_build_object('municipality', v_scope_list[1]);
        END IF;
    END IF;
    IF p_body ? 'trusted' AND p_body ? 'trusted_in' THEN
        v_errs := v_errs || sk_err('trusted_in', 'give trusted or trusted_in, not both');
    END IF;
    IF jsonb_typeof(v_doc->'municipality') = 'string' AND NOT EXISTS (
            SELECT 1 FROM areas WHERE code = v_doc->>'municipality' AND kind = 'municipality') THEN
        v_errs := v_errs || sk_err('municipality', 'is not a municipality this sociale kaart covers (see GET /api/v1/areas)');
    END IF;
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    v_trust := sk_org_trust_wanted(p_body, v_trust_now, p_role, p_scope);
    IF EXISTS (SELECT 1 FROM unnest(v_trust) x WHERE NOT EXISTS (
                   SELECT 1 FROM areas a WHERE a.code = x AND a.kind = 'municipality')) THEN
        RETURN sk_invalid(jsonb_build_array(sk_err('trusted_in', 'holds a code that is not a municipality of this sociale kaart')));
    END IF;

    -- Trust changes only where the caller moderates.
    v_changed := ARRAY((SELECT x FROM unnest(v_trust) x EXCEPT SELECT y FROM unnest(v_trust_now) y)
                       UNION
                       (SELECT y FROM unnest(v_trust_now) y EXCEPT SELECT x FROM unnest(v_trust) x));
    IF EXISTS (SELECT 1 FROM unnest(v_changed) m WHERE NOT sk_in_scope(p_role, p_scope, m)) THEN
        RETURN sk_out_of_scope(p_scope, (SELECT string_agg(m, ', ') FROM unnest(v_changed) m
                                          WHERE NOT sk_in_scope(p_role, p_scope, m)));
    END IF;
    v_home := v_doc->>'municipality';
    IF p_id IS NULL AND v_home IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, v_home) THEN
        RETURN sk_out_of_scope(p_scope, v_home);
    END IF;
    -- The details and the home: only with every municipality the organisation is active in (and
    -- the new home), so a moderator of one municipality cannot move another's organisation away.
    v_details := p_id IS NOT NULL AND (jsonb_strip_nulls(v_doc - 'municipality') IS DISTINCT FROM
                 jsonb_strip_nulls(v_before - ARRAY['id', 'created_at', 'updated_at', 'trusted', 'trusted_in', 'municipality'])
                 OR v_home IS DISTINCT FROM old.municipality);
    IF v_details THEN
        IF EXISTS (SELECT 1 FROM unnest(sk_org_active_in(p_id)) m WHERE NOT sk_in_scope(p_role, p_scope, m)) THEN
            RETURN sk_forbidden('This organisation is also active outside your municipalities: only a moderator for all of them (or an admin) can change its details.');
        END IF;
    END IF;
    IF p_id IS NOT NULL AND v_home IS DISTINCT FROM old.municipality THEN
        IF (old.municipality IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, old.municipality))
           OR (v_home IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, v_home)) THEN
            RETURN sk_out_of_scope(p_scope, coalesce(v_home, old.municipality));
        END IF;
    END IF;

    BEGIN
        IF p_id IS NULL THEN
            INSERT INTO organisations (name, description, website, email, phone, municipality)
            VALUES (v_doc->>'name', v_doc->>'description', v_doc->>'website', v_doc->>'email', v_doc->>'phone', v_home)
            RETURNING * INTO o;
        ELSE
            UPDATE organisations
               SET name = v_doc->>'name', description = v_doc->>'description', website = v_doc->>'website',
                   email = v_doc->>'email', phone = v_doc->>'phone', municipality = v_home,
                   version = version + 1,
                   updated_at = now()
             WHERE id = p_id
            RETURNING * INTO o;
        END IF;
    EXCEPTION WHEN check_violation OR not_null_violation OR foreign_key_violation OR data_exception THEN
        GET STACKED DIAGNOSTICS v_con = CONSTRAINT_NAME, v_tab = TABLE_NAME, v_col = COLUMN_NAME, v_msg = MESSAGE_TEXT;
        RETURN sk_invalid(jsonb_build_array(sk_constraint_error(nullif(v_con, ''), nullif(v_tab, ''), nullif(v_col, ''),
                                                                 v_msg)));
    END;
    DELETE FROM organisation_trust t WHERE t.organisation_id = o.id AND NOT t.municipality = ANY (v_trust);
    INSERT INTO organisation_trust (organisation_id, municipality, granted_by)
    SELECT o.id, x, p_key FROM unnest(v_trust) x ON CONFLICT DO NOTHING;
    PERFORM sk_audit(p_role, p_org, p_key, 'organisation', o.id::text, NULL,
                     CASE WHEN p_id IS NULL THEN 'create' ELSE 'update' END, v_before, sk_org_render(o));
    IF p_id IS NULL THEN
        RETURN sk_reply(201, sk_org_render(o), sk_etag(o.version), '/api/v1/organisations/' || o.id);
    END IF;
    RETURN sk_reply(200, sk_org_render(o), sk_etag(o.version));
END;
$$;
