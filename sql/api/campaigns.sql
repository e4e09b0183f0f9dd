-- sql/api/campaigns.sql — campaigns (issue 16, item 5): named moments that group entries, with a
-- date range, a page (/campagnes/{code}), a search filter (?campaign=) and feeds (the calendar
-- and the map with ?campaign=). Who may:
--   * anyone reads campaigns (GET /api/v1/campaigns, /api/v1/campaigns/{code});
--   * a moderator makes, changes and deletes the campaigns of the municipalities of their key, an
--     admin also those of every municipality (municipality null);
--   * a partner tags their own entries (the entry's "campaigns" member: sk_campaign_tag_errors);
--   * a moderator curates: puts an entry of their municipalities in a campaign or takes it out
--     (PUT/DELETE /api/v1/campaigns/{code}/entries/{id}), which is an update of the entry.
--
-- One current definition of each function; `socialekaart migrate` applies this file whenever the
-- release's SQL code changes. Edit in place. Licensed under the EUPL

CREATE OR REPLACE FUNCTION sk_today() RETURNS date LANGUAGE sql STABLE
    RETURN (now() AT TIME ZONE 'Europe/Amsterdam')::date;

CREATE OR REPLACE FUNCTION sk_campaign_period(c campaigns) RETURNS text LANGUAGE sql STABLE
    RETURN CASE WHEN c.ends_on < sk_today() THEN 'past' WHEN c.starts_on > sk_today() THEN 'upcoming'
                ELSE 'current' END;

-- A campaign as the API shows it, with the number of entries residents see in it now.
CREATE OR REPLACE FUNCTION sk_campaign_render(c campaigns) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN jsonb_build_object(
        'code', c.code, 'name', c.name, 'summary', c.summary, 'municipality', c.municipality,
        'starts_on', c.starts_on, 'ends_on', c.ends_on, 'period', sk_campaign_period(c),
        'entry_count', (SELECT count(*) FROM entries e WHERE e.campaigns @> ARRAY[c.code] AND e.campaigns <> '{}'
                                                          AND sk_entry_public(e)),
        'links', jsonb_build_object('page', '/campagnes/' || c.code,
                                    'search', '/api/v1/search?campaign=' || c.code,
                                    'calendar', '/api/v1/activities.ics?campaign=' || c.code,
                                    'map', '/api/v1/activities.geojson?campaign=' || c.code),
        'created_at', sk_iso(c.created_at), 'updated_at', sk_iso(c.updated_at));
END;
$$;

-- The errors of an entry's "campaigns" member (p_tags, the complete document's) for an entry of
-- municipality p_m whose stored codes are p_old: each a campaign of that municipality or of every
-- municipality, and not over yet unless the entry had it already.
CREATE OR REPLACE FUNCTION sk_campaign_tag_errors(p_tags jsonb, p_m text, p_old text[]) RETURNS jsonb
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF jsonb_typeof(p_tags) IS DISTINCT FROM 'array' OR p_tags = '[]'::jsonb THEN
        RETURN '[]';
    END IF;
    RETURN (SELECT coalesce(jsonb_agg(sk_err(format('campaigns[%s]', x.i - 1),
               CASE WHEN c.code IS NULL THEN 'is not a known campaign (see GET /api/v1/campaigns)'
                    WHEN c.municipality IS NOT NULL AND p_m IS NOT NULL AND c.municipality <> p_m
                        THEN format('is a campaign of municipality %s, not of %s', c.municipality, p_m)
                    ELSE format('ended on %s and can no longer be chosen', c.ends_on)
               END) ORDER BY x.i), '[]'::jsonb)
              FROM jsonb_array_elements_text(p_tags) WITH ORDINALITY AS x(code, i)
              LEFT JOIN campaigns c ON c.code = x.code
             WHERE c.code IS NULL
                OR (c.municipality IS NOT NULL AND p_m IS NOT NULL AND c.municipality <> p_m)
                OR (c.ends_on < sk_today() AND NOT x.code = ANY (coalesce(p_old, '{}'))));
END;
$$;

-- GET /api/v1/campaigns?municipality=&period=: p_municipality's campaigns and those of every
-- municipality; p_period current, upcoming, past or all (default: not past), by start date.
CREATE OR REPLACE FUNCTION api_campaigns_list(p_municipality text, p_period text, p_limit int, p_role text, p_org uuid,
                                              p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_limit int := sk_list_limit(p_limit);
BEGIN
    IF p_municipality IS NOT NULL AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = p_municipality
                                                                           AND a.kind = 'municipality') THEN
        RETURN QUERY SELECT (sk_bad_field('municipality', format('is not a known municipality: %s', p_municipality))).*;
        RETURN;
    END IF;
    RETURN QUERY SELECT (sk_reply(200, jsonb_build_object('items', coalesce((
        SELECT jsonb_agg(sk_campaign_render(c) ORDER BY c.starts_on, c.code)
          FROM (SELECT * FROM campaigns x
                 WHERE (p_municipality IS NULL OR x.municipality IS NULL OR x.municipality = p_municipality)
                   AND CASE coalesce(p_period, 'now')
                           WHEN 'now' THEN x.ends_on >= sk_today()
                           WHEN 'current' THEN x.starts_on <= sk_today() AND x.ends_on >= sk_today()
                           WHEN 'upcoming' THEN x.starts_on > sk_today()
                           WHEN 'past' THEN x.ends_on < sk_today()
                           ELSE true END
                 ORDER BY x.starts_on, x.code LIMIT v_limit) c), '[]')))).*;
END;
$$;

CREATE OR REPLACE FUNCTION api_campaign_get(p_code text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT (coalesce((SELECT sk_reply(200, sk_campaign_render(c)) FROM campaigns c WHERE c.code = p_code),
                     sk_not_found(format('There is no campaign %s.', p_code)))).*
$$;

-- Who may change campaign c (NULL: a new one) into one of municipality p_new: a moderator of both
-- municipalities; one of every municipality (NULL) is an admin's.
CREATE OR REPLACE FUNCTION sk_campaign_refusal(c campaigns, p_new text, p_changes boolean, p_role text, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF c.code IS NOT NULL THEN
        IF c.municipality IS NULL AND p_role IS DISTINCT FROM 'admin' THEN
            RETURN sk_admin_only(p_role, 'a campaign of every municipality');
        ELSIF c.municipality IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, c.municipality) THEN
            RETURN sk_out_of_scope(p_scope, c.municipality);
        END IF;
    END IF;
    IF p_changes THEN
        IF p_new IS NULL AND p_role IS DISTINCT FROM 'admin' THEN
            RETURN sk_admin_only(p_role, 'a campaign of every municipality');
        ELSIF p_new IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, p_new) THEN
            RETURN sk_out_of_scope(p_scope, p_new);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

-- PUT /api/v1/campaigns/{code}: make or replace. p_body {name, summary?, municipality?, starts_on,
-- ends_on}: its shapes checked in C (VALIDATE_BODY_CAMPAIGN, errors in p_errors); here the
-- municipality, the dates and who may.
CREATE OR REPLACE FUNCTION api_campaign_put(p_code text, p_body jsonb, p_errors jsonb, p_role text, p_org uuid,
                                            p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    old campaigns;
    c campaigns;
    v_errs jsonb := coalesce(p_errors, '[]');
    v_m text := CASE WHEN jsonb_typeof(p_body->'municipality') = 'string' THEN p_body->>'municipality' END;
    v_res sk_response := sk_not_object(p_body);
    v_con text;
    v_col text;
    v_tab text;
    v_msg text;
BEGIN
    IF v_res.status IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext('campaign:' || p_code));
        SELECT * INTO old FROM campaigns x WHERE x.code = p_code FOR UPDATE;
        v_res := sk_campaign_refusal(old, v_m, true, p_role, p_scope);
    END IF;
    IF v_res.status IS NOT NULL THEN
        RETURN QUERY SELECT v_res.*;
        RETURN;
    END IF;
    IF v_m IS NOT NULL AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = v_m AND a.kind = 'municipality') THEN
        v_errs := v_errs || sk_err('municipality', format('is not a known municipality: %s', v_m));
    END IF;
    IF NOT (length(p_code) <= 64 AND p_code ~ '^[a-z0-9]+(-[a-z0-9]+)*$') THEN
        v_errs := v_errs || sk_err('code', 'must be lowercase words joined by hyphens (burendag-2027), at most 64 characters');
    END IF;
    IF old.code IS NOT NULL AND v_m IS DISTINCT FROM old.municipality
       AND EXISTS (SELECT 1 FROM entries e WHERE e.campaigns @> ARRAY[p_code] AND e.campaigns <> '{}'
                                             AND v_m IS NOT NULL AND e.municipality <> v_m) THEN
        v_errs := v_errs || sk_err('municipality', 'cannot change: entries of other municipalities are in this campaign');
    END IF;
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN QUERY SELECT (sk_invalid(v_errs)).*;
        RETURN;
    END IF;
    BEGIN
        INSERT INTO campaigns AS x (code, municipality, name, summary, starts_on, ends_on)
        VALUES (p_code, v_m, btrim(p_body->>'name'), nullif(btrim(p_body->>'summary'), ''),
                (p_body->>'starts_on')::date, (p_body->>'ends_on')::date)
        ON CONFLICT (code) DO UPDATE
           SET (municipality, name, summary, starts_on, ends_on, updated_at)
             = (EXCLUDED.municipality, EXCLUDED.name, EXCLUDED.summary, EXCLUDED.starts_on, EXCLUDED.ends_on, now())
        RETURNING x.* INTO c;
    EXCEPTION WHEN check_violation OR data_exception THEN
        GET STACKED DIAGNOSTICS v_con = CONSTRAINT_NAME, v_tab = TABLE_NAME, v_col = COLUMN_NAME, v_msg = MESSAGE_TEXT;
        RETURN QUERY SELECT (sk_invalid(jsonb_build_array(
            sk_constraint_error(nullif(v_con, ''), nullif(v_tab, ''), nullif(v_col, ''), v_msg)))).*;
        RETURN;
    END;
    PERFORM sk_audit(p_role, p_org, p_key, 'campaign', p_code, NULL,
                     CASE WHEN old.code IS NULL THEN 'create' ELSE 'update' END,
                     CASE WHEN old.code IS NOT NULL THEN to_jsonb(old) - 'created_at' - 'updated_at' END,
                     to_jsonb(c) - 'created_at' - 'updated_at');
    RETURN QUERY SELECT (sk_reply(CASE WHEN old.code IS NULL THEN 201 ELSE 200 END, sk_campaign_render(c), NULL,
                                  CASE WHEN old.code IS NULL THEN '/api/v1/campaigns/' || p_code END)).*;
END;
$$;

-- DELETE /api/v1/campaigns/{code}: the campaign goes, and its code out of every entry (each such
-- entry is changed: version, feeds and the index follow).
CREATE OR REPLACE FUNCTION api_campaign_delete(p_code text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    c campaigns;
    v_res sk_response;
BEGIN
    SELECT * INTO c FROM campaigns x WHERE x.code = p_code FOR UPDATE;
    v_res := sk_campaign_refusal(c, NULL, false, p_role, p_scope);
    IF v_res.status IS NULL AND c.code IS NULL THEN
        v_res := sk_not_found(format('There is no campaign %s.', p_code));
    END IF;
    IF v_res.status IS NOT NULL THEN
        RETURN QUERY SELECT v_res.*;
        RETURN;
    END IF;
    UPDATE entries e SET campaigns = array_remove(e.campaigns, p_code), version = e.version + 1, updated_at = now()
     WHERE e.campaigns @> ARRAY[p_code] AND e.campaigns <> '{}';
    DELETE FROM campaigns x WHERE x.code = p_code;
    PERFORM sk_audit(p_role, p_org, p_key, 'campaign', p_code, NULL, 'delete',
                     to_jsonb(c) - 'created_at' - 'updated_at', NULL);
    RETURN QUERY SELECT (sk_reply(204, NULL)).*;
END;
$$;

-- PUT (p_add) or DELETE /api/v1/campaigns/{code}/entries/{id}: a moderator of the entry's
-- municipality puts it in the campaign or takes it out. Idempotent; the answer is the campaign.
CREATE OR REPLACE FUNCTION api_campaign_entry(p_code text, p_id uuid, p_add boolean, p_role text, p_org uuid,
                                              p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    c campaigns;
    e entries;
    v_new text[];
    v_errs jsonb;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN QUERY SELECT (sk_mod_only(p_role)).*;
        RETURN;
    END IF;
    SELECT * INTO c FROM campaigns x WHERE x.code = p_code;
    IF c.code IS NULL THEN
        RETURN QUERY SELECT (sk_not_found(format('There is no campaign %s.', p_code))).*;
        RETURN;
    END IF;
    SELECT * INTO e FROM entries x WHERE x.id = p_id AND x.status <> 'deleted' FOR UPDATE;
    IF e.id IS NULL OR (NOT sk_in_scope(p_role, p_scope, e.municipality) AND e.status <> 'published') THEN
        RETURN QUERY SELECT (sk_not_found(format('There is no entry with id %s in your municipalities.', p_id))).*;
        RETURN;
    ELSIF NOT sk_in_scope(p_role, p_scope, e.municipality) THEN
        RETURN QUERY SELECT (sk_out_of_scope(p_scope, e.municipality)).*;
        RETURN;
    END IF;
    IF p_add THEN
        v_errs := sk_campaign_tag_errors(jsonb_build_array(p_code), e.municipality, e.campaigns);
        IF jsonb_array_length(v_errs) > 0 THEN
            RETURN QUERY SELECT (sk_problem(409, NULL, format('This entry cannot be in campaign %s: it %s.', p_code,
                                                              v_errs->0->>'message'))).*;
            RETURN;
        END IF;
        v_new := CASE WHEN p_code = ANY (e.campaigns) THEN e.campaigns ELSE e.campaigns || p_code END;
    ELSE
        v_new := array_remove(e.campaigns, p_code);
    END IF;
    IF v_new IS DISTINCT FROM e.campaigns THEN
        UPDATE entries x SET campaigns = v_new, version = x.version + 1, updated_at = now() WHERE x.id = e.id;
        PERFORM sk_audit(p_role, p_org, p_key, 'entry', e.id::text, e.id, 'update',
                         jsonb_build_object('campaigns', e.campaigns), jsonb_build_object('campaigns', v_new));
    END IF;
    RETURN QUERY SELECT (sk_reply(200, sk_campaign_render(c))).*;
END;
$$;

-- The campaigns the front page names ("Nu bezig"): running or coming, with published entries, the
-- 20 that start first. Every page of a campaign works whatever this list holds (sk_web_campaign).
CREATE OR REPLACE FUNCTION sk_web_campaigns() RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_agg(sk_web_campaign(c.code) ORDER BY c.starts_on, c.code), '[]')
              FROM (SELECT x.code, x.starts_on FROM campaigns x
                     WHERE x.ends_on >= sk_today()
                       AND EXISTS (SELECT 1 FROM entries e WHERE e.campaigns @> ARRAY[x.code] AND e.campaigns <> '{}'
                                                             AND e.status = 'published')
                     ORDER BY x.starts_on, x.code LIMIT 20) c);
END;
$$;

CREATE OR REPLACE TRIGGER campaigns_index_catalog AFTER INSERT OR DELETE OR TRUNCATE ON campaigns
    FOR EACH STATEMENT EXECUTE FUNCTION sk_index_catalog_bump_trg();
