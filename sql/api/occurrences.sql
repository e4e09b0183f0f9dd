-- sql/api/occurrences.sql — occurrences of activities: the RRULE subset expanded in Europe/Amsterdam wall-clock
-- time, kept in sk_occurrences up to a moving horizon; the occurrences endpoint.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- =============================================================================================
-- Recurrence rules (the subset the daemon accepts; see common/rrule.h): the rules across a schedule's
-- members (sk_entry_complete_errors) check the rule against schedule.start.
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_rrule_part(p_rule text, p_name text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN substring(p_rule FROM '(?:^|;)' || p_name || '=([^;]+)');

-- Does the rule's BY-filter select the date of the first occurrence (start)? NULL when its BYDAY or
-- BYMONTHDAY cannot be read (sk_rrule_ok lets such a rule through; the daemon has refused it).
CREATE OR REPLACE FUNCTION sk_rrule_selects(p_rule text, d date) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    freq text := sk_rrule_part(p_rule, 'FREQ');
    byday text[] := string_to_array(sk_rrule_part(p_rule, 'BYDAY'), ',');
    bymd int[];
    wd text := (ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])[extract(isodow FROM d)::int];
    dom int := extract(day FROM d)::int;
    dim int := extract(day FROM date_trunc('month', d) + interval '1 month - 1 day')::int;
BEGIN
    bymd := string_to_array(sk_rrule_part(p_rule, 'BYMONTHDAY'), ',')::int[];   -- here: the handler below covers it
    IF freq IN ('DAILY', 'WEEKLY') THEN
        RETURN byday IS NULL OR wd = ANY (byday);
    END IF;
    IF byday IS NULL AND bymd IS NULL THEN
        RETURN true;
    END IF;
    IF bymd IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM unnest(bymd) AS x(n)
             WHERE (x.n > 0 AND x.n = dom) OR (x.n < 0 AND dim + x.n + 1 = dom)) THEN
        RETURN false;
    END IF;
    RETURN byday IS NULL OR EXISTS (
        SELECT 1 FROM unnest(byday) AS b(item)
         WHERE right(b.item, 2) = wd
           AND (length(b.item) = 2
                OR left(b.item, -2)::int = (dom - 1) / 7 + 1
                OR left(b.item, -2)::int = -((dim - dom) / 7 + 1)));
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END;
$$;

-- UNTIL as the last local wall-clock moment an occurrence may start at (NULL when absent):
-- UNTIL=YYYYMMDD (the whole day), YYYYMMDDTHHMMSS local, or ...Z in UTC. One reader for the
-- validation here, the search (search.sql) and the feeds (feeds.sql).
CREATE OR REPLACE FUNCTION sk_rrule_until_local(p_rule text) RETURNS timestamp LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    u text := sk_rrule_part(regexp_replace(p_rule, '^RRULE:', ''), 'UNTIL');
    t timestamp;
BEGIN
    IF u IS NULL OR u !~ '^[0-9]{8}(T[0-9]{6}Z?)?$' THEN
        RETURN NULL;
    END IF;
    IF length(u) = 8 THEN
        RETURN make_timestamp(left(u, 4)::int, substr(u, 5, 2)::int, substr(u, 7, 2)::int, 23, 59, 59);
    END IF;
    t := make_timestamp(left(u, 4)::int, substr(u, 5, 2)::int, substr(u, 7, 2)::int,
                        substr(u, 10, 2)::int, substr(u, 12, 2)::int, substr(u, 14, 2)::int);
    IF right(u, 1) = 'Z' THEN
        t := (t AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/Amsterdam';
    END IF;
    RETURN t;
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$;

-- Does UNTIL lie before start?
CREATE OR REPLACE FUNCTION sk_rrule_until_before(p_rule text, p_start timestamp) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN coalesce(sk_rrule_until_local(p_rule) < p_start, false);

-- When an entry stops being current (see the top); NULL = open-ended.
CREATE OR REPLACE FUNCTION sk_entry_until(p_kind text, p_start timestamp, p_end timestamp, p_rule text, p_exdates date[],
                               p_valid_until date) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
    r text := regexp_replace(p_rule, '^RRULE:', '');
    dur interval := coalesce(p_end - p_start, interval '0');
    cnt int;
    v_until timestamp;
    v_last timestamp;
BEGIN
    IF p_kind = 'vacancy' THEN
        RETURN sk_amsterdam((p_valid_until + 1)::timestamp);
    ELSIF p_kind <> 'activity' OR p_start IS NULL THEN
        RETURN NULL;
    ELSIF r IS NULL THEN
        RETURN sk_amsterdam(p_start + dur);
    END IF;
    cnt := sk_rrule_part(r, 'COUNT')::int;
    v_until := sk_rrule_until_local(r);
    IF cnt IS NOT NULL THEN
        -- a month holds every BYDAY/BYMONTHDAY combination at least once in three
        SELECT max(x.local_start) INTO v_last
          FROM sk_occ_expand(p_start, p_end, r, p_exdates, NULL, p_start::date,
                             least(p_start::date + cnt * greatest(coalesce(sk_rrule_part(r, 'INTERVAL')::int, 1), 1)
                                   * CASE sk_rrule_part(r, 'FREQ') WHEN 'DAILY' THEN 1 WHEN 'WEEKLY' THEN 7
                                                                   WHEN 'MONTHLY' THEN 93 ELSE 366 END + 7,
                                   date '9999-01-01')) x;
        RETURN sk_amsterdam(coalesce(v_last, p_start) + dur);
    ELSIF v_until IS NOT NULL THEN
        RETURN sk_amsterdam(greatest(v_until, p_start) + dur);
    END IF;
    RETURN NULL;
END;
$$;

-- First date kept in sk_occurrences.
CREATE OR REPLACE FUNCTION sk_occ_first_day() RETURNS date LANGUAGE sql STABLE
    RETURN (now() AT TIME ZONE 'Europe/Amsterdam')::date - 92;

CREATE OR REPLACE FUNCTION sk_entry_occurrences_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sk_occurrences_refresh(NEW.id);
    RETURN NULL;
END;
$$;

-- Exception set dates changed: re-expand the activities that use the set.
CREATE OR REPLACE FUNCTION sk_exception_dates_trg() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_codes text[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        v_codes := ARRAY[OLD.set_code];
    ELSIF TG_OP = 'UPDATE' THEN
        v_codes := ARRAY[OLD.set_code, NEW.set_code];
    ELSE
        v_codes := ARRAY[NEW.set_code];
    END IF;
    PERFORM sk_occurrences_refresh(e.id)
       FROM entries e
      WHERE e.kind = 'activity' AND e.rrule IS NOT NULL AND e.exception_sets && v_codes;
    RETURN NULL;
END;
$$;

-- =============================================================================================
-- Occurrences: the work is bounded by the rule, never by the window a client asks for
-- =============================================================================================
-- Every loop is bounded: no date after 2200-12-31 is ever generated, a rule with
-- COUNT enumerates only as far as COUNT occurrences can reach (a month holds each BYDAY /
-- BYMONTHDAY combination at least once in twelve, a day of the year at least once in eight years),
-- and a window that lies wholly before the start or after the rule's end costs nothing.
CREATE OR REPLACE FUNCTION sk_occ_expand(p_start timestamp, p_end timestamp, p_rule text, p_exdates date[], p_sets text[],
                                         p_from date, p_to date)
    RETURNS TABLE (local_start timestamp, local_end timestamp) LANGUAGE plpgsql STABLE AS $$
DECLARE
    r text := regexp_replace(p_rule, '^RRULE:', '');
    sd date := p_start::date;
    tod interval := p_start - p_start::date;
    dur interval := coalesce(p_end - p_start, interval '0');
    freq text;
    ival int;
    cnt int;
    v_until timestamp;
    last_day date;
    byday text[];
    bymd int[];
    k_from int := 0;
    k_to int;
    k_cap int;
    excl date[];
    codes constant text[] := ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    offs int[];
    mon date;
BEGIN
    IF p_start IS NULL OR p_from IS NULL OR p_to IS NULL OR p_to <= p_from THEN
        RETURN;
    END IF;
    p_to := least(p_to, date '2201-01-01');
    IF p_to <= p_from OR p_to <= sd THEN
        RETURN;
    END IF;
    IF r IS NULL THEN
        IF sd >= p_from AND sd < p_to THEN
            local_start := p_start;
            local_end := p_start + dur;
            RETURN NEXT;
        END IF;
        RETURN;
    END IF;
    freq := sk_rrule_part(r, 'FREQ');
    ival := least(greatest(coalesce(sk_rrule_part(r, 'INTERVAL')::int, 1), 1), sk_contract_limit('rrule_interval_max'));
    cnt := least(sk_rrule_part(r, 'COUNT')::int, sk_contract_limit('rrule_count_max'));
    IF sk_rrule_part(r, 'COUNT') IS NULL THEN
        cnt := NULL;   -- least() skips NULLs: without this every rule would end at its 1000th
    END IF;
    v_until := sk_rrule_until_local(r);
    byday := string_to_array(sk_rrule_part(r, 'BYDAY'), ',');
    bymd := string_to_array(sk_rrule_part(r, 'BYMONTHDAY'), ',')::int[];
    last_day := least(p_to - 1, coalesce(v_until::date, p_to - 1));
    IF last_day < sd OR (cnt IS NULL AND last_day < p_from) THEN
        RETURN;
    END IF;

    IF freq = 'DAILY' THEN
        IF cnt IS NULL THEN
            k_from := greatest(0, (p_from - sd) / ival - 1);
        END IF;
        k_to := (last_day - sd) / ival + 1;
        k_cap := cnt * CASE WHEN byday IS NULL THEN 1 ELSE 7 END;
    ELSIF freq = 'WEEKLY' THEN
        mon := sd - (extract(isodow FROM sd)::int - 1);
        SELECT array_agg(i) INTO offs FROM generate_series(0, 6) i
         WHERE CASE WHEN byday IS NULL THEN i = extract(isodow FROM sd)::int - 1
                    ELSE codes[i + 1] = ANY (byday) END;
        IF cnt IS NULL THEN
            k_from := greatest(0, (p_from - mon) / (7 * ival) - 1);
        END IF;
        k_to := (last_day - mon) / (7 * ival) + 1;
        k_cap := cnt + 1;
    ELSIF freq = 'MONTHLY' THEN
        IF cnt IS NULL THEN
            k_from := greatest(0, ((extract(year FROM p_from) * 12 + extract(month FROM p_from))
                                   - (extract(year FROM sd) * 12 + extract(month FROM sd)))::int / ival - 1);
        END IF;
        k_to := ((extract(year FROM last_day) * 12 + extract(month FROM last_day))
                 - (extract(year FROM sd) * 12 + extract(month FROM sd)))::int / ival + 1;
        k_cap := cnt * 12 + 12;
    ELSIF freq = 'YEARLY' THEN
        k_to := (extract(year FROM last_day)::int - extract(year FROM sd)::int) / ival + 1;
        k_cap := cnt * 8 + 8;
    ELSE
        RETURN;
    END IF;
    IF cnt IS NOT NULL THEN
        k_to := least(k_to, k_cap);
    END IF;
    IF k_to < k_from THEN
        RETURN;
    END IF;
    SELECT coalesce(array_agg(DISTINCT g::date), '{}') INTO excl
      FROM exception_set_dates x,
           generate_series(greatest(lower(x.during), p_from), least(upper(x.during) - 1, p_to - 1), interval '1 day') g
     WHERE x.set_code = ANY (coalesce(p_sets, '{}')) AND x.during && daterange(p_from, p_to);
    excl := excl || coalesce(p_exdates, '{}');

    RETURN QUERY
    WITH cand AS (
        SELECT sd + k * ival AS d FROM generate_series(k_from, k_to) k
         WHERE freq = 'DAILY' AND (byday IS NULL OR codes[extract(isodow FROM sd + k * ival)::int] = ANY (byday))
        UNION ALL
        SELECT mon + k * 7 * ival + i FROM generate_series(k_from, k_to) k, unnest(offs) i
         WHERE freq = 'WEEKLY'
        UNION ALL
        SELECT m.first + i
          FROM generate_series(k_from, k_to) k,
               LATERAL (SELECT (date_trunc('month', sd) + make_interval(months => k * ival))::date AS first) m,
               LATERAL (SELECT extract(day FROM m.first + interval '1 month - 1 day')::int AS dim) n,
               generate_series(0, n.dim - 1) i
         WHERE freq = 'MONTHLY' AND CASE
                   WHEN byday IS NULL AND bymd IS NULL THEN i + 1 = extract(day FROM sd)::int
                   ELSE (bymd IS NULL OR EXISTS (SELECT 1 FROM unnest(bymd) b(x)
                                                  WHERE (b.x > 0 AND b.x = i + 1) OR (b.x < 0 AND n.dim + b.x = i)))
                    AND (byday IS NULL OR EXISTS (
                            SELECT 1 FROM unnest(byday) b(item)
                             WHERE right(b.item, 2) = codes[extract(isodow FROM m.first + i)::int]
                               AND (length(b.item) = 2
                                    OR left(b.item, -2)::int = i / 7 + 1
                                    OR left(b.item, -2)::int = -((n.dim - 1 - i) / 7 + 1))))
               END
        UNION ALL
        SELECT (sd + make_interval(years => k * ival))::date FROM generate_series(k_from, k_to) k
         WHERE freq = 'YEARLY' AND extract(day FROM sd + make_interval(years => k * ival)) = extract(day FROM sd)
    )
    SELECT x.d + tod, x.d + tod + dur
      FROM (SELECT s.d, row_number() OVER (ORDER BY s.d) AS n
              FROM (SELECT sd AS d WHERE k_from = 0
                    UNION ALL
                    SELECT DISTINCT c.d FROM cand c WHERE c.d > sd AND c.d <= last_day) s) x
     WHERE (cnt IS NULL OR x.n <= cnt)
       AND (v_until IS NULL OR x.d + tod <= v_until)
       AND x.d >= p_from AND x.d < p_to
       AND NOT (x.d = ANY (excl))
     ORDER BY x.d;
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

-- The horizon an activity's occurrences reach now: the one being moved to while a move is under way.
CREATE OR REPLACE FUNCTION sk_occurrences_refresh(p_id uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_horizon date;
    v_moving  date;
BEGIN
    SELECT moving_to INTO v_moving FROM sk_occ_move FOR SHARE;
    SELECT horizon INTO v_horizon FROM sk_occ_state;
    DELETE FROM sk_occurrences WHERE entry_id = p_id;
    INSERT INTO sk_occurrences (entry_id, starts_at, ends_at, local_start)
    SELECT e.id, sk_amsterdam(x.local_start), sk_amsterdam(x.local_end), x.local_start
      FROM entries e,
           sk_occ_expand(e.starts_at, e.ends_at, e.rrule, e.exdates, e.exception_sets, sk_occ_first_day(),
                         greatest(v_horizon, v_moving)) x
     WHERE e.id = p_id AND e.kind = 'activity'
    ON CONFLICT DO NOTHING;
END;
$$;

-- One step of the move over at most p_step activities (the daemon's housekeeping calls it until it
-- answers 'done'):
--   'done 0'      nothing to do, the horizon is where it should be;
--   'more N'      N occurrences added for the next activities, call again;
--   'done N'      the last step: N added, the horizon moved, occurrences past the kept past dropped.
CREATE OR REPLACE FUNCTION sk_occurrences_extend_step(p_step integer DEFAULT 250) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    c_step constant integer := greatest(coalesce(p_step, 250), 1);
    v_old  date;
    v_new  date := (now() AT TIME ZONE 'Europe/Amsterdam')::date + 400;
    v_to   date;
    v_after uuid;
    v_ids  uuid[];
    n integer := 0;
BEGIN
    SELECT moving_to, done_after INTO v_to, v_after FROM sk_occ_move FOR UPDATE;
    SELECT horizon INTO v_old FROM sk_occ_state;
    IF v_to IS NULL THEN
        IF v_old >= v_new THEN
            RETURN 'done 0';
        END IF;
        v_to := v_new;
        v_after := NULL;
    END IF;
    SELECT array_agg(id ORDER BY id) INTO v_ids
      FROM (SELECT e.id FROM entries e
             WHERE e.kind = 'activity' AND e.rrule IS NOT NULL AND e.status <> 'deleted'
               AND (e.sk_until IS NULL OR e.sk_until >= sk_amsterdam(v_old::timestamp))
               AND (v_after IS NULL OR e.id > v_after)
             ORDER BY e.id LIMIT c_step) s;
    IF v_ids IS NOT NULL THEN
        INSERT INTO sk_occurrences (entry_id, starts_at, ends_at, local_start)
        SELECT e.id, sk_amsterdam(x.local_start), sk_amsterdam(x.local_end), x.local_start
          FROM entries e,
               sk_occ_expand(e.starts_at, e.ends_at, e.rrule, e.exdates, e.exception_sets, v_old, v_to) x
         WHERE e.id = ANY (v_ids)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT;
    END IF;
    IF v_ids IS NOT NULL AND cardinality(v_ids) = c_step THEN
        UPDATE sk_occ_move SET moving_to = v_to, done_after = v_ids[c_step];
        RETURN 'more ' || n;
    END IF;
    UPDATE sk_occ_move SET moving_to = NULL, done_after = NULL;
    UPDATE sk_occ_state SET horizon = v_to;
    DELETE FROM sk_occurrences WHERE starts_at < sk_amsterdam((sk_occ_first_day() - 1)::timestamp);
    RETURN 'done ' || n;
END;
$$;

-- The whole move at once, for tests and the command line: the steps until the last.
CREATE OR REPLACE FUNCTION sk_occurrences_extend() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_step text;
    n integer := 0;
BEGIN
    LOOP
        v_step := sk_occurrences_extend_step();
        n := n + split_part(v_step, ' ', 2)::integer;
        EXIT WHEN v_step LIKE 'done %';
    END LOOP;
    RETURN n;
END;
$$;

CREATE OR REPLACE TRIGGER entries_occurrences_ins AFTER INSERT ON entries
    FOR EACH ROW WHEN (NEW.kind = 'activity') EXECUTE FUNCTION sk_entry_occurrences_trg();

CREATE OR REPLACE TRIGGER entries_occurrences_upd AFTER UPDATE ON entries
    FOR EACH ROW WHEN (NEW.kind = 'activity' AND (
        OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.ends_at IS DISTINCT FROM NEW.ends_at
        OR OLD.rrule IS DISTINCT FROM NEW.rrule OR OLD.exdates IS DISTINCT FROM NEW.exdates
        OR OLD.exception_sets IS DISTINCT FROM NEW.exception_sets))
    EXECUTE FUNCTION sk_entry_occurrences_trg();

CREATE OR REPLACE TRIGGER exception_set_dates_occurrences AFTER INSERT OR UPDATE OR DELETE ON exception_set_dates
    FOR EACH ROW EXECUTE FUNCTION sk_exception_dates_trg();
