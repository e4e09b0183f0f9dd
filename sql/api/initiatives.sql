-- sql/api/initiatives.sql — residents' initiatives publish too (issue 16, item 3): "Meld uw
-- initiatief aan" (anyone, no Chamber of Commerce number), the municipality's moderators read,
-- accept (the initiative becomes an organisation with a partner invitation: sk_invitation_create,
-- keys.sql) or decline with a reason. The contact is personal data: only those moderators see it,
-- the audit log never holds it, and the housekeeping erases it at erase_contact_on (90 days
-- without a decision, 30 after one).
--
-- One current definition of each function; `socialekaart migrate` applies this file whenever the
-- release's SQL code changes. Edit in place. Licensed under the EUPL

-- An initiative as the API shows it; with_contact for the municipality's moderators only.
CREATE OR REPLACE FUNCTION sk_initiative_render(i initiatives, p_with_contact boolean) RETURNS jsonb
    LANGUAGE sql STABLE
    RETURN jsonb_build_object('id', i.id, 'name', i.name, 'description', i.description,
                              'municipality', i.municipality, 'area', i.area,
                              'area_name', (SELECT a.name FROM areas a WHERE a.code = i.area),
                              'website', i.website, 'status', i.status, 'reason', i.reason,
                              'organisation_id', i.organisation_id, 'created_on', i.created_on,
                              'decided_at', sk_iso(i.decided_at), 'erase_contact_on', i.erase_contact_on)
           || CASE WHEN p_with_contact
                   THEN jsonb_build_object('contact_name', i.contact_name, 'email', i.contact_email,
                                           'phone', i.contact_phone)
                   ELSE '{}'::jsonb END;

-- p_body: {name, description, municipality, area?, contact_name, email?, phone?, website?}, formats
-- checked in C (VALIDATE_BODY_INITIATIVE, errors in p_errors); here: the codes exist, the area lies
-- in the municipality, an e-mail address or a phone number, and the municipality's messages of
-- today stay under wishes_per_day (the same bound as "Ik mis iets").
CREATE OR REPLACE FUNCTION sk_initiative_create(p_body jsonb, p_errors jsonb) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    s moderation_settings;
    v_errs jsonb := coalesce(p_errors, '[]');
    v_m text := p_body->>'municipality';
    v_area text := nullif(p_body->>'area', '');
    i initiatives;
BEGIN
    IF (sk_not_object(p_body)).status IS NOT NULL THEN
        RETURN sk_not_object(p_body);
    END IF;
    v_errs := v_errs || sk_resident_place_errors(v_m, v_area);
    IF nullif(btrim(p_body->>'email'), '') IS NULL AND nullif(btrim(p_body->>'phone'), '') IS NULL THEN
        v_errs := v_errs || sk_err('email', 'or phone is required: how the municipality can reach you');
    END IF;
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    SELECT * INTO s FROM moderation_settings;
    PERFORM pg_advisory_xact_lock(hashtext('initiatives:' || v_m));
    IF (SELECT count(*) FROM initiatives x
         WHERE x.municipality = v_m AND x.created_on = (now() AT TIME ZONE 'Europe/Amsterdam')::date) >= s.wishes_per_day THEN
        RETURN sk_problem(429, NULL, format('This municipality has received %s initiatives today; try again tomorrow.',
                                            s.wishes_per_day));
    END IF;
    INSERT INTO initiatives (name, description, municipality, area, contact_name, contact_email, contact_phone, website,
                             erase_contact_on)
    VALUES (btrim(p_body->>'name'), btrim(p_body->>'description'), v_m, v_area, btrim(p_body->>'contact_name'),
            nullif(btrim(p_body->>'email'), ''), nullif(btrim(p_body->>'phone'), ''), nullif(btrim(p_body->>'website'), ''),
            (now() AT TIME ZONE 'Europe/Amsterdam')::date + 90)
    RETURNING * INTO i;
    RETURN sk_reply(201, sk_initiative_render(i, false));
END;
$$;

CREATE OR REPLACE FUNCTION api_initiative_create(p_body jsonb, p_errors jsonb, p_role text, p_org uuid, p_key uuid,
                                                 p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_initiative_create(p_body, p_errors) r
$$;

-- The initiatives of the caller's municipalities (or of p_m), newest first, with their contact.
CREATE OR REPLACE FUNCTION sk_initiative_list(p_m text, p_status text, p_limit int, p_role text, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF p_m IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, p_m) THEN
        RETURN sk_out_of_scope(p_scope, p_m);
    END IF;
    RETURN sk_reply(200, jsonb_build_object('items', coalesce((
        SELECT jsonb_agg(sk_initiative_render(i, true) ORDER BY i.created_on DESC, i.id)
          FROM (SELECT * FROM initiatives x
                 WHERE (p_m IS NULL OR x.municipality = p_m) AND sk_in_scope(p_role, p_scope, x.municipality)
                   AND (p_status IS NULL OR x.status = p_status)
                 ORDER BY x.created_on DESC, x.id LIMIT p_limit) i), '[]')));
END;
$$;

CREATE OR REPLACE FUNCTION api_initiative_list(p_municipality text, p_status text, p_limit int, p_role text,
                                               p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_initiative_list(p_municipality, p_status, p_limit, p_role, p_scope) r
$$;

-- The initiative p_id locked for a decision by the caller, or the answer that refuses it.
CREATE OR REPLACE FUNCTION sk_initiative_for_decision(p_id uuid, p_body jsonb, p_role text, p_scope text[],
                                                      OUT i initiatives, OUT refusal sk_response)
    LANGUAGE plpgsql AS $$
BEGIN
    refusal := sk_mod_write_refusal(p_role, p_body);
    IF refusal.status IS NOT NULL THEN
        RETURN;
    END IF;
    refusal := NULL;
    SELECT * INTO i FROM initiatives WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT sk_in_scope(p_role, p_scope, i.municipality) THEN
        -- another municipality's initiative (with its contact) does not exist for this caller
        refusal := sk_not_found(format('There is no initiative with id %s in your municipalities.', p_id));
    ELSIF i.status <> 'new' THEN
        refusal := sk_problem(409, NULL, format('This initiative was %s on %s.', i.status,
                                                to_char(i.decided_at AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD')));
    END IF;
END;
$$;

-- Accept: the organisation and its invitation by the invitations' own rules (sk_invitation_create:
-- the organisations' checks, scope, audit), the link to send in the answer (shown once).
-- p_body: {valid_days?} (1..30, the invitation's).
CREATE OR REPLACE FUNCTION sk_initiative_accept(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid,
                                                p_scope text[]) RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    d record;
    i initiatives;
    r sk_response;
    v_inv jsonb;
BEGIN
    d := sk_initiative_for_decision(p_id, coalesce(p_body, '{}'), p_role, p_scope);
    IF (d.refusal).status IS NOT NULL THEN
        RETURN d.refusal;
    END IF;
    i := d.i;
    IF EXISTS (SELECT 1 FROM jsonb_object_keys(coalesce(p_body, '{}')) k WHERE k <> 'valid_days') THEN
        RETURN sk_invalid(jsonb_build_array(sk_err('body', 'may hold only valid_days')));
    END IF;
    r := sk_invitation_create(
        jsonb_strip_nulls(jsonb_build_object(
            'organisation', jsonb_strip_nulls(jsonb_build_object(
                'name', i.name, 'description', i.description, 'municipality', i.municipality,
                'email', i.contact_email, 'phone', i.contact_phone, 'website', i.website)),
            'contact_name', i.contact_name, 'contact_email', i.contact_email,
            'valid_days', p_body->'valid_days')),
        NULL, p_role, p_org, p_key, p_scope);
    IF r.status <> 201 THEN
        RETURN r;
    END IF;
    v_inv := r.body::jsonb;
    UPDATE initiatives
       SET status = 'accepted', organisation_id = (v_inv->>'organisation_id')::uuid, invitation_id = (v_inv->>'id')::uuid,
           decided_at = now(), decided_by = p_key, erase_contact_on = (now() AT TIME ZONE 'Europe/Amsterdam')::date + 30
     WHERE id = i.id
    RETURNING * INTO i;
    PERFORM sk_audit(p_role, p_org, p_key, 'initiative', i.id::text, NULL, 'accept', NULL,
                     sk_initiative_render(i, false));
    RETURN sk_reply(200, sk_initiative_render(i, true) || jsonb_build_object('invitation', v_inv));
END;
$$;

CREATE OR REPLACE FUNCTION api_initiative_accept(p_id uuid, p_body jsonb, p_role text, p_org uuid, p_key uuid,
                                                 p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_initiative_accept(p_id, p_body, p_role, p_org, p_key, p_scope) r
$$;

-- Decline with a reason (1..1000 characters; C checks the format: VALIDATE_BODY_REASON_REQUIRED).
CREATE OR REPLACE FUNCTION sk_initiative_decline(p_id uuid, p_body jsonb, p_errors jsonb, p_role text, p_org uuid,
                                                 p_key uuid, p_scope text[]) RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    d record;
    i initiatives;
    v_errs jsonb;
BEGIN
    d := sk_initiative_for_decision(p_id, p_body, p_role, p_scope);
    IF (d.refusal).status IS NOT NULL THEN
        RETURN d.refusal;
    END IF;
    v_errs := coalesce(p_errors, '[]') || sk_reason_errors(p_body, true, 'is required: why the initiative is declined');
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    UPDATE initiatives
       SET status = 'declined', reason = btrim(p_body->>'reason'), decided_at = now(), decided_by = p_key,
           erase_contact_on = (now() AT TIME ZONE 'Europe/Amsterdam')::date + 30
     WHERE id = (d.i).id
    RETURNING * INTO i;
    PERFORM sk_audit(p_role, p_org, p_key, 'initiative', i.id::text, NULL, 'decline', NULL,
                     sk_initiative_render(i, false));
    RETURN sk_reply(200, sk_initiative_render(i, true));
END;
$$;

CREATE OR REPLACE FUNCTION api_initiative_decline(p_id uuid, p_body jsonb, p_errors jsonb, p_role text, p_org uuid,
                                                  p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_initiative_decline(p_id, p_body, p_errors, p_role, p_org, p_key, p_scope) r
$$;

-- Housekeeping: erase the contacts whose day has come.
CREATE OR REPLACE FUNCTION api_initiatives_housekeeping() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    n int;
BEGIN
    UPDATE initiatives SET contact_name = NULL, contact_email = NULL, contact_phone = NULL
     WHERE erase_contact_on < (now() AT TIME ZONE 'Europe/Amsterdam')::date
       AND (contact_name IS NOT NULL OR contact_email IS NOT NULL OR contact_phone IS NOT NULL);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN format('erased the contact of %s initiatives', n);
END;
$$;
