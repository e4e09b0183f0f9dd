-- sql/api/web.sql — what the server-rendered residents' pages read: search and entry with Dutch labels.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- The page functions are plpgsql, not sql: their plans are kept for the session, where a sql
-- function's queries are planned again on every execution of the statement that calls it (a page
-- from the index spent 3.5 ms in them instead of about 1).

-- Labels of every vocabulary the pages show, as ordered arrays (order = the order of the filters).
CREATE OR REPLACE FUNCTION sk_web_labels() RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN jsonb_build_object(
        -- a buurt right after its wijk or kern (issue 16)
        'areas', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name, 'kind', a.kind,
                                                               'municipality', a.municipality, 'parent', a.parent)
                                            ORDER BY a.municipality, a.kind <> 'municipality', coalesce(p.name, a.name),
                                                     coalesce(p.code, a.code), a.parent IS NOT NULL, a.name), '[]')
                  FROM areas a LEFT JOIN areas p ON p.code = a.parent WHERE a.retired_at IS NULL),
        -- issue 16: the themes as each municipality names them; searching one is searching its themes
        'municipal_themes', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', m.code, 'municipality', m.municipality,
                                                                          'label', m.label_nl,
                                                                          'themes', array_to_string(m.themes, ','))
                                                       ORDER BY m.municipality, m.position, m.code), '[]')
                               FROM municipal_themes m),
        'themes', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', t.code, 'label', t.label_nl, 'parent', t.parent)
                                             ORDER BY coalesce(p.position, t.position), coalesce(p.code, t.code),
                                                      t.parent IS NOT NULL, t.position, t.code), '[]')
                   FROM themes t LEFT JOIN themes p ON p.code = t.parent WHERE t.retired_at IS NULL),
        'audiences', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'label', label_nl)
                                                ORDER BY position, code), '[]')
                      FROM audiences WHERE retired_at IS NULL),
        'access', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'label', label_nl)
                                             ORDER BY position, code), '[]')
                   FROM accessibility_features WHERE retired_at IS NULL),
        'support_kinds', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'label', label_nl)
                                                    ORDER BY position, code), '[]')
                          FROM support_kinds WHERE retired_at IS NULL),
        'place_types', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'label', label_nl)
                                                  ORDER BY position, code), '[]')
                        FROM place_types WHERE retired_at IS NULL),
        'campaigns', sk_web_campaigns());
END;
$$;

-- Names of the organisations behind a list of items (for "door ..." on the result cards).
CREATE OR REPLACE FUNCTION sk_web_org_names(p_items jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_object_agg(o.id, o.name), '{}')
              FROM organisations o
             WHERE o.id IN (SELECT (i->>'organisation_id')::uuid
                              FROM jsonb_array_elements(coalesce(p_items, '[]')) i
                             WHERE sk_is_uuid(i->>'organisation_id')));
END;
$$;

-- Where each listed item is, for the map of results: its own location as the API shows it, else the
-- location of the published place it is held at (not when the item asks to show only its area).
-- Keyed by item id; items without a point are left out (the list still shows them).
CREATE OR REPLACE FUNCTION sk_web_points(p_items jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_object_agg(i->>'id', coalesce(i->'location', sk_point_json(p.location))), '{}')
              FROM jsonb_array_elements(coalesce(p_items, '[]')) i
              LEFT JOIN entries p ON sk_is_uuid(i->>'place_id') AND p.id = (i->>'place_id')::uuid
                                 AND p.status = 'published'
             WHERE jsonb_typeof(i->'location') = 'object'
                OR (p.location IS NOT NULL AND coalesce(i->>'address_visibility', 'public') <> 'area_only'));
END;
$$;

-- A web page's answer: the API's answer r (a 200 with a JSON object) with the members of p_extra
-- and the labels added to its body.
CREATE OR REPLACE FUNCTION sk_web_page(r sk_response, p_extra jsonb) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
BEGIN
    r.body := (r.body::jsonb || p_extra || jsonb_build_object('labels', sk_web_labels()))::text;
    RETURN r;
END;
$$;

-- The residents' search page around a search's answer (a 200 body of GET /api/v1/search): the
-- labels, the organisations' names and the map's points. The daemon calls it with the answer of its
-- index (anonymous visitors, server/h_web.c), api_web_search with that of api_search.
-- One campaign as the residents' pages show it (NULL when there is none). plpgsql: campaigns.sql,
-- applied after this file, defines sk_campaign_period.
CREATE OR REPLACE FUNCTION sk_web_campaign(p_code text) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object('code', c.code, 'name', c.name, 'summary', c.summary,
                                      'municipality', c.municipality, 'starts_on', c.starts_on, 'ends_on', c.ends_on,
                                      'period', sk_campaign_period(c))
              FROM campaigns c WHERE c.code = p_code);
END;
$$;

-- p_campaign: the campaign of a campaign's page (/campagnes/{code}, issue 16), named above its entries.
CREATE OR REPLACE FUNCTION sk_web_search_page(p_answer jsonb, p_campaign text) RETURNS sk_response LANGUAGE sql STABLE
    RETURN sk_web_page(sk_reply(200, p_answer), jsonb_build_object('organisations', sk_web_org_names(p_answer->'items'),
                                                                  'points', sk_web_points(p_answer->'items'))
                                                || CASE WHEN p_campaign IS NOT NULL
                                                        THEN jsonb_build_object('campaign', sk_web_campaign(p_campaign))
                                                        ELSE '{}'::jsonb END);

CREATE OR REPLACE FUNCTION api_web_search_answer(p_answer jsonb, p_campaign text, p_role text, p_org uuid, p_key uuid,
                                                 p_scope text[])
    RETURNS sk_response LANGUAGE sql STABLE
    RETURN sk_web_search_page(p_answer, p_campaign);

-- The residents' search page from PostgreSQL (the index is not loaded yet, or a caller with a key).
CREATE OR REPLACE FUNCTION api_web_search(p_params jsonb, p_lang text, p_role text, p_org uuid, p_key uuid,
                                          p_scope text[])
    RETURNS sk_response LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN r.status <> 200 THEN r ELSE sk_web_search_page(r.body::jsonb, p_params->>'campaign') END
      FROM api_search(p_params, p_lang, p_role, p_org, p_key, p_scope) r
$$;

-- One entry's page, whatever its kind: the entry as api_entry_get shows it to this caller, with its
-- organisation, its place (activities, vacancies, carer support held at a place), the next dates of an
-- activity and the labels.
CREATE OR REPLACE FUNCTION api_web_entry(p_id uuid, p_lang text, p_role text, p_org uuid, p_key uuid,
                                         p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_kind text;
    r sk_response;
    b jsonb;
    extra jsonb := '{}';
    occ jsonb;
BEGIN
    SELECT kind INTO v_kind FROM entries WHERE id = p_id;
    IF v_kind IS NULL THEN
        RETURN sk_not_found('There is no entry with this id.');
    END IF;
    r := api_entry_get(v_kind, p_id, p_lang, p_role, p_org, p_key, p_scope);
    IF r.status <> 200 THEN
        RETURN r;
    END IF;
    b := r.body::jsonb;
    extra := extra || jsonb_build_object('organisation',
        (SELECT jsonb_build_object('id', o.id, 'name', o.name, 'website', o.website, 'email', o.email,
                                   'phone', o.phone)
         FROM organisations o WHERE o.id = (b->>'organisation_id')::uuid));
    -- issue 16: the names of its campaigns, for the links to their pages
    extra := extra || jsonb_build_object('campaign_names', (
        SELECT coalesce(jsonb_object_agg(c.code, c.name), '{}') FROM campaigns c
         WHERE c.code = ANY (sk_text_array(b->'campaigns'))));
    -- issue 15: the privacy notice of the response form says how long responses are kept
    extra := extra || jsonb_build_object('response_days', (SELECT s.response_days FROM moderation_settings s));
    IF sk_is_uuid(b->>'place_id') THEN
        extra := extra || jsonb_build_object('place',
            (SELECT jsonb_build_object('id', p.id, 'title', p.title, 'address', p.address,
                                       'location', sk_point_json(p.location))
             FROM entries p WHERE p.id = (b->>'place_id')::uuid AND p.status = 'published'));
    END IF;
    IF v_kind = 'activity' AND to_regclass('sk_occurrences') IS NOT NULL THEN
        EXECUTE $q$
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'start', sk_local(o.starts_at AT TIME ZONE 'Europe/Amsterdam'),
                       'end', sk_local(o.ends_at AT TIME ZONE 'Europe/Amsterdam'))
                   ORDER BY o.starts_at), '[]')
            FROM (SELECT * FROM sk_occurrences WHERE entry_id = $1 AND ends_at >= now()
                  ORDER BY starts_at LIMIT 5) o$q$
            INTO occ USING p_id;
        extra := extra || jsonb_build_object('next_occurrences', occ);
    END IF;
    RETURN sk_web_page(r, extra);
END;
$$;

-- The referral list for professionals (issue 16, welzijn op recept): the entries p_ids (a JSON
-- array of ids, at most 12, checked in C) in the order given, each as api_web_entry shows it;
-- what the caller may not see (or what no longer exists) is left out and counted in "missing".
-- Nothing is stored: the list lives in its URL.
CREATE OR REPLACE FUNCTION api_web_referral(p_ids jsonb, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_items jsonb := '[]';
    v_missing int := 0;
    r sk_response;
    v_id text;
BEGIN
    FOR v_id IN SELECT x FROM jsonb_array_elements_text(coalesce(p_ids, '[]')) WITH ORDINALITY t(x, n) ORDER BY n LOOP
        IF NOT sk_is_uuid(v_id) THEN
            v_missing := v_missing + 1;
            CONTINUE;
        END IF;
        r := api_web_entry(v_id::uuid, 'nl', p_role, p_org, p_key, p_scope);
        IF r.status = 200 THEN
            v_items := v_items || jsonb_build_array(r.body::jsonb);
        ELSE
            v_missing := v_missing + 1;
        END IF;
    END LOOP;
    RETURN QUERY SELECT (sk_reply(200, jsonb_build_object('items', v_items, 'missing', v_missing))).*;
END;
$$;

-- "Wat is er te doen in uw wijk" on paper (issue 16, item 7): the activities of one wijk or kern
-- (or a whole municipality) in one month, by day, as the daemon's PDF (server/paper.c) prints
-- them: when, what, where (the place or the address; an address shown only as the area is left
-- out), the phone number to call, the cost and whether to sign up. What serves the area counts:
-- its own entries and those of the whole municipality. p_month is 'YYYY-MM', checked in C; at
-- most 400 dates (then "more on the website").
CREATE OR REPLACE FUNCTION api_web_paper(p_area text, p_month text, p_role text, p_org uuid, p_key uuid,
                                         p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql STABLE AS $$
DECLARE
    a areas;
    m_name text;
    v_from date := (p_month || '-01')::date;
    v_to date := ((p_month || '-01')::date + interval '1 month')::date;
    v_days jsonb;
    v_n int;
    v_more boolean;
BEGIN
    SELECT * INTO a FROM areas x WHERE x.code = p_area AND x.retired_at IS NULL;
    IF a.code IS NULL THEN
        RETURN QUERY SELECT (sk_not_found(format('There is no wijk, kern or municipality %s.', p_area))).*;
        RETURN;
    END IF;
    SELECT x.name INTO m_name FROM areas x WHERE x.code = a.municipality;
    WITH occ AS (
        SELECT o.local_start, o.ends_at AT TIME ZONE 'Europe/Amsterdam' AS local_end, e, p, org
          FROM sk_occurrences o
          JOIN entries e ON e.id = o.entry_id
          LEFT JOIN entries p ON p.id = e.place_id AND p.status = 'published'
          LEFT JOIN organisations org ON org.id = e.organisation_id
         WHERE o.starts_at >= (v_from::timestamp AT TIME ZONE 'Europe/Amsterdam')
           AND o.starts_at < (v_to::timestamp AT TIME ZONE 'Europe/Amsterdam')
           AND e.kind = 'activity' AND sk_entry_public(e) AND e.municipality = a.municipality
           AND (a.kind = 'municipality' OR a.code = ANY (e.areas) OR e.areas = '{}')
         ORDER BY o.local_start, e.title, e.id
         LIMIT 401),
    items AS (
        SELECT (occ.local_start)::date AS day, occ.local_start,
               jsonb_strip_nulls(jsonb_build_object(
                   'start', to_char(occ.local_start, 'HH24:MI'),
                   'end', to_char(occ.local_end, 'HH24:MI'),
                   'title', (occ.e).title,
                   'summary', (occ.e).summary,
                   'place', (occ.p).title,
                   'address', CASE WHEN (occ.p).id IS NOT NULL THEN sk_paper_address((occ.p).address)
                                   WHEN coalesce((occ.e).address_visibility, 'public') = 'public'
                                       THEN sk_paper_address((occ.e).address) END,
                   'online', CASE WHEN (occ.e).online THEN true END,
                   'phone', coalesce((occ.e).contact->>'phone', (occ.org).phone),
                   'organisation', (occ.org).name,
                   'free', CASE WHEN (occ.e).cost @> '{"free": true}' THEN true END,
                   'amount_eur', (occ.e).cost->'amount_eur',
                   'sign_up', CASE WHEN (occ.e).registration = 'required' THEN true END,
                   'wheelchair', CASE WHEN (occ.e).accessibility->>'wheelchair' = 'yes' THEN true END)) AS item
          FROM (SELECT * FROM occ LIMIT 400) occ)
    SELECT coalesce(jsonb_agg(jsonb_build_object('date', d.day, 'items', d.items) ORDER BY d.day), '[]'),
           coalesce(sum(jsonb_array_length(d.items)), 0), (SELECT count(*) > 400 FROM occ)
      INTO v_days, v_n, v_more
      FROM (SELECT day, jsonb_agg(item ORDER BY local_start) AS items FROM items GROUP BY day) d;
    RETURN QUERY SELECT (sk_reply(200, jsonb_build_object(
        'area', jsonb_build_object('code', a.code, 'name', a.name, 'kind', a.kind, 'municipality', a.municipality,
                                   'municipality_name', m_name),
        'month', p_month,
        'days', v_days,
        'count', v_n,
        'more', v_more,
        'made_on', sk_today()))).*;
END;
$$;

-- "Stationsweg 3, Gorinchem" from an address object (NULL when there is none).
CREATE OR REPLACE FUNCTION sk_paper_address(p jsonb) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN nullif(concat_ws(', ', nullif(concat_ws(' ', p->>'street', p->>'house_number'), ''), p->>'city'), '');
