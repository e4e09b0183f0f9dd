-- pgbench script: the naive resident search that the daemon must beat (issue 13), on the same
-- database in the same run (tests/bench/search.sh). Full text + area + theme, ts_rank order,
-- LIMIT 20, no facets, no paging: what a developer writes first (../shared/perf/README.md), with
-- the GIN indexes of 0004. No prefix matching, no typo tolerance, no whole-municipality entries.
-- The word, wijk and theme are drawn uniformly from the lists of the uniform mix (search.lua).
\set w random(1, 18)
\set a random(1, 17)
\set t random(1, 10)
SELECT e.id, e.title
  FROM entries e
 WHERE e.sk_tsv @@ websearch_to_tsquery('pg_catalog.dutch', (ARRAY['koffie', 'wandelen', 'taalcafe', 'eten', 'yoga', 'mantelzorg',
        'repair', 'beweeg', 'buurthuis', 'eenzaamheid', 'computer', 'zingen', 'koken', 'kaarten', 'ouderen',
        'jongeren', 'fiets', 'dans'])[:w])
   AND e.areas && ARRAY[(ARRAY['GM0512-binnenstad', 'GM0512-west', 'GM0512-lingewijk', 'GM0512-haarwijk',
        'GM0512-wijdschild', 'GM0512-gildenwijk', 'GM0512-dalem', 'GM0512-laag-dalem', 'GM0512-hoog-dalem',
        'GM0668-alphen', 'GM0668-altforst', 'GM0668-appeltern', 'GM0668-beneden-leeuwen', 'GM0668-boven-leeuwen',
        'GM0668-dreumel', 'GM0668-maasbommel', 'GM0668-wamel'])[:a]]
   AND e.themes && ARRAY[(ARRAY['ontmoeten', 'beweging', 'gezonde-leefstijl', 'mantelzorg', 'vrije-tijd', 'leren',
        'betrokken-samenleving', 'informatie-advies', 'meedoen', 'omzien-naar-elkaar'])[:t]]
 ORDER BY ts_rank(e.sk_tsv, websearch_to_tsquery('pg_catalog.dutch', (ARRAY['koffie', 'wandelen', 'taalcafe', 'eten', 'yoga',
        'mantelzorg', 'repair', 'beweeg', 'buurthuis', 'eenzaamheid', 'computer', 'zingen', 'koken', 'kaarten',
        'ouderen', 'jongeren', 'fiets', 'dans'])[:w])) DESC
 LIMIT 20;
