/*
 * routes.h — the daemon's route table (routes.c) and the handlers it names.
 *
 * Only the route table includes this for the handlers; what one handler file
 * offers another has its own header (h_entries.h, h_search.h, paging.h).
 */
#ifndef SK_ROUTES_H
#define SK_ROUTES_H

#include <stddef.h>

#include "route.h"

extern const struct route routes_table[];
extern const size_t routes_count;

struct req_ctx;

/* h_system.c */
void h_health(struct req_ctx *ctx);
void h_ready(struct req_ctx *ctx);
void h_openapi(struct req_ctx *ctx);
void h_api_index(struct req_ctx *ctx);
void h_me(struct req_ctx *ctx);
void h_security_txt(struct req_ctx *ctx);
void h_metrics(struct req_ctx *ctx); /* issue 17 */

/* h_entries.c */
void h_entry_list(struct req_ctx *ctx);
void h_entry_create(struct req_ctx *ctx);
void h_entry_get(struct req_ctx *ctx);
void h_entry_replace(struct req_ctx *ctx);
void h_entry_patch(struct req_ctx *ctx);
void h_entry_delete(struct req_ctx *ctx);

/* h_search.c */
void h_search(struct req_ctx *ctx);
void h_activity_occurrences(struct req_ctx *ctx);

/* h_catalog.c */
void h_areas_list(struct req_ctx *ctx);
void h_area_get(struct req_ctx *ctx);
void h_area_put(struct req_ctx *ctx);
void h_area_delete(struct req_ctx *ctx);
void h_area_boundary_put(struct req_ctx *ctx);
void h_vocab_list(struct req_ctx *ctx);
void h_vocab_put(struct req_ctx *ctx);
void h_campaigns_list(struct req_ctx *ctx); /* campaigns (issue 16), in h_catalog.c */
void h_campaign_get(struct req_ctx *ctx);
void h_campaign_put(struct req_ctx *ctx);
void h_campaign_delete(struct req_ctx *ctx);
void h_campaign_entry(struct req_ctx *ctx);
void h_municipal_themes_list(struct req_ctx *ctx); /* municipal themes (issue 16), in h_catalog.c */
void h_municipal_theme_get(struct req_ctx *ctx);
void h_municipal_theme_put(struct req_ctx *ctx);
void h_municipal_theme_delete(struct req_ctx *ctx);
void h_web_campaign(struct req_ctx *ctx); /* GET /campagnes/{code}, in h_web.c */
void h_web_paper(struct req_ctx *ctx);    /* GET /papier/{code}/{month}.pdf, in h_web.c */
void h_vocab_delete(struct req_ctx *ctx);
void h_orgs_list(struct req_ctx *ctx);
void h_org_get(struct req_ctx *ctx);
void h_org_create(struct req_ctx *ctx);
void h_org_patch(struct req_ctx *ctx);
void h_audit_list(struct req_ctx *ctx);

/* h_moderation.c: review, freshness, residents' reports, coverage statistics */
void h_mod_queue(struct req_ctx *ctx);
void h_mod_stale(struct req_ctx *ctx);
void h_mod_approve(struct req_ctx *ctx);
void h_mod_reject(struct req_ctx *ctx);
void h_mod_diff(struct req_ctx *ctx);
void h_mod_hide(struct req_ctx *ctx);
void h_mod_unhide(struct req_ctx *ctx);
void h_mod_settings_get(struct req_ctx *ctx);
void h_mod_settings_patch(struct req_ctx *ctx);
void h_mod_report_resolve(struct req_ctx *ctx);
void h_entry_confirm(struct req_ctx *ctx);
void h_report_create(struct req_ctx *ctx);
void h_reports_list(struct req_ctx *ctx);
void h_stats_coverage(struct req_ctx *ctx);

/* h_webhooks.c */
void h_webhooks_list(struct req_ctx *ctx);
void h_webhook_create(struct req_ctx *ctx);
void h_webhook_get(struct req_ctx *ctx);
void h_webhook_delete(struct req_ctx *ctx);
void h_webhook_deliveries(struct req_ctx *ctx);

/* h_web.c: the residents' pages and the moderators' console (HTML) */
void h_web_index(struct req_ctx *ctx);
void h_web_entry(struct req_ctx *ctx);
void h_web_console(struct req_ctx *ctx);
void h_web_asset(struct req_ctx *ctx);

/* h_feeds.c: open feeds (RPDE, iCalendar, GeoJSON, HSDS) */
void h_feed_rpde(struct req_ctx *ctx);
void h_feed_activities_ics(struct req_ctx *ctx);
void h_feed_activity_ics(struct req_ctx *ctx);
void h_feed_places_geojson(struct req_ctx *ctx);
void h_feed_activities_geojson(struct req_ctx *ctx);
void h_feed_services_geojson(struct req_ctx *ctx);
void h_feed_hsds(struct req_ctx *ctx);

/* h_keys.c: API keys, invitations, sessions (issue 15) */
void h_invitation_create(struct req_ctx *ctx);
void h_invitation_list(struct req_ctx *ctx);
void h_invitation_revoke(struct req_ctx *ctx);
void h_invitation_accept(struct req_ctx *ctx);
void h_key_list(struct req_ctx *ctx);
void h_key_create(struct req_ctx *ctx);
void h_key_rotate(struct req_ctx *ctx);
void h_key_revoke(struct req_ctx *ctx);

/* h_responses.c: residents' responses (issue 15) */
void h_response_create(struct req_ctx *ctx);
void h_response_list(struct req_ctx *ctx);
void h_response_update(struct req_ctx *ctx);
void h_response_delete(struct req_ctx *ctx);
void h_web_respond(struct req_ctx *ctx); /* POST /aanbod/{id}/reageren, in h_web.c */

/* h_demand.c: what residents ask for (issue 16) */
void h_stats_demand(struct req_ctx *ctx);
void h_wish_create(struct req_ctx *ctx);
void h_wishes_list(struct req_ctx *ctx);
void h_web_wish_form(struct req_ctx *ctx); /* GET /ik-mis-iets, in h_web.c */
void h_web_wish(struct req_ctx *ctx);      /* POST /ik-mis-iets, in h_web.c */

/* h_initiatives.c: residents' initiatives (issue 16) */
void h_initiative_create(struct req_ctx *ctx);
void h_initiative_list(struct req_ctx *ctx);
void h_initiative_accept(struct req_ctx *ctx);
void h_initiative_decline(struct req_ctx *ctx);
void h_web_initiative_form(struct req_ctx *ctx); /* GET /initiatief, in h_web.c */
void h_web_initiative(struct req_ctx *ctx);      /* POST /initiatief, in h_web.c */
void h_web_referral(struct req_ctx *ctx);        /* GET /lijst, the referral list (issue 16), in h_web.c */

/* h_readability.c: POST /api/v1/readability (issue 16) */
void h_readability(struct req_ctx *ctx);

/* h_imports.c: POST /api/v1/imports (issue 15) */
void h_import(struct req_ctx *ctx);
void h_import_template(struct req_ctx *ctx);

/* h_partner.c: the partners' pages (HTML, issue 15) */
void h_partner_home(struct req_ctx *ctx);
void h_partner_new_form(struct req_ctx *ctx);
void h_partner_new(struct req_ctx *ctx);
void h_partner_edit_form(struct req_ctx *ctx);
void h_partner_edit(struct req_ctx *ctx);
void h_partner_confirm(struct req_ctx *ctx);
void h_partner_login_page(struct req_ctx *ctx);
void h_partner_login(struct req_ctx *ctx);
void h_partner_logout(struct req_ctx *ctx);
void h_partner_invitation(struct req_ctx *ctx);
void h_partner_invitation_accept(struct req_ctx *ctx);
void h_partner_keys(struct req_ctx *ctx);
void h_partner_key_create(struct req_ctx *ctx);
void h_partner_key_rotate(struct req_ctx *ctx);
void h_partner_key_revoke(struct req_ctx *ctx);

#endif
