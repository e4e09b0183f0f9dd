-- sql/api/access.sql — who may do what: roles (admin, moderator, partner) and a key's scope of municipalities.
-- Every api_* function asks these before it reads or writes.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

CREATE OR REPLACE FUNCTION sk_is_mod(p_role text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role IN ('moderator', 'admin'), false);

CREATE OR REPLACE FUNCTION sk_is_writer(p_role text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role IN ('partner', 'moderator', 'admin'), false);

CREATE OR REPLACE FUNCTION sk_mod_only(p_role text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN NOT sk_is_writer(p_role) THEN sk_unauthorized()
                WHEN NOT sk_is_mod(p_role) THEN sk_forbidden('Only a moderator or admin can do this.') END;

-- The answer that refuses a moderator's write with body p_body (not a moderator, the body not a
-- JSON object), or NULL.
CREATE OR REPLACE FUNCTION sk_mod_write_refusal(p_role text, p_body jsonb) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN coalesce(sk_mod_only(p_role), sk_not_object(p_body));

CREATE OR REPLACE FUNCTION sk_in_scope(p_role text, p_scope text[], p_m text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role = 'admin'
                    OR (p_role = 'moderator' AND ('*' = ANY (p_scope) OR p_m = ANY (p_scope))), false);

-- Every municipality the caller may act in (admins and all-municipality keys: all of them).
CREATE OR REPLACE FUNCTION sk_scope_municipalities(p_role text, p_scope text[]) RETURNS text[] LANGUAGE sql STABLE
    RETURN ARRAY(SELECT a.code FROM areas a
                  WHERE a.kind = 'municipality' AND sk_in_scope(p_role, p_scope, a.code) ORDER BY a.code);

CREATE OR REPLACE FUNCTION sk_out_of_scope(p_scope text[], p_m text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN sk_forbidden(format('Your key may act only in %s; this is about %s.',
                               coalesce(nullif(array_to_string(p_scope, ', '), ''), 'no municipality'),
                               coalesce(p_m, 'another municipality')));

CREATE OR REPLACE FUNCTION sk_admin_only(p_role text, p_what text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN NOT sk_is_writer(p_role) THEN sk_unauthorized()
                WHEN p_role IS DISTINCT FROM 'admin'
                    THEN sk_forbidden(format('Only an admin can change %s: it holds for every municipality.', p_what))
           END;

CREATE OR REPLACE FUNCTION sk_sees_private(e entries, p_role text, p_org uuid, p_scope text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role = 'partner' AND e.organisation_id = p_org, false)
        OR sk_in_scope(p_role, p_scope, e.municipality);
