-- 0020 area aliases (issue 16, item 2, in part): the other names residents and files use for a
-- wijk, kern or municipality (Gildenwijk is also written Gildewijk). A search's words find an
-- entry by its area's aliases as by its name (the D weight of sk_tsv), and the CSV import maps
-- an alias to the area's code. Moderators keep them with the area (PUT /api/v1/areas/{code}),
-- which renders the area's entries' search text again. The upgrade leaves every row as it was:
-- an entry of an upgraded database carries the seeded alias once it or its area is saved.
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). The functions are in sql/api/. Licensed under the EUPL

ALTER TABLE areas ADD COLUMN aliases text[] NOT NULL DEFAULT '{}';
ALTER TABLE areas ADD CONSTRAINT areas_aliases_chk CHECK (
    cardinality(aliases) <= 10 AND array_position(aliases, NULL) IS NULL AND array_position(aliases, '') IS NULL
    AND length(array_to_string(aliases, '|')) <= 1000);
COMMENT ON CONSTRAINT areas_aliases_chk ON areas IS 'aliases: must be at most 10 names, none empty';

UPDATE areas SET aliases = ARRAY['Gildewijk'] WHERE code = 'GM0512-gildenwijk' AND aliases = '{}';
