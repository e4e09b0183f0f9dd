-- sql/api/webhooks.sql — webhooks: subscriptions and the outbox of deliveries (signed and sent by the daemon).
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- =============================================================================================
-- The outbox trigger
-- =============================================================================================
-- The notice body: small on purpose; the subscriber GETs the entry (or RPDE feed) for the data.
CREATE OR REPLACE FUNCTION sk_webhook_payload(p_event text, p_kind text, p_id uuid, p_version integer, p_modified timestamptz)
    RETURNS text LANGUAGE sql STABLE
    RETURN jsonb_build_object('event', p_event, 'kind', p_kind, 'id', p_id, 'version', p_version,
                              'modified', sk_iso(p_modified),
                              'url', '/api/v1/' || sk_contract_kind_path(p_kind) || '/' || p_id)::text;

-- One notice per subscriber whose view of the entry changed. A subscriber sees a row when the row
-- is published, of a kind it asked for (or it asked for none) and in its municipality (or it named
-- none). Runs in the writing transaction: the outbox row commits or rolls back with the change.
--
-- Several writes to one entry in one transaction make ONE notice per subscriber, judged from the
-- state before the transaction to the state after it: the notice written earlier in the same
-- transaction (webhook_deliveries.xact) is rewritten or removed. So an untrusted partner's new entry
-- (inserted pending in the same statement) notifies nobody, and a
-- hide-and-republish in one transaction is one entry.updated.
CREATE OR REPLACE FUNCTION sk_webhook_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_old_pub boolean := coalesce(TG_OP <> 'INSERT' AND OLD.status = 'published', false);
    v_new_pub boolean := coalesce(TG_OP <> 'DELETE' AND NEW.status = 'published', false);
    v_changed boolean := coalesce(TG_OP = 'UPDATE' AND (NEW.version IS DISTINCT FROM OLD.version
                                                       OR NEW.updated_at IS DISTINCT FROM OLD.updated_at), false);
    v_xact xid8 := pg_current_xact_id();
    v_kind text;
    v_id uuid;
    v_version integer;
    v_modified timestamptz;
    v_saw boolean;
    v_sees boolean;
    v_event text;
    v_did bigint;
    v_devent text;
    v_payload jsonb := '{}';            -- the notice text per event, made once per row change
    v_prev jsonb;                       -- webhook id -> [delivery id, event] written earlier in this transaction
    v_new_hooks uuid[] := '{}';         -- new notices, inserted together at the end
    v_new_events text[] := '{}';
    w record;
BEGIN
    IF NOT (v_old_pub OR v_new_pub) THEN
        RETURN NULL;                    -- not visible before this write nor after it
    END IF;
    IF TG_OP = 'DELETE' THEN
        v_kind := OLD.kind; v_id := OLD.id; v_version := OLD.version; v_modified := now();
    ELSE
        v_kind := NEW.kind; v_id := NEW.id; v_version := NEW.version; v_modified := NEW.updated_at;
    END IF;
    SELECT jsonb_object_agg(y.webhook_id::text, jsonb_build_array(y.id, y.event)) INTO v_prev
      FROM webhook_deliveries y
     WHERE y.entry_id = v_id AND y.xact = v_xact AND y.status = 'pending' AND y.response_id IS NULL;
    FOR w IN SELECT x.id, x.municipality, x.partner_org FROM webhooks x
              WHERE cardinality(x.kinds) = 0 OR v_kind = ANY (x.kinds) LOOP
        -- a partner's webhook follows its organisation's entries; a moderator's, a municipality's
        v_saw := v_old_pub AND CASE WHEN w.partner_org IS NOT NULL THEN w.partner_org = OLD.organisation_id
                                    ELSE (w.municipality IS NULL OR w.municipality = OLD.municipality) END;
        v_sees := v_new_pub AND CASE WHEN w.partner_org IS NOT NULL THEN w.partner_org = NEW.organisation_id
                                     ELSE (w.municipality IS NULL OR w.municipality = NEW.municipality) END;
        v_did := (v_prev->(w.id::text)->>0)::bigint;
        v_devent := v_prev->(w.id::text)->>1;
        IF v_did IS NOT NULL THEN
            v_saw := v_devent <> 'entry.published';   -- what it saw before this transaction
        END IF;
        v_event := CASE WHEN v_sees AND NOT v_saw THEN 'entry.published'
                        WHEN v_sees AND v_saw AND (v_changed OR v_did IS NOT NULL) THEN 'entry.updated'
                        WHEN v_saw AND NOT v_sees THEN 'entry.deleted'
                   END;
        IF v_did IS NOT NULL AND v_event IS NULL THEN
            DELETE FROM webhook_deliveries y WHERE y.id = v_did;
            CONTINUE;
        ELSIF v_event IS NULL THEN
            CONTINUE;
        END IF;
        IF NOT v_payload ? v_event THEN
            v_payload := v_payload || jsonb_build_object(v_event,
                             sk_webhook_payload(v_event, v_kind, v_id, v_version, v_modified));
        END IF;
        IF v_did IS NOT NULL THEN
            UPDATE webhook_deliveries y
               SET event = v_event, entry_version = v_version, payload = v_payload->>v_event
             WHERE y.id = v_did;
        ELSE
            v_new_hooks := v_new_hooks || w.id;
            v_new_events := v_new_events || v_event;
        END IF;
    END LOOP;
    IF cardinality(v_new_hooks) > 0 THEN
        INSERT INTO webhook_deliveries (webhook_id, event, entry_id, kind, entry_version, payload)
        SELECT n.hook, n.event, v_id, v_kind, v_version, v_payload->>n.event
          FROM unnest(v_new_hooks, v_new_events) AS n(hook, event);
    END IF;
    RETURN NULL;
END;
$$;

-- =============================================================================================
-- The delivery engine's two statements (not API operations: no caller)
-- =============================================================================================
-- Claim up to p_limit due notices for p_lease_ms: rows another daemon holds are skipped, not
-- waited for. A daemon that dies mid-delivery loses its lease and the row is sent again later
-- (at-least-once; subscribers deduplicate on X-SocialeKaart-Delivery). Also prunes a few finished
-- rows older than 30 days, so the outbox does not grow without bound.
CREATE OR REPLACE FUNCTION sk_webhook_claim(p_limit int, p_lease_ms int)
    RETURNS TABLE(id bigint, url text, secret text, payload text, event text, attempts int)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    DELETE FROM webhook_deliveries x
     WHERE x.id IN (SELECT y.id FROM webhook_deliveries y
                     WHERE y.status <> 'pending' AND y.created_at < now() - interval '30 days'
                     LIMIT 100);
    -- MATERIALIZED: the locking subquery runs exactly once, so never more than p_limit rows are taken
    -- (inside a join it could be re-scanned, each scan skipping the rows the last one locked).
    RETURN QUERY
    WITH due AS MATERIALIZED (
        SELECT c.id FROM webhook_deliveries c
         WHERE c.status = 'pending' AND c.next_attempt_at <= now()
           AND (c.locked_until IS NULL OR c.locked_until < now())
         ORDER BY c.next_attempt_at, c.id
         LIMIT greatest(p_limit, 0)
           FOR UPDATE SKIP LOCKED)
    UPDATE webhook_deliveries d
       SET locked_until = clock_timestamp() + make_interval(secs => p_lease_ms / 1000.0)
      FROM due, webhooks w
     WHERE d.id = due.id AND w.id = d.webhook_id
    RETURNING d.id, w.url, w.secret, d.payload, d.event, d.attempts;
END;
$$;

-- Record one attempt. Success (2xx) -> delivered. Failure -> retry after
-- base * 2^(attempts-1), capped at p_max_ms, or 'failed' after p_max_attempts attempts.
-- Returns the new status.
CREATE OR REPLACE FUNCTION sk_webhook_report(p_id bigint, p_ok boolean, p_status_code int, p_error text,
                                  p_base_ms int, p_max_ms int, p_max_attempts int)
    RETURNS text LANGUAGE sql AS $$
    UPDATE webhook_deliveries d
       SET attempts = d.attempts + 1,
           last_attempt_at = now(),
           last_status_code = p_status_code,
           last_error = CASE WHEN p_ok THEN NULL ELSE left(coalesce(p_error, 'failed'), 500) END,
           locked_until = NULL,
           delivered_at = CASE WHEN p_ok THEN now() END,
           status = CASE WHEN p_ok THEN 'delivered'
                         WHEN d.attempts + 1 >= p_max_attempts THEN 'failed'
                         ELSE 'pending' END,
           next_attempt_at = CASE WHEN p_ok OR d.attempts + 1 >= p_max_attempts THEN d.next_attempt_at
                                  ELSE now() + make_interval(secs => least(p_max_ms::float8,
                                           p_base_ms::float8 * power(2::float8, least(d.attempts, 40))) / 1000.0)
                             END
     WHERE d.id = p_id AND d.status = 'pending'
    RETURNING d.status
$$;

-- =============================================================================================
-- API: rendering and access
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_webhook_render(w webhooks) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', w.id,
        'url', w.url,
        'kinds', to_jsonb(w.kinds),
        'municipality', w.municipality,
        'organisation_id', w.organisation_id,
        'created_at', sk_iso(w.created_at),
        'deliveries', (SELECT jsonb_build_object(
                                  'pending', count(*) FILTER (WHERE d.status = 'pending'),
                                  'delivered', count(*) FILTER (WHERE d.status = 'delivered'),
                                  'failed', count(*) FILTER (WHERE d.status = 'failed'))
                         FROM webhook_deliveries d WHERE d.webhook_id = w.id),
        'links', jsonb_build_object('deliveries', '/api/v1/webhooks/' || w.id || '/deliveries'))
$$;

-- =============================================================================================
-- Webhooks: every municipality has its own allowance; "all municipalities" is an explicit key
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_webhook_everywhere(p_role text, p_scope text[]) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_role = 'admin' OR (p_role = 'moderator' AND '*' = ANY (p_scope)), false);

-- May this caller see and manage w? A partner's webhook (partner_org): only that organisation's
-- partner keys, since its deliveries carry residents' responses (personal data). The others: keys
-- that act everywhere all of them, other moderators those of a municipality of their key.
CREATE OR REPLACE FUNCTION sk_webhook_visible(w webhooks, p_role text, p_org uuid, p_scope text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN w.partner_org IS NOT NULL THEN coalesce(p_role = 'partner' AND w.partner_org = p_org, false)
                ELSE sk_webhook_everywhere(p_role, p_scope)
                     OR coalesce(p_role = 'moderator' AND w.municipality = ANY (p_scope), false) END;

-- Moderators and admins manage municipalities' webhooks; a partner its organisation's own.
CREATE OR REPLACE FUNCTION sk_webhook_guard(p_role text) RETURNS sk_response LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN p_role IS NULL OR NOT sk_is_writer(p_role) THEN sk_unauthorized() END;

CREATE OR REPLACE FUNCTION sk_webhook_find(p_id uuid, p_role text, p_org uuid, p_scope text[]) RETURNS webhooks
    LANGUAGE sql STABLE AS $$
    SELECT w.* FROM webhooks w WHERE w.id = p_id AND sk_webhook_visible(w, p_role, p_org, p_scope)
$$;

-- The webhook a get/delete/deliveries call is about, or the problem to answer (as sk_mod_target
-- in moderation.sql): one place for the role check and the not-found, which a hidden webhook also gets.
CREATE OR REPLACE FUNCTION sk_webhook_target(p_id uuid, p_role text, p_org uuid, p_scope text[], OUT w webhooks,
                                             OUT res sk_response)
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    res := sk_webhook_guard(p_role);
    IF res.status IS NOT NULL THEN
        RETURN;
    END IF;
    w := sk_webhook_find(p_id, p_role, p_org, p_scope);
    IF w.id IS NULL THEN
        res := sk_not_found(format('There is no webhook with id %s.', p_id));
    END IF;
END;
$$;

CREATE OR REPLACE FUNCTION api_webhook_list(p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_guard sk_response := sk_webhook_guard(p_role);
BEGIN
    IF v_guard.status IS NOT NULL THEN
        RETURN QUERY SELECT v_guard.*;
        RETURN;
    END IF;
    RETURN QUERY SELECT (sk_reply(200, jsonb_build_object('items', coalesce(
        (SELECT jsonb_agg(sk_webhook_render(w) ORDER BY w.created_at, w.id)
           FROM webhooks w WHERE sk_webhook_visible(w, p_role, p_org, p_scope)), '[]'::jsonb)))).*;
END;
$$;

CREATE OR REPLACE FUNCTION api_webhook_get(p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql STABLE AS $$
DECLARE
    t record := sk_webhook_target(p_id, p_role, p_org, p_scope);
BEGIN
    RETURN QUERY SELECT (CASE WHEN (t.res).status IS NOT NULL THEN t.res
                              ELSE sk_reply(200, sk_webhook_render(t.w)) END).*;
END;
$$;

-- Deleting a subscriber drops its outbox rows too: nothing more is sent to it.
CREATE OR REPLACE FUNCTION api_webhook_delete(p_id uuid, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql AS $$
DECLARE
    t record := sk_webhook_target(p_id, p_role, p_org, p_scope);
BEGIN
    IF (t.res).status IS NULL THEN
        DELETE FROM webhooks x WHERE x.id = (t.w).id;
        t.res := sk_reply(204, NULL);
    END IF;
    RETURN QUERY SELECT (t.res).*;
END;
$$;

-- Recent deliveries, newest first; p_cursor is the id of the last item of the previous page,
-- p_status an optional filter (the daemon checks its value).
CREATE OR REPLACE FUNCTION api_webhook_deliveries(p_id uuid, p_limit int, p_cursor text, p_status text,
                                       p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE plpgsql STABLE AS $$
DECLARE
    t record;
    v_limit int := sk_list_limit(p_limit);
    v_before bigint;
    v_items jsonb;
    v_last bigint;
    v_n int;
BEGIN
    t := sk_webhook_target(p_id, p_role, p_org, p_scope);
    IF (t.res).status IS NOT NULL THEN
        RETURN QUERY SELECT (t.res).*;
        RETURN;
    END IF;
    IF p_cursor IS NOT NULL THEN
        IF p_cursor !~ '^[0-9]{1,18}$' THEN
            RETURN QUERY SELECT (sk_bad_cursor()).*;
            RETURN;
        END IF;
        v_before := p_cursor::bigint;
    END IF;
    SELECT jsonb_agg(jsonb_build_object(
               'id', d.id::text,
               'event', d.event,
               'entry_id', d.entry_id,
               'response_id', d.response_id,
               'kind', d.kind,
               'entry_version', d.entry_version,
               'status', d.status,
               'attempts', d.attempts,
               'response_code', d.last_status_code,
               'last_error', d.last_error,
               'last_attempt_at', sk_iso(d.last_attempt_at),
               'next_attempt_at', CASE WHEN d.status = 'pending' THEN sk_iso(d.next_attempt_at) END,
               'delivered_at', sk_iso(d.delivered_at),
               'created_at', sk_iso(d.created_at),
               'payload', d.payload::jsonb) ORDER BY d.id DESC),
           min(d.id), count(*)
      INTO v_items, v_last, v_n
      FROM (SELECT * FROM webhook_deliveries x
             WHERE x.webhook_id = (t.w).id
               AND (v_before IS NULL OR x.id < v_before)
               AND (p_status IS NULL OR x.status = p_status)
             ORDER BY x.id DESC
             LIMIT v_limit) d;
    RETURN QUERY SELECT (sk_reply(200, jsonb_build_object(
        'items', coalesce(v_items, '[]'::jsonb),
        'next_cursor', CASE WHEN v_n = v_limit THEN v_last::text END))).*;
END;
$$;

-- At most this many subscribers per municipality, and as many national ones (municipality NULL).
CREATE OR REPLACE FUNCTION sk_webhook_cap() RETURNS int LANGUAGE sql IMMUTABLE RETURN 50;
-- and this many per organisation for partners' own webhooks
CREATE OR REPLACE FUNCTION sk_webhook_partner_cap() RETURNS int LANGUAGE sql IMMUTABLE RETURN 10;

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
    IF p_role = 'partner' THEN
        -- a partner's webhook: its own organisation's entries and responses, wherever they are
        IF p_org IS NULL THEN
            RETURN QUERY SELECT (sk_forbidden('This key belongs to no organisation.')).*;
            RETURN;
        END IF;
        IF p_body ? 'municipality' AND jsonb_typeof(p_body->'municipality') <> 'null' THEN
            v_errs := v_errs || sk_err('municipality', 'is not for a partner: your webhook follows your own organisation');
        END IF;
    ELSIF jsonb_typeof(p_body->'municipality') = 'string' THEN
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
    IF p_role = 'partner' THEN
        PERFORM pg_advisory_xact_lock(hashtext('sk_webhook_cap:' || p_org::text));
        IF (SELECT count(*) FROM webhooks x WHERE x.partner_org = p_org) >= sk_webhook_partner_cap() THEN
            RETURN QUERY SELECT (sk_problem(409, 'conflict',
                                            format('Your organisation has %s webhooks already; delete one you no longer need first.',
                                                   sk_webhook_partner_cap()))).*;
            RETURN;
        END IF;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('sk_webhook_cap:' || coalesce(v_muni, '')));
    IF p_role <> 'partner'
       AND (SELECT count(*) FROM webhooks x WHERE x.municipality IS NOT DISTINCT FROM v_muni AND x.partner_org IS NULL) >= sk_webhook_cap() THEN
        RETURN QUERY SELECT (sk_problem(409, 'conflict',
                                        format('There are %s webhooks for %s already; delete one you no longer need first.',
                                               sk_webhook_cap(), coalesce(v_muni, 'all municipalities')))).*;
        RETURN;
    END IF;
    BEGIN
        INSERT INTO webhooks (url, secret, kinds, municipality, organisation_id, key_id, partner_org)
        VALUES (p_body->>'url', p_body->>'secret',
                coalesce(ARRAY(SELECT DISTINCT k FROM jsonb_array_elements_text(
                                   CASE WHEN jsonb_typeof(p_body->'kinds') = 'array' THEN p_body->'kinds'
                                        ELSE '[]'::jsonb END) AS t(k) ORDER BY k), '{}'),
                v_muni, p_org, p_key, CASE WHEN p_role = 'partner' THEN p_org END)
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

-- OLD and NEW may both be referenced for every operation: PL/pgSQL sets the one that does not apply
-- to NULL, and the booleans above keep it from mattering. Updates that touch none of the columns
-- that matter (search and feed bookkeeping) do not fire the trigger at all.
CREATE OR REPLACE TRIGGER entries_webhook_outbox
    AFTER INSERT OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION sk_webhook_enqueue();

CREATE OR REPLACE TRIGGER entries_webhook_outbox_update
    AFTER UPDATE ON entries
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.version IS DISTINCT FROM NEW.version
                       OR OLD.updated_at IS DISTINCT FROM NEW.updated_at
                       OR OLD.municipality IS DISTINCT FROM NEW.municipality)
    EXECUTE FUNCTION sk_webhook_enqueue();
