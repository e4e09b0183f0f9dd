-- Sociale Kaart — the daily move of the occurrence horizon, in steps.
-- Licensed under the EUPL
--
-- 0004's sk_occurrences_extend() moves the horizon for every recurring activity in one statement
-- while holding sk_occ_state FOR UPDATE. At 100,000 entries that statement runs past the
-- statement timeout (5 s), is cancelled, and is retried every 30 s for ever: the horizon never
-- moves, and every activity write waits for the lock meanwhile. A move now goes in steps of at
-- most 250 activities (each well under a second), by id, with its progress in sk_occ_move; the
-- horizon itself changes only with the last step (and with it the search index's catalogue, 0010).
--
-- An activity written while a move is under way is expanded to the horizon being moved to, so it
-- misses nothing once the move ends. sk_occ_move is locked FOR SHARE by such a write and FOR UPDATE
-- by a step, so a step never reads an activity that a write is still changing.

CREATE TABLE sk_occ_move (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    moving_to  date,              -- NULL: no move under way
    done_after uuid               -- the activities up to this id have their occurrences to moving_to
);
INSERT INTO sk_occ_move DEFAULT VALUES;

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
CREATE FUNCTION sk_occurrences_extend_step(p_step integer DEFAULT 250) RETURNS text LANGUAGE plpgsql AS $$
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
