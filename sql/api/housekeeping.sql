-- sql/api/housekeeping.sql — the periodic jobs, each run by one daemon at a time (issue 17).
--
-- One current definition of each function; `socialekaart migrate` applies this file whenever the
-- release's SQL code changes (server/cli/migrate.c). Edit in place. Licensed under the EUPL

-- =============================================================================================
-- sk_housekeeping_run: worker 0 of every daemon calls it for each job every
-- housekeeping_interval_s (server/housekeeping.c). The job's row in housekeeping_jobs (0024) is
-- the claim: FOR UPDATE SKIP LOCKED, held while the job runs in this same transaction, so two
-- daemons never run a job at once. A job that finished within 90% of the caller's period (by any
-- daemon) is not run again: N daemons run each job about once per period, not N times. A job done
-- in steps said "more ..." and is not finished: whoever asks next takes the next step.
-- Says what the job said, or 'skipped: ...' (the caller then only logs it).
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_housekeeping_run(p_job text, p_interval_s integer, p_daemon text)
    RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    j      housekeeping_jobs;
    v_said text;
BEGIN
    SELECT * INTO j FROM housekeeping_jobs WHERE job = p_job FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM housekeeping_jobs WHERE job = p_job) THEN
            RAISE EXCEPTION 'unknown housekeeping job: %', p_job USING ERRCODE = '22023';
        END IF;
        RETURN 'skipped: running in another daemon';
    END IF;
    IF j.last_finished_at IS NOT NULL AND coalesce(j.last_result, '') NOT LIKE 'more%'
       AND clock_timestamp() - j.last_finished_at
           < make_interval(secs => 0.9 * greatest(coalesce(p_interval_s, 0), 0)) THEN
        RETURN 'skipped: ran ' || to_char(clock_timestamp() - j.last_finished_at, 'HH24:MI:SS') || ' ago in '
               || coalesce(j.last_daemon, 'a daemon');
    END IF;
    v_said := CASE p_job
        WHEN 'moderation'  THEN sk_moderation_housekeeping()::text   -- hide stale entries (0005)
        WHEN 'occurrences' THEN sk_occurrences_extend_step()         -- the occurrence horizon (0012)
        WHEN 'feeds'       THEN sk_feeds_housekeeping()::text        -- expired entries leave the feeds (0006)
        WHEN 'responses'   THEN sk_responses_housekeeping(500)       -- residents' responses past delete_after
        WHEN 'demand'      THEN api_demand_housekeeping()            -- wishes past delete_after, old words
        WHEN 'initiatives' THEN api_initiatives_housekeeping()       -- initiators' contacts on their day
    END;
    IF v_said IS NULL THEN
        RAISE EXCEPTION 'housekeeping job % has no function', p_job USING ERRCODE = '22023';
    END IF;
    UPDATE housekeeping_jobs
       SET runs = runs + 1, last_started_at = now(), last_finished_at = clock_timestamp(),
           last_result = left(v_said, 2000), last_daemon = left(p_daemon, 200)
     WHERE job = p_job;
    RETURN v_said;
END;
$$;
