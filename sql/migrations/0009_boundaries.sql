-- 0009 boundaries (issue 12): nobody acts outside their boundary, on reads as on writes.
--
-- The rules, each in one place (the helpers right below):
--  * sk_in_scope(role, scope, m): an admin acts everywhere; a moderator in the municipalities of
--    its key, or everywhere when the key was made for all municipalities (the daemon then sends
--    the scope '{*}'); a moderator key with an empty list acts nowhere (fail closed). Partners
--    have no municipality scope: they act on their own organisation's entries.
--  * sk_entry_visible(e, role, org, scope): residents and everyone see published entries; a partner
--    also its own organisation's other entries; a moderator the entries of its municipalities.
--  * sk_sees_private(e, role, org, scope): the owning organisation and in-scope moderators see what
--    residents do not: the address of an 'area_only' activity, the pending revision, the reports and
--    the moderation state.
--  * National vocabularies (themes, audiences, accessibility features, support kinds, national
--    exception sets) and municipalities themselves are changed by admins only; areas, area
--    boundaries and municipal exception sets by the moderators of their municipality.
--  * Trust is per municipality (organisation_trust): a trusted organisation publishes without review
--    only where it is trusted, and a moderator grants or withdraws trust for its own municipalities.
--  * An organisation's details (name, contact) are changed by a moderator whose scope holds every
--    municipality the organisation is active in (its home municipality and those of its entries).
--    An organisation made by a moderator of one municipality has that one as its home.
--  * The audit log is read within the same scope (audit_log.municipalities).
--  * Occurrence expansion is bounded by the rule itself (COUNT, UNTIL) and by years 2000-2200,
--    whatever window a client asks for.
--
-- Functions replaced here keep their names; where a signature gains the caller's scope, the old
-- overload is dropped so that no code path can reach the unscoped version.
-- Applied inside one transaction by `socialekaart migrate`.

-- =============================================================================================
-- Scope
-- =============================================================================================

ALTER TABLE api_keys ADD COLUMN all_municipalities boolean NOT NULL DEFAULT false;
-- Moderator keys made before this release without --municipality acted everywhere (the CLI said
-- so when it made them); they keep doing so, now as an explicit choice that /api/v1/me shows.
UPDATE api_keys SET all_municipalities = true WHERE role = 'moderator' AND municipalities = '{}';
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_chk
    CHECK (role <> 'moderator' OR all_municipalities OR cardinality(municipalities) > 0);

CREATE OR REPLACE FUNCTION sk_in_scope(p_role text, p_scope text[], p_m text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role = 'admin'
                    OR (p_role = 'moderator' AND ('*' = ANY (p_scope) OR p_m = ANY (p_scope))), false);

-- Every municipality the caller may act in (admins and all-municipality keys: all of them).
CREATE FUNCTION sk_scope_municipalities(p_role text, p_scope text[]) RETURNS text[] LANGUAGE sql STABLE
    RETURN ARRAY(SELECT a.code FROM areas a
                  WHERE a.kind = 'municipality' AND sk_in_scope(p_role, p_scope, a.code) ORDER BY a.code);

CREATE OR REPLACE FUNCTION sk_out_of_scope(p_scope text[], p_m text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_forbidden(format('Your key may act only in %s; this is about %s.',
                               coalesce(nullif(array_to_string(p_scope, ', '), ''), 'no municipality'),
                               coalesce(p_m, 'another municipality')));

CREATE FUNCTION sk_admin_only(p_role text, p_what text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN NOT sk_is_writer(p_role) THEN sk_unauthorized()
                WHEN p_role IS DISTINCT FROM 'admin'
                    THEN sk_forbidden(format('Only an admin can change %s: it holds for every municipality.', p_what))
           END;

CREATE FUNCTION sk_entry_visible(e entries, p_role text, p_org uuid, p_scope text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN e.status <> 'deleted'
       AND (e.status = 'published'
            OR coalesce(p_role = 'partner' AND e.organisation_id = p_org, false)
            OR sk_in_scope(p_role, p_scope, e.municipality));
DROP FUNCTION sk_entry_visible(entries, text, uuid);

CREATE FUNCTION sk_sees_private(e entries, p_role text, p_org uuid, p_scope text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role = 'partner' AND e.organisation_id = p_org, false)
        OR sk_in_scope(p_role, p_scope, e.municipality);

-- An out-of-scope moderator (or another organisation's partner) trying to change an entry: a
-- published entry exists for everyone (403); anything else does not exist for this caller (404).
CREATE FUNCTION sk_entry_denied(e entries) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN e.status = 'published'
                THEN sk_forbidden('This entry belongs to another organisation or municipality; you cannot change it.')
                ELSE sk_not_found(format('There is no %s with id %s.', replace(e.kind, '_', ' '), e.id)) END;

-- =============================================================================================
-- Areas: moderators of the area's municipality; municipalities themselves: admins
-- =============================================================================================

-- NULL when the caller may change (or create) area p_code with body p_body, else the problem.
CREATE FUNCTION sk_area_guard(p_code text, p_body jsonb, p_role text, p_scope text[]) RETURNS sk_response
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
    IF p_body IS NOT NULL AND (p_body->>'kind' = 'municipality' OR p_code ~ '^GM[0-9]{4}$') THEN
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

CREATE OR REPLACE FUNCTION api_area_upsert(p_code text, p_body jsonb, p_role text, p_org uuid, p_key uuid,
                                           p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    res sk_response := sk_area_guard(p_code, p_body, p_role, p_scope);
BEGIN
    IF res.status IS NULL THEN
        res := sk_area_upsert(p_code, p_body, p_role, p_org, p_key);
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
        res := coalesce(sk_mod_only(p_role), sk_not_found(format('There is no area with code %s.', p_code)));
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
            res := sk_not_found(format('There is no area with code %s.', p_code));
        ELSIF NOT sk_in_scope(p_role, p_scope, a.municipality) THEN
            res := sk_out_of_scope(p_scope, a.municipality);
        ELSE
            res := sk_area_boundary_set(p_code, p_geojson, p_role, p_org, p_key);
        END IF;
    END IF;
    RETURN QUERY SELECT res.*;
END;
$$;

-- =============================================================================================
-- Vocabularies: national ones are admin business; a municipal exception set belongs to the
-- moderators of its municipality
-- =============================================================================================

CREATE FUNCTION sk_vocab_guard(p_vocab text, p_code text, p_body jsonb, p_role text, p_scope text[])
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

CREATE OR REPLACE FUNCTION api_vocab_upsert(p_vocab text, p_code text, p_body jsonb, p_role text, p_org uuid,
                                            p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    res sk_response := sk_vocab_guard(p_vocab, p_code, CASE WHEN jsonb_typeof(p_body) = 'object' THEN p_body
                                                            ELSE '{}' END, p_role, p_scope);
BEGIN
    IF res.status IS NULL THEN
        res := sk_vocab_upsert(p_vocab, p_code, p_body, p_role, p_org, p_key);
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

-- =============================================================================================
-- Organisations: a home municipality, trust per municipality
-- =============================================================================================

ALTER TABLE organisations
    ADD COLUMN municipality text,
    ADD CONSTRAINT organisations_municipality_fk FOREIGN KEY (municipality, municipality)
        REFERENCES areas (code, municipality);
COMMENT ON CONSTRAINT organisations_municipality_fk ON organisations IS 'municipality: must be the code of a known municipality';

CREATE TABLE organisation_trust (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    municipality    text NOT NULL,
    granted_at      timestamptz NOT NULL DEFAULT now(),
    granted_by      uuid,            -- the key (informative; keys may be deleted)
    PRIMARY KEY (organisation_id, municipality),
    CONSTRAINT organisation_trust_municipality_fk FOREIGN KEY (municipality, municipality)
        REFERENCES areas (code, municipality)
);
-- An organisation trusted before this release was trusted everywhere; it stays so.
INSERT INTO organisation_trust (organisation_id, municipality)
SELECT o.id, a.code FROM organisations o, areas a WHERE o.trusted AND a.kind = 'municipality';

CREATE FUNCTION sk_org_trusted_in(p_org uuid, p_m text) RETURNS boolean LANGUAGE sql STABLE
    RETURN EXISTS (SELECT 1 FROM organisation_trust t WHERE t.organisation_id = p_org AND t.municipality = p_m);

CREATE FUNCTION sk_org_trust_list(p_org uuid) RETURNS text[] LANGUAGE sql STABLE
    RETURN ARRAY(SELECT t.municipality FROM organisation_trust t WHERE t.organisation_id = p_org ORDER BY 1);

-- Where an organisation is active: its home municipality and those of its entries.
CREATE FUNCTION sk_org_active_in(p_org uuid) RETURNS text[] LANGUAGE sql STABLE
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

DROP FUNCTION sk_org_trusted(uuid);
ALTER TABLE organisations DROP COLUMN trusted;

-- Field errors of a complete organisation document (POST body or merged PATCH).
CREATE OR REPLACE FUNCTION sk_org_errors(b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT sk_unknown_member_errors(b, ARRAY['id', 'name', 'description', 'website', 'email', 'phone', 'trusted',
                                             'trusted_in', 'municipality', 'created_at', 'updated_at', 'version'])
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
        || CASE WHEN b->'trusted_in' IS NULL OR jsonb_typeof(b->'trusted_in') = 'null' THEN '[]'::jsonb
                WHEN jsonb_typeof(b->'trusted_in') <> 'array' OR jsonb_array_length(b->'trusted_in') > 400
                     OR EXISTS (SELECT 1 FROM jsonb_array_elements(b->'trusted_in') x
                                 WHERE jsonb_typeof(x) <> 'string' OR x #>> '{}' !~ '^GM[0-9]{4}$')
                    THEN jsonb_build_array(sk_err('trusted_in', 'must be a list of municipality codes like ["GM0512"]'))
                ELSE '[]'::jsonb END
        || CASE WHEN b->'municipality' IS NULL OR jsonb_typeof(b->'municipality') = 'null' THEN '[]'::jsonb
                WHEN jsonb_typeof(b->'municipality') <> 'string' OR b->>'municipality' !~ '^GM[0-9]{4}$'
                    THEN jsonb_build_array(sk_err('municipality', 'must be a municipality code like GM0512'))
                ELSE '[]'::jsonb END
$$;

-- The trust list a write asks for: trusted_in as given, or trusted true/false meaning "in every
-- municipality of my scope" / "in none of them", on top of the current list p_now.
CREATE FUNCTION sk_org_trust_wanted(p_body jsonb, p_now text[], p_role text, p_scope text[]) RETURNS text[]
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

DROP FUNCTION sk_org_write(uuid, jsonb, text, uuid, uuid);
CREATE FUNCTION sk_org_write(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    old organisations;
    o organisations;
    v_doc jsonb;
    v_errs jsonb;
    v_before jsonb;
    v_trust_now text[] := '{}';
    v_trust text[];
    v_changed text[];
    v_home text;
    v_details boolean := false;   -- name, description or contact change
    v_scope_list text[] := sk_scope_municipalities(p_role, p_scope);
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
        v_before := sk_org_render(old);
        v_trust_now := sk_org_trust_list(p_id);
        v_doc := sk_merge_patch(v_before - ARRAY['id', 'created_at', 'updated_at', 'trusted', 'trusted_in'],
                                p_body - ARRAY['id', 'created_at', 'updated_at', 'version', 'trusted', 'trusted_in']);
        v_errs := sk_org_errors(v_doc || (p_body - ARRAY['id', 'created_at', 'updated_at', 'version']));
        IF p_body ? 'id' AND lower(p_body->>'id') IS DISTINCT FROM p_id::text THEN
            v_errs := v_errs || sk_err('id', 'must be the id of this organisation (it cannot be changed)');
        END IF;
    ELSE
        v_doc := p_body - ARRAY['id', 'created_at', 'updated_at', 'version', 'trusted', 'trusted_in'];
        v_errs := sk_org_errors(p_body);
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

CREATE OR REPLACE FUNCTION api_org_create(p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_org_write(NULL, p_body, p_role, p_org, p_key, p_scope) r
$$;

CREATE OR REPLACE FUNCTION api_org_update(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_org_write(p_id, p_body, p_role, p_org, p_key, p_scope) r
$$;

-- =============================================================================================
-- Audit log: read within scope
-- =============================================================================================

ALTER TABLE audit_log ADD COLUMN municipalities text[] NOT NULL DEFAULT '{}';

-- The municipalities an audit row is about (empty: national or not tied to one).
CREATE FUNCTION sk_audit_municipalities(a audit_log) RETURNS text[] LANGUAGE sql STABLE
    RETURN ARRAY(SELECT DISTINCT m FROM unnest(ARRAY[
                     a.before->>'municipality', a.after->>'municipality',
                     CASE WHEN a.entity = 'entry' THEN (SELECT e.municipality FROM entries e WHERE e.id = a.entry_id) END,
                     CASE WHEN a.entity = 'area' THEN (SELECT x.municipality FROM areas x WHERE x.code = a.entity_id) END]) m
                  WHERE m IS NOT NULL ORDER BY 1);

CREATE FUNCTION sk_audit_scope_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.municipalities := sk_audit_municipalities(NEW);
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_log_scope BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION sk_audit_scope_trg();
UPDATE audit_log a SET municipalities = sk_audit_municipalities(a);

-- A limited moderator reads the rows of its municipalities and the national rows (vocabularies,
-- organisations without a home, settings); never another municipality's entries.
CREATE FUNCTION sk_audit_readable(a audit_log, p_role text, p_scope text[]) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN p_role = 'admin' OR '*' = ANY (coalesce(p_scope, '{}'))
        OR a.municipalities && coalesce(p_scope, '{}')
        OR (cardinality(a.municipalities) = 0 AND a.entity <> 'entry');

DROP FUNCTION sk_audit_list(uuid, int, text, text);
CREATE FUNCTION sk_audit_list(p_entry uuid, p_limit int, p_cursor text, p_role text, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
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
               AND sk_audit_readable(x, p_role, p_scope)
             ORDER BY x.id DESC
             LIMIT v_limit + 1) l;
    RETURN sk_reply(200, jsonb_build_object('items', items,
                                            'next_cursor', CASE WHEN n > v_limit THEN items->(v_limit - 1)->>'id' END));
END;
$$;

CREATE OR REPLACE FUNCTION api_audit_list(p_entry uuid, p_limit int, p_cursor text, p_role text, p_org uuid,
                                          p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_audit_list(p_entry, p_limit, p_cursor, p_role, p_scope) r
$$;

-- =============================================================================================
-- Entries: what a caller sees (visibility, private members, moderation state)
-- =============================================================================================

-- The representation as this caller sees it: sk_entry_render, reviewed_at, and for the owner and
-- in-scope moderators the private members and the moderation state.
DROP FUNCTION sk_mod_reply(int, entries, text, text, uuid, text);
DROP FUNCTION sk_mod_view(entries, text, text, uuid);
CREATE FUNCTION sk_mod_view(e entries, p_lang text, p_role text, p_org uuid, p_scope text[]) RETURNS jsonb
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

CREATE FUNCTION sk_mod_reply(p_status int, e entries, p_lang text, p_role text, p_org uuid, p_scope text[],
                             p_location text DEFAULT NULL) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v jsonb := sk_mod_view(e, p_lang, p_role, p_org, p_scope);
BEGIN
    RETURN sk_reply(p_status, v, sk_mod_etag(e.version, v), p_location);
END;
$$;

DROP FUNCTION sk_mod_entry_get(text, uuid, text, text, uuid);
CREATE FUNCTION sk_mod_entry_get(p_kind text, p_id uuid, p_lang text, p_role text, p_org uuid, p_scope text[])
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
DROP FUNCTION sk_entry_get(text, uuid, text, text, uuid);

CREATE OR REPLACE FUNCTION api_entry_get(p_kind text, p_id uuid, p_lang text, p_role text, p_org uuid, p_key uuid,
                                         p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_mod_entry_get(p_kind, p_id, p_lang, p_role, p_org, p_scope) r
$$;

DROP FUNCTION sk_entry_list(text, int, text, text, text, uuid);
CREATE FUNCTION sk_entry_list(p_kind text, p_limit int, p_cursor text, p_lang text, p_role text, p_org uuid,
                              p_scope text[]) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_limit int := greatest(1, least(coalesce(p_limit, 20), 100));
    v_at timestamptz;
    v_id uuid;
    e entries;
    n int := 0;
    items jsonb := '[]';
    v_next text;
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

-- The search renders an 'area_only' address for the owner and in-scope moderators only (0004
-- rendered it for every key holder); otherwise unchanged.
-- GET /api/v1/search and the filtered kind lists. p_params: see sk_search_where, plus sort,
-- limit, cursor and facets (default true). Residents see published entries only, whoever asks.
CREATE OR REPLACE FUNCTION api_search(p_params jsonb, p_lang text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE
    SET jit = off                             -- compiling a search costs more than running it
    SET max_parallel_workers_per_gather = 0   -- many small searches at once: no parallel workers
    AS $$
DECLARE
    p jsonb := coalesce(p_params, '{}');
    v_errs jsonb;
    v_where text;
    v_tsq tsquery;
    v_sort text;
    v_key text;       -- sort value expression
    v_desc boolean;
    v_cur jsonb;
    v_limit int := least(greatest(coalesce((p->>'limit')::int, 20), 1), 100);
    v_lang text := coalesce(p_lang, 'nl');
    v_win record;           -- w_from, w_to
    v_point text := sk_search_point(p);
    v_occ_cond text := sk_search_occ_cond(p);
    v_sql text;
    rec record;
    n int := 0;
    items jsonb := '[]';
    v_hash text;
    v_days int[] := CASE WHEN jsonb_typeof(p_params->'days') = 'array'
                         THEN ARRAY(SELECT jsonb_array_elements_text(p_params->'days')::int) END;
    v_tod text := p_params->>'time_of_day';
    v_bitmap text;
    v_sortset text;
    v_curcond text;           -- the keyset condition of the cursor
    v_ids uuid[] := '{}';     -- the page, in order
    v_dists float8[] := '{}';
    v_scores float4[] := '{}';
    v_window boolean := p_params ?| ARRAY['from', 'to'];
    v_next_from timestamptz;
    v_facets jsonb;
    v_total int;
    v_total_all bigint;
    v_capped boolean;
    v_last_key text;
    v_last_id uuid;
    v_body jsonb;
BEGIN
    v_errs := sk_search_code_errors(p);
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_problem(400, 'bad-request', 'Bad request',
                          (v_errs->0->>'field') || ' ' || (v_errs->0->>'message'), v_errs);
    END IF;
    SELECT * INTO v_win FROM sk_search_window(p);
    IF v_win.w_to <= v_win.w_from THEN
        RETURN sk_bad_field('to', 'must be after from (from is now when not given)');
    END IF;
    IF p ? 'q' THEN
        v_tsq := sk_search_tsquery(p->>'q');
    END IF;
    -- default order (docs/openapi.json): best text match first with q, soonest first with a
    -- from/to window, nearest first near a point, else newest first ('created': a key that never
    -- changes, so paging stays exact while entries are edited)
    v_sort := coalesce(p->>'sort', CASE WHEN v_tsq IS NOT NULL THEN 'relevance'
                                        WHEN p ?| ARRAY['from', 'to'] THEN 'date'
                                        WHEN v_point IS NOT NULL THEN 'distance'
                                        ELSE 'created' END);
    IF v_sort = 'relevance' AND v_tsq IS NULL THEN
        v_sort := 'created';
    END IF;
    CASE v_sort
    WHEN 'relevance' THEN
        v_key := format('ts_rank(e.sk_tsv, %L::tsquery)', v_tsq);
        v_desc := true;
    WHEN 'distance' THEN
        v_key := format('(e.sk_geo <-> %s)', v_point);
        v_desc := false;
    WHEN 'date' THEN
        v_key := format('coalesce((SELECT min(o.starts_at) FROM sk_occurrences o WHERE o.entry_id = e.id'
                        ' AND o.starts_at >= %L::timestamptz AND o.starts_at < %L::timestamptz AND %s), ''infinity'')',
                        v_win.w_from, v_win.w_to, v_occ_cond);
        v_desc := false;
    WHEN 'updated' THEN
        v_key := 'e.updated_at';
        v_desc := true;
    ELSE
        v_key := 'e.created_at';
        v_desc := true;
    END CASE;

    v_where := sk_search_where(p);
    -- a cursor belongs to one sort and one set of filters
    v_hash := left(md5((p - 'cursor' - 'limit' - 'facets' - 'sort')::text), 12);
    IF p ? 'cursor' THEN
        v_cur := sk_search_cursor_read(p->>'cursor');
        IF v_cur IS NULL OR v_cur->>'s' IS DISTINCT FROM v_sort OR v_cur->>'h' IS DISTINCT FROM v_hash
           OR v_cur->'k' IS NULL THEN
            RETURN sk_bad_field('cursor', 'is not a cursor this API gave out for this search; start again without it');
        END IF;
        v_curcond := format('(%1$s %2$s %3$L OR (%1$s = %3$L AND e.id > %4$L::uuid))', v_key,
                            CASE WHEN v_desc THEN '<' ELSE '>' END, v_cur->>'k', v_cur->>'i');
        BEGIN
            EXECUTE format('SELECT %s FROM sk_search_rows e WHERE false', v_curcond);
        EXCEPTION WHEN others THEN
            RETURN sk_bad_field('cursor', 'is not a cursor this API gave out for this search; start again without it');
        END;
    END IF;

    -- relevance and date order every match anyway: count them in the same pass
    v_sql := format('SELECT e.id, (%s)::text AS k, %s AS dist, %s AS score, %s AS total_all FROM sk_search_rows e WHERE %s%s ORDER BY %s %s, e.id LIMIT %s',
                    v_key,
                    CASE WHEN v_point IS NOT NULL THEN format('ST_Distance(e.sk_geo, %s)', v_point) ELSE 'NULL::float8' END,
                    CASE WHEN v_tsq IS NOT NULL THEN format('ts_rank(e.sk_tsv, %L::tsquery)', v_tsq) ELSE 'NULL::float4' END,
                    CASE WHEN v_sort IN ('relevance', 'date') AND v_cur IS NULL THEN 'count(*) OVER ()' ELSE 'NULL::bigint' END,
                    v_where, CASE WHEN v_curcond IS NOT NULL THEN ' AND ' || v_curcond ELSE '' END,
                    v_key, CASE WHEN v_desc THEN 'DESC' ELSE 'ASC' END, v_limit + 1);
    v_next_from := greatest(v_win.w_from, now());
    IF v_sort = 'distance' THEN
        -- Nearest first straight from the GiST index (KNN) instead of fetching every entry in the
        -- radius and sorting them: the inner query walks the index in distance order, the outer
        -- one breaks ties by id (an incremental sort that reads only as far as the page needs;
        -- the inner limit leaves room for 100 entries at the very same spot). The planner
        -- underestimates the rows ST_DWithin keeps, so sorting and bitmap scans are switched off
        -- for this one statement.
        v_sql := format('SELECT x.id, x.d::text AS k, x.d AS dist, NULL::float4 AS score, NULL::bigint AS total_all'
                        ' FROM (SELECT e.id, (e.sk_geo <-> %1$s) AS d FROM sk_search_rows e WHERE %2$s%3$s'
                        ' ORDER BY e.sk_geo <-> %1$s LIMIT %4$s) x ORDER BY x.d, x.id LIMIT %5$s',
                        v_point, v_where, CASE WHEN v_curcond IS NOT NULL THEN ' AND ' || v_curcond ELSE '' END,
                        v_limit + 101, v_limit + 1);
        v_bitmap := current_setting('enable_bitmapscan');
        v_sortset := current_setting('enable_sort');
        PERFORM set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true);
    END IF;
    FOR rec IN EXECUTE v_sql LOOP
        n := n + 1;
        v_total_all := rec.total_all;
        EXIT WHEN n > v_limit;
        v_ids := v_ids || rec.id;
        v_dists := v_dists || rec.dist;
        v_scores := v_scores || rec.score;
        v_last_key := rec.k;
        v_last_id := rec.id;
    END LOOP;
    -- Render the page in one static statement (its plan is kept): the entries, the search's
    -- extra members, and for activities the next occurrence and those in the window.
    SELECT coalesce(jsonb_agg(
               sk_entry_render(x, v_lang, NOT sk_sees_private(x, p_role, p_org, p_scope))
               || CASE WHEN v_point IS NOT NULL THEN jsonb_build_object('distance_m', round(d.dist::numeric, 1)) ELSE '{}' END
               || CASE WHEN v_tsq IS NOT NULL THEN jsonb_build_object('score', round(d.score::numeric, 6)) ELSE '{}' END
               || CASE WHEN x.kind <> 'activity' THEN '{}'::jsonb
                       ELSE jsonb_build_object('next_occurrence', (
                                SELECT jsonb_build_object('start', sk_local(o.local_start),
                                                          'end', sk_local(o.ends_at AT TIME ZONE 'Europe/Amsterdam'))
                                  FROM sk_occurrences o
                                 WHERE o.entry_id = x.id AND o.starts_at >= v_next_from
                                   AND (v_days IS NULL OR extract(isodow FROM o.local_start)::int = ANY (v_days))
                                   AND sk_tod_ok(o.local_start, v_tod)
                                 ORDER BY o.starts_at LIMIT 1)) END
               || CASE WHEN x.kind <> 'activity' OR NOT v_window THEN '{}'::jsonb
                       ELSE jsonb_build_object('occurrences', (
                                SELECT coalesce(jsonb_agg(jsonb_build_object('start', sk_local(w.local_start),
                                                                             'end', sk_local(w.ends_at AT TIME ZONE 'Europe/Amsterdam'))
                                                          ORDER BY w.starts_at), '[]')
                                  FROM (SELECT o.local_start, o.starts_at, o.ends_at FROM sk_occurrences o
                                         WHERE o.entry_id = x.id AND o.starts_at >= v_win.w_from AND o.starts_at < v_win.w_to
                                           AND (v_days IS NULL OR extract(isodow FROM o.local_start)::int = ANY (v_days))
                                           AND sk_tod_ok(o.local_start, v_tod)
                                         ORDER BY o.starts_at LIMIT 3) w)) END
               ORDER BY d.ord), '[]')
      INTO items
      FROM unnest(v_ids, v_dists, v_scores) WITH ORDINALITY AS d(id, dist, score, ord)
      JOIN entries x ON x.id = d.id;
    IF v_sort = 'distance' THEN
        PERFORM set_config('enable_bitmapscan', v_bitmap, true), set_config('enable_sort', v_sortset, true);
    END IF;
    IF coalesce((p->>'facets')::boolean, true) THEN
        v_facets := sk_search_facets(v_where);
        v_total := (v_facets->>'total')::int;
        v_capped := (v_facets->>'capped')::boolean;
        v_facets := v_facets - 'total' - 'capped';
    ELSIF n <= v_limit AND NOT p ? 'cursor' THEN
        v_total := n;                 -- everything fits on this first page
        v_capped := false;
    ELSIF v_total_all IS NOT NULL THEN
        v_total := v_total_all;       -- counted by the page query
        v_capped := false;
    ELSE
        EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM sk_search_rows e WHERE %s LIMIT 1001) x', v_where) INTO v_total;
        v_capped := v_total > 1000;
        v_total := least(v_total, 1000);
    END IF;
    v_body := jsonb_build_object('items', items, 'sort', v_sort, 'total', v_total, 'total_capped', v_capped,
                                 'next_cursor', CASE WHEN n > v_limit THEN sk_search_cursor(v_sort, v_hash, v_last_key, v_last_id) END);
    IF v_facets IS NOT NULL THEN
        v_body := v_body || jsonb_build_object('facets', v_facets);
    END IF;
    RETURN sk_reply(200, v_body);
END;
$$;

-- =============================================================================================
-- Entries: writes with the workflow (0005), with trust per municipality and scoped replies
-- =============================================================================================

DROP FUNCTION sk_mod_entry_create(text, jsonb, jsonb, text, text, uuid, uuid, text[]);
CREATE FUNCTION sk_mod_entry_create(p_kind text, p_body jsonb, p_errors jsonb, p_idem text, p_role text,
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
    PERFORM set_config('sk.initial_status',
                       CASE WHEN p_role = 'partner' AND NOT sk_org_trusted_in(p_org, p_body->>'municipality')
                            THEN 'pending' ELSE '' END, true);
    res := sk_entry_create(p_kind, p_body, p_errors, p_idem, p_role, p_org, p_key);
    PERFORM set_config('sk.initial_status', '', true);
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

-- An untrusted partner's change to its published (or hidden) entry becomes the one pending
-- revision (as in 0005); only the reply changed (the owner sees its own moderation state).
DROP FUNCTION sk_mod_propose(text, uuid, jsonb, boolean, int, jsonb, text, uuid, uuid);
CREATE FUNCTION sk_mod_propose(p_kind text, p_id uuid, p_body jsonb, p_is_patch boolean, p_if_match int,
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
        v_errs := v_errs || sk_entry_complete_errors(p_kind, v_doc);
    ELSE
        v_doc := sk_entry_writable(p_body);
    END IF;
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

DROP FUNCTION sk_mod_entry_update(text, uuid, jsonb, boolean, int, jsonb, text, uuid, uuid, text[]);
CREATE FUNCTION sk_mod_entry_update(p_kind text, p_id uuid, p_body jsonb, p_is_patch boolean, p_if_match int,
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

CREATE OR REPLACE FUNCTION api_entry_update(p_kind text, p_id uuid, p_body jsonb, p_is_patch boolean, p_if_match int,
                                            p_errors jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_mod_entry_update(p_kind, p_id, p_body, coalesce(p_is_patch, false), p_if_match, p_errors,
                                        p_role, p_org, p_key, p_scope) r
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

DROP FUNCTION sk_mod_approve(uuid, text, uuid, uuid, text[]);
CREATE FUNCTION sk_mod_approve(p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[]) RETURNS sk_response
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
            RETURN sk_problem(409, 'revision-outdated', 'The entry changed after this change was proposed',
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
            RETURN sk_problem(409, 'revision-invalid', 'The proposed change can no longer be applied',
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

DROP FUNCTION sk_mod_reject(uuid, jsonb, text, uuid, uuid, text[]);
CREATE FUNCTION sk_mod_reject(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
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

DROP FUNCTION sk_mod_confirm(text, uuid, text, uuid, uuid, text[]);
CREATE FUNCTION sk_mod_confirm(p_kind text, p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
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
        RETURN sk_problem(409, 'hidden-by-moderator', 'A moderator hid this entry',
                          format('A moderator hid this entry: %s. Change it (a moderator then reviews the change) or ask the municipality to show it again.',
                                 e.hidden_reason));
    END IF;
    IF NOT (e.status = 'published' OR (e.status = 'hidden' AND e.hidden_by = 'housekeeping')) THEN
        RETURN sk_problem(409, 'not-published', 'Only a published entry can be confirmed',
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

DROP FUNCTION sk_mod_hide(uuid, jsonb, text, uuid, uuid, text[]);
CREATE FUNCTION sk_mod_hide(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
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
        RETURN sk_problem(409, 'already-hidden', 'Already hidden',
                          format('A moderator already hid this entry: %s', e.hidden_reason));
    END IF;
    IF e.status NOT IN ('published', 'hidden') THEN
        RETURN sk_problem(409, 'not-published', 'Only a published entry can be hidden',
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

DROP FUNCTION sk_mod_unhide(uuid, jsonb, text, uuid, uuid, text[]);
CREATE FUNCTION sk_mod_unhide(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
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
        RETURN sk_problem(409, 'not-hidden', 'Not hidden',
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
        RETURN sk_problem(429, 'too-many-reports', 'Too many reports',
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
        RETURN sk_problem(409, 'already-resolved', 'Already resolved',
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

-- =============================================================================================
-- Occurrences: the work is bounded by the rule, never by the window a client asks for
-- =============================================================================================

-- Like 0004's, with every loop bounded: no date after 2200-12-31 is ever generated, a rule with
-- COUNT enumerates only as far as COUNT occurrences can reach (a month holds each BYDAY /
-- BYMONTHDAY combination at least once in twelve, a day of the year at least once in eight years),
-- and a window that lies wholly before the start or after the rule's end costs nothing.
CREATE OR REPLACE FUNCTION sk_occ_expand(p_start timestamp, p_end timestamp, p_rule text, p_exdates date[], p_sets text[],
                                         p_from date, p_to date)
    RETURNS TABLE (local_start timestamp, local_end timestamp) LANGUAGE plpgsql STABLE AS $$
DECLARE
    r text := regexp_replace(p_rule, '^RRULE:', '');
    sd date := p_start::date;
    tod interval := p_start - p_start::date;
    dur interval := coalesce(p_end - p_start, interval '0');
    freq text;
    ival int;
    cnt int;
    v_until timestamp;
    last_day date;
    byday text[];
    bymd int[];
    k_from int := 0;
    k_to int;
    k_cap int;
    excl date[];
    codes constant text[] := ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    offs int[];
    mon date;
BEGIN
    IF p_start IS NULL OR p_from IS NULL OR p_to IS NULL OR p_to <= p_from THEN
        RETURN;
    END IF;
    p_to := least(p_to, date '2201-01-01');
    IF p_to <= p_from OR p_to <= sd THEN
        RETURN;
    END IF;
    IF r IS NULL THEN
        IF sd >= p_from AND sd < p_to THEN
            local_start := p_start;
            local_end := p_start + dur;
            RETURN NEXT;
        END IF;
        RETURN;
    END IF;
    freq := sk_rrule_part(r, 'FREQ');
    ival := least(greatest(coalesce(sk_rrule_part(r, 'INTERVAL')::int, 1), 1), 99);
    cnt := least(sk_rrule_part(r, 'COUNT')::int, 1000);
    v_until := sk_rrule_until_local(r);
    byday := string_to_array(sk_rrule_part(r, 'BYDAY'), ',');
    bymd := string_to_array(sk_rrule_part(r, 'BYMONTHDAY'), ',')::int[];
    last_day := least(p_to - 1, coalesce(v_until::date, p_to - 1));
    IF last_day < sd OR (cnt IS NULL AND last_day < p_from) THEN
        RETURN;
    END IF;

    IF freq = 'DAILY' THEN
        IF cnt IS NULL THEN
            k_from := greatest(0, (p_from - sd) / ival - 1);
        END IF;
        k_to := (last_day - sd) / ival + 1;
        k_cap := cnt * CASE WHEN byday IS NULL THEN 1 ELSE 7 END;
    ELSIF freq = 'WEEKLY' THEN
        mon := sd - (extract(isodow FROM sd)::int - 1);
        SELECT array_agg(i) INTO offs FROM generate_series(0, 6) i
         WHERE CASE WHEN byday IS NULL THEN i = extract(isodow FROM sd)::int - 1
                    ELSE codes[i + 1] = ANY (byday) END;
        IF cnt IS NULL THEN
            k_from := greatest(0, (p_from - mon) / (7 * ival) - 1);
        END IF;
        k_to := (last_day - mon) / (7 * ival) + 1;
        k_cap := cnt + 1;
    ELSIF freq = 'MONTHLY' THEN
        IF cnt IS NULL THEN
            k_from := greatest(0, ((extract(year FROM p_from) * 12 + extract(month FROM p_from))
                                   - (extract(year FROM sd) * 12 + extract(month FROM sd)))::int / ival - 1);
        END IF;
        k_to := ((extract(year FROM last_day) * 12 + extract(month FROM last_day))
                 - (extract(year FROM sd) * 12 + extract(month FROM sd)))::int / ival + 1;
        k_cap := cnt * 12 + 12;
    ELSIF freq = 'YEARLY' THEN
        k_to := (extract(year FROM last_day)::int - extract(year FROM sd)::int) / ival + 1;
        k_cap := cnt * 8 + 8;
    ELSE
        RETURN;
    END IF;
    IF cnt IS NOT NULL THEN
        k_to := least(k_to, k_cap);
    END IF;
    IF k_to < k_from THEN
        RETURN;
    END IF;
    SELECT coalesce(array_agg(DISTINCT g::date), '{}') INTO excl
      FROM exception_set_dates x,
           generate_series(greatest(lower(x.during), p_from), least(upper(x.during) - 1, p_to - 1), interval '1 day') g
     WHERE x.set_code = ANY (coalesce(p_sets, '{}')) AND x.during && daterange(p_from, p_to);
    excl := excl || coalesce(p_exdates, '{}');

    RETURN QUERY
    WITH cand AS (
        SELECT sd + k * ival AS d FROM generate_series(k_from, k_to) k
         WHERE freq = 'DAILY' AND (byday IS NULL OR codes[extract(isodow FROM sd + k * ival)::int] = ANY (byday))
        UNION ALL
        SELECT mon + k * 7 * ival + i FROM generate_series(k_from, k_to) k, unnest(offs) i
         WHERE freq = 'WEEKLY'
        UNION ALL
        SELECT m.first + i
          FROM generate_series(k_from, k_to) k,
               LATERAL (SELECT (date_trunc('month', sd) + make_interval(months => k * ival))::date AS first) m,
               LATERAL (SELECT extract(day FROM m.first + interval '1 month - 1 day')::int AS dim) n,
               generate_series(0, n.dim - 1) i
         WHERE freq = 'MONTHLY' AND CASE
                   WHEN byday IS NULL AND bymd IS NULL THEN i + 1 = extract(day FROM sd)::int
                   ELSE (bymd IS NULL OR EXISTS (SELECT 1 FROM unnest(bymd) b(x)
                                                  WHERE (b.x > 0 AND b.x = i + 1) OR (b.x < 0 AND n.dim + b.x = i)))
                    AND (byday IS NULL OR EXISTS (
                            SELECT 1 FROM unnest(byday) b(item)
                             WHERE right(b.item, 2) = codes[extract(isodow FROM m.first + i)::int]
                               AND (length(b.item) = 2
                                    OR left(b.item, -2)::int = i / 7 + 1
                                    OR left(b.item, -2)::int = -((n.dim - 1 - i) / 7 + 1))))
               END
        UNION ALL
        SELECT (sd + make_interval(years => k * ival))::date FROM generate_series(k_from, k_to) k
         WHERE freq = 'YEARLY' AND extract(day FROM sd + make_interval(years => k * ival)) = extract(day FROM sd)
    )
    SELECT x.d + tod, x.d + tod + dur
      FROM (SELECT s.d, row_number() OVER (ORDER BY s.d) AS n
              FROM (SELECT sd AS d WHERE k_from = 0
                    UNION ALL
                    SELECT DISTINCT c.d FROM cand c WHERE c.d > sd AND c.d <= last_day) s) x
     WHERE (cnt IS NULL OR x.n <= cnt)
       AND (v_until IS NULL OR x.d + tod <= v_until)
       AND x.d >= p_from AND x.d < p_to
       AND NOT (x.d = ANY (excl))
     ORDER BY x.d;
END;
$$;

DROP FUNCTION api_activity_occurrences(uuid, timestamp, timestamp, text, text, uuid, uuid, text[]);
CREATE FUNCTION api_activity_occurrences(p_id uuid, p_from timestamp, p_to timestamp, p_lang text, p_role text,
                                         p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    e entries;
    v_items jsonb := '[]';
BEGIN
    SELECT * INTO e FROM entries WHERE id = p_id AND kind = 'activity';
    IF NOT FOUND OR NOT sk_entry_visible(e, p_role, p_org, p_scope) THEN
        RETURN sk_not_found(format('There is no activity with id %s.', p_id));
    END IF;
    IF p_from IS NULL OR p_to IS NULL OR p_to <= p_from THEN
        RETURN sk_bad_field('to', 'must be after from');
    END IF;
    IF p_to - p_from > interval '366 days' THEN
        RETURN sk_bad_field('to', 'may be at most 366 days after from');
    END IF;
    -- nothing before the first occurrence; after the last one sk_occ_expand stops by itself
    -- (COUNT, UNTIL), and sk_until may lie before a sparse rule's last occurrence
    IF p_to > e.starts_at THEN
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'start', sk_local(x.local_start),
                   'end', sk_local(x.local_end),
                   'start_utc', to_char(sk_amsterdam(x.local_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   'end_utc', to_char(sk_amsterdam(x.local_end) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   'start_offset', sk_iso(sk_amsterdam(x.local_start)),
                   'local_start', sk_local(x.local_start),
                   'local_end', sk_local(x.local_end)) ORDER BY x.local_start), '[]')
          INTO v_items
          FROM sk_occ_expand(e.starts_at, e.ends_at, e.rrule, e.exdates, e.exception_sets, p_from::date, p_to::date + 1) x
         WHERE x.local_start >= p_from AND x.local_start < p_to;
    END IF;
    RETURN sk_reply(200, jsonb_build_object('activity_id', e.id, 'from', sk_local(p_from), 'to', sk_local(p_to),
                                            'timezone', 'Europe/Amsterdam', 'items', v_items));
END;
$$;

-- One activity's calendar: visible as GET /activities/{id} is.
CREATE FUNCTION sk_ics_one(p_id uuid, p_base text, p_role text, p_org uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    e entries;
BEGIN
    SELECT * INTO e FROM entries WHERE id = p_id AND kind = 'activity';
    IF NOT FOUND OR NOT sk_entry_visible(e, p_role, p_org, p_scope)
       OR (e.status = 'published' AND NOT sk_entry_public(e) AND NOT sk_sees_private(e, p_role, p_org, p_scope)) THEN
        RETURN sk_not_found(format('There is no activity with id %s.', p_id));
    END IF;
    RETURN (200, 'W/' || sk_etag(e.version), NULL,
            sk_ics_header(e.title) || sk_ics_event(p_base, e) || E'END:VCALENDAR\r\n')::sk_response;
END;
$$;

CREATE OR REPLACE FUNCTION api_activity_ics(p_id uuid, p_base text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE sql STABLE
    RETURN sk_ics_one(p_id, p_base, p_role, p_org, p_scope);
DROP FUNCTION sk_ics_one(uuid, text, text, uuid);

-- =============================================================================================
-- Webhooks: every municipality has its own allowance; "all municipalities" is an explicit key
-- =============================================================================================

CREATE OR REPLACE FUNCTION sk_webhook_everywhere(p_role text, p_scope text[]) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role = 'admin' OR (p_role = 'moderator' AND '*' = ANY (p_scope)), false);

-- At most this many subscribers per municipality, and as many national ones (municipality NULL).
CREATE FUNCTION sk_webhook_cap() RETURNS int LANGUAGE sql IMMUTABLE RETURN 50;

CREATE OR REPLACE FUNCTION api_webhook_create(p_body jsonb, p_errors jsonb, p_role text, p_org uuid, p_key uuid,
                                              p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    v_guard sk_response := sk_webhook_guard(p_role);
    v_errs jsonb := '[]';
    v_muni text;
    v_con text;
    v_col text;
    v_msg text;
    w webhooks;
BEGIN
    IF v_guard.status IS NOT NULL THEN
        RETURN QUERY SELECT v_guard.*;
        RETURN;
    END IF;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN QUERY SELECT (sk_bad_field('body', 'must be a JSON object')).*;
        RETURN;
    END IF;
    IF jsonb_typeof(p_body->'municipality') = 'string' THEN
        v_muni := p_body->>'municipality';
        IF NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = v_muni AND a.kind = 'municipality') THEN
            v_errs := v_errs || sk_err('municipality', 'is not a known municipality (see GET /api/v1/areas)');
        ELSIF NOT sk_in_scope(p_role, p_scope, v_muni) THEN
            RETURN QUERY SELECT (sk_out_of_scope(p_scope, v_muni)).*;
            RETURN;
        END IF;
    ELSIF NOT sk_webhook_everywhere(p_role, p_scope) THEN
        IF cardinality(p_scope) = 1 THEN
            v_muni := p_scope[1];        -- the one municipality of the moderator's key
        ELSE
            v_errs := v_errs || sk_err('municipality', 'is required: your key covers more than one municipality');
        END IF;
    END IF;
    v_errs := sk_merge_errors(p_errors, v_errs);
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN QUERY SELECT (sk_invalid(v_errs)).*;
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('sk_webhook_cap:' || coalesce(v_muni, '')));
    IF (SELECT count(*) FROM webhooks x WHERE x.municipality IS NOT DISTINCT FROM v_muni) >= sk_webhook_cap() THEN
        RETURN QUERY SELECT (sk_problem(409, 'conflict', 'Too many webhooks',
                                        format('There are %s webhooks for %s already; delete one you no longer need first.',
                                               sk_webhook_cap(), coalesce(v_muni, 'all municipalities')))).*;
        RETURN;
    END IF;
    BEGIN
        INSERT INTO webhooks (url, secret, kinds, municipality, organisation_id, key_id)
        VALUES (p_body->>'url', p_body->>'secret',
                coalesce(ARRAY(SELECT DISTINCT k FROM jsonb_array_elements_text(
                                   CASE WHEN jsonb_typeof(p_body->'kinds') = 'array' THEN p_body->'kinds'
                                        ELSE '[]'::jsonb END) AS t(k) ORDER BY k), '{}'),
                v_muni, p_org, p_key)
        RETURNING * INTO w;
    EXCEPTION WHEN check_violation OR foreign_key_violation OR not_null_violation OR data_exception THEN
        GET STACKED DIAGNOSTICS v_con = CONSTRAINT_NAME, v_col = COLUMN_NAME, v_msg = MESSAGE_TEXT;
        RETURN QUERY SELECT (sk_invalid(jsonb_build_array(
            sk_constraint_error(nullif(v_con, ''), 'webhooks', nullif(v_col, ''), v_msg)))).*;
        RETURN;
    END;
    RETURN QUERY SELECT (sk_reply(201, sk_webhook_render(w), NULL, '/api/v1/webhooks/' || w.id)).*;
END;
$$;
