/*
 * routes.c — every path the daemon serves. The OpenAPI document
 * (docs/openapi.json) describes exactly these.
 */
#include "routes.h"

#include "http.h"

#define R(pattern, methods, handler, flags)                                                                            \
    {                                                                                                                  \
        pattern, methods, handler, flags                                                                               \
    }

const struct route routes_table[] = {
    R("/health", RM_GET, h_health, RF_NO_RATELIMIT),
    R("/ready", RM_GET, h_ready, RF_NO_RATELIMIT),
    R("/metrics", RM_GET, h_metrics, RF_NEEDS_KEY | RF_NO_RATELIMIT), /* issue 17: Prometheus, admins */
    R("/api/v1", RM_GET, h_api_index, 0),
    R("/api/v1/openapi.json", RM_GET, h_openapi, 0),
    R("/api/v1/me", RM_GET, h_me, RF_NEEDS_KEY),
    R("/.well-known/security.txt", RM_GET, h_security_txt, 0),

    R("/api/v1/places", RM_GET, h_entry_list, RF_CACHE),
    R("/api/v1/places", RM_POST, h_entry_create, RF_NEEDS_KEY),
    R("/api/v1/places.geojson", RM_GET, h_feed_places_geojson, RF_CACHE | RF_EXPENSIVE), /* h_feeds.c */
    R("/api/v1/places/{id}", RM_GET, h_entry_get, RF_CACHE),
    R("/api/v1/places/{id}", RM_PUT, h_entry_replace, RF_NEEDS_KEY),
    R("/api/v1/places/{id}", RM_PATCH, h_entry_patch, RF_NEEDS_KEY),
    R("/api/v1/places/{id}", RM_DELETE, h_entry_delete, RF_NEEDS_KEY),
    R("/api/v1/activities", RM_GET, h_entry_list, RF_CACHE),
    R("/api/v1/activities", RM_POST, h_entry_create, RF_NEEDS_KEY),
    R("/api/v1/activities.ics", RM_GET, h_feed_activities_ics, RF_CACHE | RF_EXPENSIVE),         /* h_feeds.c */
    R("/api/v1/activities.geojson", RM_GET, h_feed_activities_geojson, RF_CACHE | RF_EXPENSIVE), /* h_feeds.c */
    R("/api/v1/activities/{id}.ics", RM_GET, h_feed_activity_ics, RF_CACHE), /* h_feeds.c; before {id} */
    R("/api/v1/activities/{id}", RM_GET, h_entry_get, RF_CACHE),
    R("/api/v1/activities/{id}", RM_PUT, h_entry_replace, RF_NEEDS_KEY),
    R("/api/v1/activities/{id}", RM_PATCH, h_entry_patch, RF_NEEDS_KEY),
    R("/api/v1/activities/{id}", RM_DELETE, h_entry_delete, RF_NEEDS_KEY),
    R("/api/v1/vacancies", RM_GET, h_entry_list, RF_CACHE),
    R("/api/v1/vacancies", RM_POST, h_entry_create, RF_NEEDS_KEY),
    R("/api/v1/vacancies/{id}", RM_GET, h_entry_get, RF_CACHE),
    R("/api/v1/vacancies/{id}", RM_PUT, h_entry_replace, RF_NEEDS_KEY),
    R("/api/v1/vacancies/{id}", RM_PATCH, h_entry_patch, RF_NEEDS_KEY),
    R("/api/v1/vacancies/{id}", RM_DELETE, h_entry_delete, RF_NEEDS_KEY),
    R("/api/v1/carer-support", RM_GET, h_entry_list, RF_CACHE),
    R("/api/v1/carer-support", RM_POST, h_entry_create, RF_NEEDS_KEY),
    R("/api/v1/carer-support/{id}", RM_GET, h_entry_get, RF_CACHE),
    R("/api/v1/carer-support/{id}", RM_PUT, h_entry_replace, RF_NEEDS_KEY),
    R("/api/v1/carer-support/{id}", RM_PATCH, h_entry_patch, RF_NEEDS_KEY),
    R("/api/v1/carer-support/{id}", RM_DELETE, h_entry_delete, RF_NEEDS_KEY),
    R("/api/v1/services", RM_GET, h_entry_list, RF_CACHE),
    R("/api/v1/services", RM_POST, h_entry_create, RF_NEEDS_KEY),
    R("/api/v1/services.geojson", RM_GET, h_feed_services_geojson, RF_CACHE | RF_EXPENSIVE), /* h_feeds.c */
    R("/api/v1/services/{id}", RM_GET, h_entry_get, RF_CACHE),
    R("/api/v1/services/{id}", RM_PUT, h_entry_replace, RF_NEEDS_KEY),
    R("/api/v1/services/{id}", RM_PATCH, h_entry_patch, RF_NEEDS_KEY),
    R("/api/v1/services/{id}", RM_DELETE, h_entry_delete, RF_NEEDS_KEY),

    R("/api/v1/search", RM_GET, h_search, RF_CACHE),
    R("/api/v1/activities/{id}/occurrences", RM_GET, h_activity_occurrences, RF_CACHE),

    R("/api/v1/areas", RM_GET, h_areas_list, RF_CACHE),
    R("/api/v1/areas/{code}", RM_GET, h_area_get, RF_CACHE),
    R("/api/v1/areas/{code}", RM_PUT, h_area_put, RF_MODERATOR),
    R("/api/v1/areas/{code}", RM_DELETE, h_area_delete, RF_MODERATOR),
    R("/api/v1/areas/{code}/boundary", RM_PUT, h_area_boundary_put, RF_MODERATOR),

    R("/api/v1/themes", RM_GET, h_vocab_list, RF_CACHE),
    R("/api/v1/themes/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/themes/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),
    R("/api/v1/audiences", RM_GET, h_vocab_list, RF_CACHE),
    R("/api/v1/audiences/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/audiences/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),
    R("/api/v1/accessibility-features", RM_GET, h_vocab_list, RF_CACHE),
    R("/api/v1/accessibility-features/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/accessibility-features/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),
    R("/api/v1/support-kinds", RM_GET, h_vocab_list, RF_CACHE),
    R("/api/v1/support-kinds/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/support-kinds/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),
    R("/api/v1/place-types", RM_GET, h_vocab_list, RF_CACHE), /* issue 16 */
    R("/api/v1/place-types/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/place-types/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),
    R("/api/v1/exception-sets", RM_GET, h_vocab_list, RF_CACHE),
    R("/api/v1/exception-sets/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/exception-sets/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),

    R("/api/v1/campaigns", RM_GET, h_campaigns_list, RF_CACHE), /* issue 16 */
    R("/api/v1/campaigns/{code}", RM_GET, h_campaign_get, RF_CACHE),
    R("/api/v1/campaigns/{code}", RM_PUT, h_campaign_put, RF_MODERATOR),
    R("/api/v1/campaigns/{code}", RM_DELETE, h_campaign_delete, RF_MODERATOR),
    R("/api/v1/campaigns/{code}/entries/{id}", RM_PUT, h_campaign_entry, RF_MODERATOR),
    R("/api/v1/campaigns/{code}/entries/{id}", RM_DELETE, h_campaign_entry, RF_MODERATOR),
    R("/api/v1/municipal-themes", RM_GET, h_municipal_themes_list, RF_CACHE), /* issue 16 */
    R("/api/v1/municipal-themes/{code}", RM_GET, h_municipal_theme_get, RF_CACHE),
    R("/api/v1/municipal-themes/{code}", RM_PUT, h_municipal_theme_put, RF_MODERATOR),
    R("/api/v1/municipal-themes/{code}", RM_DELETE, h_municipal_theme_delete, RF_MODERATOR),

    R("/api/v1/organisations", RM_GET, h_orgs_list, RF_CACHE),
    R("/api/v1/organisations", RM_POST, h_org_create, RF_MODERATOR),
    R("/api/v1/organisations/{id}", RM_GET, h_org_get, RF_CACHE),
    R("/api/v1/organisations/{id}", RM_PATCH, h_org_patch, RF_MODERATOR),
    R("/api/v1/audit", RM_GET, h_audit_list, RF_MODERATOR),

    /* moderation (h_moderation.c) */
    R("/api/v1/moderation/queue", RM_GET, h_mod_queue, RF_MODERATOR),
    R("/api/v1/moderation/stale", RM_GET, h_mod_stale, RF_MODERATOR),
    R("/api/v1/moderation/{id}/approve", RM_POST, h_mod_approve, RF_MODERATOR),
    R("/api/v1/moderation/{id}/reject", RM_POST, h_mod_reject, RF_MODERATOR),
    R("/api/v1/moderation/{id}/diff", RM_GET, h_mod_diff, RF_MODERATOR),
    R("/api/v1/moderation/{id}/hide", RM_POST, h_mod_hide, RF_MODERATOR),
    R("/api/v1/moderation/{id}/unhide", RM_POST, h_mod_unhide, RF_MODERATOR),
    R("/api/v1/moderation/settings", RM_GET, h_mod_settings_get, RF_MODERATOR),
    R("/api/v1/moderation/settings", RM_PATCH, h_mod_settings_patch, RF_MODERATOR),
    R("/api/v1/moderation/reports/{id}/resolve", RM_POST, h_mod_report_resolve, RF_MODERATOR),
    R("/api/v1/places/{id}/confirm", RM_POST, h_entry_confirm, RF_NEEDS_KEY),
    R("/api/v1/activities/{id}/confirm", RM_POST, h_entry_confirm, RF_NEEDS_KEY),
    R("/api/v1/vacancies/{id}/confirm", RM_POST, h_entry_confirm, RF_NEEDS_KEY),
    R("/api/v1/carer-support/{id}/confirm", RM_POST, h_entry_confirm, RF_NEEDS_KEY),
    R("/api/v1/services/{id}/confirm", RM_POST, h_entry_confirm, RF_NEEDS_KEY),
    R("/api/v1/places/{id}/reports", RM_POST, h_report_create, RF_SMALL_BODY | RF_KEEPS_ANSWERS),
    R("/api/v1/activities/{id}/reports", RM_POST, h_report_create, RF_SMALL_BODY | RF_KEEPS_ANSWERS),
    R("/api/v1/vacancies/{id}/reports", RM_POST, h_report_create, RF_SMALL_BODY | RF_KEEPS_ANSWERS),
    R("/api/v1/carer-support/{id}/reports", RM_POST, h_report_create, RF_SMALL_BODY | RF_KEEPS_ANSWERS),
    R("/api/v1/services/{id}/reports", RM_POST, h_report_create, RF_SMALL_BODY | RF_KEEPS_ANSWERS),
    R("/api/v1/places/{id}/reports", RM_GET, h_reports_list, RF_NEEDS_KEY),
    R("/api/v1/activities/{id}/reports", RM_GET, h_reports_list, RF_NEEDS_KEY),
    R("/api/v1/vacancies/{id}/reports", RM_GET, h_reports_list, RF_NEEDS_KEY),
    R("/api/v1/carer-support/{id}/reports", RM_GET, h_reports_list, RF_NEEDS_KEY),
    R("/api/v1/services/{id}/reports", RM_GET, h_reports_list, RF_NEEDS_KEY),
    R("/api/v1/stats/coverage", RM_GET, h_stats_coverage, RF_EXPENSIVE), /* Accept picks CSV: not cached */
    R("/api/v1/stats/demand", RM_GET, h_stats_demand, RF_EXPENSIVE),     /* issue 16; Accept picks CSV or SVG */

    /* what residents miss (h_demand.c, issue 16) */
    R("/api/v1/wishes", RM_POST, h_wish_create, RF_SMALL_BODY),
    R("/api/v1/wishes", RM_GET, h_wishes_list, RF_MODERATOR),

    /* residents' initiatives (h_initiatives.c, issue 16); the accepted one's answer holds a link */
    R("/api/v1/initiatives", RM_POST, h_initiative_create, RF_SMALL_BODY),
    R("/api/v1/initiatives", RM_GET, h_initiative_list, RF_MODERATOR),
    R("/api/v1/initiatives/{id}/accept", RM_POST, h_initiative_accept, RF_MODERATOR),
    R("/api/v1/initiatives/{id}/decline", RM_POST, h_initiative_decline, RF_MODERATOR),

    /* HTML for people (h_web.c); not part of the API document */
    R("/", RM_GET, h_web_index, RF_CACHE),
    R("/aanbod/{id}", RM_GET, h_web_entry, RF_CACHE),
    R("/aanbod/{id}/reageren", RM_POST, h_web_respond, RF_SMALL_BODY), /* issue 15: a resident responds */
    R("/ik-mis-iets", RM_GET, h_web_wish_form, 0),                     /* issue 16: "Ik mis iets in mijn wijk" */
    R("/ik-mis-iets", RM_POST, h_web_wish, RF_SMALL_BODY),
    R("/initiatief", RM_GET, h_web_initiative_form, 0), /* issue 16: "Meld uw initiatief aan" */
    R("/initiatief", RM_POST, h_web_initiative, RF_SMALL_BODY),
    R("/lijst", RM_GET, h_web_referral, RF_CACHE),            /* issue 16: a referral list to print */
    R("/campagnes/{code}", RM_GET, h_web_campaign, RF_CACHE), /* issue 16: a campaign's page */
    R("/papier/{code}/{month}.pdf", RM_GET, h_web_paper, RF_CACHE | RF_EXPENSIVE), /* issue 16: the wijk on paper */
    R("/beheer", RM_GET, h_web_console, 0),
    R("/static/{name}", RM_GET, h_web_asset, 0),

    R("/api/v1/webhooks", RM_GET, h_webhooks_list, RF_NEEDS_KEY),
    R("/api/v1/webhooks", RM_POST, h_webhook_create, RF_NEEDS_KEY),
    R("/api/v1/webhooks/{id}", RM_GET, h_webhook_get, RF_NEEDS_KEY),
    R("/api/v1/webhooks/{id}", RM_DELETE, h_webhook_delete, RF_NEEDS_KEY),
    R("/api/v1/webhooks/{id}/deliveries", RM_GET, h_webhook_deliveries, RF_NEEDS_KEY),

    /* open feeds (h_feeds.c) */
    R("/feeds/places", RM_GET, h_feed_rpde, RF_CACHE | RF_EXPENSIVE),
    R("/feeds/activities", RM_GET, h_feed_rpde, RF_CACHE | RF_EXPENSIVE),
    R("/feeds/vacancies", RM_GET, h_feed_rpde, RF_CACHE | RF_EXPENSIVE),
    R("/feeds/carer-support", RM_GET, h_feed_rpde, RF_CACHE | RF_EXPENSIVE),
    R("/feeds/services", RM_GET, h_feed_rpde, RF_CACHE | RF_EXPENSIVE),
    R("/api/v1/hsds/services", RM_GET, h_feed_hsds, RF_CACHE | RF_EXPENSIVE),
    R("/api/v1/hsds/organizations", RM_GET, h_feed_hsds, RF_CACHE | RF_EXPENSIVE),
    R("/api/v1/hsds/locations", RM_GET, h_feed_hsds, RF_CACHE | RF_EXPENSIVE),

    /* keys and invitations (h_keys.c) */
    R("/api/v1/invitations", RM_POST, h_invitation_create, RF_MODERATOR), /* may create an organisation */
    R("/api/v1/invitations", RM_GET, h_invitation_list, RF_MODERATOR),
    R("/api/v1/invitations/accept", RM_POST, h_invitation_accept, RF_SMALL_BODY | RF_KEEPS_ANSWERS),
    R("/api/v1/invitations/{id}", RM_DELETE, h_invitation_revoke, RF_MODERATOR | RF_KEEPS_ANSWERS),
    R("/api/v1/organisations/{id}/keys", RM_GET, h_key_list, RF_NEEDS_KEY),
    R("/api/v1/organisations/{id}/keys", RM_POST, h_key_create, RF_NEEDS_KEY | RF_KEEPS_ANSWERS),
    R("/api/v1/organisations/{id}/keys/{key_id}/rotate", RM_POST, h_key_rotate, RF_NEEDS_KEY | RF_KEEPS_ANSWERS),
    R("/api/v1/organisations/{id}/keys/{key_id}", RM_DELETE, h_key_revoke, RF_NEEDS_KEY | RF_KEEPS_ANSWERS),

    /* residents' responses (h_responses.c) */
    /* places_left is public, so an activity's answer may not be replayed (no RF_KEEPS_ANSWERS) */
    R("/api/v1/activities/{id}/responses", RM_POST, h_response_create, RF_SMALL_BODY),
    R("/api/v1/vacancies/{id}/responses", RM_POST, h_response_create, RF_SMALL_BODY),
    R("/api/v1/organisations/{id}/responses", RM_GET, h_response_list, RF_NEEDS_KEY),
    R("/api/v1/organisations/{id}/responses/{rid}", RM_PATCH, h_response_update, RF_NEEDS_KEY | RF_SMALL_BODY),
    R("/api/v1/organisations/{id}/responses/{rid}", RM_DELETE, h_response_delete, RF_NEEDS_KEY),

    /* B1 help while writing (h_readability.c): no database, for partners and moderators */
    R("/api/v1/readability", RM_POST, h_readability, RF_NEEDS_KEY),

    /* import (h_imports.c) */
    R("/api/v1/imports", RM_POST, h_import, RF_MODERATOR),
    R("/api/v1/imports/template.csv", RM_GET, h_import_template, 0),

    /* the partners' pages (h_partner.c); HTML, not part of the API document */
    R("/partner", RM_GET, h_partner_home, RF_SESSION),
    R("/partner/inloggen", RM_GET, h_partner_login_page, RF_SESSION),
    R("/partner/inloggen", RM_POST, h_partner_login, RF_SESSION | RF_SMALL_BODY | RF_KEEPS_ANSWERS),
    R("/partner/uitloggen", RM_POST, h_partner_logout, RF_SESSION | RF_KEEPS_ANSWERS),
    R("/partner/uitnodiging/{token}", RM_GET, h_partner_invitation, RF_SESSION),
    R("/partner/uitnodiging/{token}", RM_POST, h_partner_invitation_accept,
      RF_SESSION | RF_SMALL_BODY | RF_KEEPS_ANSWERS),
    R("/partner/sleutels", RM_GET, h_partner_keys, RF_SESSION),
    R("/partner/sleutels", RM_POST, h_partner_key_create, RF_SESSION | RF_KEEPS_ANSWERS),
    R("/partner/sleutels/{id}/vervangen", RM_POST, h_partner_key_rotate, RF_SESSION | RF_KEEPS_ANSWERS),
    R("/partner/sleutels/{id}/intrekken", RM_POST, h_partner_key_revoke, RF_SESSION | RF_KEEPS_ANSWERS),
    R("/partner/nieuw/{soort}", RM_GET, h_partner_new_form, RF_SESSION),
    R("/partner/nieuw/{soort}", RM_POST, h_partner_new, RF_SESSION),
    R("/partner/aanbod/{id}", RM_GET, h_partner_edit_form, RF_SESSION),
    R("/partner/aanbod/{id}", RM_POST, h_partner_edit, RF_SESSION),
    R("/partner/aanbod/{id}/actueel", RM_POST, h_partner_confirm, RF_SESSION),
};

const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);
