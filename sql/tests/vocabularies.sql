-- vocabularies: list/upsert/retire of themes, audiences, accessibility features, support kinds and
-- exception sets (api_vocab_*, sk_vocab_*): admin-only national vocabularies, local exception sets
-- for moderators, validation, retired terms on entries (sk_term_errors).
BEGIN;
\ir lib/fixture.psql

-- ---- who may change what -------------------------------------------------------------------
SELECT r, u.status, u.body::jsonb->>'detail' AS detail
  FROM unnest(ARRAY['anonymous', 'partner', 'moderator']) r,
       api_vocab_upsert('themes', 'sqltest-thema', '{"label_nl": "SQL test thema"}', NULL, r, :'org_m', NULL, '{GM0512}') u
 ORDER BY r;
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_vocab_retire('audiences', 'ouderen', 'moderator', :'org_m', :'key_mod', '{*}');
SELECT status, pg_temp.p(body) FROM api_vocab_upsert('castles', 'x', '{"label_nl": "x"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');

-- ---- themes --------------------------------------------------------------------------------
SELECT status, body::jsonb->>'code' AS code, body::jsonb->>'label_nl' AS label_nl, body::jsonb->>'parent' AS parent
  FROM api_vocab_upsert('themes', 'sqltest-thema', '{"label_nl": "SQL test thema", "label_en": "SQL test theme", "parent": "ontmoeten"}',
                        NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- renaming is an update
SELECT status, body::jsonb->>'label_nl' AS label_nl, body::jsonb->'label_en' AS label_en
  FROM api_vocab_upsert('themes', 'sqltest-thema', '{"label_nl": "SQL test thema (nieuw)", "parent": "ontmoeten"}',
                        NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT entity, action, entity_id FROM audit_log WHERE entity = 'theme' AND entity_id = 'sqltest-thema' ORDER BY id;
-- validation: code syntax, code in the body, parent, cycles (the members' shape is the daemon's,
-- validate.c; test_catalog.c vocab/term_shape_errors)
SELECT status, pg_temp.f(body)
  FROM api_vocab_upsert('themes', 'Bad_Code', '{"code": "other", "label_nl": "x"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- the daemon's errors come first; the database adds its own for other fields
SELECT status, pg_temp.f(body)
  FROM api_vocab_upsert('themes', 'sqltest-thema', '{"label_nl": 5, "parent": "no-such-theme"}',
                        '[{"field": "label_nl", "message": "must be a string"}]', 'admin', :'org_m', :'key_admin', '{*}');
-- called without them, a malformed body is a field error of the constraint it breaks, never an exception
SELECT status, pg_temp.f(body)
  FROM api_vocab_upsert('themes', 'sqltest-kapot', '{"label_en": 5}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body)
  FROM api_vocab_upsert('themes', 'sqltest-thema', '{"label_nl": "x", "parent": "no-such-theme"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body)
  FROM api_vocab_upsert('themes', 'ontmoeten', '{"label_nl": "Ontmoeten", "parent": "sqltest-thema"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body)
  FROM api_vocab_upsert('themes', 'sqltest-thema', '{"label_nl": "x", "parent": "sqltest-thema"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- the list has it (with its parent)
SELECT i->>'code' AS code, i->>'parent' AS parent, i->>'label_nl' AS label_nl
  FROM api_vocab_list('themes', false) l, jsonb_array_elements(l.body::jsonb->'items') i WHERE i->>'code' = 'sqltest-thema';
SELECT status, pg_temp.p(body) FROM api_vocab_list('castles', false);

-- ---- retiring: refused when newly chosen, kept where it was ---------------------------------
SELECT status FROM api_entry_create('vacancy',
    jsonb_build_object('title', 'SQL test vocab vacature', 'municipality', 'GM0512', 'organisation_id', :'org_a',
                       'themes', '["sqltest-thema"]'::jsonb, 'skills', '[]'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT id AS v1 FROM entries WHERE title = 'SQL test vocab vacature' \gset
SELECT status, body FROM api_vocab_retire('themes', 'sqltest-thema', 'admin', :'org_m', :'key_admin', '{*}');
SELECT retired_at IS NOT NULL AS retired FROM themes WHERE code = 'sqltest-thema';
SELECT status, pg_temp.f(body) FROM api_vocab_retire('themes', 'no-such-theme', 'admin', :'org_m', :'key_admin', '{*}');
SELECT (SELECT count(*) FROM jsonb_array_elements(body::jsonb->'items') i WHERE i->>'code' = 'sqltest-thema') AS listed
  FROM api_vocab_list('themes', false);
SELECT (SELECT count(*) FROM jsonb_array_elements(body::jsonb->'items') i WHERE i->>'code' = 'sqltest-thema') AS listed_with_retired
  FROM api_vocab_list('themes', true);
SELECT status, pg_temp.p(body) FROM api_entry_create('vacancy',
    jsonb_build_object('title', 'SQL test vocab nieuw', 'municipality', 'GM0512', 'organisation_id', :'org_a',
                       'themes', '["sqltest-thema"]'::jsonb, 'skills', '[]'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, body::jsonb->'themes' AS themes
  FROM api_entry_update('vacancy', :'v1', '{"title": "SQL test vocab vacature (bijgewerkt)"}', true, NULL, NULL,
                        'admin', :'org_m', :'key_admin', '{*}');
SELECT sk_term_errors('themes', '["sqltest-thema", "beweging", "nope"]', 'themes', '{sqltest-thema}', NULL) AS kept_old,
       sk_term_errors('themes', '["sqltest-thema"]', 'themes', '{}', NULL) AS newly_chosen;
-- bringing it back: an upsert clears retired
SELECT status, body::jsonb->'retired_at' AS retired_at
  FROM api_vocab_upsert('themes', 'sqltest-thema', '{"label_nl": "SQL test thema"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');

-- ---- audiences and support kinds -------------------------------------------------------------
SELECT status, body::jsonb->>'code' AS code
  FROM api_vocab_upsert('audiences', 'sqltest-doelgroep', '{"label_nl": "SQL test doelgroep"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, body::jsonb->>'code' AS code
  FROM api_vocab_upsert('support-kinds', 'sqltest-steun', '{"label_nl": "SQL test steun"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');

-- ---- accessibility features ----------------------------------------------------------------
SELECT status, pg_temp.p(body)
  FROM api_vocab_upsert('accessibility-features', 'sqltest_ramp', '{"label_nl": "SQL test oprit"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, pg_temp.p(body)
  FROM api_vocab_upsert('accessibility-features', 'sqltest_ramp', '{"label_nl": "SQL test oprit", "values": []}',
                        NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT status, body::jsonb->'values' AS values_, body::jsonb->>'osm_equivalent' AS osm
  FROM api_vocab_upsert('accessibility-features', 'sqltest_ramp',
                        '{"label_nl": "SQL test oprit", "values": ["yes", "no"], "osm_equivalent": "ramp=*"}',
                        NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- values are kept when a later upsert leaves them out
SELECT status, body::jsonb->'values' AS values_
  FROM api_vocab_upsert('accessibility-features', 'sqltest_ramp', '{"label_nl": "SQL test oprit (hernoemd)"}', NULL, 'admin', :'org_m', :'key_admin', '{*}');
SELECT allowed_values AS values_after_rename, label_nl FROM accessibility_features WHERE code = 'sqltest_ramp';
-- an entry's accessibility must use the allowed values
SELECT status, pg_temp.p(body) FROM api_entry_create('vacancy',
    jsonb_build_object('title', 'SQL test oprit', 'municipality', 'GM0512', 'organisation_id', :'org_a',
                       'accessibility', '{"sqltest_ramp": "limited"}'::jsonb, 'skills', '[]'::jsonb),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');

-- ---- exception sets: local ones belong to a municipality's moderators -----------------------
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_vocab_upsert('exception-sets', 'sqltest-vrij', '{"label_nl": "SQL test vrij"}', NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_vocab_upsert('exception-sets', 'sqltest-vrij', '{"label_nl": "SQL test vrij", "municipality": "GM0668"}',
                        NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, pg_temp.p(body)
  FROM api_vocab_upsert('exception-sets', 'sqltest-vrij',
                        '{"label_nl": "SQL test vrij", "municipality": "GM0512",
                          "dates": [{"start": "2026-12-24", "end": "2026-12-27"}, {"start": "2026-12-26"},
                                    {"start": "2026-02-30"}, {"start": "2026-05-05", "end": "2026-05-01"},
                                    {"start": "2026-01-01", "end": "2027-01-01"}, "x"]}',
                        NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT status, body::jsonb->>'municipality' AS municipality, body::jsonb->'dates' AS dates
  FROM api_vocab_upsert('exception-sets', 'sqltest-vrij',
                        '{"label_nl": "SQL test vrij", "municipality": "GM0512",
                          "dates": [{"start": "2026-12-24", "end": "2026-12-26", "label": "Kerst"}, {"start": "2026-12-31"}]}',
                        NULL, 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT during, label FROM exception_set_dates WHERE set_code = 'sqltest-vrij' ORDER BY during;
-- another municipality's moderator may not touch it; a national set is admin-only
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_vocab_upsert('exception-sets', 'sqltest-vrij', '{"label_nl": "x", "municipality": "GM0668"}', NULL, 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, body::jsonb->>'detail' AS detail FROM api_vocab_retire('exception-sets', 'sqltest-vrij', 'moderator', :'org_m', :'key_mod2', '{GM0668}');
SELECT status, body::jsonb->>'detail' AS detail FROM api_vocab_retire('exception-sets', 'nl-public-holidays', 'moderator', :'org_m', :'key_mod', '{GM0512}');
-- an activity in GM0668 may not use GM0512's set
SELECT status, pg_temp.p(body) FROM api_entry_create('activity',
    jsonb_build_object('title', 'SQL test set elders', 'municipality', 'GM0668', 'organisation_id', :'org_a', 'online', true,
                       'schedule', jsonb_build_object('start', '2026-12-01T10:00', 'rrule', 'FREQ=WEEKLY',
                                                      'exception_sets', '["sqltest-vrij"]'::jsonb)),
    NULL, NULL, 'admin', :'org_m', :'key_admin', '{*}');
-- the set's own moderator may retire it
SELECT status FROM api_vocab_retire('exception-sets', 'sqltest-vrij', 'moderator', :'org_m', :'key_mod', '{GM0512}');
SELECT retired_at IS NOT NULL AS retired FROM exception_sets WHERE code = 'sqltest-vrij';

ROLLBACK;
