-- 0010 search index (issue 13): what the daemon's in-memory search index reads and follows, and
-- the SQL search (api_search, the index's oracle) made exactly reproducible by it.
-- Plan: docs/design/search-index.md.
--
-- What is here:
--  * Relevance as an integer both sides compute the same way (replaces ts_rank):
--      sk_search_terms(q)            the query's words and their alternatives, as JSON;
--      sk_search_terms_tsquery(t)    the text filter built from those terms (sk_search_tsquery(q)
--                                    is now exactly that: one definition of what a word matches);
--      sk_search_score(tsv, terms)   the sum over the words of the strongest field they match in.
--  * Exact totals and facets: sk_search_facets counts every match (the 2,000 cap is gone);
--    api_search's total_capped stays in the answer, always false.
--  * sk_docs: the anonymous rendering (sk_entry_render(e, lang, true)) of every published entry,
--    Dutch and per translation, kept by trigger: the index loads documents, it renders nothing.
--  * Change stream: NOTIFY sk_changes on every write to feed_items (the follower's wake-up; it
--    also polls), sk_index_catalog.version for what feed_items does not carry (vocabularies,
--    areas, the occurrence horizon), sk_words.added so that new typo words are followed.
--  * sk_index_rows: one row per entry residents see now, in the shape the loader wants.
--
-- Applied inside one transaction by `socialekaart migrate`; no psql meta-commands here.
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

-- =============================================================================================
-- sk_docs: each published entry rendered once per change
-- =============================================================================================
-- sk_entry_render (0003) reads the entries row alone (its helpers sk_iso, sk_local and
-- sk_point_json read no table), so the anonymous JSON of an entry changes only when its row does.
-- One document in Dutch ('nl') and one per translation language L: every key L <> 'nl' of
-- translations whose value is a non-empty JSON object, exactly when sk_entry_render(e, L) switches
-- to L (for any other language it renders Dutch, so the 'nl' document serves it). Rows exist for
-- status 'published' only; whether the entry is still current by time (sk_until) is the reader's
-- business, as in sk_entry_public.

CREATE TABLE sk_docs (
    entry_id uuid REFERENCES entries (id) ON DELETE CASCADE,
    lang     text,
    doc      text NOT NULL,               -- sk_entry_render(e, lang, true)::text
    PRIMARY KEY (entry_id, lang)
);

-- What feed_items does not carry: the vocabularies the index resolves (themes and their parents,
-- audiences, accessibility features), the areas (sub-areas of a municipality for whole-municipality
-- entries, names) and the occurrence horizon (sk_occ_state: the daily move adds occurrences to
-- every recurring activity). Any statement on these moves the version; the daemon rebuilds its
-- index in the background when the version it loaded is not the current one.
CREATE TABLE sk_index_catalog (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL
);
INSERT INTO sk_index_catalog (version) VALUES (1);

-- The words for typo tolerance, followed like feed_items: added = the 64-bit id of the
-- transaction that added the word (rows already there get this migration's); the follower asks
-- for added >= its position. sk_words never shrinks.
ALTER TABLE sk_words ADD COLUMN added bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint;

-- The daemon's index follows feed_items from its position: WHERE modified >= $1 (usually empty).
CREATE INDEX feed_items_modified_idx ON feed_items (modified);
CREATE INDEX sk_words_added_idx ON sk_words (added);

-- migrate: after api
-- The statements below call functions of sql/api/: migrate runs them once this
-- release's functions are in place, in the same transaction.

-- Entries that exist when this migration runs.
SELECT sk_docs_refresh(e) FROM entries e WHERE e.status = 'published';
