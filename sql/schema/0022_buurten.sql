-- 0022 buurten (issue 16, item 2, in part): a buurt is a part of a wijk or kern (CBS's third
-- level). parent names the wijk or kern it lies in. A search in a wijk finds what is for its
-- buurten too, and a search in a buurt what is for its wijk; the whole municipality and the
-- regional entries that serve it (0021) at every level.
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). The functions are in sql/api/. Licensed under the EUPL

ALTER TABLE areas DROP CONSTRAINT areas_kind_chk;
ALTER TABLE areas ADD CONSTRAINT areas_kind_chk CHECK (kind IN ('municipality', 'wijk', 'kern', 'buurt'));
ALTER TABLE areas ADD COLUMN parent text;
ALTER TABLE areas ADD CONSTRAINT areas_parent_fk FOREIGN KEY (parent) REFERENCES areas (code);
ALTER TABLE areas ADD CONSTRAINT areas_parent_chk CHECK ((kind = 'buurt') = (parent IS NOT NULL));
COMMENT ON CONSTRAINT areas_parent_fk ON areas IS 'parent: must be the code of a known wijk or kern';
COMMENT ON CONSTRAINT areas_parent_chk ON areas IS 'parent: a buurt needs the wijk or kern it lies in, and only a buurt has one';
CREATE INDEX areas_parent_idx ON areas (parent) WHERE parent IS NOT NULL;
