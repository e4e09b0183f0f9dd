-- campaigns: which codes an entry may hold (sk_campaign_tag_errors), who may make, change and
-- delete one (api_campaign_put/delete), curating (api_campaign_entry), and that deleting one
-- takes its code out of every entry.
BEGIN;
\ir lib/fixture.psql
INSERT INTO campaigns (code, municipality, name, starts_on, ends_on) VALUES
    ('sqltest-burendag', 'GM0512', 'Burendag', current_date - 1, current_date + 10),
    ('sqltest-kernen', 'GM0668', 'Kernendag', current_date - 1, current_date + 10),
    ('sqltest-landelijk', NULL, 'Week tegen Eenzaamheid', current_date + 5, current_date + 12),
    ('sqltest-voorbij', 'GM0512', 'Lentefair', current_date - 40, current_date - 30);

-- ---- the codes an entry of GM0512 may hold -------------------------------------------------
SELECT e->>'field' AS field, regexp_replace(e->>'message', '[0-9]{4}-[0-9]{2}-[0-9]{2}', 'DATE') AS message
  FROM jsonb_array_elements(sk_campaign_tag_errors(
           '["sqltest-burendag", "sqltest-kernen", "sqltest-landelijk", "sqltest-voorbij", "sqltest-geen"]',
           'GM0512', NULL)) e;
-- a campaign that is over stays on an entry that had it
SELECT sk_campaign_tag_errors('["sqltest-voorbij"]', 'GM0512', '{sqltest-voorbij}') AS kept;

-- ---- who may ------------------------------------------------------------------------------
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_campaign_put('sqltest-nieuw', '{"name": "Dorp van de maand", "municipality": "GM0668",
                        "starts_on": "2030-01-01", "ends_on": "2030-01-31"}', NULL, 'moderator', NULL, NULL, '{GM0512}');
SELECT status, body::jsonb->>'detail' AS detail
  FROM api_campaign_put('sqltest-nieuw', '{"name": "Dorp van de maand", "starts_on": "2030-01-01",
                        "ends_on": "2030-01-31"}', NULL, 'moderator', NULL, NULL, '{*}');
SELECT status, body::jsonb->>'period' AS period
  FROM api_campaign_put('sqltest-nieuw', '{"name": "Dorp van de maand", "municipality": "GM0668",
                        "starts_on": "2030-01-01", "ends_on": "2030-01-31"}', NULL, 'moderator', NULL, NULL, '{GM0668}');
SELECT status, body::jsonb->'errors' AS errors
  FROM api_campaign_put('sqltest-nieuw', '{"name": "Dorp van de maand", "municipality": "GM0668",
                        "starts_on": "2030-01-01", "ends_on": "2031-06-30"}', NULL, 'moderator', NULL, NULL, '{GM0668}');
SELECT status FROM api_campaign_delete('sqltest-nieuw', 'partner', NULL, NULL, NULL);
SELECT status FROM api_campaign_delete('sqltest-landelijk', 'moderator', NULL, NULL, '{*}');

-- ---- curating ------------------------------------------------------------------------------
INSERT INTO entries (id, kind, status, organisation_id, municipality, areas, themes, title, skills)
VALUES ('00000000-0000-4000-8000-00000000c001', 'vacancy', 'published', :'org_a', 'GM0512', '{GM0512-west}', '{}',
        'SQL test campagne', '{}');
SELECT status FROM api_campaign_entry('sqltest-burendag', '00000000-0000-4000-8000-00000000c001', true, 'moderator',
                                      NULL, NULL, '{GM0668}');
SELECT status FROM api_campaign_entry('sqltest-kernen', '00000000-0000-4000-8000-00000000c001', true, 'moderator',
                                      NULL, NULL, '{GM0512}');
SELECT status FROM api_campaign_entry('sqltest-burendag', '00000000-0000-4000-8000-00000000c001', true, 'moderator',
                                      NULL, NULL, '{GM0512}');
SELECT status FROM api_campaign_entry('sqltest-landelijk', '00000000-0000-4000-8000-00000000c001', true, 'moderator',
                                      NULL, NULL, '{GM0512}');
SELECT campaigns, version FROM entries WHERE id = '00000000-0000-4000-8000-00000000c001';
SELECT body::jsonb->>'entry_count' AS entry_count FROM api_campaign_get('sqltest-burendag', NULL, NULL, NULL, NULL);
-- the search's filter and the index's row
SELECT count(*) FROM sk_search_rows WHERE campaigns @> '{sqltest-burendag}';
SELECT campaigns FROM sk_index_rows WHERE id = '00000000-0000-4000-8000-00000000c001';

-- ---- deleting takes the code out of every entry --------------------------------------------
SELECT status FROM api_campaign_delete('sqltest-burendag', 'moderator', NULL, NULL, '{GM0512}');
SELECT campaigns, version FROM entries WHERE id = '00000000-0000-4000-8000-00000000c001';
SELECT action, entity, entity_id FROM audit_log WHERE entity = 'campaign' AND entity_id = 'sqltest-burendag';
ROLLBACK;
