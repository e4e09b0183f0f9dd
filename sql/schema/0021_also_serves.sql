-- 0021 regional entries (issue 16, item 2, in part): an entry that serves other municipalities
-- as well as its own, as a whole (Avres serves Gorinchem, Molenlanden and Vijfheerenlanden;
-- a regional Steunpunt Mantelzorg several villages' municipalities). also_serves holds those
-- municipalities' codes; a search in one of them, or in any of its wijken and kernen, finds the
-- entry, and its coverage counts it there.
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). The functions are in sql/api/. Licensed under the EUPL

ALTER TABLE entries ADD COLUMN also_serves text[] NOT NULL DEFAULT '{}';
ALTER TABLE entries ADD CONSTRAINT entries_also_serves_chk CHECK (
    cardinality(also_serves) <= 50 AND array_position(also_serves, NULL) IS NULL
    AND array_position(also_serves, municipality) IS NULL);
COMMENT ON CONSTRAINT entries_also_serves_chk ON entries IS 'also_serves: must be at most 50 other municipalities, not the entry''s own';
CREATE INDEX entries_also_serves_gin ON entries USING gin (also_serves) WHERE also_serves <> '{}';

ALTER TABLE sk_search_rows ADD COLUMN also_serves text[] NOT NULL DEFAULT '{}';
CREATE INDEX sk_search_rows_also_serves_gin ON sk_search_rows USING gin (also_serves) WHERE also_serves <> '{}';

-- migrate: after api
-- An entry's JSON now has "also_serves": the index's documents are rendered again.
SELECT sk_docs_refresh(e) FROM entries e WHERE e.status = 'published';
