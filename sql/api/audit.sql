-- sql/api/audit.sql — the audit log: who changed what, readable by admins and by moderators within their
-- municipalities.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- =============================================================================================
-- Audit
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_audit(p_role text, p_org uuid, p_key uuid, p_entity text, p_entity_id text, p_entry uuid,
                         p_action text, p_before jsonb, p_after jsonb) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO audit_log (key_id, organisation_id, role, entity, entity_id, entry_id, action, before, after)
    VALUES (p_key, p_org, coalesce(p_role, 'system'), p_entity, p_entity_id, p_entry, p_action, p_before, p_after)
$$;

-- The municipalities an audit row is about (empty: national or not tied to one).
-- plpgsql, not sql: its plan is cached for the session, also across subtransactions (see sk_iso).
CREATE OR REPLACE FUNCTION sk_audit_municipalities(a audit_log) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN ARRAY(SELECT DISTINCT m FROM unnest(ARRAY[
                     a.before->>'municipality', a.after->>'municipality',
                     CASE WHEN a.entity = 'entry' THEN (SELECT e.municipality FROM entries e WHERE e.id = a.entry_id) END,
                     CASE WHEN a.entity = 'area' THEN (SELECT x.municipality FROM areas x WHERE x.code = a.entity_id) END]) m
                  WHERE m IS NOT NULL ORDER BY 1);
END;
$$;

CREATE OR REPLACE FUNCTION sk_audit_scope_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.municipalities := sk_audit_municipalities(NEW);
    RETURN NEW;
END;
$$;

-- A limited moderator reads the rows of its municipalities and the national rows (vocabularies,
-- organisations without a home, settings); never another municipality's entries.
CREATE OR REPLACE FUNCTION sk_audit_readable(a audit_log, p_role text, p_scope text[]) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN p_role = 'admin' OR '*' = ANY (coalesce(p_scope, '{}'))
        OR a.municipalities && coalesce(p_scope, '{}')
        OR (cardinality(a.municipalities) = 0 AND a.entity <> 'entry');

CREATE OR REPLACE FUNCTION sk_audit_list(p_entry uuid, p_limit int, p_cursor text, p_role text, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_limit int := sk_list_limit(p_limit);
    v_before bigint;
    items jsonb;
    n int;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF p_cursor IS NOT NULL THEN
        IF p_cursor !~ '^[0-9]{1,18}$' THEN
            RETURN sk_bad_cursor();
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

CREATE OR REPLACE TRIGGER audit_log_scope BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION sk_audit_scope_trg();
