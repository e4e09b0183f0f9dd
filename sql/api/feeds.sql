-- sql/api/feeds.sql — the open feeds: RPDE 1.0 per kind, iCalendar (RFC 5545), GeoJSON and HSDS.
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL

-- The value of `modified` for rows this transaction writes.
CREATE OR REPLACE FUNCTION sk_feed_txid() RETURNS bigint LANGUAGE sql VOLATILE
    RETURN pg_current_xact_id()::text::bigint;

-- Rows with modified below this are final (their transactions have ended).
CREATE OR REPLACE FUNCTION sk_feed_horizon() RETURNS bigint LANGUAGE sql VOLATILE
    RETURN pg_snapshot_xmin(pg_current_snapshot())::text::bigint;

-- Record the entry's current state in its feed row. An entry that was never public gets no row
-- (a pending entry never shows up, not even as 'deleted').
CREATE OR REPLACE FUNCTION sk_feed_touch(e entries) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    vis boolean := sk_entry_public(e);
    cur text;
    created bigint;
BEGIN
    SELECT state, created_xid INTO cur, created FROM feed_items WHERE id = e.id;
    IF NOT FOUND THEN
        IF vis THEN
            INSERT INTO feed_items (id, kind, modified, state, expires_at, created_xid)
            VALUES (e.id, e.kind, sk_feed_txid(), 'updated', sk_entry_expires_at(e), sk_feed_txid());
        END IF;
    ELSIF NOT vis AND created = sk_feed_txid() THEN
        -- made public and taken back in one transaction (a create that moderation turns into
        -- 'pending'): nobody outside ever saw it, so it leaves no trace
        DELETE FROM feed_items WHERE id = e.id;
    ELSIF vis OR cur = 'updated' THEN
        UPDATE feed_items
           SET modified = sk_feed_txid(), kind = e.kind,
               state = CASE WHEN vis THEN 'updated' ELSE 'deleted' END,
               expires_at = CASE WHEN vis THEN sk_entry_expires_at(e) END
         WHERE id = e.id;
    END IF;
END;
$$;

-- Bump the 'updated' rows of these entries: their data changed through something they refer to
-- (their place, their organisation, an exception set).
CREATE OR REPLACE FUNCTION sk_feed_bump(p_ids uuid[]) RETURNS void LANGUAGE sql AS $$
    UPDATE feed_items SET modified = sk_feed_txid()
     WHERE id = ANY (p_ids) AND state = 'updated' AND modified <> sk_feed_txid();
$$;

CREATE OR REPLACE FUNCTION sk_feed_entries_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE feed_items SET modified = sk_feed_txid(), state = 'deleted', expires_at = NULL
         WHERE id = OLD.id AND state = 'updated';
        RETURN NULL;
    END IF;
    PERFORM sk_feed_touch(NEW);
    -- activities, vacancies and carer support show their place's name, address and position
    IF TG_OP = 'UPDATE' AND NEW.kind = 'place' THEN
        PERFORM sk_feed_bump(ARRAY(SELECT id FROM entries WHERE place_id = NEW.id));
    END IF;
    RETURN NULL;
END;
$$;

-- The organiser's name and contact details are part of every item.
CREATE OR REPLACE FUNCTION sk_feed_orgs_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sk_feed_bump(ARRAY(SELECT id FROM entries WHERE organisation_id = NEW.id));
    RETURN NULL;
END;
$$;

-- Exception dates are part of an activity's schedule (exceptDate, EXDATE).
CREATE OR REPLACE FUNCTION sk_feed_exceptions_trg() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    codes text[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        codes := codes || OLD.set_code;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        codes := codes || NEW.set_code;
    END IF;
    PERFORM sk_feed_bump(ARRAY(SELECT id FROM entries WHERE kind = 'activity' AND exception_sets && codes));
    RETURN NULL;
END;
$$;

-- Time-based expiry: public rows whose moment has passed become 'deleted'. p_kind NULL = all
-- kinds. Locked rows are skipped (someone else is expiring or changing them right now).
-- Returns how many rows changed. The daemon should call this periodically (e.g. every minute).
CREATE OR REPLACE FUNCTION sk_feeds_expire(p_kind text, p_max int) RETURNS bigint LANGUAGE sql AS $$
    WITH due AS (
        SELECT id FROM feed_items
         WHERE state = 'updated' AND expires_at <= now() AND (p_kind IS NULL OR kind = p_kind)
         ORDER BY expires_at
         LIMIT p_max
           FOR UPDATE SKIP LOCKED),
    done AS (
        UPDATE feed_items f SET state = 'deleted', modified = sk_feed_txid(), expires_at = NULL
          FROM due WHERE f.id = due.id
        RETURNING 1)
    SELECT count(*) FROM done;
$$;

CREATE OR REPLACE FUNCTION sk_feeds_housekeeping() RETURNS bigint LANGUAGE sql AS $$
    SELECT sk_feeds_expire(NULL, 100000);
$$;

-- =============================================================================================
-- Shared rendering helpers
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_feed_entry_url(p_base text, e entries) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN p_base || '/api/v1/' || sk_contract_kind_path(e.kind) || '/' || e.id;

CREATE OR REPLACE FUNCTION sk_feed_day_url(p_day text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN 'https://schema.org/' || CASE upper(p_day)
        WHEN 'MO' THEN 'Monday' WHEN 'TU' THEN 'Tuesday' WHEN 'WE' THEN 'Wednesday'
        WHEN 'TH' THEN 'Thursday' WHEN 'FR' THEN 'Friday' WHEN 'SA' THEN 'Saturday'
        WHEN 'SU' THEN 'Sunday' END;

-- A local Amsterdam wall-clock time as ISO 8601 with its offset, resolved as RFC 5545 3.3.5
-- resolves a TZID time (so it is the instant a calendar shows for the same DTSTART/EXDATE): a
-- time that occurs twice (the last Sunday of October, 02:00-03:00) is the first one (summer
-- time; PostgreSQL's AT TIME ZONE would take the second), a time in the spring gap is read with
-- the offset before the gap (as PostgreSQL does).
CREATE OR REPLACE FUNCTION sk_feed_local_iso(t timestamp) RETURNS text LANGUAGE sql STABLE
    RETURN sk_iso(sk_amsterdam(t));

-- The rule text without an "RRULE:" prefix.
CREATE OR REPLACE FUNCTION sk_feed_rule(e entries) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN upper(regexp_replace(e.rrule, '^RRULE:', '', 'i'));

-- The last local date the rule may produce an occurrence on (UNTIL), or NULL. UNTIL is read as
-- the search reads it (sk_rrule_until_local, occurrences.sql).
CREATE OR REPLACE FUNCTION sk_feed_until_date(e entries) RETURNS date LANGUAGE sql STABLE
    RETURN sk_rrule_until_local(sk_feed_rule(e))::date;

-- The rule as iCalendar wants it next to a DTSTART with TZID: UNTIL in UTC (RFC 5545 3.3.10).
-- UNTIL=YYYYMMDD means "up to and including that local day"; a local UNTIL is converted.
CREATE OR REPLACE FUNCTION sk_feed_ical_rule(e entries) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT CASE
        WHEN u IS NULL OR u ~ 'Z$' THEN r
        ELSE regexp_replace(r, 'UNTIL=[0-9T]+',
                 'UNTIL=' || sk_ics_utc(sk_rrule_until_local(r) AT TIME ZONE 'Europe/Amsterdam'))
    END
      FROM (SELECT sk_feed_rule(e) AS r, sk_rrule_part(sk_feed_rule(e), 'UNTIL') AS u) x);
END;
$$;

-- The local start times on which a recurring activity does not take place: its own exdates and
-- every day of its exception sets, from its first day up to UNTIL (when given). For a weekly rule
-- only the weekdays the rule can produce are listed (an EXDATE that matches no occurrence would
-- be ignored by calendars anyway; this keeps the list short). Each at the activity's start time,
-- so the values equal occurrence start times exactly (RFC 5545 EXDATE; occurrences endpoint).
CREATE OR REPLACE FUNCTION sk_feed_exdates(e entries) RETURNS timestamp[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    rule text;
    first_day date;
    last_day date;
    days int[];
    byday text;
    r timestamp[];
BEGIN
    IF e.rrule IS NULL THEN
        RETURN '{}';
    END IF;
    rule := sk_feed_rule(e);
    first_day := e.starts_at::date;
    last_day := coalesce(sk_feed_until_date(e), date '9999-12-31');
    IF rule ~ '(^|;)FREQ=WEEKLY(;|$)' THEN   -- the ISO weekdays a weekly rule can produce
        byday := sk_rrule_part(rule, 'BYDAY');
        days := CASE WHEN byday IS NULL THEN ARRAY[extract(isodow FROM first_day)::int]
                     ELSE ARRAY(SELECT array_position(ARRAY['MO','TU','WE','TH','FR','SA','SU'], right(d, 2))
                                  FROM unnest(string_to_array(byday, ',')) d) END;
    END IF;
    SELECT coalesce(array_agg(x.day + e.starts_at::time ORDER BY x.day), '{}') INTO r
      FROM (SELECT unnest(e.exdates) AS day
            UNION
            SELECT g::date
              FROM exception_set_dates x
             CROSS JOIN LATERAL generate_series(greatest(lower(x.during), first_day)::timestamp,
                                                least(upper(x.during) - 1, last_day)::timestamp, interval '1 day') g
             WHERE x.set_code = ANY (e.exception_sets)
               AND upper(x.during) > first_day AND lower(x.during) <= last_day) x
     WHERE x.day BETWEEN first_day AND last_day
       AND (days IS NULL OR extract(isodow FROM x.day)::int = ANY (days));
    RETURN r;
END;
$$;

CREATE OR REPLACE FUNCTION sk_feed_label(p_vocab text, p_code text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT coalesce(
        CASE p_vocab
            WHEN 'themes' THEN (SELECT label_nl FROM themes WHERE code = p_code)
            WHEN 'audiences' THEN (SELECT label_nl FROM audiences WHERE code = p_code)
            WHEN 'accessibility-features' THEN (SELECT label_nl FROM accessibility_features WHERE code = p_code)
            WHEN 'support-kinds' THEN (SELECT label_nl FROM support_kinds WHERE code = p_code)
        END, p_code));
END;
$$;

-- A vocabulary term as a SKOS Concept (OpenActive style), its @id under our vocabulary endpoint.
CREATE OR REPLACE FUNCTION sk_feed_concepts(p_base text, p_vocab text, p_codes text[]) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               '@type', 'Concept',
               '@id', p_base || '/api/v1/' || p_vocab || '#' || c,
               'prefLabel', sk_feed_label(p_vocab, c),
               'inScheme', p_base || '/api/v1/' || p_vocab) ORDER BY o), '[]')
      FROM unnest(p_codes) WITH ORDINALITY AS t(c, o));
END;
$$;

-- The province of a municipality (CBS code), for PostalAddress.addressRegion (required by
-- OpenActive) and HSDS address.state_province. Only the municipalities this sociale kaart serves
-- are known; NULL for others (the member is then left out).
CREATE OR REPLACE FUNCTION sk_feed_province(p_municipality text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN CASE split_part(p_municipality, '-', 1)
        WHEN 'GM0512' THEN 'Zuid-Holland'   -- Gorinchem
        WHEN 'GM0668' THEN 'Gelderland'     -- West Maas en Waal
    END;

CREATE OR REPLACE FUNCTION sk_feed_postal(a jsonb, p_municipality text) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN a IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object(
        '@type', 'PostalAddress',
        'streetAddress', nullif(btrim(coalesce(a->>'street', '') || ' ' || coalesce(a->>'house_number', '')), ''),
        'postalCode', a->>'postcode',
        'addressLocality', a->>'city',
        'addressRegion', sk_feed_province(p_municipality),
        'addressCountry', 'NL')) END;

CREATE OR REPLACE FUNCTION sk_feed_geo(g geography) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN g IS NOT NULL THEN jsonb_build_object(
        '@type', 'GeoCoordinates', 'latitude', ST_Y(g::geometry), 'longitude', ST_X(g::geometry)) END;

CREATE OR REPLACE FUNCTION sk_feed_organizer(p_base text, p_org uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT jsonb_strip_nulls(jsonb_build_object(
               '@type', 'Organization',
               '@id', p_base || '/api/v1/organisations/' || o.id,
               'identifier', o.id,
               'name', o.name,
               'description', o.description,
               'url', o.website,
               'email', o.email,
               'telephone', o.phone))
      FROM organisations o WHERE o.id = p_org);
END;
$$;

-- The name of an area (NULL for none).
CREATE OR REPLACE FUNCTION sk_feed_area_name(p_code text) RETURNS text LANGUAGE sql STABLE
    RETURN (SELECT name FROM areas WHERE code = p_code);

-- An entry's length as an ISO 8601 duration in minutes ("PT90M"), NULL without an end.
CREATE OR REPLACE FUNCTION sk_feed_duration(e entries) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN e.ends_at IS NOT NULL
                THEN 'PT' || (extract(epoch FROM e.ends_at - e.starts_at) / 60)::int || 'M' END;

-- schema.org Audience of each code of p_codes (NULL for none).
CREATE OR REPLACE FUNCTION sk_feed_audience(p_codes text[]) RETURNS jsonb LANGUAGE sql STABLE
    RETURN (SELECT jsonb_agg(jsonb_build_object('@type', 'Audience', 'identifier', a,
                                                'audienceType', sk_feed_label('audiences', a)))
              FROM unnest(p_codes) a);

-- The label of an accessibility facet k with value v, " (beperkt)" when v is limited.
CREATE OR REPLACE FUNCTION sk_feed_access_label(k text, v text) RETURNS text LANGUAGE sql STABLE
    RETURN sk_feed_label('accessibility-features', k) || CASE WHEN v = 'limited' THEN ' (beperkt)' ELSE '' END;

-- Where an entry happens, as a schema.org Place: its place (an entry of kind place), or its own
-- address (unless the activity shows its area only), or NULL.
CREATE OR REPLACE FUNCTION sk_feed_location(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT CASE
        WHEN p.id IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object(
            '@type', 'Place',
            '@id', p_base || '/api/v1/places/' || p.id,
            'url', p_base || '/api/v1/places/' || p.id,
            'identifier', p.id,
            'name', p.title,
            'address', sk_feed_postal(p.address, p.municipality),
            'geo', sk_feed_geo(p.location)))
        WHEN e.address IS NOT NULL AND coalesce(e.address_visibility, 'public') = 'public' THEN jsonb_strip_nulls(jsonb_build_object(
            '@type', 'Place',
            'name', concat_ws(', ', nullif(btrim(coalesce(e.address->>'street', '') || ' '
                                                 || coalesce(e.address->>'house_number', '')), ''),
                              e.address->>'city'),
            'address', sk_feed_postal(e.address, e.municipality),
            'geo', sk_feed_geo(e.location)))
        WHEN e.address IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object(
            '@type', 'Place',
            'name', coalesce(e.address->>'city', sk_feed_area_name(e.municipality)),
            'address', jsonb_build_object('@type', 'PostalAddress', 'addressLocality', e.address->>'city',
                                          'addressRegion', sk_feed_province(e.municipality),
                                          'addressCountry', 'NL')))
    END
      FROM (SELECT NULL) x
      LEFT JOIN entries p ON p.id = e.place_id AND p.kind = 'place' AND p.status = 'published');
END;
$$;

-- Members every kind shares: its schema.org type p_type, the one context of every feed
-- (OpenActive's; its @vocab is schema.org) and its name.
CREATE OR REPLACE FUNCTION sk_feed_common(p_base text, e entries, p_type text) RETURNS jsonb LANGUAGE plpgsql STABLE AS $fn$
BEGIN
    RETURN jsonb_build_object(
        '@context', 'https://openactive.io/',
        '@type', p_type,
        'name', e.title,
        '@id', sk_feed_entry_url(p_base, e),
        'identifier', e.id,
        'url', sk_feed_entry_url(p_base, e),
        'description', coalesce(e.description, e.summary),
        'disambiguatingDescription', e.summary,
        'image', (SELECT jsonb_agg(jsonb_build_object('@type', 'ImageObject', 'url', i)) FROM unnest(e.images) i),
        -- no dateModified: it is a CreativeWork property, none of our types has it; RPDE's
        -- `modified` says when an item changed.
        'inLanguage', CASE WHEN e.kind = 'activity' AND cardinality(e.languages) > 0
                           THEN to_jsonb(e.languages) END);
END;
$fn$;

-- OpenActive accessibilitySupport / schema.org amenityFeature from the accessibility facets.
CREATE OR REPLACE FUNCTION sk_feed_access(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT jsonb_agg(jsonb_build_object(
               '@type', 'Concept',
               '@id', p_base || '/api/v1/accessibility-features#' || k,
               'prefLabel', sk_feed_access_label(k, v),
               'inScheme', p_base || '/api/v1/accessibility-features') ORDER BY k)
      FROM jsonb_each_text(e.accessibility) AS t(k, v)
     WHERE v IN ('yes', 'limited'));
END;
$$;

-- =============================================================================================
-- RPDE data per kind
-- =============================================================================================
-- Place: schema.org Place.
CREATE OR REPLACE FUNCTION sk_feed_place_data(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $fn$
BEGIN
    RETURN jsonb_strip_nulls(sk_feed_common(p_base, e, 'Place') || jsonb_build_object(
        'address', sk_feed_postal(e.address, e.municipality),
        'geo', sk_feed_geo(e.location),
        'telephone', e.contact->>'phone',
        'email', e.contact->>'email',
        'sameAs', e.contact->>'website',
        'openingHoursSpecification', (
            SELECT jsonb_agg(jsonb_build_object('@type', 'OpeningHoursSpecification',
                                                'dayOfWeek', jsonb_build_array(sk_feed_day_url(h->>'day')),
                                                'opens', h->>'opens', 'closes', h->>'closes'))
              FROM jsonb_array_elements(e.opening_hours) h),
        'amenityFeature', (
            -- value must be a boolean: 'limited' is "yes, with limits" (said in the name)
            SELECT jsonb_agg(jsonb_build_object('@type', 'LocationFeatureSpecification',
                                                'name', sk_feed_access_label(k, v),
                                                'identifier', k,
                                                'value', v IN ('yes', 'limited')) ORDER BY k)
              FROM jsonb_each_text(e.accessibility) AS t(k, v)
             WHERE v IN ('yes', 'limited', 'no')),
        'isAccessibleForFree', (e.cost->'free')));
        -- no organizer (not a Place property) and no containedInPlace AdministrativeArea
        -- (OpenActive wants a Place with an address there); the town and province are in address.
END;
$fn$;

-- The schedule of an activity as OpenActive Schedule(s) (recurring) or NULL (one-off).
CREATE OR REPLACE FUNCTION sk_feed_schedule(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT CASE WHEN e.rrule IS NOT NULL THEN jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
        '@type', 'Schedule',
        'scheduledEventType', 'ScheduledSession',
        'repeatFrequency', 'P' || coalesce(sk_rrule_part(r, 'INTERVAL'), '1')
                           || CASE sk_rrule_part(r, 'FREQ') WHEN 'DAILY' THEN 'D' WHEN 'WEEKLY' THEN 'W'
                                                            WHEN 'MONTHLY' THEN 'M' ELSE 'Y' END,
        'byDay', (SELECT jsonb_agg(CASE WHEN d ~ '^[A-Z]{2}$' THEN sk_feed_day_url(d) ELSE d END)
                    FROM unnest(string_to_array(sk_rrule_part(r, 'BYDAY'), ',')) d),
        'byMonthDay', (SELECT jsonb_agg(d::int) FROM unnest(string_to_array(sk_rrule_part(r, 'BYMONTHDAY'), ',')) d),
        'startDate', to_char(e.starts_at, 'YYYY-MM-DD'),
        'endDate', to_char(sk_feed_until_date(e), 'YYYY-MM-DD'),
        'repeatCount', sk_rrule_part(r, 'COUNT')::int,
        'startTime', to_char(e.starts_at, 'HH24:MI'),
        'endTime', to_char(e.ends_at, 'HH24:MI'),
        'duration', sk_feed_duration(e),
        'scheduleTimezone', 'Europe/Amsterdam',
        -- @id of each occurrence (ScheduledSession), as a one-off activity's subEvent has it
        'idTemplate', sk_feed_entry_url(p_base, e) || '#{startDate}',
        'exceptDate', (SELECT jsonb_agg(sk_feed_local_iso(x)) FROM unnest(sk_feed_exdates(e)) x))))
        -- the rule subset (common/rrule.h) maps onto Schedule completely: FREQ+INTERVAL ->
        -- repeatFrequency, BYDAY -> byDay, BYMONTHDAY -> byMonthDay, COUNT -> repeatCount,
        -- UNTIL -> endDate; no separate rrule member is needed.
    END
      FROM (SELECT sk_feed_rule(e) AS r) x);
END;
$$;

-- Activity: OpenActive SessionSeries.
CREATE OR REPLACE FUNCTION sk_feed_activity_data(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $fn$
BEGIN
    RETURN jsonb_strip_nulls(sk_feed_common(p_base, e, 'SessionSeries') || jsonb_build_object(
        'organizer', sk_feed_organizer(p_base, e.organisation_id),
        'location', sk_feed_location(p_base, e),
        'eventAttendanceMode', CASE WHEN e.online THEN 'https://schema.org/OnlineEventAttendanceMode'
                                    ELSE 'https://schema.org/OfflineEventAttendanceMode' END,
        'eventSchedule', sk_feed_schedule(p_base, e),
        'startDate', CASE WHEN e.rrule IS NULL THEN sk_feed_local_iso(e.starts_at) END,
        'endDate', CASE WHEN e.rrule IS NULL THEN sk_feed_local_iso(e.ends_at) END,
        'duration', CASE WHEN e.rrule IS NULL THEN sk_feed_duration(e) END,
        'activity', sk_feed_concepts(p_base, 'themes', e.themes),
        'audience', sk_feed_audience(e.audiences),
        'accessibilitySupport', sk_feed_access(p_base, e),
        'isAccessibleForFree', (e.cost->'free'),
        -- OpenActive requires offers: the price, 0 when free (unknown cost: none)
        'offers', CASE WHEN e.cost ? 'amount_eur' OR (e.cost->>'free')::boolean THEN
                      jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
                          '@type', 'Offer',
                          'price', coalesce(e.cost->'amount_eur', to_jsonb(0)),
                          'priceCurrency', 'EUR',
                          'description', e.cost->>'description'))) END,
        'maximumAttendeeCapacity', e.capacity,
        -- remainingAttendeeCapacity is not allowed on a SessionSeries: a one-off activity
        -- carries it on its single ScheduledSession (and a SessionSeries needs either an
        -- eventSchedule or a subEvent anyway)
        'subEvent', CASE WHEN e.rrule IS NULL THEN jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
                        '@type', 'ScheduledSession',
                        '@id', sk_feed_entry_url(p_base, e) || '#' || sk_feed_local_iso(e.starts_at),
                        'startDate', sk_feed_local_iso(e.starts_at),
                        'endDate', sk_feed_local_iso(e.ends_at),
                        'duration', sk_feed_duration(e),
                        'isAccessibleForFree', (e.cost->'free'),
                        'maximumAttendeeCapacity', e.capacity,
                        'remainingAttendeeCapacity', e.places_left))) END,
        -- registration (no OpenActive/schema.org member for it outside Open Booking)
        'attendeeInstructions', CASE e.registration WHEN 'required' THEN 'Aanmelden is nodig.'
                                                    WHEN 'none' THEN 'U hoeft zich niet aan te melden.' END));
END;
$fn$;

-- Vacancy: schema.org JobPosting with employmentType VOLUNTEER (volunteer work, unpaid).
CREATE OR REPLACE FUNCTION sk_feed_vacancy_data(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $fn$
BEGIN
    RETURN jsonb_strip_nulls(sk_feed_common(p_base, e, 'JobPosting') || jsonb_build_object(
        'title', e.title,
        -- commitment one-off: also TEMPORARY (schema.org/Google employmentType values)
        'employmentType', CASE WHEN e.commitment = 'one-off' THEN to_jsonb(ARRAY['VOLUNTEER', 'TEMPORARY'])
                               ELSE to_jsonb('VOLUNTEER'::text) END,
        'hiringOrganization', sk_feed_organizer(p_base, e.organisation_id),
        'datePosted', to_char(e.created_at AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD'),
        'validThrough', CASE WHEN e.valid_until IS NOT NULL
                             THEN sk_iso(((e.valid_until + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam') - interval '1 second') END,
        'workHours', CASE WHEN e.hours_per_week IS NOT NULL THEN e.hours_per_week::text || ' uur per week' END,
        'skills', CASE WHEN cardinality(e.skills) > 0 THEN to_jsonb(e.skills) END,
        'jobLocation', coalesce(sk_feed_location(p_base, e),
                                jsonb_build_object('@type', 'Place',
                                    'name', sk_feed_area_name(e.municipality),
                                    'address', jsonb_build_object(
                                    '@type', 'PostalAddress', 'addressCountry', 'NL',
                                    'addressRegion', sk_feed_province(e.municipality),
                                    'addressLocality', sk_feed_area_name(e.municipality)))),
        'occupationalCategory', CASE WHEN cardinality(e.themes) > 0 THEN sk_feed_concepts(p_base, 'themes', e.themes) END,
        'qualifications', CASE WHEN e.min_age IS NOT NULL THEN 'Vanaf ' || e.min_age || ' jaar' END));
        -- (no beta: members: the OpenActive beta namespace defines neither commitment nor a
        -- minimum age; they are in employmentType and qualifications)
END;
$fn$;

-- A Service's areaServed: its municipality, or a list with the others a regional entry serves.
CREATE OR REPLACE FUNCTION sk_feed_area_served(e entries) RETURNS jsonb LANGUAGE sql STABLE
    RETURN CASE WHEN cardinality(e.also_serves) = 0
                THEN jsonb_build_object('@type', 'AdministrativeArea', 'identifier', e.municipality,
                                        'name', sk_feed_area_name(e.municipality))
                ELSE (SELECT jsonb_agg(jsonb_build_object('@type', 'AdministrativeArea', 'identifier', m,
                                                          'name', sk_feed_area_name(m)) ORDER BY i)
                        FROM unnest(e.municipality || e.also_serves) WITH ORDINALITY x(m, i)) END;

-- Carer support: schema.org Service.
CREATE OR REPLACE FUNCTION sk_feed_carer_data(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $fn$
BEGIN
    RETURN jsonb_strip_nulls(sk_feed_common(p_base, e, 'Service') || jsonb_build_object(
        'serviceType', sk_feed_label('support-kinds', e.support_kind),
        'category', sk_feed_concepts(p_base, 'support-kinds', ARRAY[e.support_kind]),
        'provider', sk_feed_organizer(p_base, e.organisation_id),
        'audience', sk_feed_audience(e.for_whom || e.audiences),
        'areaServed', sk_feed_area_served(e),
        'availableChannel', jsonb_strip_nulls(jsonb_build_object(
            '@type', 'ServiceChannel',
            'serviceLocation', sk_feed_location(p_base, e),
            'servicePhone', CASE WHEN e.contact ? 'phone' THEN jsonb_build_object('@type', 'ContactPoint', 'telephone', e.contact->>'phone') END,
            'serviceUrl', e.contact->>'website')),
        'isAccessibleForFree', (e.cost->'free')));
END;
$fn$;

-- The opening hours of a place or a service (its walk-in hours) as schema.org
-- OpeningHoursSpecification; NULL without any.
CREATE OR REPLACE FUNCTION sk_feed_hours(p_hours jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN (SELECT jsonb_agg(jsonb_build_object('@type', 'OpeningHoursSpecification',
                                                'dayOfWeek', jsonb_build_array(sk_feed_day_url(h->>'day')),
                                                'opens', h->>'opens', 'closes', h->>'closes'))
              FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_hours) = 'array' THEN p_hours END) h);

-- Service (issue 16): schema.org Service with one ServiceChannel per channel: the walk-in hours
-- at the place (serviceLocation with its hours), the phone (a ContactPoint with the same hours),
-- e-mail, home visits and the website. Whether a referral or an indication is needed is said in
-- termsOfService (schema.org has no member for it).
CREATE OR REPLACE FUNCTION sk_feed_service_data(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    hours jsonb := sk_feed_hours(e.opening_hours);
BEGIN
    RETURN jsonb_strip_nulls(sk_feed_common(p_base, e, 'Service') || jsonb_build_object(
        'serviceType', (SELECT sk_feed_label('themes', t) FROM unnest(e.themes) t LIMIT 1),
        'category', CASE WHEN cardinality(e.themes) > 0 THEN sk_feed_concepts(p_base, 'themes', e.themes) END,
        'provider', sk_feed_organizer(p_base, e.organisation_id),
        'audience', sk_feed_audience(e.audiences),
        'areaServed', sk_feed_area_served(e),
        'availableChannel', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                '@type', 'ServiceChannel',
                'name', sk_contract_channel_label(c),
                'serviceLocation', CASE WHEN c = 'walk_in' THEN sk_feed_location(p_base, e)
                                                                || jsonb_strip_nulls(jsonb_build_object('openingHoursSpecification', hours)) END,
                'servicePhone', CASE WHEN c = 'phone' AND e.contact ? 'phone'
                                     THEN jsonb_strip_nulls(jsonb_build_object('@type', 'ContactPoint',
                                              'telephone', e.contact->>'phone', 'hoursAvailable', hours)) END,
                'serviceUrl', CASE WHEN c = 'email' AND e.contact ? 'email' THEN 'mailto:' || (e.contact->>'email')
                                   WHEN c = 'online' THEN e.contact->>'website' END,
                'description', CASE WHEN c = 'home_visit' THEN 'Iemand komt bij u thuis.' END)) ORDER BY i)
              FROM unnest(e.channels) WITH ORDINALITY AS x(c, i)
             WHERE c <> 'walk_in' OR sk_feed_location(p_base, e) IS NOT NULL OR hours IS NOT NULL),
        'termsOfService', concat_ws(' ',
            CASE WHEN e.referral_required THEN 'U hebt een verwijzing nodig, bijvoorbeeld van de huisarts of het sociaal team.'
                 ELSE 'U hebt geen verwijzing nodig.' END,
            CASE WHEN e.indication_required THEN 'U hebt een indicatie nodig.' ELSE 'Geen indicatie nodig.' END),
        'isAccessibleForFree', (e.cost->'free')));
END;
$fn$;

CREATE OR REPLACE FUNCTION sk_feed_data(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $fn$
BEGIN
    RETURN CASE e.kind
        WHEN 'place' THEN sk_feed_place_data(p_base, e)
        WHEN 'activity' THEN sk_feed_activity_data(p_base, e)
        WHEN 'vacancy' THEN sk_feed_vacancy_data(p_base, e)
        WHEN 'carer_support' THEN sk_feed_carer_data(p_base, e)
        WHEN 'service' THEN sk_feed_service_data(p_base, e)
    END;
END;
$fn$;

-- RPDE "kind" of each feed.
CREATE OR REPLACE FUNCTION sk_feed_rpde_kind(p_kind text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN CASE p_kind WHEN 'place' THEN 'Place' WHEN 'activity' THEN 'SessionSeries'
                       WHEN 'vacancy' THEN 'JobPosting' WHEN 'carer_support' THEN 'Service'
                       WHEN 'service' THEN 'Service' END;

-- =============================================================================================
-- RPDE page
-- =============================================================================================
-- One page of a kind's feed, items after (p_after_ts, p_after_id) in (modified, id) order. Both
-- NULL = from the beginning. p_base is the absolute URL of the daemon ("https://host").
-- The body is built as text with "items" first, so the daemon can tell an empty (last) page by
-- its first bytes and give it a short Cache-Control.
CREATE OR REPLACE FUNCTION sk_feed_page(p_kind text, p_after_ts bigint, p_after_id uuid, p_limit int, p_base text)
    RETURNS sk_response LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    horizon bigint := sk_feed_horizon();   -- before any write of ours
    items text;
    last_ts bigint;
    last_id uuid;
    n int;
    feed_url text := p_base || '/feeds/' || sk_contract_kind_path(p_kind);
    nxt text;
BEGIN
    -- a read replica takes no writes: there the primary's housekeeping expires rows (every minute)
    IF NOT pg_is_in_recovery() THEN
        PERFORM sk_feeds_expire(p_kind, 1000);
    END IF;
    WITH page AS (
        SELECT f.* FROM feed_items f
         WHERE f.kind = p_kind
           AND (p_after_ts IS NULL OR (f.modified, f.id) > (p_after_ts, p_after_id))
           AND f.modified < horizon
         ORDER BY f.modified, f.id
         LIMIT p_limit)
    SELECT string_agg(
               CASE WHEN page.state = 'updated' AND e.id IS NOT NULL THEN
                   jsonb_build_object('state', 'updated', 'kind', sk_feed_rpde_kind(page.kind),
                                      'id', page.id, 'modified', page.modified,
                                      'data', sk_feed_data(p_base, e))::text
               ELSE
                   jsonb_build_object('state', 'deleted', 'kind', sk_feed_rpde_kind(page.kind),
                                      'id', page.id, 'modified', page.modified)::text
               END, ',' ORDER BY page.modified, page.id),
           count(*),
           (array_agg(page.modified ORDER BY page.modified DESC, page.id DESC))[1],
           (array_agg(page.id ORDER BY page.modified DESC, page.id DESC))[1]
      INTO items, n, last_ts, last_id
      FROM page
      LEFT JOIN entries e ON e.id = page.id;

    IF n = 0 THEN
        -- the last page: next is this page's own URL
        last_ts := p_after_ts;
        last_id := p_after_id;
    END IF;
    nxt := feed_url || CASE WHEN last_ts IS NULL THEN ''
                            ELSE '?afterTimestamp=' || last_ts || '&afterId=' || last_id END;
    RETURN (200, NULL, NULL,
            '{"items":[' || coalesce(items, '') || '],"next":' || to_jsonb(nxt)::text
            || ',"license":"https://creativecommons.org/licenses/by/4.0/"}')::sk_response;
END;
$$;

-- =============================================================================================
-- Search filters for the calendar, map and HSDS outputs
-- =============================================================================================
-- The public entries of p_kinds matching the search, in p_order ('start' | 'title' | 'id'),
-- p_offset/p_limit applied. Uses the search's WHERE builder sk_search_where (search.sql, shared with
-- /api/v1/search) and requires sk_entry_public. p_order is one of the fixed words, never client text.
CREATE OR REPLACE FUNCTION sk_feeds_select(p_params jsonb, p_kinds text[], p_order text, p_offset bigint, p_limit int)
    RETURNS SETOF entries LANGUAGE plpgsql STABLE AS $$
DECLARE
    p jsonb := coalesce(p_params, '{}'::jsonb) || jsonb_build_object('kinds', to_jsonb(p_kinds));
    ord text := CASE p_order WHEN 'start' THEN 'e.starts_at, e.id' WHEN 'title' THEN 'e.title, e.id' ELSE 'e.id' END;
BEGIN
    RETURN QUERY EXECUTE format(
        'SELECT e.* FROM entries e WHERE e.kind = ANY ($1) AND sk_entry_public(e) AND (%s) ORDER BY %s OFFSET $2 LIMIT $3',
        sk_search_where(p), ord)
        USING p_kinds, p_offset, p_limit;
END;
$$;

-- =============================================================================================
-- iCalendar (RFC 5545)
-- =============================================================================================
-- TEXT value escaping: backslash, semicolon, comma, newlines.
CREATE OR REPLACE FUNCTION sk_ics_text(t text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN replace(replace(replace(replace(replace(t, E'\\', E'\\\\'), ';', E'\\;'), ',', E'\\,'),
                           E'\r\n', E'\\n'), E'\n', E'\\n');

-- Fold a content line at 75 octets (never inside a UTF-8 character); lines end in CRLF.
CREATE OR REPLACE FUNCTION sk_ics_fold(line text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    parts text[] := '{}';
    pos int := 1;
    len int := length(line);
    lim int := 75;
    n int;
BEGIN
    line := replace(replace(line, E'\r', ''), E'\n', '');
    len := length(line);
    IF octet_length(line) <= 75 THEN
        RETURN line || E'\r\n';
    END IF;
    WHILE pos <= len LOOP
        n := least(lim, len - pos + 1);
        WHILE octet_length(substr(line, pos, n)) > lim LOOP
            n := n - 1;
        END LOOP;
        parts := parts || substr(line, pos, n);
        pos := pos + n;
        lim := 74;   -- continuation lines start with one space
    END LOOP;
    RETURN array_to_string(parts, E'\r\n ') || E'\r\n';
END;
$$;

CREATE OR REPLACE FUNCTION sk_ics_utc(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN to_char(t AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"');

CREATE OR REPLACE FUNCTION sk_ics_local(t timestamp) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN to_char(t, 'YYYYMMDD"T"HH24MISS');

CREATE OR REPLACE FUNCTION sk_ics_header(p_name text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN E'BEGIN:VCALENDAR\r\n'
        || E'VERSION:2.0\r\n'
        || E'PRODID:-//Sociale Kaart//socialekaart//NL\r\n'
        || E'CALSCALE:GREGORIAN\r\n'
        || E'METHOD:PUBLISH\r\n'
        || sk_ics_fold('X-WR-CALNAME:' || sk_ics_text(p_name))
        || E'X-WR-TIMEZONE:Europe/Amsterdam\r\n'
        || E'BEGIN:VTIMEZONE\r\n'
        || E'TZID:Europe/Amsterdam\r\n'
        || E'BEGIN:DAYLIGHT\r\n'
        || E'TZOFFSETFROM:+0100\r\n'
        || E'TZOFFSETTO:+0200\r\n'
        || E'TZNAME:CEST\r\n'
        || E'DTSTART:19810329T020000\r\n'
        || E'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n'
        || E'END:DAYLIGHT\r\n'
        || E'BEGIN:STANDARD\r\n'
        || E'TZOFFSETFROM:+0200\r\n'
        || E'TZOFFSETTO:+0100\r\n'
        || E'TZNAME:CET\r\n'
        || E'DTSTART:19961027T030000\r\n'
        || E'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n'
        || E'END:STANDARD\r\n'
        || E'END:VTIMEZONE\r\n';

-- One VEVENT for an activity; UID is stable (<id>@socialekaart), SEQUENCE follows the version.
-- DTSTAMP is when this calendar was made (RFC 5545 3.8.7.2: with a METHOD, "the date and time
-- that the instance of the iCalendar object was created"); LAST-MODIFIED is the entry's change.
CREATE OR REPLACE FUNCTION sk_ics_event(p_base text, e entries) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT 'BEGIN:VEVENT' || E'\r\n'
        || 'UID:' || e.id || E'@socialekaart\r\n'
        || 'DTSTAMP:' || sk_ics_utc(date_trunc('second', now())) || E'\r\n'
        || 'CREATED:' || sk_ics_utc(e.created_at) || E'\r\n'
        || 'LAST-MODIFIED:' || sk_ics_utc(e.updated_at) || E'\r\n'
        || 'SEQUENCE:' || (e.version - 1) || E'\r\n'
        || 'DTSTART;TZID=Europe/Amsterdam:' || sk_ics_local(e.starts_at) || E'\r\n'
        || coalesce('DTEND;TZID=Europe/Amsterdam:' || sk_ics_local(e.ends_at) || E'\r\n', '')
        || coalesce(sk_ics_fold('RRULE:' || sk_feed_ical_rule(e)), '')
        || CASE WHEN cardinality(x.ex) > 0
                THEN sk_ics_fold('EXDATE;TZID=Europe/Amsterdam:'
                                 || array_to_string(ARRAY(SELECT sk_ics_local(d) FROM unnest(x.ex) d), ','))
                ELSE '' END
        || sk_ics_fold('SUMMARY:' || sk_ics_text(e.title))
        || coalesce(sk_ics_fold('DESCRIPTION:' || sk_ics_text(
               concat_ws(E'\n\n', e.summary, e.description))), '')
        || coalesce(sk_ics_fold('LOCATION:' || sk_ics_text(x.loc)), '')
        || coalesce('GEO:' || ST_Y(x.geo::geometry) || ';' || ST_X(x.geo::geometry) || E'\r\n', '')
        || CASE WHEN cardinality(e.themes) > 0
                THEN sk_ics_fold('CATEGORIES:' || array_to_string(
                         ARRAY(SELECT sk_ics_text(sk_feed_label('themes', t)) FROM unnest(e.themes) t), ','))
                ELSE '' END
        || sk_ics_fold('URL:' || sk_feed_entry_url(p_base, e))
        || coalesce(sk_ics_fold('ORGANIZER;CN="' || replace(replace(o.name, '"', ''''), E'\n', ' ') || '":mailto:' || o.email), '')
        || E'STATUS:CONFIRMED\r\n'
        || E'END:VEVENT\r\n'
      FROM (SELECT sk_feed_exdates(e) AS ex,
                   CASE WHEN e.online AND e.place_id IS NULL AND e.address IS NULL THEN 'Online'
                        ELSE nullif(concat_ws(', ', l->>'name', l->'address'->>'streetAddress',
                                              btrim(coalesce(l->'address'->>'postalCode', '') || ' '
                                                    || coalesce(l->'address'->>'addressLocality', ''))), '')
                   END AS loc,
                   CASE WHEN l ? 'geo' THEN ST_SetSRID(ST_MakePoint((l->'geo'->>'longitude')::float8,
                                                                    (l->'geo'->>'latitude')::float8), 4326)::geography END AS geo
              FROM (SELECT sk_feed_location(p_base, e) AS l) y) x
      LEFT JOIN organisations o ON o.id = e.organisation_id);
END;
$$;

-- The calendar of every public activity matching the search parameters (at most p_max events,
-- soonest first). Body is the text/calendar document.
CREATE OR REPLACE FUNCTION sk_ics_calendar(p_params jsonb, p_base text, p_max int) RETURNS sk_response
    LANGUAGE sql STABLE AS $$
    SELECT (200, NULL, NULL,
            sk_ics_header('Sociale kaart: activiteiten')
            || coalesce((SELECT string_agg(sk_ics_event(p_base, e), '' ORDER BY e.starts_at, e.id)
                           FROM sk_feeds_select(p_params, ARRAY['activity'], 'start', 0, p_max) e), '')
            || E'END:VCALENDAR\r\n')::sk_response
$$;

-- =============================================================================================
-- GeoJSON (RFC 7946): [longitude, latitude], WGS 84
-- =============================================================================================
CREATE OR REPLACE FUNCTION sk_geojson_feature(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT jsonb_build_object(
        'type', 'Feature',
        'id', e.id::text,
        'geometry', jsonb_build_object('type', 'Point',
                                       'coordinates', jsonb_build_array(
                                           round(ST_X(g::geometry)::numeric, 7), round(ST_Y(g::geometry)::numeric, 7))),
        'properties', jsonb_strip_nulls(jsonb_build_object(
            'id', e.id,
            'kind', e.kind,
            'title', e.title,
            'summary', e.summary,
            'address', CASE WHEN pl.id IS NOT NULL THEN pl.address
                            WHEN coalesce(e.address_visibility, 'public') = 'public' THEN e.address END,
            'place_id', e.place_id,
            'municipality', e.municipality,
            'areas', to_jsonb(e.areas),
            'themes', to_jsonb(e.themes),
            'start', CASE WHEN e.kind = 'activity' THEN sk_local(e.starts_at) END,
            'rrule', e.rrule,
            'url', sk_feed_entry_url(p_base, e))))
      FROM (SELECT NULL) z
      LEFT JOIN entries pl ON pl.id = e.place_id AND pl.kind = 'place' AND pl.status = 'published'
      CROSS JOIN LATERAL (SELECT CASE
          WHEN pl.id IS NOT NULL THEN pl.location
          WHEN coalesce(e.address_visibility, 'public') = 'public' THEN e.location END AS g) gg
     WHERE g IS NOT NULL);
END;
$$;

-- Public entries of p_kind matching the search, with a position, as a FeatureCollection.
CREATE OR REPLACE FUNCTION sk_geojson(p_kind text, p_params jsonb, p_base text, p_max int) RETURNS sk_response
    LANGUAGE sql STABLE AS $$
    SELECT (200, NULL, NULL, jsonb_build_object(
            'type', 'FeatureCollection',
            'features', coalesce((SELECT jsonb_agg(f ORDER BY t, i)
                                    FROM (SELECT sk_geojson_feature(p_base, e) AS f, e.title AS t, e.id AS i
                                            FROM sk_feeds_select(p_params, ARRAY[p_kind], 'title', 0, p_max) e) s
                                   WHERE f IS NOT NULL), '[]'::jsonb))::text)::sk_response
$$;

-- =============================================================================================
-- Open Referral HSDS 3.0
-- =============================================================================================
-- Mapping: organisations -> organization; places -> location; activities, carer support and
-- services -> service (with service_at_locations to their place or own address; a service's
-- walk-in hours are its schedules); an activity with its own
-- public address is a location too (id = the activity's id). Vacancies are not services and are
-- not exported. Only public entries; organisations only when they have a public entry.
CREATE OR REPLACE FUNCTION sk_hsds_page(p_contents jsonb, p_total bigint, p_page int, p_size int) RETURNS sk_response
    LANGUAGE sql IMMUTABLE
    RETURN (200, NULL, NULL, jsonb_build_object(
        'total_items', p_total,
        'total_pages', greatest(1, ((p_total + p_size - 1) / p_size)),
        'page_number', p_page,
        'size', jsonb_array_length(p_contents),
        'first_page', p_page = 1,
        'last_page', p_page >= ((p_total + p_size - 1) / p_size),
        'empty', jsonb_array_length(p_contents) = 0,
        'contents', p_contents)::text)::sk_response;

-- A deterministic uuid for a derived record (service_at_location, address, phone).
CREATE OR REPLACE FUNCTION sk_hsds_uuid(p_a text, p_b text) RETURNS uuid LANGUAGE sql IMMUTABLE
    RETURN md5(p_a || '/' || p_b)::uuid;

-- (HSDS 3.0 address requires state_province: the province, see sk_feed_province)
CREATE OR REPLACE FUNCTION sk_hsds_address(p_loc uuid, a jsonb, p_municipality text) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN a IS NOT NULL THEN jsonb_build_array(jsonb_build_object(
        'id', sk_hsds_uuid(p_loc::text, 'address'),
        'location_id', p_loc,
        'attention', NULL,
        'address_1', btrim(coalesce(a->>'street', '') || ' ' || coalesce(a->>'house_number', '')),
        'address_2', NULL,
        'city', a->>'city',
        'region', NULL,
        'state_province', sk_feed_province(p_municipality),
        'postal_code', a->>'postcode',
        'country', 'NL',
        'address_type', 'physical')) ELSE '[]'::jsonb END;

CREATE OR REPLACE FUNCTION sk_hsds_phones(p_owner uuid, p_phone text) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN p_phone IS NOT NULL THEN jsonb_build_array(jsonb_build_object(
        'id', sk_hsds_uuid(p_owner::text, 'phone'), 'number', p_phone, 'type', 'voice',
        'languages', '[]'::jsonb)) ELSE '[]'::jsonb END;

-- HSDS metadata of resource p_id (of type p_type) last changed at p_updated.
CREATE OR REPLACE FUNCTION sk_hsds_metadata(p_id uuid, p_type text, p_updated timestamptz) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_array(jsonb_build_object(
            'id', sk_hsds_uuid(p_id::text, 'metadata'), 'resource_id', p_id, 'resource_type', p_type,
            'last_action_date', to_char(p_updated AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
            'last_action_type', 'update', 'field_name', '', 'previous_value', '', 'replacement_value', '',
            'updated_by', 'socialekaart'));

-- A location from a place, or from an activity's own public address.
-- Members without a value are left out (jsonb_strip_nulls): the HSDS 3.0 JSON schemas type them
-- as string or number, so a JSON null would not validate.
CREATE OR REPLACE FUNCTION sk_hsds_location(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $fn$
BEGIN
    RETURN jsonb_strip_nulls(jsonb_build_object(
        'id', e.id,
        'location_type', 'physical',
        'url', sk_feed_entry_url(p_base, e),
        'organization_id', e.organisation_id,
        'name', e.title,
        'alternate_name', NULL,
        'description', CASE WHEN e.kind = 'place' THEN coalesce(e.summary, e.description) END,
        'transportation', NULL,
        'latitude', ST_Y(e.location::geometry),
        'longitude', ST_X(e.location::geometry),
        'external_identifier', NULL,
        'external_identifier_type', NULL,
        'languages', '[]'::jsonb,
        'addresses', sk_hsds_address(e.id, e.address, e.municipality),
        'phones', CASE WHEN e.kind = 'place' THEN sk_hsds_phones(e.id, e.contact->>'phone') ELSE '[]'::jsonb END,
        'accessibility', coalesce((SELECT jsonb_agg(jsonb_build_object(
                             'id', sk_hsds_uuid(e.id::text, 'access/' || k),
                             'location_id', e.id,
                             'description', sk_feed_label('accessibility-features', k),
                             'details', CASE v WHEN 'yes' THEN 'Ja' WHEN 'limited' THEN 'Beperkt'
                                               WHEN 'no' THEN 'Nee' ELSE v END, 'url', NULL) ORDER BY k)
                           FROM jsonb_each_text(e.accessibility) AS t(k, v)), '[]'::jsonb),
        'schedules', CASE WHEN e.kind = 'place' THEN coalesce((SELECT jsonb_agg(jsonb_build_object(
                             'id', sk_hsds_uuid(e.id::text, 'hours/' || (h->>'day') || (h->>'opens')),
                             'location_id', e.id,
                             'freq', 'WEEKLY',
                             'interval', 1,
                             'byday', upper(h->>'day'),
                             'opens_at', h->>'opens',
                             'closes_at', h->>'closes',
                             'description', NULL))
                           FROM jsonb_array_elements(e.opening_hours) h), '[]'::jsonb) ELSE '[]'::jsonb END,
        'attributes', '[]'::jsonb,
        'metadata', sk_hsds_metadata(e.id, 'location', e.updated_at)));
END;
$fn$;

-- Is entry e an HSDS location? (a public place with a position, or an activity with its own public address)
CREATE OR REPLACE FUNCTION sk_hsds_is_location(e entries) RETURNS boolean LANGUAGE sql STABLE
    RETURN sk_entry_public(e)
       AND (e.kind = 'place'
            OR (e.kind = 'activity' AND e.place_id IS NULL AND e.address IS NOT NULL
                AND e.address_visibility = 'public'));

CREATE OR REPLACE FUNCTION sk_hsds_service(p_base text, e entries) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT jsonb_strip_nulls(jsonb_build_object(   -- no nulls, see sk_hsds_location
        'id', e.id,
        'organization_id', e.organisation_id,
        'program_id', NULL,
        'name', e.title,
        'alternate_name', NULL,
        'description', coalesce(e.description, e.summary, e.title),
        'url', coalesce(e.contact->>'website', sk_feed_entry_url(p_base, e)),
        'email', e.contact->>'email',
        'status', 'active',
        'interpretation_services', NULL,
        'application_process', CASE WHEN e.registration = 'required' THEN 'Aanmelden is nodig.'
                                    WHEN e.kind = 'service' THEN concat_ws(' ',
                                        CASE WHEN e.referral_required THEN 'Via een verwijzing, bijvoorbeeld van de huisarts of het sociaal team.'
                                             ELSE 'U kunt zelf contact opnemen, zonder verwijzing.' END,
                                        'Bereikbaar: ' || (SELECT string_agg(lower(sk_contract_channel_label(c)), ', ')
                                                             FROM unnest(e.channels) c) || '.') END,
        'fees_description', CASE WHEN coalesce((e.cost->>'free')::boolean, false) THEN 'Gratis'
                                 WHEN e.cost ? 'amount_eur' THEN '€ ' || (e.cost->>'amount_eur') END,
        'eligibility_description', nullif(concat_ws('. ',
                                       (SELECT string_agg(sk_feed_label('audiences', a), ', ')
                                          FROM unnest(e.audiences || coalesce(e.for_whom, '{}')) a),
                                       CASE WHEN e.indication_required THEN 'Een indicatie is nodig'
                                            WHEN e.kind = 'service' THEN 'Geen indicatie nodig' END), ''),
        'last_modified', sk_iso(e.updated_at),
        'phones', sk_hsds_phones(e.id, e.contact->>'phone'),
        'languages', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                  'id', sk_hsds_uuid(e.id::text, 'lang/' || l), 'service_id', e.id,
                                  'name', CASE l WHEN 'nl' THEN 'Nederlands' WHEN 'en' THEN 'Engels'
                                                 WHEN 'de' THEN 'Duits' WHEN 'fr' THEN 'Frans'
                                                 WHEN 'ar' THEN 'Arabisch' WHEN 'tr' THEN 'Turks'
                                                 WHEN 'pl' THEN 'Pools' ELSE l END,
                                  'code', l))
                                 FROM unnest(e.languages) l), '[]'::jsonb),
        'schedules', CASE WHEN e.kind = 'activity' THEN jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
            'id', sk_hsds_uuid(e.id::text, 'schedule'),
            'service_id', e.id,
            'dtstart', to_char(e.starts_at, 'YYYY-MM-DD'),
            'valid_from', to_char(e.starts_at, 'YYYY-MM-DD'),
            'valid_to', CASE WHEN e.rrule IS NULL THEN to_char(e.starts_at, 'YYYY-MM-DD')
                             ELSE to_char(sk_feed_until_date(e), 'YYYY-MM-DD') END,
            -- HSDS freq is WEEKLY or MONTHLY only: FREQ=DAILY (interval 1) is weekly on every
            -- day; a daily rule with an interval has no HSDS form (the RRULE is in description)
            'freq', CASE WHEN sk_rrule_part(sk_feed_rule(e), 'FREQ') IN ('WEEKLY', 'MONTHLY')
                         THEN sk_rrule_part(sk_feed_rule(e), 'FREQ')
                         WHEN sk_rrule_part(sk_feed_rule(e), 'FREQ') = 'DAILY'
                              AND coalesce(sk_rrule_part(sk_feed_rule(e), 'INTERVAL'), '1') = '1' THEN 'WEEKLY' END,
            'interval', CASE WHEN sk_rrule_part(sk_feed_rule(e), 'FREQ') <> 'DAILY'
                             THEN sk_rrule_part(sk_feed_rule(e), 'INTERVAL')::int END,
            'byday', CASE WHEN sk_rrule_part(sk_feed_rule(e), 'FREQ') = 'DAILY'
                          THEN CASE WHEN coalesce(sk_rrule_part(sk_feed_rule(e), 'INTERVAL'), '1') = '1'
                                    THEN 'MO,TU,WE,TH,FR,SA,SU' END
                          ELSE sk_rrule_part(sk_feed_rule(e), 'BYDAY') END,
            'bymonthday', sk_rrule_part(sk_feed_rule(e), 'BYMONTHDAY'),
            'count', sk_rrule_part(sk_feed_rule(e), 'COUNT')::int,
            'until', to_char(sk_feed_until_date(e), 'YYYY-MM-DD'),
            'opens_at', to_char(e.starts_at, 'HH24:MI'),
            'closes_at', to_char(e.ends_at, 'HH24:MI'),
            'attending_type', CASE WHEN e.online THEN 'online' ELSE 'in_person' END,
            'description', CASE WHEN e.rrule IS NOT NULL THEN 'RRULE:' || sk_feed_rule(e) END)))
            WHEN e.kind = 'service' THEN coalesce((SELECT jsonb_agg(jsonb_build_object(
                'id', sk_hsds_uuid(e.id::text, 'hours/' || (h->>'day') || (h->>'opens')),
                'service_id', e.id,
                'freq', 'WEEKLY',
                'interval', 1,
                'byday', upper(h->>'day'),
                'opens_at', h->>'opens',
                'closes_at', h->>'closes',
                'description', 'Spreekuur'))
              FROM jsonb_array_elements(e.opening_hours) h), '[]'::jsonb)
            ELSE '[]'::jsonb END,
        'service_areas', jsonb_build_array(jsonb_build_object(
            'id', sk_hsds_uuid(e.id::text, 'area'), 'service_id', e.id,
            'name', sk_feed_area_name(e.municipality),
            'description', NULL, 'extent', NULL, 'extent_type', NULL, 'uri', NULL))
            || coalesce((SELECT jsonb_agg(jsonb_build_object(     -- a regional entry's other municipalities
                   'id', sk_hsds_uuid(e.id::text, 'area/' || m), 'service_id', e.id,
                   'name', sk_feed_area_name(m)) ORDER BY i)
                   FROM unnest(e.also_serves) WITH ORDINALITY x(m, i)), '[]'::jsonb),
        'service_at_locations', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'id', sk_hsds_uuid(e.id::text, l.id::text),
                'service_id', e.id,
                'location_id', l.id,
                'description', NULL,
                'location', sk_hsds_location(p_base, l)))
              FROM entries l
             WHERE sk_hsds_is_location(l)
               AND (l.id = e.place_id OR l.id = e.id)), '[]'::jsonb),
        'attributes', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'id', sk_hsds_uuid(e.id::text, 'theme/' || t), 'link_id', e.id, 'link_entity', 'service',
                'taxonomy_term_id', sk_hsds_uuid('theme', t),
                'taxonomy_term', jsonb_build_object('id', sk_hsds_uuid('theme', t), 'code', t,
                                                    'name', sk_feed_label('themes', t),
                                                    'description', sk_feed_label('themes', t),
                                                    'taxonomy', 'socialekaart-themes'),
                'value', t))
              FROM unnest(e.themes) t), '[]'::jsonb),
        'metadata', sk_hsds_metadata(e.id, 'service', e.updated_at))));
END;
$$;

-- One page of HSDS services (p_locations false: activities, carer support and services) or locations (true:
-- places and activities that are one, sk_hsds_is_location) in id order, with their total: one
-- search for both the page and the total, not a second count query.
CREATE OR REPLACE FUNCTION sk_hsds_entries(p_params jsonb, p_locations boolean, p_page int, p_size int, p_base text)
    RETURNS sk_response LANGUAGE sql STABLE AS $$
    WITH m AS (
        SELECT e FROM sk_feeds_select(p_params, CASE WHEN p_locations THEN ARRAY['place', 'activity']
                                                     ELSE ARRAY['activity', 'carer_support', 'service'] END,
                                      'id', 0, 2147483647) e
         WHERE NOT p_locations OR sk_hsds_is_location(e))
    SELECT sk_hsds_page(
        coalesce((SELECT jsonb_agg(CASE WHEN p_locations THEN sk_hsds_location(p_base, s.e)
                                        ELSE sk_hsds_service(p_base, s.e) END ORDER BY (s.e).id)
                    FROM (SELECT m.e FROM m ORDER BY (m.e).id
                           OFFSET (p_page - 1)::bigint * p_size LIMIT p_size) s), '[]'::jsonb),
        (SELECT count(*) FROM m), p_page, p_size)
$$;

CREATE OR REPLACE FUNCTION sk_hsds_organization(p_base text, o organisations) RETURNS jsonb LANGUAGE plpgsql STABLE AS $fn$
BEGIN
    RETURN jsonb_strip_nulls(jsonb_build_object(   -- no nulls, see sk_hsds_location
        'id', o.id,
        'name', o.name,
        'alternate_name', NULL,
        'description', coalesce(o.description, o.name),
        'email', o.email,
        'website', o.website,
        'additional_websites', '[]'::jsonb,
        'tax_status', NULL,
        'tax_id', NULL,
        'year_incorporated', NULL,
        'legal_status', NULL,
        'logo', NULL,
        'uri', p_base || '/api/v1/organisations/' || o.id,
        'parent_organization_id', NULL,
        'phones', sk_hsds_phones(o.id, o.phone),
        'metadata', sk_hsds_metadata(o.id, 'organization', o.updated_at)));
END;
$fn$;

CREATE OR REPLACE FUNCTION sk_hsds_organizations(p_params jsonb, p_page int, p_size int, p_base text) RETURNS sk_response
    LANGUAGE sql STABLE AS $$
    WITH m AS (
        SELECT o FROM organisations o
         WHERE o.id IN (SELECT e.organisation_id
                          FROM sk_feeds_select(p_params, ARRAY['place', 'activity', 'vacancy', 'carer_support', 'service'],
                                               'id', 0, 2147483647) e))
    SELECT sk_hsds_page(
        coalesce((SELECT jsonb_agg(sk_hsds_organization(p_base, s.o) ORDER BY (s.o).id)
                    FROM (SELECT m.o FROM m ORDER BY (m.o).id
                           OFFSET (p_page - 1)::bigint * p_size LIMIT p_size) s), '[]'::jsonb),
        (SELECT count(*) FROM m), p_page, p_size)
$$;

-- =============================================================================================
-- The API: exactly the signatures the daemon prepares (see server/db_catalog.c).
-- =============================================================================================
CREATE OR REPLACE FUNCTION api_feed_page(p_kind text, p_after_ts bigint, p_after_id uuid, p_limit int, p_base text,
                              p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE sql VOLATILE
    RETURN sk_feed_page(p_kind, p_after_ts, p_after_id, greatest(1, least(coalesce(p_limit, sk_contract_limit('feed_default')), sk_contract_limit('feed_max'))), p_base);

CREATE OR REPLACE FUNCTION api_activities_ics(p_params jsonb, p_base text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE sql STABLE
    RETURN sk_ics_calendar(p_params, p_base, 1000);

CREATE OR REPLACE FUNCTION api_geojson(p_kind text, p_params jsonb, p_base text, p_role text, p_org uuid, p_key uuid,
                            p_scope text[])
    RETURNS sk_response LANGUAGE sql STABLE
    RETURN sk_geojson(p_kind, p_params, p_base, 10000);

CREATE OR REPLACE FUNCTION api_hsds_list(p_what text, p_params jsonb, p_page int, p_size int, p_base text,
                              p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE sql STABLE
    RETURN (SELECT CASE p_what   -- page and size bounded as the daemon checks them (server/h_feeds.c)
        WHEN 'services' THEN sk_hsds_entries(p_params, false, b.page, b.size, p_base)
        WHEN 'locations' THEN sk_hsds_entries(p_params, true, b.page, b.size, p_base)
        ELSE sk_hsds_organizations(p_params, b.page, b.size, p_base)
    END FROM (SELECT least(greatest(p_page, 1), sk_contract_limit('hsds_page_max')) AS page, least(greatest(p_size, 1), sk_contract_limit('hsds_per_page_max')) AS size) b);

-- One activity's calendar: visible as GET /activities/{id} is.
CREATE OR REPLACE FUNCTION sk_ics_one(p_id uuid, p_base text, p_role text, p_org uuid, p_scope text[])
    RETURNS sk_response LANGUAGE plpgsql STABLE AS $$
DECLARE
    e entries;
BEGIN
    SELECT * INTO e FROM entries WHERE id = p_id AND kind = 'activity';
    IF NOT FOUND OR NOT sk_entry_visible(e, p_role, p_org, p_scope)
       OR (e.status = 'published' AND NOT sk_entry_public(e) AND NOT sk_sees_private(e, p_role, p_org, p_scope)) THEN
        RETURN sk_not_found(format('There is no activity with id %s.', p_id));
    END IF;
    RETURN (200, 'W/' || sk_etag(e.version), NULL,
            sk_ics_header(e.title) || sk_ics_event(p_base, e) || E'END:VCALENDAR\r\n')::sk_response;
END;
$$;

CREATE OR REPLACE FUNCTION api_activity_ics(p_id uuid, p_base text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS sk_response LANGUAGE sql STABLE
    RETURN sk_ics_one(p_id, p_base, p_role, p_org, p_scope);

CREATE OR REPLACE TRIGGER entries_feed AFTER INSERT OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION sk_feed_entries_trg();

CREATE OR REPLACE TRIGGER entries_feed_update AFTER UPDATE ON entries
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sk_feed_entries_trg();

CREATE OR REPLACE TRIGGER organisations_feed AFTER UPDATE ON organisations
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.website IS DISTINCT FROM NEW.website
                       OR OLD.email IS DISTINCT FROM NEW.email OR OLD.phone IS DISTINCT FROM NEW.phone)
    EXECUTE FUNCTION sk_feed_orgs_trg();

CREATE OR REPLACE TRIGGER exception_set_dates_feed AFTER INSERT OR UPDATE OR DELETE ON exception_set_dates
    FOR EACH ROW EXECUTE FUNCTION sk_feed_exceptions_trg();
