-- sql/api/keys.sql — partners' API keys, invitations of organisations, browser sessions (issue 15).
--
-- A moderator invites an organisation; the link (a token shown once) gives the partner its first
-- key; a partner rotates and revokes its own keys, a moderator those of organisations whose
-- municipality is in its scope. Only partner keys are made here: moderator and admin keys come
-- from the CLI on the server. No secret is stored in clear (keys: SHA-256 of the secret, made by
-- the daemon; invitations: SHA-256 of the token) and none goes to the audit log.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- =============================================================================================
-- Who manages whose keys
-- =============================================================================================

-- May the caller act on organisation o's keys and invitations? A partner: its own organisation;
-- a moderator: one whose home municipality is in its scope (no home: all-municipality keys only);
-- an admin: all.
CREATE OR REPLACE FUNCTION sk_key_manages(o organisations, p_role text, p_org uuid, p_scope text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role = 'partner' AND o.id = p_org, false) OR sk_in_scope(p_role, p_scope, o.municipality);

-- The answer that refuses the caller organisation p_org_id's keys, or NULL.
CREATE OR REPLACE FUNCTION sk_key_refusal(p_org_id uuid, p_role text, p_org uuid, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    o organisations;
BEGIN
    IF NOT sk_is_writer(p_role) THEN
        RETURN sk_unauthorized();
    END IF;
    IF p_role = 'partner' AND p_org_id IS DISTINCT FROM p_org THEN
        RETURN sk_forbidden('A partner key manages only the keys of its own organisation.');
    END IF;
    SELECT * INTO o FROM organisations WHERE id = p_org_id;
    IF NOT FOUND THEN
        RETURN sk_not_found(format('There is no organisation with id %s.', p_org_id));
    END IF;
    IF NOT sk_key_manages(o, p_role, p_org, p_scope) THEN
        RETURN sk_out_of_scope(p_scope, coalesce(o.municipality, 'an organisation without a municipality'));
    END IF;
    RETURN NULL;
END;
$$;

-- A key as the API shows it: never its secret or hash.
CREATE OR REPLACE FUNCTION sk_key_render(k api_keys) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object('id', k.id, 'organisation_id', k.organisation_id, 'label', k.label, 'role', k.role,
                              'created_at', sk_iso(k.created_at), 'created_by', k.created_by,
                              'revoked_at', sk_iso(k.revoked_at), 'expires_at', sk_iso(k.expires_at));

-- What the audit log keeps of a key: its render and the organisation's home (the audit's scope).
CREATE OR REPLACE FUNCTION sk_key_audit_doc(k api_keys) RETURNS jsonb LANGUAGE sql STABLE
    RETURN sk_key_render(k) || jsonb_build_object(
        'municipality', (SELECT o.municipality FROM organisations o WHERE o.id = k.organisation_id));

-- Errors of a key's label (optional, one line, at most 100 characters).
CREATE OR REPLACE FUNCTION sk_key_label_errors(p_field text, v jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN sk_line_errors(p_field, v, false, 100);

-- A key is revoked together with the browser sessions opened with it.
CREATE OR REPLACE FUNCTION sk_key_revoke_row(p_id uuid) RETURNS api_keys LANGUAGE sql AS $$
    WITH s AS (UPDATE api_keys SET revoked_at = now() WHERE session_of = p_id AND revoked_at IS NULL RETURNING 1)
    UPDATE api_keys k SET revoked_at = coalesce(k.revoked_at, now())
     WHERE k.id = p_id AND (SELECT count(*) FROM s) >= 0
    RETURNING k.*
$$;

-- =============================================================================================
-- Keys of an organisation
-- =============================================================================================

-- The organisation's partner keys (not its sessions), oldest first.
CREATE OR REPLACE FUNCTION sk_key_list(p_org_id uuid, p_role text, p_org uuid, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF (sk_key_refusal(p_org_id, p_role, p_org, p_scope)).status IS NOT NULL THEN
        RETURN sk_key_refusal(p_org_id, p_role, p_org, p_scope);
    END IF;
    RETURN sk_reply(200, jsonb_build_object('items', coalesce(
        (SELECT jsonb_agg(sk_key_render(k) ORDER BY k.created_at, k.id)
           FROM api_keys k
          WHERE k.organisation_id = p_org_id AND k.role = 'partner' AND k.session_of IS NULL), '[]'::jsonb)));
END;
$$;

CREATE OR REPLACE FUNCTION api_key_list(p_org_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_key_list(p_org_id, p_role, p_org, p_scope) r
$$;

-- p_key_id, p_secret_hash: the new key the daemon made (auth_key_generate); the clear key is only
-- in the daemon's answer. Body {"label"?, "role"?}: role can only be "partner".
CREATE OR REPLACE FUNCTION sk_key_create(p_org_id uuid, p_body jsonb, p_key_id uuid, p_secret_hash bytea, p_role text,
                                         p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    v_body jsonb := coalesce(p_body, '{}');
    v_errs jsonb;
    k api_keys;
BEGIN
    IF (sk_key_refusal(p_org_id, p_role, p_org, p_scope)).status IS NOT NULL THEN
        RETURN sk_key_refusal(p_org_id, p_role, p_org, p_scope);
    END IF;
    IF (sk_not_object(v_body)).status IS NOT NULL THEN
        RETURN sk_not_object(v_body);
    END IF;
    IF v_body ? 'role' AND v_body->'role' IS DISTINCT FROM '"partner"'::jsonb THEN
        RETURN sk_forbidden('Only partner keys can be made through the API; moderator and admin keys are made on the server (socialekaart key create).');
    END IF;
    v_errs := sk_unknown_member_errors(v_body, ARRAY['label', 'role']) || sk_key_label_errors('label', v_body->'label');
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    INSERT INTO api_keys (id, organisation_id, role, secret_hash, label, created_by)
    VALUES (p_key_id, p_org_id, 'partner', p_secret_hash, btrim(v_body->>'label'), p_key)
    RETURNING * INTO k;
    PERFORM sk_audit(p_role, p_org, p_key, 'api_key', k.id::text, NULL, 'create', NULL, sk_key_audit_doc(k));
    RETURN sk_reply(201, sk_key_render(k));
END;
$$;

CREATE OR REPLACE FUNCTION api_key_create(p_org_id uuid, p_body jsonb, p_key_id uuid, p_secret_hash bytea, p_role text,
                                          p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_key_create(p_org_id, p_body, p_key_id, p_secret_hash, p_role, p_org, p_key, p_scope) r
$$;

-- The partner key p_id of organisation p_org_id, locked; NULL when there is none.
CREATE OR REPLACE FUNCTION sk_key_lock(p_org_id uuid, p_id uuid) RETURNS api_keys LANGUAGE sql AS $$
    SELECT k.* FROM api_keys k
     WHERE k.id = p_id AND k.organisation_id = p_org_id AND k.role = 'partner' AND k.session_of IS NULL
       FOR UPDATE
$$;

-- A new key with the old one's label; the old one (and its sessions) revoked, in one transaction.
CREATE OR REPLACE FUNCTION sk_key_rotate(p_org_id uuid, p_old uuid, p_key_id uuid, p_secret_hash bytea, p_role text,
                                         p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    old api_keys;
    k api_keys;
BEGIN
    IF (sk_key_refusal(p_org_id, p_role, p_org, p_scope)).status IS NOT NULL THEN
        RETURN sk_key_refusal(p_org_id, p_role, p_org, p_scope);
    END IF;
    old := sk_key_lock(p_org_id, p_old);
    IF old.id IS NULL THEN
        RETURN sk_not_found(format('This organisation has no partner key with id %s.', p_old));
    END IF;
    IF old.revoked_at IS NOT NULL THEN
        RETURN sk_problem(409, 'conflict', 'This key is revoked; a revoked key cannot be rotated. Make a new key instead.');
    END IF;
    old := sk_key_revoke_row(old.id);
    INSERT INTO api_keys (id, organisation_id, role, secret_hash, label, created_by)
    VALUES (p_key_id, p_org_id, 'partner', p_secret_hash, old.label, p_key)
    RETURNING * INTO k;
    PERFORM sk_audit(p_role, p_org, p_key, 'api_key', old.id::text, NULL, 'rotate', NULL,
                     sk_key_audit_doc(old) || jsonb_build_object('replaced_by', k.id));
    PERFORM sk_audit(p_role, p_org, p_key, 'api_key', k.id::text, NULL, 'create', NULL,
                     sk_key_audit_doc(k) || jsonb_build_object('replaces', old.id));
    RETURN sk_reply(201, sk_key_render(k) || jsonb_build_object('replaces', old.id));
END;
$$;

CREATE OR REPLACE FUNCTION api_key_rotate(p_org_id uuid, p_old uuid, p_key_id uuid, p_secret_hash bytea, p_role text,
                                          p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_key_rotate(p_org_id, p_old, p_key_id, p_secret_hash, p_role, p_org, p_key, p_scope) r
$$;

-- Revoke at once (idempotent: a revoked key answers as it is).
CREATE OR REPLACE FUNCTION sk_key_revoke(p_org_id uuid, p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    old api_keys;
    k api_keys;
BEGIN
    IF (sk_key_refusal(p_org_id, p_role, p_org, p_scope)).status IS NOT NULL THEN
        RETURN sk_key_refusal(p_org_id, p_role, p_org, p_scope);
    END IF;
    old := sk_key_lock(p_org_id, p_id);
    IF old.id IS NULL THEN
        RETURN sk_not_found(format('This organisation has no partner key with id %s.', p_id));
    END IF;
    IF old.revoked_at IS NOT NULL THEN
        RETURN sk_reply(200, sk_key_render(old));
    END IF;
    k := sk_key_revoke_row(old.id);
    PERFORM sk_audit(p_role, p_org, p_key, 'api_key', k.id::text, NULL, 'revoke', sk_key_audit_doc(old),
                     sk_key_audit_doc(k));
    RETURN sk_reply(200, sk_key_render(k));
END;
$$;

CREATE OR REPLACE FUNCTION api_key_revoke(p_org_id uuid, p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_key_revoke(p_org_id, p_id, p_role, p_org, p_key, p_scope) r
$$;

-- =============================================================================================
-- Browser sessions: a short-lived key opened with a partner key (the pages' cookie)
-- =============================================================================================

CREATE OR REPLACE FUNCTION sk_session_open(p_key_id uuid, p_secret_hash bytea, p_session_id uuid, p_session_hash bytea)
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    k api_keys;
    s api_keys;
    v_name text;
BEGIN
    SELECT * INTO k FROM api_keys
     WHERE id = p_key_id AND role = 'partner' AND session_of IS NULL AND revoked_at IS NULL
       AND (expires_at IS NULL OR expires_at > now());
    -- sha256 of both sides: the comparison's time says nothing about the stored hash
    IF NOT FOUND OR p_secret_hash IS NULL OR sha256(k.secret_hash) <> sha256(p_secret_hash) THEN
        RETURN sk_problem(401, NULL, 'This is not a valid partner key: it is unknown, revoked, or not a partner key.');
    END IF;
    INSERT INTO api_keys (id, organisation_id, role, secret_hash, label, created_by, expires_at, session_of)
    VALUES (p_session_id, k.organisation_id, 'partner', p_session_hash, 'browser', k.id, now() + interval '12 hours', k.id)
    RETURNING * INTO s;
    SELECT o.name INTO v_name FROM organisations o WHERE o.id = k.organisation_id;
    PERFORM sk_audit('partner', k.organisation_id, k.id, 'session', s.id::text, NULL, 'create', NULL, sk_key_audit_doc(s));
    RETURN sk_reply(201, jsonb_build_object('organisation_id', k.organisation_id, 'organisation_name', v_name,
                                            'expires_at', sk_iso(s.expires_at)));
END;
$$;

CREATE OR REPLACE FUNCTION api_session_open(p_key_id uuid, p_secret_hash bytea, p_session_id uuid, p_session_hash bytea)
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_session_open(p_key_id, p_secret_hash, p_session_id, p_session_hash) r
$$;

-- The caller's own session ends (logging out); a key that is not a session is not closed.
CREATE OR REPLACE FUNCTION sk_session_close(p_role text, p_org uuid, p_key uuid, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql AS $$
DECLARE
    s api_keys;
BEGIN
    IF NOT sk_is_writer(p_role) OR p_key IS NULL THEN
        RETURN sk_unauthorized();
    END IF;
    SELECT * INTO s FROM api_keys WHERE id = p_key FOR UPDATE;
    IF s.session_of IS NULL THEN
        RETURN sk_problem(409, 'conflict', 'This key is not a browser session; revoke a key with DELETE /api/v1/organisations/{id}/keys/{key_id}.');
    END IF;
    IF s.revoked_at IS NULL THEN
        UPDATE api_keys SET revoked_at = now() WHERE id = p_key RETURNING * INTO s;
        PERFORM sk_audit(p_role, p_org, p_key, 'session', s.id::text, NULL, 'revoke', NULL, sk_key_audit_doc(s));
    END IF;
    RETURN sk_reply(200, jsonb_build_object('organisation_id', s.organisation_id, 'closed_at', sk_iso(s.revoked_at)));
END;
$$;

CREATE OR REPLACE FUNCTION api_session_close(p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_session_close(p_role, p_org, p_key, p_scope) r
$$;

-- =============================================================================================
-- Invitations
-- =============================================================================================

CREATE OR REPLACE FUNCTION sk_invitation_status(i invitations) RETURNS text LANGUAGE sql STABLE
    RETURN CASE WHEN i.revoked_at IS NOT NULL THEN 'revoked'
                WHEN i.accepted_at IS NOT NULL THEN 'accepted'
                WHEN i.expires_at <= now() THEN 'expired'
                ELSE 'open' END;

-- An invitation as moderators see it (never its token).
CREATE OR REPLACE FUNCTION sk_invitation_render(i invitations, o organisations) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object('id', i.id, 'organisation_id', i.organisation_id, 'organisation_name', o.name,
                              'municipality', o.municipality, 'contact_name', i.contact_name,
                              'contact_email', i.contact_email, 'created_at', sk_iso(i.created_at),
                              'created_by', i.created_by, 'expires_at', sk_iso(i.expires_at),
                              'accepted_at', sk_iso(i.accepted_at), 'key_id', i.key_id,
                              'revoked_at', sk_iso(i.revoked_at), 'status', sk_invitation_status(i));

-- What the audit log keeps of an invitation: no token and no contact (personal data).
CREATE OR REPLACE FUNCTION sk_invitation_audit_doc(i invitations, o organisations) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object('id', i.id, 'organisation_id', i.organisation_id, 'municipality', o.municipality,
                              'expires_at', sk_iso(i.expires_at), 'key_id', i.key_id,
                              'status', sk_invitation_status(i));

-- The field errors of an organisation's write, renamed to the member they came in (organisation.name).
CREATE OR REPLACE FUNCTION sk_invitation_org_problem(r sk_response) RETURNS sk_response LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN r.body::jsonb ? 'errors' THEN
                sk_invalid((SELECT jsonb_agg(sk_err(CASE WHEN e->>'field' = '' THEN 'organisation'
                                                         ELSE 'organisation.' || (e->>'field') END, e->>'message'))
                              FROM jsonb_array_elements(r.body::jsonb->'errors') e))
           ELSE r END
$$;

-- p_errors: what the daemon found in the body's members (validate.c, VALIDATE_BODY_INVITATION and,
-- for a new organisation, VALIDATE_BODY_ORG_CREATE as "organisation.<member>"); this adds "one of
-- the two", which organisation, its scope, and creates the new organisation by sk_org_write's rules.
CREATE OR REPLACE FUNCTION sk_invitation_create(p_body jsonb, p_errors jsonb, p_role text, p_org uuid, p_key uuid,
                                                p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    v_errs jsonb := coalesce(p_errors, '[]');
    v_days int := 14;
    o organisations;
    i invitations;
    r sk_response;
    v_token text;
    v_new jsonb;
BEGIN
    IF (sk_mod_write_refusal(p_role, p_body)).status IS NOT NULL THEN
        RETURN sk_mod_write_refusal(p_role, p_body);
    END IF;
    v_errs := v_errs || sk_unknown_member_errors(p_body, ARRAY['organisation_id', 'organisation', 'contact_name',
                                                               'contact_email', 'valid_days'])
              || sk_line_errors('contact_name', p_body->'contact_name', p_body ? 'organisation', 200)
              || sk_line_errors('contact_email', p_body->'contact_email', false, 254);
    IF jsonb_typeof(p_body->'contact_email') = 'string' AND p_body->>'contact_email' !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN
        v_errs := v_errs || sk_err('contact_email', 'must be an e-mail address');
    END IF;
    IF p_body ? 'valid_days' AND jsonb_typeof(p_body->'valid_days') <> 'null' THEN
        IF jsonb_typeof(p_body->'valid_days') <> 'number' OR (p_body->>'valid_days') !~ '^[0-9]{1,2}$'
           OR (p_body->>'valid_days')::int NOT BETWEEN 1 AND 30 THEN
            v_errs := v_errs || sk_err('valid_days', 'must be a whole number of days from 1 to 30');
        ELSE
            v_days := (p_body->>'valid_days')::int;
        END IF;
    END IF;
    IF p_body ? 'organisation_id' AND p_body ? 'organisation' THEN
        v_errs := v_errs || sk_err('organisation', 'give organisation_id or organisation, not both');
    ELSIF p_body ? 'organisation_id' THEN
        IF NOT sk_is_uuid(p_body->>'organisation_id') OR jsonb_typeof(p_body->'organisation_id') <> 'string' THEN
            v_errs := v_errs || sk_err('organisation_id', 'must be a UUID');
        ELSE
            SELECT * INTO o FROM organisations WHERE id = (p_body->>'organisation_id')::uuid;
            IF NOT FOUND THEN
                v_errs := v_errs || sk_err('organisation_id', 'is not an organisation of this sociale kaart');
            END IF;
        END IF;
    ELSIF jsonb_typeof(p_body->'organisation') = 'object' THEN
        v_new := p_body->'organisation';
        IF jsonb_typeof(v_new->'municipality') IS DISTINCT FROM 'string' THEN
            v_errs := v_errs || sk_err('organisation.municipality', 'is required');
        END IF;
    ELSIF p_body ? 'organisation' THEN
        v_errs := v_errs || sk_err('organisation', 'must be an object');
    ELSE
        v_errs := v_errs || sk_err('organisation_id', 'is required (or give a new organisation in organisation)');
    END IF;
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    IF o.id IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, o.municipality) THEN
        RETURN sk_out_of_scope(p_scope, coalesce(o.municipality, 'an organisation without a municipality'));
    END IF;
    IF v_new IS NOT NULL THEN
        -- the organisations' own rules (members, municipality, scope, trust, audit)
        r := sk_org_write(NULL, v_new, NULL, p_role, p_org, p_key, p_scope);
        IF r.status <> 201 THEN
            RETURN sk_invitation_org_problem(r);
        END IF;
        SELECT * INTO o FROM organisations WHERE id = (r.body::jsonb->>'id')::uuid;
    END IF;

    v_token := rtrim(translate(encode(gen_random_bytes(32), 'base64'), '+/', '-_'), '=');
    INSERT INTO invitations (organisation_id, token_hash, contact_name, contact_email, created_by, expires_at)
    VALUES (o.id, sha256(convert_to(v_token, 'UTF8')), btrim(p_body->>'contact_name'), btrim(p_body->>'contact_email'),
            p_key, now() + make_interval(days => v_days))
    RETURNING * INTO i;
    PERFORM sk_audit(p_role, p_org, p_key, 'invitation', i.id::text, NULL, 'create', NULL, sk_invitation_audit_doc(i, o));
    RETURN sk_reply(201, sk_invitation_render(i, o)
                         || jsonb_build_object('token', v_token, 'url', '/partner/uitnodiging/' || v_token));
END;
$$;

CREATE OR REPLACE FUNCTION api_invitation_create(p_body jsonb, p_errors jsonb, p_role text, p_org uuid, p_key uuid,
                                                 p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_invitation_create(p_body, p_errors, p_role, p_org, p_key, p_scope) r
$$;

-- The invitations a moderator may see (of organisations whose home is in scope), newest first;
-- p_organisation narrows to one organisation.
CREATE OR REPLACE FUNCTION sk_invitation_list(p_organisation uuid, p_limit int, p_cursor text, p_role text,
                                              p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_limit int := sk_list_limit(p_limit);
    v_at timestamptz;
    v_id uuid;
    o organisations;
    items jsonb;
    n int;
    v_next text;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF (sk_cursor_refusal(p_cursor)).status IS NOT NULL THEN
        RETURN sk_cursor_refusal(p_cursor);
    END IF;
    IF p_organisation IS NOT NULL THEN
        SELECT * INTO o FROM organisations WHERE id = p_organisation;
        IF NOT FOUND THEN
            RETURN sk_not_found(format('There is no organisation with id %s.', p_organisation));
        END IF;
        IF NOT sk_in_scope(p_role, p_scope, o.municipality) THEN
            RETURN sk_out_of_scope(p_scope, coalesce(o.municipality, 'an organisation without a municipality'));
        END IF;
    END IF;
    v_at := sk_cursor_at(p_cursor);
    v_id := sk_cursor_id(p_cursor);
    SELECT coalesce(jsonb_agg(l.doc ORDER BY l.rn) FILTER (WHERE l.rn <= v_limit), '[]'::jsonb), count(*),
           (array_agg(l.cur ORDER BY l.rn) FILTER (WHERE l.rn <= v_limit))[v_limit]
      INTO items, n, v_next
      FROM (SELECT sk_invitation_render(i, x) AS doc, sk_cursor(i.created_at, i.id) AS cur,
                   row_number() OVER (ORDER BY i.created_at DESC, i.id DESC) AS rn
              FROM invitations i JOIN organisations x ON x.id = i.organisation_id
             WHERE (p_organisation IS NULL OR i.organisation_id = p_organisation)
               AND sk_in_scope(p_role, p_scope, x.municipality)
               AND (v_at IS NULL OR (i.created_at, i.id) < (v_at, v_id))
             ORDER BY i.created_at DESC, i.id DESC
             LIMIT v_limit + 1) l;
    RETURN sk_reply(200, jsonb_build_object('items', items, 'next_cursor', CASE WHEN n > v_limit THEN v_next END));
END;
$$;

CREATE OR REPLACE FUNCTION api_invitation_list(p_organisation uuid, p_limit int, p_cursor text, p_role text,
                                               p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_invitation_list(p_organisation, p_limit, p_cursor, p_role, p_scope) r
$$;

-- The link stops working; an accepted invitation stays as it is (its key is revoked on its own).
CREATE OR REPLACE FUNCTION sk_invitation_revoke(p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    i invitations;
    o organisations;
    v_before jsonb;
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    SELECT * INTO i FROM invitations WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN sk_not_found(format('There is no invitation with id %s.', p_id));
    END IF;
    SELECT * INTO o FROM organisations WHERE id = i.organisation_id;
    IF NOT sk_in_scope(p_role, p_scope, o.municipality) THEN
        RETURN sk_out_of_scope(p_scope, coalesce(o.municipality, 'an organisation without a municipality'));
    END IF;
    IF i.accepted_at IS NOT NULL THEN
        RETURN sk_problem(409, 'conflict', 'This invitation was already accepted; revoke the key it gave instead.');
    END IF;
    IF i.revoked_at IS NULL THEN
        v_before := sk_invitation_audit_doc(i, o);
        UPDATE invitations SET revoked_at = now() WHERE id = p_id RETURNING * INTO i;
        PERFORM sk_audit(p_role, p_org, p_key, 'invitation', i.id::text, NULL, 'revoke', v_before,
                         sk_invitation_audit_doc(i, o));
    END IF;
    RETURN sk_reply(200, sk_invitation_render(i, o));
END;
$$;

CREATE OR REPLACE FUNCTION api_invitation_revoke(p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_invitation_revoke(p_id, p_role, p_org, p_key, p_scope) r
$$;

-- The invitation a token opens, or NULL (a token is 43 base64url characters; anything else is none).
CREATE OR REPLACE FUNCTION sk_invitation_by_token(p_token text) RETURNS invitations LANGUAGE sql STABLE AS $$
    SELECT i.* FROM invitations i
     WHERE p_token ~ '^[A-Za-z0-9_-]{43}$' AND i.token_hash = sha256(convert_to(p_token, 'UTF8'))
$$;

-- 404 for no invitation, 410 for one that can no longer be used, NULL for an open one.
CREATE OR REPLACE FUNCTION sk_invitation_refusal(i invitations) RETURNS sk_response LANGUAGE sql STABLE
    RETURN CASE WHEN i.id IS NULL THEN sk_not_found('There is no invitation with this link.')
                WHEN sk_invitation_status(i) = 'accepted' THEN sk_problem(410, NULL, 'This invitation was already used.')
                WHEN sk_invitation_status(i) = 'revoked' THEN sk_problem(410, NULL, 'This invitation was withdrawn.')
                WHEN sk_invitation_status(i) = 'expired' THEN sk_problem(410, NULL, 'This invitation has expired.')
           END;

CREATE OR REPLACE FUNCTION sk_invitation_peek(p_token text) RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    i invitations := sk_invitation_by_token(p_token);
    o organisations;
BEGIN
    IF (sk_invitation_refusal(i)).status IS NOT NULL THEN
        RETURN sk_invitation_refusal(i);
    END IF;
    SELECT * INTO o FROM organisations WHERE id = i.organisation_id;
    RETURN sk_reply(200, jsonb_build_object('organisation_id', o.id, 'organisation_name', o.name,
                                            'municipality', o.municipality, 'contact_name', i.contact_name,
                                            'expires_at', sk_iso(i.expires_at)));
END;
$$;

CREATE OR REPLACE FUNCTION api_invitation_peek(p_token text)
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_invitation_peek(p_token) r
$$;

-- The link's one use: a partner key of the invitation's organisation (made by the daemon), and the
-- invitation accepted, atomically (the row is locked: a second use waits, then gets 410).
CREATE OR REPLACE FUNCTION sk_invitation_accept(p_token text, p_label text, p_key_id uuid, p_secret_hash bytea)
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    i invitations := sk_invitation_by_token(p_token);
    o organisations;
    k api_keys;
    v_errs jsonb;
    v_before jsonb;
BEGIN
    IF i.id IS NOT NULL THEN
        SELECT * INTO i FROM invitations WHERE id = i.id FOR UPDATE;
    END IF;
    IF (sk_invitation_refusal(i)).status IS NOT NULL THEN
        RETURN sk_invitation_refusal(i);
    END IF;
    v_errs := sk_key_label_errors('label', to_jsonb(p_label));
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    SELECT * INTO o FROM organisations WHERE id = i.organisation_id;
    v_before := sk_invitation_audit_doc(i, o);
    INSERT INTO api_keys (id, organisation_id, role, secret_hash, label, created_by)
    VALUES (p_key_id, i.organisation_id, 'partner', p_secret_hash, coalesce(btrim(p_label), 'Eerste sleutel'),
            i.created_by)
    RETURNING * INTO k;
    UPDATE invitations SET accepted_at = now(), key_id = k.id WHERE id = i.id RETURNING * INTO i;
    PERFORM sk_audit('anonymous', o.id, NULL, 'invitation', i.id::text, NULL, 'accept', v_before,
                     sk_invitation_audit_doc(i, o));
    PERFORM sk_audit('anonymous', o.id, NULL, 'api_key', k.id::text, NULL, 'create', NULL,
                     sk_key_audit_doc(k) || jsonb_build_object('invitation_id', i.id));
    RETURN sk_reply(201, jsonb_build_object('key_id', k.id, 'organisation_id', o.id, 'organisation_name', o.name));
END;
$$;

CREATE OR REPLACE FUNCTION api_invitation_accept(p_token text, p_label text, p_key_id uuid, p_secret_hash bytea)
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_invitation_accept(p_token, p_label, p_key_id, p_secret_hash) r
$$;
