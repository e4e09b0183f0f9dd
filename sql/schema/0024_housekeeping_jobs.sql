-- 0024 housekeeping runs once across daemons (issue 17, item 2). Every daemon's worker 0 asks
-- for each periodic job in turn (server/housekeeping.c); sk_housekeeping_run (sql/api/
-- housekeeping.sql) claims the job's row with FOR UPDATE SKIP LOCKED, so while one daemon runs
-- a job the others skip it, and a job another daemon finished within the asking daemon's
-- period is skipped too. One row per job, made here: the job list is sk_housekeeping_run's.
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). Licensed under the EUPL

CREATE TABLE housekeeping_jobs (
    job              text PRIMARY KEY,
    runs             bigint NOT NULL DEFAULT 0,   -- runs done, by any daemon
    last_started_at  timestamptz,
    last_finished_at timestamptz,
    last_result      text,                         -- what the job said ("more ..." = steps left)
    last_daemon      text,                         -- host:pid of the daemon that ran it
    CONSTRAINT housekeeping_jobs_job_chk CHECK (job ~ '^[a-z]+$' AND length(job) <= 40),
    CONSTRAINT housekeeping_jobs_runs_chk CHECK (runs >= 0),
    CONSTRAINT housekeeping_jobs_last_result_chk CHECK (length(last_result) <= 2000),
    CONSTRAINT housekeeping_jobs_last_daemon_chk CHECK (length(last_daemon) <= 200)
);

INSERT INTO housekeeping_jobs (job)
VALUES ('moderation'), ('occurrences'), ('feeds'), ('responses'), ('demand'), ('initiatives');
