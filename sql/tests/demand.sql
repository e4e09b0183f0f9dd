-- demand: the daemon's sums (unknown codes kept as '?', unknown municipalities and entries
-- dropped, sums added), wishes (checks, the per-day limit, who reads them), the published view
-- (small counts left out except for the municipality's moderators) and housekeeping.
BEGIN;
\ir lib/fixture.psql
-- a clean slate for the rows this test counts in (rolled back)
DELETE FROM demand_searches;
DELETE FROM demand_words;
DELETE FROM demand_entry_views;
DELETE FROM demand_wishes;
INSERT INTO entries (id, kind, status, organisation_id, municipality, areas, themes, title, skills)
VALUES ('00000000-0000-4000-8000-00000000d001', 'vacancy', 'published', :'org_a', 'GM0512', '{GM0512-west}', '{beweging}',
        'SQL test wandelen', '{}');

-- ---- the sums ------------------------------------------------------------------------------
SELECT sk_demand_record(jsonb_build_object(
    'searches', jsonb_build_array(
        jsonb_build_array(current_date, 'GM0512', 'GM0512-west', 'beweging', '', 3, 1),
        jsonb_build_array(current_date, 'GM0512', 'GM0512-west', 'beweging', 'activity', 1, 0),
        jsonb_build_array(current_date, 'GM0512', 'GM0512-nergens', 'nothema', 'kind?', 2, 5),
        jsonb_build_array(current_date, 'GM0512', 'GM0512-elders', 'ookniet', 'kind?', 1, 0),
        jsonb_build_array(current_date, 'GM9999', '', '', '', 7, 0)),
    'words', jsonb_build_array(jsonb_build_array(current_date, 'GM0512', 'jeu de boules', 2),
                               jsonb_build_array(current_date, 'GM9999', 'elders', 1)),
    'entries', jsonb_build_array(jsonb_build_array(current_date, '00000000-0000-4000-8000-00000000d001', 'view', 4),
                                 jsonb_build_array(current_date, '00000000-0000-4000-8000-00000000d001', 'calendar', 1),
                                 jsonb_build_array(current_date, :'missing', 'view', 9),
                                 jsonb_build_array(current_date, 'not a uuid', 'view', 9))));
-- the same again: added up
SELECT sk_demand_record(('{"searches": [["' || current_date || '", "GM0512", "GM0512-west", "beweging", "", 2, 2]]}')::jsonb);
SELECT municipality, area, theme, kind, searches, found_nothing FROM demand_searches ORDER BY area, theme, kind;
SELECT municipality, words, searches FROM demand_words ORDER BY words;
SELECT measure, n FROM demand_entry_views ORDER BY measure;

-- ---- wishes --------------------------------------------------------------------------------
SELECT status, pg_temp.p(body) FROM api_wish_create('{"municipality": "GM0512", "area": "GM0668-wamel", "theme": "nothema", "text": "Een moestuin"}', '[]', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_wish_create('{"municipality": "GM9999", "text": "Een moestuin"}', '[]', 'anonymous', NULL, NULL, NULL);
SELECT status, body::jsonb->>'area' AS area, body::jsonb->>'delete_after' = (current_date + 365)::text AS kept_a_year
  FROM api_wish_create('{"municipality": "GM0512", "area": "GM0512-west", "theme": "beweging", "text": "  Een wandelgroep  "}', '[]', 'anonymous', NULL, NULL, NULL);
SELECT body FROM demand_wishes;
-- the municipality's limit per day
UPDATE moderation_settings SET wishes_per_day = 1;
SELECT status, pg_temp.p(body) FROM api_wish_create('{"municipality": "GM0512", "text": "Nog een"}', '[]', 'anonymous', NULL, NULL, NULL);
-- who reads them
SELECT who, status, CASE WHEN status = 200 THEN jsonb_array_length(body::jsonb->'items') END AS items
  FROM (VALUES ('anonymous', 'anonymous', NULL::text[]), ('partner', 'partner', '{}'),
               ('moderator GM0512', 'moderator', '{GM0512}'), ('moderator GM0668', 'moderator', '{GM0668}'),
               ('admin', 'admin', '{*}')) v(who, r, s),
       api_wishes_list('GM0512', 100, r, NULL, NULL, s)
 ORDER BY who;

-- ---- asked for next to offered --------------------------------------------------------------
-- the public: 5 searches, 3 found nothing (< 5: left out), 1 wish (left out), offered 1
SELECT c->>'searches' AS searches, c->>'found_nothing' AS found_nothing, c->>'wishes' AS wishes, c->>'asked' AS asked,
       c->>'views' AS views, (c->>'offered')::int >= 1 AS offered, (d->>'exact')::boolean AS exact,
       jsonb_array_length(d->'words') AS words
  FROM (SELECT body::jsonb AS d FROM api_stats_demand('GM0512', current_date - 27, current_date, 'json', 'anonymous', NULL, NULL, NULL)) x,
       jsonb_array_elements(d->'cells') c
 WHERE c->>'area' = 'GM0512-west' AND c->>'theme' = 'beweging';
-- the municipality's moderator: everything
SELECT c->>'searches' AS searches, c->>'found_nothing' AS found_nothing, c->>'wishes' AS wishes, c->>'asked' AS asked,
       c->>'views' AS views, (c->>'offered')::int >= 1 AS offered, (d->>'exact')::boolean AS exact, d->'words' AS words
  FROM (SELECT body::jsonb AS d FROM api_stats_demand('GM0512', current_date - 27, current_date, 'json', 'moderator', NULL, NULL, '{GM0512}')) x,
       jsonb_array_elements(d->'cells') c
 WHERE c->>'area' = 'GM0512-west' AND c->>'theme' = 'beweging';
-- unknown codes count for the whole municipality, without a theme
SELECT c->>'searches' AS searches FROM (SELECT body::jsonb AS d FROM api_stats_demand('GM0512', current_date, current_date, 'json', 'admin', NULL, NULL, '{*}')) x,
       jsonb_array_elements(d->'cells') c
 WHERE c->>'area' = 'GM0512' AND c->>'theme' IS NULL;
-- CSV and SVG
SELECT split_part(body, E'\r\n', 1) AS header FROM api_stats_demand('GM0512', current_date, current_date, 'csv', 'anonymous', NULL, NULL, NULL);
SELECT body LIKE '<svg %' AS svg, body LIKE '%Gevraagd / aanbod in Gorinchem%' AS titled, body LIKE '%>7 / %' AS asked_drawn
  FROM api_stats_demand('GM0512', current_date, current_date, 'svg', 'anonymous', NULL, NULL, NULL);
SELECT status, pg_temp.p(body) FROM api_stats_demand('GM9999', current_date, current_date, 'json', 'anonymous', NULL, NULL, NULL);

-- ---- housekeeping --------------------------------------------------------------------------
UPDATE demand_wishes SET delete_after = current_date - 1;
SELECT sk_demand_housekeeping();
SELECT count(*) AS wishes_left FROM demand_wishes;
ROLLBACK;
