-- 0006 feeds (issue 7): open, standard, incremental feeds of the published data.
--
--   * RPDE 1.0 change feeds per kind (/feeds/places, /feeds/activities, /feeds/vacancies,
--     /feeds/carer-support), "modified" ordering strategy (afterTimestamp + afterId).
--   * iCalendar (RFC 5545) of activities, one calendar per search or per activity.
--   * GeoJSON (RFC 7946) of places and activities.
--   * Open Referral HSDS 3.0 lists: services, organizations, locations.
--
-- Only published data ever leaves through these: entries.status = 'published' and not expired
-- (a vacancy after its valid_until day, an activity after its last occurrence). Pending revisions live
-- elsewhere (issue 6); the entries row is always the resident-visible version.
--
-- The change feed and the "skipped item" problem
-- ----------------------------------------------
-- A feed consumer remembers the (modified, id) of the last item it read and asks for what comes
-- after. If modified came from a clock or a sequence taken during the writing transaction, a
-- transaction that took its value early but committed late would insert an item *behind* a
-- consumer that had already moved past it: the change is lost for that consumer.
--
-- Decision: `modified` is the 64-bit transaction id (xid8) of the transaction that wrote the
-- feed row, and a page only shows rows whose transaction id is below the xmin of the current
-- snapshot (pg_snapshot_xmin(pg_current_snapshot())): every transaction below xmin has finished,
-- and every transaction that is still running or starts later has an id >= xmin. So once a row
-- with modified = M is shown, no row with modified < M can appear later: the feed is append-only
-- in (modified, id) order, exactly what RPDE needs. Rows of one transaction share the id and are
-- ordered by entry id; they become visible together. The price: a transaction that stays open
-- holds the feed back (the daemon's transactions are single statements of milliseconds; a
-- long-running manual transaction in psql delays the feeds, it never breaks them).
--
-- One row per entry (the latest state only, as RPDE wants); `data` is rendered on read from the
-- entries row, which is consistent with the feed row because both are written by the same
-- transaction. Expiry is time-based and has no write of its own: sk_feeds_housekeeping() turns
-- expired rows into 'deleted' (the daemon should call it every minute; each feed page also runs
-- it for its own kind first, so feeds converge without the daemon's help).
--
-- Applied inside one transaction by `socialekaart migrate`; no psql meta-commands here.
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

-- =============================================================================================
-- The feed table and its maintenance
-- =============================================================================================

CREATE TABLE feed_items (
    id          uuid PRIMARY KEY,             -- the entry's id (kept after a purge)
    kind        text NOT NULL,
    modified    bigint NOT NULL,              -- xid8 of the writing transaction (see above)
    state       text NOT NULL,
    expires_at  timestamptz,                  -- when an 'updated' row turns 'deleted' by time
    created_xid bigint NOT NULL,              -- the transaction that made the row
    CONSTRAINT feed_items_kind_chk CHECK (kind IN ('place', 'activity', 'vacancy', 'carer_support')),
    CONSTRAINT feed_items_state_chk CHECK (state IN ('updated', 'deleted'))
);

-- keyset paging of one kind's feed: WHERE kind = $1 AND (modified, id) > ($2, $3) ORDER BY modified, id
CREATE INDEX feed_items_page_idx ON feed_items (kind, modified, id);

-- housekeeping: rows that will expire
CREATE INDEX feed_items_expiry_idx ON feed_items (expires_at) WHERE state = 'updated' AND expires_at IS NOT NULL;

-- migrate: after api
-- The statements below call functions of sql/api/: migrate runs them once this
-- release's functions are in place, in the same transaction.

-- Entries already public when this migration runs.
INSERT INTO feed_items (id, kind, modified, state, expires_at, created_xid)
SELECT e.id, e.kind, sk_feed_txid(), 'updated', sk_entry_expires_at(e), sk_feed_txid()
  FROM entries e
 WHERE sk_entry_public(e);
