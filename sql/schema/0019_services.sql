-- 0019 services (issue 16, item 1): a fifth kind of entry, the low-threshold help the policy
-- moves residents towards before formal care (Klussendienst, Welzijnspunt, thuisadministratie,
-- energiecoach, VraagWijzer, spreekuren). A service says whether a resident needs a referral
-- (referral_required: "via verwijzing") or an indication (indication_required: false is "geen
-- indicatie nodig"), how it is reached (channels: walk_in, phone, email, home_visit, online,
-- the codes of common/contract.def) and, like a place, when (opening_hours: its walk-in hours);
-- place_id names where the walk-in hours are, as for the other kinds.
--
-- Applied once by `socialekaart migrate`, inside its transaction; never edited once applied
-- (SHA256SUMS pins it). The functions are in sql/api/. Licensed under the EUPL

ALTER TABLE entries DROP CONSTRAINT entries_kind_chk;
ALTER TABLE entries ADD CONSTRAINT entries_kind_chk
    CHECK (kind IN ('place', 'activity', 'vacancy', 'carer_support', 'service'));

ALTER TABLE entries ADD COLUMN referral_required boolean;
ALTER TABLE entries ADD COLUMN indication_required boolean;
ALTER TABLE entries ADD COLUMN channels text[];

ALTER TABLE entries ADD CONSTRAINT entries_service_cols_chk CHECK (kind = 'service' OR (
    referral_required IS NULL AND indication_required IS NULL AND channels IS NULL));
ALTER TABLE entries ADD CONSTRAINT entries_service_required_chk CHECK (kind <> 'service' OR (
    referral_required IS NOT NULL AND indication_required IS NOT NULL AND cardinality(channels) >= 1));
ALTER TABLE entries ADD CONSTRAINT entries_channels_chk CHECK (
    channels <@ ARRAY['walk_in', 'phone', 'email', 'home_visit', 'online']::text[] AND cardinality(channels) <= 5);
COMMENT ON CONSTRAINT entries_service_required_chk ON entries IS 'channels: a service needs at least one channel (walk_in, phone, email, home_visit, online)';
COMMENT ON CONSTRAINT entries_channels_chk ON entries IS 'channels: must be a list of walk_in, phone, email, home_visit, online';

-- A service has opening hours too: when its walk-in hours (spreekuren) are.
ALTER TABLE entries DROP CONSTRAINT entries_place_cols_chk;
ALTER TABLE entries ADD CONSTRAINT entries_place_cols_chk CHECK (kind IN ('place', 'service') OR opening_hours IS NULL);

ALTER TABLE feed_items DROP CONSTRAINT feed_items_kind_chk;
ALTER TABLE feed_items ADD CONSTRAINT feed_items_kind_chk
    CHECK (kind IN ('place', 'activity', 'vacancy', 'carer_support', 'service'));

ALTER TABLE webhooks DROP CONSTRAINT webhooks_kinds_chk;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_kinds_chk CHECK (
    kinds <@ ARRAY['place', 'activity', 'vacancy', 'carer_support', 'service']::text[] AND cardinality(kinds) <= 5);
COMMENT ON CONSTRAINT webhooks_kinds_chk ON webhooks IS 'kinds: must be a list of place, activity, vacancy, carer_support, service';

-- The search's summary rows: what the filters no_referral, no_indication and channel= read.
ALTER TABLE sk_search_rows ADD COLUMN referral_required boolean NOT NULL DEFAULT false;
ALTER TABLE sk_search_rows ADD COLUMN indication_required boolean NOT NULL DEFAULT false;
ALTER TABLE sk_search_rows ADD COLUMN channels text[] NOT NULL DEFAULT '{}';
