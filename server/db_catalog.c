/*
 * db_catalog.c — every SQL statement the daemon sends, in one place.
 *
 * Each is prepared on every new connection (db.c); requests only ever send
 * a statement name and parameters, never SQL text. Most statements call an
 * api_* function (sql/api/) that authorises, writes, audits and renders
 * JSON in one statement, and so in one transaction.
 */
#include "db.h"

const struct db_statement db_statements[STMT_COUNT_] = {
    [STMT_SCHEMA_VERSION] = { "schema_version",
                              "SELECT coalesce(max(version), 0), (SELECT string_agg(file || '=' || checksum, ' ' "
                              "ORDER BY position) FROM schema_api) FROM schema_migrations",
                              0 },
    [STMT_AUTH_KEY] = { "auth_key",
                        "SELECT organisation_id, role, secret_hash, "
                        "CASE WHEN role = 'admin' OR all_municipalities THEN '{*}'::text[] ELSE municipalities END, "
                        "revoked_at IS NOT NULL OR expires_at <= now() OR EXISTS (SELECT 1 FROM api_keys p "
                        "WHERE p.id = k.session_of AND (p.revoked_at IS NOT NULL OR p.expires_at <= now())) "
                        "FROM api_keys k WHERE id = $1::uuid",
                        1 },

    /* api_* functions (sql/api/); the last four
     * parameters are always the caller: role, organisation, key, scope. */
    [STMT_ENTRY_GET] = { "entry_get",
                         "SELECT * FROM api_entry_get($1::text, $2::uuid, $3::text, $4::text, $5::uuid, $6::uuid, "
                         "$7::text[])",
                         7 },
    [STMT_ENTRY_LIST] = { "entry_list",
                          "SELECT * FROM api_entry_list($1::text, $2::int, $3::text, $4::text, $5::text, $6::uuid, "
                          "$7::uuid, $8::text[])",
                          8 },
    [STMT_ENTRY_CREATE] = { "entry_create",
                            "SELECT * FROM api_entry_create($1::text, $2::jsonb, $3::jsonb, $4::text, $5::text, "
                            "$6::uuid, $7::uuid, $8::text[])",
                            8 },
    [STMT_ENTRY_UPDATE] = { "entry_update",
                            "SELECT * FROM api_entry_update($1::text, $2::uuid, $3::jsonb, $4::boolean, $5::int, "
                            "$6::jsonb, $7::text, $8::uuid, $9::uuid, $10::text[])",
                            10 },
    [STMT_ENTRY_DELETE] = { "entry_delete",
                            "SELECT * FROM api_entry_delete($1::text, $2::uuid, $3::int, $4::boolean, $5::text, "
                            "$6::uuid, $7::uuid, $8::text[])",
                            8 },
    [STMT_AREAS_LIST] = { "areas_list", "SELECT * FROM api_areas_list($1::text, $2::boolean)", 2 },
    [STMT_AREA_GET] = { "area_get", "SELECT * FROM api_area_get($1::text)", 1 },
    [STMT_AREA_UPSERT] = { "area_upsert",
                           "SELECT * FROM api_area_upsert($1::text, $2::jsonb, $3::jsonb, $4::text, $5::uuid, "
                           "$6::uuid, $7::text[])",
                           7 },
    [STMT_AREA_RETIRE] = { "area_retire",
                           "SELECT * FROM api_area_retire($1::text, $2::text, $3::uuid, $4::uuid, $5::text[])", 5 },
    [STMT_AREA_BOUNDARY_SET] = { "area_boundary_set",
                                 "SELECT * FROM api_area_boundary_set($1::text, $2::jsonb, $3::text, $4::uuid, "
                                 "$5::uuid, $6::text[])",
                                 6 },
    [STMT_VOCAB_LIST] = { "vocab_list", "SELECT * FROM api_vocab_list($1::text, $2::boolean)", 2 },
    [STMT_VOCAB_UPSERT] = { "vocab_upsert",
                            "SELECT * FROM api_vocab_upsert($1::text, $2::text, $3::jsonb, $4::jsonb, $5::text, "
                            "$6::uuid, $7::uuid, $8::text[])",
                            8 },
    [STMT_VOCAB_RETIRE] = { "vocab_retire",
                            "SELECT * FROM api_vocab_retire($1::text, $2::text, $3::text, $4::uuid, $5::uuid, "
                            "$6::text[])",
                            6 },
    [STMT_ORG_LIST] = { "org_list",
                        "SELECT * FROM api_org_list($1::int, $2::text, $3::text, $4::uuid, $5::uuid, $6::text[])", 6 },
    [STMT_ORG_GET] = { "org_get", "SELECT * FROM api_org_get($1::uuid, $2::text, $3::uuid, $4::uuid, $5::text[])", 5 },
    [STMT_ORG_CREATE] = { "org_create",
                          "SELECT * FROM api_org_create($1::jsonb, $2::jsonb, $3::text, $4::uuid, $5::uuid, "
                          "$6::text[])",
                          6 },
    [STMT_ORG_UPDATE] = { "org_update",
                          "SELECT * FROM api_org_update($1::uuid, $2::jsonb, $3::jsonb, $4::text, $5::uuid, $6::uuid, "
                          "$7::text[])",
                          7 },
    [STMT_AUDIT_LIST] = { "audit_list",
                          "SELECT * FROM api_audit_list($1::uuid, $2::int, $3::text, $4::text, $5::uuid, $6::uuid, "
                          "$7::text[])",
                          7 },
    /* moderation (sql/api/moderation.sql) */
    [STMT_MOD_QUEUE] = { "mod_queue",
                         "SELECT * FROM api_moderation_queue($1::text, $2::text, $3::text, $4::text, $5::int, $6::int, "
                         "$7::text, $8::text, $9::uuid, $10::uuid, $11::text[])",
                         11 },
    [STMT_MOD_APPROVE] = { "mod_approve",
                           "SELECT * FROM api_moderation_approve($1::uuid, $2::text, $3::uuid, $4::uuid, $5::text[])",
                           5 },
    [STMT_MOD_REJECT] = { "mod_reject",
                          "SELECT * FROM api_moderation_reject($1::uuid, $2::jsonb, $3::text, $4::uuid, $5::uuid, "
                          "$6::text[])",
                          6 },
    [STMT_MOD_DIFF] = { "mod_diff",
                        "SELECT * FROM api_moderation_diff($1::uuid, $2::text, $3::uuid, $4::uuid, $5::text[])", 5 },
    [STMT_MOD_STALE] = { "mod_stale",
                         "SELECT * FROM api_moderation_stale($1::text, $2::text, $3::int, $4::text, $5::text, "
                         "$6::uuid, $7::uuid, $8::text[])",
                         8 },
    [STMT_ENTRY_CONFIRM] = { "entry_confirm",
                             "SELECT * FROM api_entry_confirm($1::text, $2::uuid, $3::text, $4::uuid, $5::uuid, "
                             "$6::text[])",
                             6 },
    [STMT_REPORT_CREATE] = { "report_create",
                             "SELECT * FROM api_report_create($1::text, $2::uuid, $3::jsonb, $4::jsonb, $5::text, "
                             "$6::text, $7::uuid, $8::uuid, $9::text[])",
                             9 },
    [STMT_REPORTS_LIST] = { "reports_list",
                            "SELECT * FROM api_reports_list($1::text, $2::uuid, $3::text, $4::text, $5::uuid, "
                            "$6::uuid, $7::text[])",
                            7 },
    [STMT_REPORT_RESOLVE] = { "report_resolve",
                              "SELECT * FROM api_report_resolve($1::uuid, $2::jsonb, $3::text, $4::uuid, $5::uuid, "
                              "$6::text[])",
                              6 },
    [STMT_STATS_COVERAGE] = { "stats_coverage",
                              "SELECT * FROM api_stats_coverage($1::text, $2::text, $3::text, $4::uuid, $5::uuid, "
                              "$6::text[])",
                              6 },
    [STMT_MOD_HIDE] = { "mod_hide",
                        "SELECT * FROM api_moderation_hide($1::uuid, $2::jsonb, $3::text, $4::uuid, $5::uuid, "
                        "$6::text[])",
                        6 },
    [STMT_MOD_UNHIDE] = { "mod_unhide",
                          "SELECT * FROM api_moderation_unhide($1::uuid, $2::jsonb, $3::text, $4::uuid, $5::uuid, "
                          "$6::text[])",
                          6 },
    [STMT_MOD_SETTINGS_GET] = { "mod_settings_get",
                                "SELECT * FROM api_moderation_settings_get($1::text, $2::uuid, $3::uuid, $4::text[])",
                                4 },
    [STMT_MOD_SETTINGS_PATCH] = { "mod_settings_patch",
                                  "SELECT * FROM api_moderation_settings_patch($1::jsonb, $2::text, $3::uuid, "
                                  "$4::uuid, $5::text[])",
                                  5 },
    /* periodic jobs (server/housekeeping.c) */
    [STMT_HK_RUN] = { "hk_run", "SELECT sk_housekeeping_run($1::text, $2::int, $3::text)", 3 },
    /* a primary (libpq fell back to it) and a replica that has replayed all it received are 0 behind */
    [STMT_REPLICA_LAG] = { "replica_lag",
                           "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
                           " WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0"
                           " ELSE coalesce(least(extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000,"
                           " 2147483647), 2147483647) END::bigint",
                           0 },
    [STMT_WEBHOOK_CREATE] = { "webhook_create",
                              "SELECT * FROM api_webhook_create($1::jsonb, $2::jsonb, $3::text, $4::uuid, $5::uuid, "
                              "$6::text[])",
                              6 },
    [STMT_WEBHOOK_LIST] = { "webhook_list", "SELECT * FROM api_webhook_list($1::text, $2::uuid, $3::uuid, $4::text[])",
                            4 },
    [STMT_WEBHOOK_GET] = { "webhook_get",
                           "SELECT * FROM api_webhook_get($1::uuid, $2::text, $3::uuid, $4::uuid, $5::text[])", 5 },
    [STMT_WEBHOOK_DELETE] = { "webhook_delete",
                              "SELECT * FROM api_webhook_delete($1::uuid, $2::text, $3::uuid, $4::uuid, $5::text[])",
                              5 },
    [STMT_WEBHOOK_DELIVERIES] = { "webhook_deliveries",
                                  "SELECT * FROM api_webhook_deliveries($1::uuid, $2::int, $3::text, $4::text, "
                                  "$5::text, $6::uuid, $7::uuid, $8::text[])",
                                  8 },
    [STMT_WEBHOOK_CLAIM] = { "webhook_claim",
                             "SELECT id, url, secret, payload, event, attempts FROM sk_webhook_claim($1::int, $2::int)",
                             2 },
    [STMT_WEBHOOK_REPORT] = { "webhook_report",
                              "SELECT sk_webhook_report($1::bigint, $2::boolean, $3::int, $4::text, $5::int, $6::int, "
                              "$7::int)",
                              7 },
    [STMT_SEARCH] = { "search",
                      "SELECT * FROM api_search($1::jsonb, $2::text, $3::text, $4::uuid, $5::uuid, $6::text[])", 6 },
    [STMT_ACTIVITY_OCCURRENCES] = { "activity_occurrences",
                                    "SELECT * FROM api_activity_occurrences($1::uuid, $2::timestamp, $3::timestamp, "
                                    "$4::text, $5::text, $6::uuid, $7::uuid, $8::text[])",
                                    8 },
    [STMT_WEB_SEARCH] = { "web_search",
                          "SELECT * FROM api_web_search($1::jsonb, $2::text, $3::text, $4::uuid, $5::uuid, $6::text[])",
                          6 },
    [STMT_WEB_SEARCH_ANSWER] = { "web_search_answer",
                                 "SELECT * FROM api_web_search_answer($1::jsonb, $2::text, $3::text, $4::uuid, "
                                 "$5::uuid, $6::text[])",
                                 6 },
    [STMT_WEB_ENTRY] = { "web_entry",
                         "SELECT * FROM api_web_entry($1::uuid, $2::text, $3::text, $4::uuid, $5::uuid, $6::text[])",
                         6 },
    [STMT_FEED_PAGE] = { "feed_page",
                         "SELECT * FROM api_feed_page($1::text, $2::bigint, $3::uuid, $4::int, $5::text, $6::text, "
                         "$7::uuid, $8::uuid, $9::text[])",
                         9 },
    [STMT_FEED_ICS] = { "feed_ics",
                        "SELECT * FROM api_activities_ics($1::jsonb, $2::text, $3::text, $4::uuid, $5::uuid, "
                        "$6::text[])",
                        6 },
    [STMT_FEED_ICS_ONE] = { "feed_ics_one",
                            "SELECT * FROM api_activity_ics($1::uuid, $2::text, $3::text, $4::uuid, $5::uuid, "
                            "$6::text[])",
                            6 },
    [STMT_FEED_GEOJSON] = { "feed_geojson",
                            "SELECT * FROM api_geojson($1::text, $2::jsonb, $3::text, $4::text, $5::uuid, $6::uuid, "
                            "$7::text[])",
                            7 },
    [STMT_FEED_HSDS] = { "feed_hsds",
                         "SELECT * FROM api_hsds_list($1::text, $2::jsonb, $3::int, $4::int, $5::text, $6::text, "
                         "$7::uuid, $8::uuid, $9::text[])",
                         9 },

    /* issue 15, keys and invitations */
    [STMT_INVITATION_CREATE] = { "invitation_create",
                                 "SELECT * FROM api_invitation_create($1::jsonb, $2::jsonb, $3::text, $4::uuid, "
                                 "$5::uuid, $6::text[])",
                                 6 },
    [STMT_INVITATION_LIST] = { "invitation_list",
                               "SELECT * FROM api_invitation_list($1::uuid, $2::int, $3::text, $4::text, $5::uuid, "
                               "$6::uuid, $7::text[])",
                               7 },
    [STMT_INVITATION_REVOKE] = { "invitation_revoke",
                                 "SELECT * FROM api_invitation_revoke($1::uuid, $2::text, $3::uuid, $4::uuid, "
                                 "$5::text[])",
                                 5 },
    [STMT_INVITATION_PEEK] = { "invitation_peek", "SELECT * FROM api_invitation_peek($1::text)", 1 },
    [STMT_INVITATION_ACCEPT] = { "invitation_accept",
                                 "SELECT * FROM api_invitation_accept($1::text, $2::text, $3::uuid, $4::bytea)", 4 },
    [STMT_SESSION_OPEN] = { "session_open", "SELECT * FROM api_session_open($1::uuid, $2::bytea, $3::uuid, $4::bytea)",
                            4 },
    [STMT_SESSION_CLOSE] = { "session_close",
                             "SELECT * FROM api_session_close($1::text, $2::uuid, $3::uuid, $4::text[])", 4 },
    [STMT_KEY_LIST] = { "key_list", "SELECT * FROM api_key_list($1::uuid, $2::text, $3::uuid, $4::uuid, $5::text[])",
                        5 },
    [STMT_KEY_CREATE] = { "key_create",
                          "SELECT * FROM api_key_create($1::uuid, $2::jsonb, $3::uuid, $4::bytea, $5::text, "
                          "$6::uuid, $7::uuid, $8::text[])",
                          8 },
    [STMT_KEY_ROTATE] = { "key_rotate",
                          "SELECT * FROM api_key_rotate($1::uuid, $2::uuid, $3::uuid, $4::bytea, $5::text, "
                          "$6::uuid, $7::uuid, $8::text[])",
                          8 },
    [STMT_KEY_REVOKE] = { "key_revoke",
                          "SELECT * FROM api_key_revoke($1::uuid, $2::uuid, $3::text, $4::uuid, $5::uuid, "
                          "$6::text[])",
                          6 },

    /* issue 15, residents' responses */
    [STMT_RESPONSE_CREATE] = { "response_create",
                               "SELECT * FROM api_response_create($1::text, $2::uuid, $3::jsonb, $4::jsonb, $5::text, "
                               "$6::text, $7::text, $8::uuid, $9::uuid, $10::text[])",
                               10 },
    [STMT_RESPONSE_LIST] = { "response_list",
                             "SELECT * FROM api_response_list($1::uuid, $2::uuid, $3::int, $4::text, $5::text, "
                             "$6::uuid, $7::uuid, $8::text[])",
                             8 },
    [STMT_RESPONSE_UPDATE] = { "response_update",
                               "SELECT * FROM api_response_update($1::uuid, $2::uuid, $3::jsonb, $4::jsonb, $5::text, "
                               "$6::uuid, $7::uuid, $8::text[])",
                               8 },
    [STMT_RESPONSE_DELETE] = { "response_delete",
                               "SELECT * FROM api_response_delete($1::uuid, $2::uuid, $3::text, $4::uuid, $5::uuid, "
                               "$6::text[])",
                               6 },
    [STMT_WEB_RESPOND] = { "web_respond",
                           "SELECT * FROM api_web_respond($1::uuid, $2::jsonb, $3::jsonb, $4::text, $5::text, "
                           "$6::text, $7::uuid, $8::uuid, $9::text[])",
                           9 },
    [STMT_MAIL_CLAIM] = { "mail_claim", "SELECT id, recipient, subject, body FROM sk_mail_claim($1::int, $2::int)", 2 },
    [STMT_MAIL_REPORT] = { "mail_report",
                           "SELECT sk_mail_report($1::bigint, $2::boolean, $3::boolean, $4::text, $5::int, $6::int)",
                           6 },

    /* issue 16, demand */
    [STMT_DEMAND_RECORD] = { "demand_record", "SELECT api_demand_record($1::jsonb)", 1 },
    [STMT_STATS_DEMAND] = { "stats_demand",
                            "SELECT * FROM api_stats_demand($1::text, $2::date, $3::date, $4::text, $5::text, "
                            "$6::uuid, $7::uuid, $8::text[])",
                            8 },
    [STMT_WISH_CREATE] = { "wish_create",
                           "SELECT * FROM api_wish_create($1::jsonb, $2::jsonb, $3::text, $4::uuid, $5::uuid, "
                           "$6::text[])",
                           6 },
    [STMT_WISHES_LIST] = { "wishes_list",
                           "SELECT * FROM api_wishes_list($1::text, $2::int, $3::text, $4::uuid, $5::uuid, "
                           "$6::text[])",
                           6 },
    [STMT_WEB_WISH_PAGE] = { "web_wish_page",
                             "SELECT * FROM api_web_wish_page($1::jsonb, $2::text, $3::uuid, $4::uuid, $5::text[])",
                             5 },

    [STMT_INITIATIVE_CREATE] = { "initiative_create",
                                 "SELECT * FROM api_initiative_create($1::jsonb, $2::jsonb, $3::text, $4::uuid, "
                                 "$5::uuid, $6::text[])",
                                 6 },
    [STMT_INITIATIVE_LIST] = { "initiative_list",
                               "SELECT * FROM api_initiative_list($1::text, $2::text, $3::int, $4::text, $5::uuid, "
                               "$6::uuid, $7::text[])",
                               7 },
    [STMT_INITIATIVE_ACCEPT] = { "initiative_accept",
                                 "SELECT * FROM api_initiative_accept($1::uuid, $2::jsonb, $3::text, $4::uuid, "
                                 "$5::uuid, $6::text[])",
                                 6 },
    [STMT_INITIATIVE_DECLINE] = { "initiative_decline",
                                  "SELECT * FROM api_initiative_decline($1::uuid, $2::jsonb, $3::jsonb, $4::text, "
                                  "$5::uuid, $6::uuid, $7::text[])",
                                  7 },
    [STMT_WEB_PAPER] = { "web_paper",
                         "SELECT * FROM api_web_paper($1::text, $2::text, $3::text, $4::uuid, $5::uuid, $6::text[])",
                         6 },
    [STMT_CAMPAIGNS_LIST] = { "campaigns_list",
                              "SELECT * FROM api_campaigns_list($1::text, $2::text, $3::int, $4::text, $5::uuid, "
                              "$6::uuid, $7::text[])",
                              7 },
    [STMT_CAMPAIGN_GET] = { "campaign_get",
                            "SELECT * FROM api_campaign_get($1::text, $2::text, $3::uuid, $4::uuid, $5::text[])", 5 },
    [STMT_CAMPAIGN_PUT] = { "campaign_put",
                            "SELECT * FROM api_campaign_put($1::text, $2::jsonb, $3::jsonb, $4::text, $5::uuid, "
                            "$6::uuid, $7::text[])",
                            7 },
    [STMT_CAMPAIGN_DELETE] = { "campaign_delete",
                               "SELECT * FROM api_campaign_delete($1::text, $2::text, $3::uuid, $4::uuid, $5::text[])",
                               5 },
    [STMT_CAMPAIGN_ENTRY] = { "campaign_entry",
                              "SELECT * FROM api_campaign_entry($1::text, $2::uuid, $3::boolean, $4::text, $5::uuid, "
                              "$6::uuid, $7::text[])",
                              7 },
    [STMT_MUNICIPAL_THEMES_LIST] = { "municipal_themes_list",
                                     "SELECT * FROM api_municipal_themes_list($1::text, $2::text, $3::uuid, $4::uuid, "
                                     "$5::text[])",
                                     5 },
    [STMT_MUNICIPAL_THEME_GET] = { "municipal_theme_get",
                                   "SELECT * FROM api_municipal_theme_get($1::text, $2::text, $3::uuid, $4::uuid, "
                                   "$5::text[])",
                                   5 },
    [STMT_MUNICIPAL_THEME_PUT] = { "municipal_theme_put",
                                   "SELECT * FROM api_municipal_theme_put($1::text, $2::jsonb, $3::jsonb, $4::text, "
                                   "$5::uuid, $6::uuid, $7::text[])",
                                   7 },
    [STMT_MUNICIPAL_THEME_DELETE] = { "municipal_theme_delete",
                                      "SELECT * FROM api_municipal_theme_delete($1::text, $2::text, $3::uuid, "
                                      "$4::uuid, "
                                      "$5::text[])",
                                      5 },
    [STMT_WEB_REFERRAL] = { "web_referral",
                            "SELECT * FROM api_web_referral($1::jsonb, $2::text, $3::uuid, $4::uuid, $5::text[])", 5 },

    /* issue 15, import and export */
    [STMT_IMPORT] = { "import",
                      "SELECT * FROM api_import($1::jsonb, $2::boolean, $3::jsonb, $4::text, $5::uuid, $6::uuid, "
                      "$7::text[])",
                      7 },

    /* issue 15, partner pages */
    [STMT_PARTNER_HOME] = { "partner_home", "SELECT * FROM api_partner_home($1::text, $2::uuid, $3::uuid, $4::text[])",
                            4 },
    [STMT_PARTNER_FORM] = { "partner_form",
                            "SELECT * FROM api_partner_form($1::text, $2::uuid, $3::text, $4::uuid, $5::uuid, "
                            "$6::text[])",
                            6 },

};
