-- Synthetic but realistic sociale-kaart data for the search benchmark (tests/bench/search.sh).
-- psql -v n=100000 -f gen_data.sql  (n entries over Gorinchem and West Maas en Waal; organisations
-- n/250). Deterministic (setseed), Dutch texts built from templates, locations scattered around
-- the sub-areas' centres, every kind with its required members: 30 % places (opening hours),
-- 35 % activities (weekly, fortnightly, first/last weekday of the month, one-off; exception
-- dates and holiday sets), 20 % vacancies (some expired), 15 % carer support. The triggers of
-- 0004 fill the search columns, the words table and the occurrences as for any insert.
--
-- Large sets are made in parts (tests/bench/search.sh does it for more than 200,000 entries, two
-- sessions at a time): -v only_orgs=1 makes the organisations and stops; -v lo=A -v hi=B (with the
-- same n) then makes entries A..B, each part with its own seed, so the parts can run side by side.
\set ON_ERROR_STOP 1
SET jit = off;   -- compiling these wide expressions costs seconds and saves nothing
\if :{?lo}
\else
\set lo 1
\endif
\if :{?hi}
\else
\set hi :n
\endif
SELECT setseed(CASE WHEN :lo = 1 THEN 0.42 ELSE :lo::float8 / (:n + 1) END);

CREATE TEMP TABLE gen_words AS SELECT
    ARRAY['Koffieochtend', 'Wandelgroep', 'Taalcafé', 'Samen eten', 'Stoelyoga', 'Digitaal spreekuur', 'Repair Café',
          'Kaartmiddag', 'Breiclub', 'Buurtkoor', 'Schilderles', 'Jongereninloop', 'Speelochtend', 'Gespreksgroep rouw',
          'Fietsles', 'Moestuinclub', 'Buurtlunch', 'Spelletjesmiddag', 'Beweegles 65+', 'Geheugentraining',
          'Kookworkshop', 'Computerles', 'Inloopspreekuur geldzaken', 'Dansmiddag', 'Zwemmen voor ouderen',
          'Huiswerkklas', 'Voorleesuur', 'Klaverjassen', 'Tekenclub', 'Sjoelen', 'Bingo', 'Muziekmiddag',
          'Vrouwengroep', 'Mannenkookclub', 'Ouder-kindochtend', 'Nordic walking', 'Fitness op de stoel'] AS act,
    ARRAY['Buurthuis', 'Wijkcentrum', 'Dorpshuis', 'Bibliotheek', 'Buurtkamer', 'Inloophuis', 'Ontmoetingscentrum',
          'Kerkzaal', 'Sporthal', 'Speeltuin', 'Jongerencentrum', 'Odensehuis', 'Zorgcentrum', 'Gemeenschapshuis'] AS plc,
    ARRAY['De Vesting', 'Het Anker', 'De Linde', 'De Brug', 'De Kern', 'Het Trefpunt', 'De Schakel', '''t Hoekje',
          'De Boomgaard', 'De Molen', 'Het Baken', 'De Wiekslag', 'De Hoeksteen', 'De Regenboog', 'Het Kompas',
          'De Klimop', 'De Zonnebloem', 'Het Veerhuis', 'De Waalkant', 'De Lingehof'] AS nm,
    ARRAY['chauffeur', 'gastvrouw of gastheer', 'taalmaatje', 'klusjesman of klusjesvrouw', 'maatje voor ouderen',
          'huiswerkbegeleider', 'coördinator', 'kok', 'voorlezer', 'wandelbegeleider', 'tuinier', 'fietsmaatje',
          'administratief medewerker', 'thuisadministratie-vrijwilliger', 'bezoekvrijwilliger'] AS vac,
    ARRAY['Respijtzorg thuis', 'Mantelzorgcafé', 'Cursus omgaan met dementie', 'Luisterlijn mantelzorg',
          'Mantelzorgconsulent', 'Lotgenotengroep', 'Training tillen en verplaatsen', 'Mantelzorgwaardering',
          'Logeeropvang', 'Boodschappenhulp', 'Steungesprekken'] AS crs,
    ARRAY['Iedereen is welkom, ook als u niemand kent.', 'Samen bewegen is gezond en gezellig.',
          'Tegen eenzaamheid: kom erbij en maak nieuwe contacten.', 'Gratis voor inwoners met een laag inkomen.',
          'Een vrijwilliger helpt u op weg.', 'U hoeft zich niet aan te melden.', 'Koffie en thee staan klaar.',
          'Voor ouderen die langer thuis willen wonen.', 'Oefen Nederlands praten in een kleine groep.',
          'Hulp bij formulieren, rekeningen en post.', 'Voor mantelzorgers die even op adem willen komen.',
          'Met een deskundige die uw vragen beantwoordt.', 'Geschikt voor mensen met een rolstoel.',
          'Voor jongeren van 12 tot 23 jaar.', 'Samen koken en eten met buurtgenoten.'] AS sent,
    ARRAY['ontmoeten', 'beweging', 'voeding', 'mentale-gezondheid', 'ontspanning', 'omzien-naar-elkaar',
          'mantelzorg', 'vrijwilligerswerk', 'dementie', 'vrije-tijd', 'daginvulling', 'geldzaken', 'leren',
          'informatie-advies', 'thuis-wonen', 'opgroeien', 'tolerantie'] AS thm,
    ARRAY['iedereen', 'kinderen', 'jongeren', 'ouders', 'volwassenen', 'ouderen', 'mantelzorgers', 'dementie',
          'beperking', 'nieuwkomers', 'laag-inkomen', 'laaggeletterden'] AS aud,
    ARRAY['respite', 'peer-contact', 'training', 'advice', 'practical-help', 'emotional-support', 'appreciation'] AS sk,
    ARRAY['FREQ=WEEKLY;BYDAY=MO', 'FREQ=WEEKLY;BYDAY=TU', 'FREQ=WEEKLY;BYDAY=WE', 'FREQ=WEEKLY;BYDAY=TH',
          'FREQ=WEEKLY;BYDAY=FR', 'FREQ=WEEKLY;BYDAY=SA', 'FREQ=WEEKLY;BYDAY=TU,TH', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=WE',
          'FREQ=MONTHLY;BYDAY=1MO', 'FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=MONTHLY;BYDAY=2SA', 'FREQ=MONTHLY;BYDAY=3TH',
          'FREQ=WEEKLY;COUNT=10;BYDAY=MO', 'FREQ=WEEKLY;BYDAY=WE', 'FREQ=WEEKLY;BYDAY=MO', 'FREQ=WEEKLY;BYDAY=TH',
          NULL, NULL] AS rr,
    ARRAY['09:30', '10:00', '10:30', '13:30', '14:00', '15:30', '19:00', '19:30'] AS tm;

CREATE TEMP TABLE gen_areas AS
SELECT row_number() OVER (ORDER BY code) AS i, code, name, municipality, ST_Y(location::geometry) AS lat,
       ST_X(location::geometry) AS lon
  FROM areas WHERE kind <> 'municipality' AND retired_at IS NULL;

\if :{?skip_orgs}
\else
INSERT INTO organisations (id, name, description, municipality, created_at)
SELECT gen_random_uuid(),
       (ARRAY['Stichting', 'Vereniging', 'Welzijn', 'Buurtvereniging', 'Zorgcoöperatie'])[1 + g % 5] || ' '
       || (SELECT nm[1 + (g * 7) % array_length(nm, 1)] FROM gen_words) || ' ' || g,
       'Organisatie voor welzijn en ontmoeting in de regio.', (ARRAY['GM0512', 'GM0668'])[1 + g % 2],
       now() - interval '3 years'
  FROM generate_series(1, greatest(:n / 250, 4)) g;
-- trusted (their entries publish without review) in both municipalities
INSERT INTO organisation_trust (organisation_id, municipality)
SELECT o.id, m.code FROM organisations o, (VALUES ('GM0512'), ('GM0668')) m(code)
ON CONFLICT DO NOTHING;
\endif
\if :{?only_orgs}
\quit
\endif

CREATE TEMP TABLE gen_orgs AS
SELECT row_number() OVER (ORDER BY id) AS i, id FROM organisations;

INSERT INTO entries (kind, status, organisation_id, municipality, title, summary, description, areas, themes,
                     audiences, accessibility, cost, contact, languages, address, location, opening_hours, online,
                     starts_at, ends_at, rrule, exdates, exception_sets, timezone, registration, address_visibility,
                     capacity, skills, valid_until, hours_per_week, commitment, support_kind, for_whom, created_at,
                     updated_at)
SELECT x.kind, 'published', o.id, a.municipality,
       x.title, x.summary, x.summary || ' ' || w.sent[1 + (x.r3 * 31)::int % array_length(w.sent, 1)] || ' '
           || w.sent[1 + (x.r4 * 29)::int % array_length(w.sent, 1)],
       CASE WHEN x.r1 < 0.2 THEN '{}' ELSE ARRAY[a.code] END,
       CASE WHEN x.r3 < 0.5 THEN ARRAY[w.thm[1 + (x.r2 * 997)::int % array_length(w.thm, 1)]]
            ELSE ARRAY[w.thm[1 + (x.r2 * 997)::int % array_length(w.thm, 1)],
                       w.thm[1 + ((x.r2 * 997)::int + 5) % array_length(w.thm, 1)]] END,
       CASE WHEN x.r1 < 0.6 THEN ARRAY[w.aud[1 + (x.r4 * 991)::int % array_length(w.aud, 1)]]
            ELSE ARRAY[w.aud[1 + (x.r4 * 991)::int % array_length(w.aud, 1)],
                       w.aud[1 + ((x.r4 * 991)::int + 5) % array_length(w.aud, 1)]] END,
       jsonb_strip_nulls(jsonb_build_object(
           'wheelchair', (ARRAY['yes', 'yes', 'limited', 'no', NULL])[1 + (x.r2 * 50)::int % 5],
           'toilets_wheelchair', CASE WHEN x.r3 < 0.4 THEN 'yes' END,
           'hearing_loop', CASE WHEN x.r4 < 0.25 THEN 'yes' WHEN x.r4 > 0.9 THEN 'no' END,
           'low_stimulus', CASE WHEN x.r1 > 0.8 THEN 'yes' END,
           'easy_language', CASE WHEN x.r2 > 0.7 THEN 'yes' END,
           'public_transport', CASE WHEN x.r3 > 0.5 THEN 'yes' END)),
       CASE WHEN x.r4 < 0.6 THEN '{"free": true}'::jsonb
            ELSE jsonb_build_object('amount_eur', round((x.r4 * 10)::numeric, 1), 'discount_pass', x.r1 < 0.5) END,
       jsonb_build_object('phone', '0183 6' || lpad(((x.r1 * 99999)::int)::text, 5, '0')),
       CASE WHEN x.r3 < 0.1 THEN ARRAY['nl', 'en'] WHEN x.r3 < 0.15 THEN ARRAY['nl', 'uk']
            WHEN x.r3 < 0.18 THEN ARRAY['nl', 'ar'] ELSE ARRAY['nl'] END,
       CASE WHEN x.kind IN ('place', 'activity') AND NOT x.online
            THEN jsonb_build_object('street', w.nm[1 + (x.r2 * 77)::int % array_length(w.nm, 1)] || 'straat',
                                    'house_number', (1 + (x.r3 * 120)::int)::text, 'postcode', '4201 AB', 'city', a.name) END,
       CASE WHEN x.kind IN ('place', 'activity') AND NOT x.online
            THEN ST_SetSRID(ST_MakePoint(a.lon + (x.r3 - 0.5) * 0.02, a.lat + (x.r4 - 0.5) * 0.012), 4326)::geography END,
       CASE WHEN x.kind = 'place' THEN (
            SELECT jsonb_agg(jsonb_build_object('day', d, 'opens', CASE WHEN x.r1 < 0.5 THEN '09:00' ELSE '10:00' END,
                                                'closes', CASE WHEN x.r2 < 0.5 THEN '17:00' ELSE '21:30' END))
              FROM unnest(CASE WHEN x.r3 < 0.7 THEN ARRAY['mo', 'tu', 'we', 'th', 'fr'] ELSE ARRAY['tu', 'we', 'th', 'sa'] END) d) END,
       CASE WHEN x.kind = 'activity' THEN x.online END,
       CASE WHEN x.kind = 'activity' THEN x.st END,
       CASE WHEN x.kind = 'activity' THEN x.st + interval '90 minutes' END,
       CASE WHEN x.kind = 'activity' THEN x.rrule END,
       CASE WHEN x.kind = 'activity' THEN CASE WHEN x.r2 < 0.2 AND x.rrule IS NOT NULL THEN ARRAY[(x.st + interval '21 days')::date] ELSE '{}' END END,
       CASE WHEN x.kind = 'activity' THEN CASE WHEN x.r3 < 0.3 AND x.rrule IS NOT NULL THEN ARRAY['nl-public-holidays']
                                                WHEN x.r3 < 0.4 AND x.rrule IS NOT NULL THEN ARRAY['school-holidays-middle']
                                                ELSE '{}' END END,
       CASE WHEN x.kind = 'activity' THEN 'Europe/Amsterdam' END,
       CASE WHEN x.kind = 'activity' THEN CASE WHEN x.r1 < 0.3 THEN 'required' ELSE 'none' END END,
       CASE WHEN x.kind = 'activity' THEN 'public' END,
       CASE WHEN x.kind = 'activity' AND x.r1 < 0.3 THEN 20 END,
       CASE WHEN x.kind = 'vacancy' THEN ARRAY['geduld', 'betrouwbaar'] END,
       CASE WHEN x.kind = 'vacancy' THEN (now() + (x.r2 * 500 - 60) * interval '1 day')::date END,
       CASE WHEN x.kind = 'vacancy' THEN round((1 + x.r3 * 8)::numeric) END,
       CASE WHEN x.kind = 'vacancy' THEN CASE WHEN x.r4 < 0.2 THEN 'one-off' ELSE 'ongoing' END END,
       CASE WHEN x.kind = 'carer_support' THEN w.sk[1 + (x.r2 * 70)::int % array_length(w.sk, 1)] END,
       CASE WHEN x.kind = 'carer_support' THEN ARRAY['mantelzorgers'] END,
       now() - x.r1 * interval '700 days', now() - x.r2 * interval '300 days'
  FROM generate_series(:lo, :hi) g
  CROSS JOIN gen_words w
  -- g in the WHERE makes the planner draw new numbers for every row (else it draws them once)
  CROSS JOIN LATERAL (SELECT random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5 WHERE g > 0) rnd
  JOIN gen_areas a ON a.i = 1 + (g::bigint * 7919) % (SELECT count(*) FROM gen_areas)
  JOIN gen_orgs o ON o.i = 1 + (g::bigint * 104729) % (SELECT count(*) FROM gen_orgs)
  CROSS JOIN LATERAL (
      SELECT k.kind, rnd.r1, rnd.r2, rnd.r3, rnd.r4,
             k.kind = 'activity' AND rnd.r5 < 0.05 AS online,
             CASE k.kind
                 WHEN 'place' THEN w.plc[1 + (rnd.r2 * 97)::int % array_length(w.plc, 1)] || ' '
                                   || w.nm[1 + (rnd.r3 * 89)::int % array_length(w.nm, 1)] || ' ' || a.name
                 WHEN 'activity' THEN w.act[1 + (rnd.r2 * 101)::int % array_length(w.act, 1)] || ' ' || a.name
                 WHEN 'vacancy' THEN 'Vrijwilliger ' || w.vac[1 + (rnd.r2 * 83)::int % array_length(w.vac, 1)] || ' gezocht in ' || a.name
                 ELSE w.crs[1 + (rnd.r2 * 79)::int % array_length(w.crs, 1)] || ' ' || a.name
             END AS title,
             w.sent[1 + (rnd.r1 * 37)::int % array_length(w.sent, 1)] || ' ' || w.sent[1 + (rnd.r5 * 41)::int % array_length(w.sent, 1)] AS summary,
             -- start: a local date from 60 days back to 30 days ahead, at a usual time
             ((now() AT TIME ZONE 'Europe/Amsterdam')::date + ((rnd.r4 * 90)::int - 60)
              + w.tm[1 + (rnd.r3 * 53)::int % array_length(w.tm, 1)]::time)
             + CASE WHEN w.rr[1 + (rnd.r2 * 61)::int % array_length(w.rr, 1)] IS NULL THEN interval '75 days' ELSE interval '0' END AS st,
             w.rr[1 + (rnd.r2 * 61)::int % array_length(w.rr, 1)] AS rrule
        FROM (SELECT CASE WHEN g % 20 < 6 THEN 'place' WHEN g % 20 < 13 THEN 'activity'
                          WHEN g % 20 < 17 THEN 'vacancy' ELSE 'carer_support' END AS kind) k) x;

\if :{?skip_orgs}
\else
ANALYZE entries;
ANALYZE sk_occurrences;
ANALYZE sk_words;
\endif
