-- sql/api/partner.sql — what the partner pages (/partner) read: their entries, a form's choices (issue 15).
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- The refusal of a caller who is not a partner of an organisation, or NULL. The pages are the
-- organisation's own: moderators have the console.
CREATE OR REPLACE FUNCTION sk_partner_only(p_role text, p_org uuid) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN NOT sk_is_writer(p_role) THEN sk_unauthorized()
                WHEN p_role IS DISTINCT FROM 'partner' OR p_org IS NULL
                    THEN sk_forbidden('These pages are for the partner keys of an organisation.') END;

-- One entry as its organisation sees it on the overview: the owner's view (moderation state,
-- pending revision, open reports), when it was last checked, and its reports (open and resolved,
-- newest first: the same rendering as GET /api/v1/{kind}/{id}/reports).
CREATE OR REPLACE FUNCTION sk_partner_entry(e entries, p_org uuid) RETURNS jsonb LANGUAGE sql STABLE
    RETURN sk_mod_view(e, 'nl', 'partner', p_org, '{}')
           || jsonb_build_object(
                  'reports', coalesce((SELECT jsonb_agg(sk_report_render(x) ORDER BY x.created_at DESC, x.id)
                                         FROM (SELECT * FROM entry_reports r WHERE r.entry_id = e.id
                                                ORDER BY r.created_at DESC, r.id LIMIT 20) x), '[]'::jsonb));

-- GET /partner: the caller's organisation and every entry it offers (any kind, any state but
-- deleted), most recently changed first.
CREATE OR REPLACE FUNCTION api_partner_home(p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql STABLE AS $$
DECLARE
    refusal sk_response := sk_partner_only(p_role, p_org);
    o organisations;
BEGIN
    IF refusal.status IS NOT NULL THEN
        RETURN QUERY SELECT refusal.*;
        RETURN;
    END IF;
    SELECT * INTO o FROM organisations WHERE id = p_org;
    RETURN QUERY SELECT (sk_reply(200, jsonb_build_object(
        'organisation', jsonb_build_object('id', o.id, 'name', o.name, 'municipality', o.municipality),
        'entries', coalesce((SELECT jsonb_agg(sk_partner_entry(x, p_org) ORDER BY x.updated_at DESC, x.id)
                               FROM (SELECT * FROM entries e
                                      WHERE e.organisation_id = p_org AND e.status <> 'deleted'
                                      ORDER BY e.updated_at DESC, e.id LIMIT 500) x), '[]'::jsonb)))).*;
END;
$$;

-- A vocabulary's current terms with their Dutch labels, in the order moderators gave them.
CREATE OR REPLACE FUNCTION sk_partner_terms(p_vocab text, p_municipalities text[]) RETURNS jsonb
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    r jsonb;
BEGIN
    CASE p_vocab
    WHEN 'themes' THEN
        SELECT jsonb_agg(jsonb_build_object('code', code, 'label', label_nl, 'parent', parent) ORDER BY position, code)
          INTO r FROM themes WHERE retired_at IS NULL;
    WHEN 'audiences' THEN
        SELECT jsonb_agg(jsonb_build_object('code', code, 'label', label_nl) ORDER BY position, code)
          INTO r FROM audiences WHERE retired_at IS NULL;
    WHEN 'accessibility' THEN
        SELECT jsonb_agg(jsonb_build_object('code', code, 'label', label_nl, 'allowed_values', to_jsonb(allowed_values))
                         ORDER BY position, code)
          INTO r FROM accessibility_features WHERE retired_at IS NULL;
    WHEN 'support_kinds' THEN
        SELECT jsonb_agg(jsonb_build_object('code', code, 'label', label_nl) ORDER BY position, code)
          INTO r FROM support_kinds WHERE retired_at IS NULL;
    WHEN 'place_types' THEN
        SELECT jsonb_agg(jsonb_build_object('code', code, 'label', label_nl) ORDER BY position, code)
          INTO r FROM place_types WHERE retired_at IS NULL;
    WHEN 'exception_sets' THEN
        SELECT jsonb_agg(jsonb_build_object('code', code, 'label', label_nl, 'municipality', municipality)
                         ORDER BY position, code)
          INTO r FROM exception_sets
         WHERE retired_at IS NULL AND (municipality IS NULL OR municipality = ANY (p_municipalities));
    END CASE;
    RETURN coalesce(r, '[]'::jsonb);
END;
$$;

-- GET /partner/nieuw/{soort} and /partner/aanbod/{id}: everything a form offers, in one call.
-- p_id NULL: a new entry of p_kind. Otherwise the entry must be the caller's organisation's
-- (another organisation's id is a 404, as an unknown one: the page never tells them apart); its
-- kind then comes from the entry and "entry" holds the owner's view, with its version as ETag.
CREATE OR REPLACE FUNCTION api_partner_form(p_kind text, p_id uuid, p_role text, p_org uuid, p_key uuid,
                                            p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql STABLE AS $$
DECLARE
    refusal sk_response := sk_partner_only(p_role, p_org);
    o organisations;
    e entries;
    ms text[];
BEGIN
    IF refusal.status IS NOT NULL THEN
        RETURN QUERY SELECT refusal.*;
        RETURN;
    END IF;
    IF p_id IS NOT NULL THEN
        SELECT * INTO e FROM entries x WHERE x.id = p_id AND x.organisation_id = p_org AND x.status <> 'deleted';
        IF NOT FOUND THEN
            RETURN QUERY SELECT (sk_not_found(format('There is no entry with id %s.', p_id))).*;
            RETURN;
        END IF;
    ELSIF p_kind IS NULL OR p_kind NOT IN ('place', 'activity', 'vacancy', 'carer_support', 'service') THEN
        RETURN QUERY SELECT (sk_not_found('There is no such kind of entry.')).*;
        RETURN;
    END IF;
    SELECT * INTO o FROM organisations WHERE id = p_org;
    ms := ARRAY(SELECT code FROM areas WHERE kind = 'municipality' AND retired_at IS NULL ORDER BY code);
    RETURN QUERY SELECT (sk_reply(200, jsonb_build_object(
        'kind', coalesce(e.kind, p_kind),
        'organisation', jsonb_build_object('id', o.id, 'name', o.name, 'municipality', o.municipality),
        'municipalities', coalesce((SELECT jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name) ORDER BY a.name)
                                      FROM areas a WHERE a.kind = 'municipality' AND a.retired_at IS NULL), '[]'),
        'areas', coalesce((SELECT jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name, 'kind', a.kind,
                                                               'municipality', a.municipality)
                                            ORDER BY a.municipality, a.kind DESC, a.name)
                             FROM areas a WHERE a.kind <> 'municipality'
                              AND (a.retired_at IS NULL OR a.code = ANY (coalesce(e.areas, '{}')))), '[]'),
        'themes', sk_partner_terms('themes', ms),
        'audiences', sk_partner_terms('audiences', ms),
        'accessibility_features', sk_partner_terms('accessibility', ms),
        'support_kinds', sk_partner_terms('support_kinds', ms),
        'place_types', sk_partner_terms('place_types', ms),
        'channels', (SELECT jsonb_agg(jsonb_build_object('code', c, 'label', sk_contract_channel_label(c)) ORDER BY i)
                       FROM unnest(sk_contract_channel_names()) WITH ORDINALITY x(c, i)),
        'exception_sets', sk_partner_terms('exception_sets', ms),
        -- issue 16: the campaigns a partner may tag an entry with (not over yet, or on it already)
        'campaigns', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                   'code', c.code, 'municipality', c.municipality,
                                   'label', c.name || ' (' || to_char(c.starts_on, 'FMDD-FMMM') || ' t/m '
                                            || to_char(c.ends_on, 'FMDD-FMMM-YYYY') || ')')
                                   ORDER BY c.starts_on, c.code)
                                 FROM (SELECT * FROM campaigns x
                                        WHERE x.ends_on >= sk_today() OR x.code = ANY (coalesce(e.campaigns, '{}'))
                                        ORDER BY x.starts_on, x.code LIMIT 50) c), '[]'),
        'places', coalesce((SELECT jsonb_agg(jsonb_build_object('id', p.id, 'title', p.title) ORDER BY p.title, p.id)
                              FROM entries p WHERE p.organisation_id = p_org AND p.kind = 'place'
                               AND p.status <> 'deleted' AND p.id IS DISTINCT FROM e.id), '[]'),
        'entry', CASE WHEN e.id IS NOT NULL THEN sk_mod_view(e, 'nl', p_role, p_org, p_scope) END),
        CASE WHEN e.id IS NOT NULL THEN sk_etag(e.version) END)).*;
END;
$$;
