-- 0015 demand: what residents ask for beside what is offered (issue 16, item 4).
--
-- Counts only, aggregated before they are written: each daemon worker adds up its anonymous
-- searches, detail views and calendar downloads in memory (server/tally.c) and writes the sums
-- every demand_flush_ms in one statement (sk_demand_record, sql/api/demand.sql). No row holds an
-- address, a cookie, a time finer than the day or anything else about who asked. The words of a
-- search that found nothing are kept without the words that hold a digit or an @ (a phone
-- number, a postcode, an e-mail address). What a resident misses ("Ik mis iets in mijn wijk") is
-- kept with its day only, and erased after wish_days.
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). Licensed under the EUPL

-- Searches per day by municipality × area × theme × kind. '' = the search did not name one
-- (area '' = the whole municipality or no place chosen). found_nothing: of those, the searches
-- that had no result.
CREATE TABLE demand_searches (
    day           date NOT NULL,
    municipality  text NOT NULL,
    area          text NOT NULL,
    theme         text NOT NULL,
    kind          text NOT NULL,
    searches      bigint NOT NULL CHECK (searches >= 0),
    found_nothing bigint NOT NULL CHECK (found_nothing >= 0 AND found_nothing <= searches),
    PRIMARY KEY (municipality, day, area, theme, kind)
);

-- The words of searches that found nothing, per day and municipality.
CREATE TABLE demand_words (
    day          date NOT NULL,
    municipality text NOT NULL,
    words        text NOT NULL CHECK (words <> '' AND length(words) <= 80),
    searches     bigint NOT NULL CHECK (searches > 0),
    PRIMARY KEY (municipality, day, words)
);

-- Detail views and calendar downloads of one entry per day.
CREATE TABLE demand_entry_views (
    day        date NOT NULL,
    entry_id   uuid NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    measure    text NOT NULL CHECK (measure IN ('view', 'calendar')),
    n          bigint NOT NULL CHECK (n > 0),
    PRIMARY KEY (entry_id, day, measure)
);
CREATE INDEX demand_entry_views_day_idx ON demand_entry_views (day);

-- "Ik mis iets in mijn wijk": a wijk (or the whole municipality), a theme, a text. No account,
-- no address, no contact; the day only.
CREATE TABLE demand_wishes (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    municipality text NOT NULL REFERENCES areas (code),
    area         text REFERENCES areas (code),
    theme        text REFERENCES themes (code),
    body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    created_on   date NOT NULL DEFAULT (now() AT TIME ZONE 'Europe/Amsterdam')::date,
    delete_after date NOT NULL
);
CREATE INDEX demand_wishes_m_idx ON demand_wishes (municipality, created_on);
CREATE INDEX demand_wishes_delete_idx ON demand_wishes (delete_after);

-- The settings: below demand_min_count a published count is left out ("minder dan 5");
-- wishes_per_day per municipality bounds what anonymous callers can store; wish_days is how
-- long a wish is kept.
ALTER TABLE moderation_settings
    ADD COLUMN demand_min_count integer NOT NULL DEFAULT 5,
    ADD COLUMN wishes_per_day   integer NOT NULL DEFAULT 200,
    ADD COLUMN wish_days        integer NOT NULL DEFAULT 365,
    ADD CONSTRAINT moderation_settings_demand_chk CHECK (demand_min_count BETWEEN 1 AND 100
                                                         AND wishes_per_day BETWEEN 1 AND 100000
                                                         AND wish_days BETWEEN 30 AND 1095);
