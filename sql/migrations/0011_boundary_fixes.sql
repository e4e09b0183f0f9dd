-- 0011 boundary fixes (review of issue 12, after 0009 was applied): 0009 stays as it shipped;
-- these replace four of its functions.
--   * sk_org_write: moving an organisation's home needs every municipality it is active in.
--   * sk_mod_entry_update, sk_mod_entry_delete: a moderator's scope is checked on the locked row.
--   * api_activity_occurrences: occurrences after sk_until are not hidden (sk_occ_expand stops by
--     itself at COUNT/UNTIL; sk_until may lie before a sparse rule's last occurrence).

CREATE OR REPLACE FUNCTION sk_org_write(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
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

CREATE OR REPLACE FUNCTION api_activity_occurrences(p_id uuid, p_from timestamp, p_to timestamp, p_lang text, p_role text,
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
