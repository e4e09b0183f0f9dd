/*
 * routes.c — every path the daemon serves. The OpenAPI document
 * (docs/openapi.json) describes exactly these.
 */
#include "routes.h"

#include "http.h"

#define R(pattern, methods, handler, flags) {pattern, methods, (const void *)handler, flags}

const struct route routes_table[] = {
    R("/health", RM_GET, h_health, RF_NO_RATELIMIT),
    R("/ready", RM_GET, h_ready, RF_NO_RATELIMIT),
    R("/api/v1", RM_GET, h_api_index, 0),
    R("/api/v1/openapi.json", RM_GET, h_openapi, 0),
    R("/api/v1/me", RM_GET, h_me, RF_NEEDS_KEY),

    R("/api/v1/places", RM_GET, h_entry_list, 0),
    R("/api/v1/places", RM_POST, h_entry_create, RF_NEEDS_KEY),
    R("/api/v1/places/{id}", RM_GET, h_entry_get, 0),
    R("/api/v1/places/{id}", RM_PUT, h_entry_replace, RF_NEEDS_KEY),
    R("/api/v1/places/{id}", RM_PATCH, h_entry_patch, RF_NEEDS_KEY),
    R("/api/v1/places/{id}", RM_DELETE, h_entry_delete, RF_NEEDS_KEY),
    R("/api/v1/activities", RM_GET, h_entry_list, 0),
    R("/api/v1/activities", RM_POST, h_entry_create, RF_NEEDS_KEY),
    R("/api/v1/activities/{id}", RM_GET, h_entry_get, 0),
    R("/api/v1/activities/{id}", RM_PUT, h_entry_replace, RF_NEEDS_KEY),
    R("/api/v1/activities/{id}", RM_PATCH, h_entry_patch, RF_NEEDS_KEY),
    R("/api/v1/activities/{id}", RM_DELETE, h_entry_delete, RF_NEEDS_KEY),
    R("/api/v1/vacancies", RM_GET, h_entry_list, 0),
    R("/api/v1/vacancies", RM_POST, h_entry_create, RF_NEEDS_KEY),
    R("/api/v1/vacancies/{id}", RM_GET, h_entry_get, 0),
    R("/api/v1/vacancies/{id}", RM_PUT, h_entry_replace, RF_NEEDS_KEY),
    R("/api/v1/vacancies/{id}", RM_PATCH, h_entry_patch, RF_NEEDS_KEY),
    R("/api/v1/vacancies/{id}", RM_DELETE, h_entry_delete, RF_NEEDS_KEY),
    R("/api/v1/carer-support", RM_GET, h_entry_list, 0),
    R("/api/v1/carer-support", RM_POST, h_entry_create, RF_NEEDS_KEY),
    R("/api/v1/carer-support/{id}", RM_GET, h_entry_get, 0),
    R("/api/v1/carer-support/{id}", RM_PUT, h_entry_replace, RF_NEEDS_KEY),
    R("/api/v1/carer-support/{id}", RM_PATCH, h_entry_patch, RF_NEEDS_KEY),
    R("/api/v1/carer-support/{id}", RM_DELETE, h_entry_delete, RF_NEEDS_KEY),

    R("/api/v1/areas", RM_GET, h_areas_list, 0),
    R("/api/v1/areas/{code}", RM_GET, h_area_get, 0),
    R("/api/v1/areas/{code}", RM_PUT, h_area_put, RF_MODERATOR),
    R("/api/v1/areas/{code}", RM_DELETE, h_area_delete, RF_MODERATOR),
    R("/api/v1/areas/{code}/boundary", RM_PUT, h_area_boundary_put, RF_MODERATOR),

    R("/api/v1/themes", RM_GET, h_vocab_list, 0),
    R("/api/v1/themes/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/themes/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),
    R("/api/v1/audiences", RM_GET, h_vocab_list, 0),
    R("/api/v1/audiences/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/audiences/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),
    R("/api/v1/accessibility-features", RM_GET, h_vocab_list, 0),
    R("/api/v1/accessibility-features/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/accessibility-features/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),
    R("/api/v1/support-kinds", RM_GET, h_vocab_list, 0),
    R("/api/v1/support-kinds/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/support-kinds/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),
    R("/api/v1/exception-sets", RM_GET, h_vocab_list, 0),
    R("/api/v1/exception-sets/{code}", RM_PUT, h_vocab_put, RF_MODERATOR),
    R("/api/v1/exception-sets/{code}", RM_DELETE, h_vocab_delete, RF_MODERATOR),

    R("/api/v1/organisations", RM_GET, h_orgs_list, 0),
    R("/api/v1/organisations", RM_POST, h_org_create, RF_MODERATOR),
    R("/api/v1/organisations/{id}", RM_GET, h_org_get, 0),
    R("/api/v1/organisations/{id}", RM_PATCH, h_org_patch, RF_MODERATOR),
    R("/api/v1/audit", RM_GET, h_audit_list, RF_MODERATOR),
};

const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);
