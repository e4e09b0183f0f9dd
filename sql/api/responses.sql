-- sql/api/responses.sql — residents respond: "Ik wil helpen", "Aanmelden"; places left; retention (issue 15).
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- Personal data (name, contact, message) goes to the entry's organisation only: its own partner keys
-- and sessions read it (API and partner pages), its own webhooks get it (response.created), its
-- e-mail address gets it when an SMTP relay is configured. Moderators do not: they do not need it.
-- Never in audit_log, feeds, search or logs. Housekeeping erases it at delete_after.

-- =============================================================================================
-- Rendering
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_response_render(r entry_responses, e entries) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object(
        'id', r.id,
        'entry', jsonb_build_object('id', e.id, 'kind', e.kind, 'title', e.title),
        'kind', r.kind,
        'name', r.name,
        'contact', r.contact,
        'message', r.message,
        'places', r.places,
        'status', r.status,
        'created_at', sk_iso(r.created_at),
        'delete_after', sk_iso(r.delete_after));

-- The body of the response.created webhook notice (the exact text signed and POSTed).
CREATE OR REPLACE FUNCTION sk_response_payload(r entry_responses, e entries) RETURNS text LANGUAGE sql STABLE
    RETURN jsonb_build_object(
        'event', 'response.created',
        'response', jsonb_build_object('id', r.id, 'kind', r.kind, 'name', r.name, 'contact', r.contact,
                                       'message', r.message, 'places', r.places, 'created_at', sk_iso(r.created_at)),
        'entry', jsonb_build_object('id', e.id, 'kind', e.kind, 'title', e.title))::text;

-- The e-mail to the organisation: plain Dutch (B1), the response and where to see it.
CREATE OR REPLACE FUNCTION sk_response_mail_body(r entry_responses, e entries, p_org_name text, p_partner_url text)
    RETURNS text
    LANGUAGE sql STABLE
    RETURN format(E'Beste %s,\n\n%s\n\nNaam: %s\nContact: %s\n%s%s\nU vindt alle reacties op uw partnerpagina:\n%s\n\n'
                  || E'Deze gegevens zijn alleen voor uw organisatie. Wij wissen ze op %s.\n'
                  || E'Gebruik ze alleen om contact op te nemen over dit aanbod.\n\nSociale Kaart\n',
                  p_org_name,
                  CASE r.kind WHEN 'registration'
                      THEN format('Iemand heeft zich aangemeld voor "%s".', e.title)
                      ELSE format('Iemand wil helpen bij "%s".', e.title) END,
                  r.name, r.contact,
                  CASE WHEN r.kind = 'registration' THEN format(E'Aantal plaatsen: %s\n', r.places) ELSE '' END,
                  CASE WHEN r.message IS NOT NULL THEN format(E'Bericht:\n%s\n', r.message) ELSE '' END,
                  p_partner_url,
                  to_char(r.delete_after AT TIME ZONE 'Europe/Amsterdam', 'DD-MM-YYYY'));

-- =============================================================================================
-- A resident responds
-- =============================================================================================
-- p_kind 'activity' or 'vacancy'. p_errors: the daemon's shape checks (common/validate.c,
-- VALIDATE_BODY_RESPONSE). p_client: the client address, only hashed (with the reports' secret salt
-- and a prefix of its own) for the per-client limit. p_partner_url: the partner page's address when
-- the daemon has an SMTP relay (smtp_url): an e-mail to the organisation is queued; NULL: none.
CREATE OR REPLACE FUNCTION sk_response_create(p_kind text, p_entry uuid, p_body jsonb, p_errors jsonb, p_client text,
                                              p_partner_url text, p_role text, p_org uuid, p_key uuid)
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    s moderation_settings;
    e entries;
    o organisations;
    r entry_responses;
    v_errs jsonb;
    v_hash bytea;
    v_places int;
    v_before int;
    v_con text;
    v_col text;
    v_msg text;
BEGIN
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;
    SELECT * INTO e FROM entries WHERE id = p_entry AND kind = p_kind AND p_kind IN ('activity', 'vacancy');
    -- residents respond to what residents see
    IF NOT FOUND OR e.status <> 'published' OR (p_kind = 'activity' AND NOT sk_entry_public(e)) THEN
        RETURN sk_not_found(format('There is no %s with id %s.', p_kind, p_entry));
    END IF;
    v_errs := sk_merge_errors(p_errors,
        CASE WHEN p_kind = 'vacancy' AND p_body ? 'places' AND jsonb_typeof(p_body->'places') <> 'null'
             THEN jsonb_build_array(sk_err('places', 'is only for activities'))
             ELSE '[]'::jsonb END
        || CASE WHEN jsonb_typeof(p_body->'name') = 'string' THEN '[]'::jsonb
                ELSE jsonb_build_array(sk_err('name', 'is required')) END
        || CASE WHEN jsonb_typeof(p_body->'contact') = 'string' THEN '[]'::jsonb
                ELSE jsonb_build_array(sk_err('contact', 'is required: an e-mail address or a phone number')) END);
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    IF p_kind = 'activity' AND e.registration IS DISTINCT FROM 'required' THEN
        RETURN sk_problem(409, 'conflict', 'Voor deze activiteit hoeft u zich niet aan te melden. U kunt gewoon komen.');
    END IF;
    IF p_kind = 'vacancy' AND (e.valid_until < (now() AT TIME ZONE 'Europe/Amsterdam')::date OR NOT sk_entry_public(e)) THEN
        RETURN sk_problem(409, 'conflict', 'Deze vacature is niet meer open.');
    END IF;

    SELECT * INTO s FROM moderation_settings;
    v_hash := hmac(convert_to('response:' || coalesce(p_client, '-'), 'UTF8'), s.report_salt, 'sha256');
    PERFORM pg_advisory_xact_lock(hashtext('sk_response:' || encode(v_hash, 'hex')));
    IF (SELECT count(*) FROM entry_responses x
         WHERE x.client_hash = v_hash AND x.created_at > now() - interval '1 hour') >= s.responses_per_hour THEN
        RETURN sk_problem(429, NULL, format('U kunt maximaal %s reacties per uur sturen. Probeer het later opnieuw.',
                                            s.responses_per_hour));
    END IF;

    v_places := CASE WHEN p_kind = 'activity' THEN coalesce((p_body->>'places')::numeric::int, 1) ELSE 1 END;
    IF p_kind = 'activity' AND e.places_left IS NOT NULL THEN
        -- atomic: concurrent registrations wait for the row and re-check; never below zero. The
        -- version and updated_at move so ETags, reply caches, feeds and the search index follow
        -- (entries triggers); it is not a change of content, so no revision and no moderation.
        v_before := e.places_left;
        UPDATE entries SET places_left = places_left - v_places, version = version + 1, updated_at = now()
         WHERE id = e.id AND places_left >= v_places
        RETURNING * INTO e;
        IF NOT FOUND THEN
            SELECT * INTO e FROM entries WHERE id = p_entry;
            RETURN sk_problem(409, 'conflict',
                              CASE WHEN e.places_left > 0
                                   THEN format('Er zijn nog maar %s plaatsen vrij.', e.places_left)
                                   ELSE 'Deze activiteit is vol.' END);
        END IF;
    END IF;

    BEGIN
        INSERT INTO entry_responses (entry_id, organisation_id, kind, name, contact, message, places, client_hash,
                                     delete_after)
        VALUES (e.id, e.organisation_id, CASE p_kind WHEN 'activity' THEN 'registration' ELSE 'volunteer' END,
                btrim(p_body->>'name'), btrim(p_body->>'contact'), nullif(btrim(p_body->>'message'), ''), v_places,
                v_hash, now() + make_interval(days => s.response_days))
        RETURNING * INTO r;
    EXCEPTION WHEN check_violation OR not_null_violation OR data_exception THEN
        GET STACKED DIAGNOSTICS v_con = CONSTRAINT_NAME, v_col = COLUMN_NAME, v_msg = MESSAGE_TEXT;
        RETURN sk_invalid(jsonb_build_array(
            sk_constraint_error(nullif(v_con, ''), 'entry_responses', nullif(v_col, ''), v_msg)));
    END;

    -- the organisation's own webhooks only (a partner's, sql/api/webhooks.sql); the delivery goes
    -- with the response (ON DELETE CASCADE)
    INSERT INTO webhook_deliveries (webhook_id, event, entry_id, kind, entry_version, payload, response_id)
    SELECT w.id, 'response.created', e.id, e.kind, e.version, sk_response_payload(r, e), r.id
      FROM webhooks w
     WHERE w.partner_org = e.organisation_id AND (cardinality(w.kinds) = 0 OR e.kind = ANY (w.kinds));

    SELECT * INTO o FROM organisations WHERE id = e.organisation_id;
    IF p_partner_url IS NOT NULL AND o.email IS NOT NULL THEN
        INSERT INTO mail_outbox (response_id, recipient, subject, body)
        VALUES (r.id, o.email,
                left(CASE r.kind WHEN 'registration' THEN 'Nieuwe aanmelding: ' ELSE 'Iemand wil helpen: ' END
                     || e.title, 200),
                sk_response_mail_body(r, e, o.name, p_partner_url));
    END IF;

    -- the audit log says only that places were taken (public data), never who took them
    IF v_before IS NOT NULL THEN
        PERFORM sk_audit(p_role, p_org, p_key, 'entry', e.id::text, e.id, 'update',
                         jsonb_build_object('places_left', v_before),
                         jsonb_build_object('places_left', e.places_left, 'reason', 'response'));
    END IF;
    RETURN sk_reply(201, jsonb_build_object('id', r.id, 'kind', r.kind, 'places', r.places,
                                            'places_left', e.places_left, 'delete_after', sk_iso(r.delete_after)));
END;
$$;

-- p_partner_url: see sk_response_create (NULL: no e-mail).
CREATE OR REPLACE FUNCTION api_response_create(p_kind text, p_entry uuid, p_body jsonb, p_errors jsonb, p_client text,
                                               p_partner_url text, p_role text, p_org uuid, p_key uuid,
                                               p_scope text[])
    RETURNS sk_response LANGUAGE sql
    RETURN sk_response_create(p_kind, p_entry, p_body, p_errors, p_client, p_partner_url, p_role, p_org, p_key);

-- =============================================================================================
-- The e-mail sender's two statements (server/mail.c; not API operations: no caller)
-- =============================================================================================
-- Claim up to p_limit due e-mails for p_lease_ms, like sk_webhook_claim: rows another daemon
-- holds are skipped, not waited for; a daemon that dies mid-send loses its lease and the e-mail
-- goes again (at least once). Also prunes a few finished rows older than 30 days.
CREATE OR REPLACE FUNCTION sk_mail_claim(p_limit int, p_lease_ms int)
    RETURNS TABLE(id bigint, recipient text, subject text, body text, attempts int)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    DELETE FROM mail_outbox x
     WHERE x.id IN (SELECT y.id FROM mail_outbox y
                     WHERE y.status <> 'pending' AND y.created_at < now() - interval '30 days'
                     LIMIT 100);
    RETURN QUERY
    WITH due AS MATERIALIZED (
        SELECT c.id FROM mail_outbox c
         WHERE c.status = 'pending' AND c.next_attempt_at <= now()
           AND (c.locked_until IS NULL OR c.locked_until < now())
         ORDER BY c.next_attempt_at, c.id
         LIMIT greatest(p_limit, 0)
           FOR UPDATE SKIP LOCKED)
    UPDATE mail_outbox m
       SET locked_until = clock_timestamp() + make_interval(secs => p_lease_ms / 1000.0)
      FROM due
     WHERE m.id = due.id
    RETURNING m.id, m.recipient, m.subject, m.body, m.attempts;
END;
$$;

-- Record one attempt. Taken by the relay -> sent; refused for good (p_permanent: a 5xx answer) or
-- the p_max_attempts-th failure -> failed; else retry after base * 2^(attempts-1), at most an hour.
-- A sent or failed e-mail keeps no personal data: its body (the resident's name and contact) is
-- erased. Returns the new status.
CREATE OR REPLACE FUNCTION sk_mail_report(p_id bigint, p_ok boolean, p_permanent boolean, p_error text,
                                          p_base_ms int, p_max_attempts int)
    RETURNS text LANGUAGE sql AS $$
    UPDATE mail_outbox m
       SET attempts = m.attempts + 1,
           last_error = CASE WHEN p_ok THEN NULL ELSE left(coalesce(p_error, 'failed'), 500) END,
           locked_until = NULL,
           sent_at = CASE WHEN p_ok THEN now() END,
           status = CASE WHEN p_ok THEN 'sent' WHEN p_permanent OR m.attempts + 1 >= p_max_attempts THEN 'failed'
                         ELSE 'pending' END,
           body = CASE WHEN p_ok OR p_permanent OR m.attempts + 1 >= p_max_attempts THEN '' ELSE m.body END,
           next_attempt_at = CASE WHEN p_ok OR p_permanent OR m.attempts + 1 >= p_max_attempts THEN m.next_attempt_at
                                  ELSE now() + make_interval(secs => least(3600000::float8,
                                           p_base_ms::float8 * power(2::float8, least(m.attempts, 40))) / 1000.0)
                             END
     WHERE m.id = p_id AND m.status = 'pending'
    RETURNING m.status
$$;

-- =============================================================================================
-- The organisation reads and handles its responses
-- =============================================================================================
-- Only the organisation's own partner keys and sessions: moderators and other partners get 403.
CREATE OR REPLACE FUNCTION sk_response_guard(p_org_id uuid, p_role text, p_org uuid) RETURNS sk_response
    LANGUAGE sql STABLE
    RETURN CASE WHEN NOT sk_is_writer(p_role) THEN sk_unauthorized()
                WHEN p_role <> 'partner' OR p_org IS DISTINCT FROM p_org_id
                    THEN sk_forbidden('Only the organisation itself can read and handle the responses to its entries: they hold personal data.')
           END;

-- Newest first; p_cursor from next_cursor (sk_cursor of created_at and id).
CREATE OR REPLACE FUNCTION api_response_list(p_org_id uuid, p_entry uuid, p_limit int, p_cursor text,
                                             p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_guard sk_response := sk_response_guard(p_org_id, p_role, p_org);
    v_limit int := sk_list_limit(p_limit);
    v_items jsonb;
    v_n int;
    v_last_at timestamptz;
    v_last_id uuid;
BEGIN
    IF v_guard.status IS NOT NULL THEN
        RETURN v_guard;
    END IF;
    IF p_cursor IS NOT NULL AND NOT sk_cursor_ok(p_cursor) THEN
        RETURN sk_bad_cursor();
    END IF;
    SELECT jsonb_agg(sk_response_render(x, e) ORDER BY x.created_at DESC, x.id DESC), count(*)
      INTO v_items, v_n
      FROM (SELECT * FROM entry_responses r
             WHERE r.organisation_id = p_org_id
               AND (p_entry IS NULL OR r.entry_id = p_entry)
               AND (p_cursor IS NULL OR (r.created_at, r.id) < (sk_cursor_at(p_cursor), sk_cursor_id(p_cursor)))
             ORDER BY r.created_at DESC, r.id DESC
             LIMIT v_limit) x
      JOIN entries e ON e.id = x.entry_id;
    IF v_n = v_limit THEN
        SELECT r.created_at, r.id INTO v_last_at, v_last_id
          FROM entry_responses r WHERE r.id = (v_items->(v_n - 1)->>'id')::uuid;
    END IF;
    RETURN sk_reply(200, jsonb_build_object('items', coalesce(v_items, '[]'::jsonb),
                                            'next_cursor', CASE WHEN v_last_id IS NOT NULL
                                                                THEN sk_cursor(v_last_at, v_last_id) END));
END;
$$;

-- PATCH {"status": "seen" | "new"}
CREATE OR REPLACE FUNCTION api_response_update(p_org_id uuid, p_id uuid, p_body jsonb, p_errors jsonb,
                                               p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    v_guard sk_response := sk_response_guard(p_org_id, p_role, p_org);
    v_errs jsonb;
    r entry_responses;
    e entries;
BEGIN
    IF v_guard.status IS NOT NULL THEN
        RETURN v_guard;
    END IF;
    IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
        RETURN sk_bad_field('body', 'must be a JSON object');
    END IF;
    SELECT * INTO r FROM entry_responses x WHERE x.id = p_id AND x.organisation_id = p_org_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN sk_not_found(format('There is no response with id %s.', p_id));
    END IF;
    v_errs := sk_merge_errors(p_errors,
        CASE WHEN jsonb_typeof(p_body->'status') = 'string' AND p_body->>'status' IN ('new', 'seen') THEN '[]'::jsonb
             ELSE jsonb_build_array(sk_err('status', 'is required: new or seen')) END);
    IF jsonb_array_length(v_errs) > 0 THEN
        RETURN sk_invalid(v_errs);
    END IF;
    UPDATE entry_responses x SET status = p_body->>'status' WHERE x.id = r.id RETURNING * INTO r;
    SELECT * INTO e FROM entries WHERE id = r.entry_id;
    RETURN sk_reply(200, sk_response_render(r, e));
END;
$$;

-- Deleting a response erases its personal data now, with its webhook deliveries and e-mail. The
-- places it took stay taken: the organisation changes places_left on the activity when it wants.
CREATE OR REPLACE FUNCTION api_response_delete(p_org_id uuid, p_id uuid, p_role text, p_org uuid, p_key uuid,
                                               p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    v_guard sk_response := sk_response_guard(p_org_id, p_role, p_org);
BEGIN
    IF v_guard.status IS NOT NULL THEN
        RETURN v_guard;
    END IF;
    DELETE FROM entry_responses x WHERE x.id = p_id AND x.organisation_id = p_org_id;
    IF NOT FOUND THEN
        RETURN sk_not_found(format('There is no response with id %s.', p_id));
    END IF;
    RETURN sk_reply(204, NULL);
END;
$$;

-- =============================================================================================
-- Housekeeping (server/housekeeping.c): erase responses past delete_after, in steps
-- =============================================================================================
-- 'more N' while there may be more (the daemon calls again soon), else 'erased N responses'.
-- Their webhook deliveries and e-mails go with them (ON DELETE CASCADE).
CREATE OR REPLACE FUNCTION sk_responses_housekeeping(p_step int DEFAULT 500) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    n int;
BEGIN
    DELETE FROM entry_responses x
     WHERE x.id IN (SELECT y.id FROM entry_responses y
                     WHERE y.delete_after <= now()
                     ORDER BY y.delete_after
                     LIMIT greatest(p_step, 1)
                       FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN CASE WHEN n >= greatest(p_step, 1) THEN 'more ' || n ELSE 'erased ' || n || ' responses' END;
END;
$$;

-- =============================================================================================
-- The residents' page: POST /aanbod/{id}/reageren (server/h_web.c), the kind from the entry
-- =============================================================================================
CREATE OR REPLACE FUNCTION api_web_respond(p_entry uuid, p_body jsonb, p_errors jsonb, p_client text,
                                           p_partner_url text, p_role text, p_org uuid, p_key uuid,
                                           p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    v_kind text;
BEGIN
    SELECT e.kind INTO v_kind FROM entries e WHERE e.id = p_entry;
    IF v_kind IS NULL OR v_kind NOT IN ('activity', 'vacancy') THEN
        RETURN sk_not_found('There is no activity or vacancy with this id.');
    END IF;
    RETURN sk_response_create(v_kind, p_entry, p_body, p_errors, p_client, p_partner_url, p_role, p_org, p_key);
END;
$$;
