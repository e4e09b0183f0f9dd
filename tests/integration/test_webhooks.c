/*
 * test_webhooks.c — issue 7, item 5: "webhooks arrive signed at a local
 * receiver, and a receiver that is down gets the notice later".
 *
 * The daemon runs with webhooks_allow_private (the receiver is on
 * 127.0.0.1, over http) and a short retry base, so back-off takes
 * milliseconds. Each test makes its own moderator, organisation and webhook
 * and deletes its webhook at the end (release and ASan runs share one
 * database). The refusal of private addresses is test_webhooks_ssrf.c,
 * whose daemon runs without the allow flag.
 */
#define IT_DAEMON_ENV                                                                                                  \
    {                                                                                                                  \
        "SK_WEBHOOKS_ALLOW_PRIVATE=1", "SK_WEBHOOK_RETRY_BASE_MS=200", "SK_WEBHOOK_RETRY_MAX_MS=1000",                 \
            "SK_WEBHOOK_MAX_ATTEMPTS=8", "SK_WEBHOOK_POLL_MS=100", "SK_WEBHOOK_TIMEOUT_MS=3000", NULL                  \
    }

#include "webhooks_common.h"

#include "it_hooks.h"

/* Notices normally arrive within a poll period; sanitizer builds are slower. */
#define WAIT_MS 20000

static const char SECRET[] = "test-secret-0123456789-abcdef";

TestSuite(webhooks, .fini = it_release);

static void actors(struct wt_actors *a)
{
    wt_actors(a, "Gemeente Gorinchem, team Sociale Kaart (webhooks)");
}

/* Poll the delivery of hook for place (every step_us) until it is in status or ms have
 * passed; the last one seen (the caller asserts its status). */
static struct json_object *delivery_in_status(const char *mod, const char *hook, const char *place, const char *status,
                                              double ms, useconds_t step_us)
{
    struct json_object *d = NULL;
    double until = it_now_ms() + ms;
    while (it_now_ms() < until) {
        d = wt_delivery_for(mod, hook, place);
        if (strcmp(wt_s(d, "status"), status) == 0)
            break;
        usleep(step_us);
    }
    return d;
}

static void hook_url(char *out, size_t cap, int port)
{
    snprintf(out, cap, "http://127.0.0.1:%d/hook", port);
}

static void unregister(const char *key, const char *id)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s", id);
    wt_call(204, "DELETE", path, key, NULL);
    wt_call(404, "GET", path, key, NULL);
}

/* Publish, update, delete: three signed notices in order, nothing for a kind not asked for. */
Test(webhooks, publish_update_delete_arrive_signed)
{
    struct wt_actors a;
    struct receiver rx;
    struct rx_msg m;
    struct json_object *j, *body, *d;
    char url[96], hook[40], place[40], vacancy_title[512], title[128], path[128], hdr[128], ifm[32], tag[64];
    const char *if_match[] = { ifm, NULL };

    actors(&a);
    it_tag(tag, sizeof(tag));
    rx_start(&rx, 0);
    hook_url(url, sizeof(url), rx.port);
    j = wt_register(a.mod, url, SECRET, ",\"kinds\":[\"place\"],\"municipality\":\"GM0512\"", hook);
    cr_assert_str_eq(wt_s(j, "url"), url);
    cr_assert_str_eq(wt_s(j, "municipality"), "GM0512");
    cr_assert_str_eq(wt_s(j, "kinds.0"), "place");

    /* it is listed and shown, never with its secret */
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s", hook);
    j = wt_call(200, "GET", path, a.mod, NULL);
    cr_assert_str_eq(wt_s(j, "id"), hook);
    cr_assert_null(it_jget(j, "secret"));
    j = wt_call(200, "GET", "/api/v1/webhooks", a.mod, NULL);
    cr_assert(strstr(it_jtext(j), hook) != NULL, "not listed: %s", it_jtext(j));
    cr_assert(strstr(it_jtext(j), SECRET) == NULL, "the list shows a secret");

    /* published */
    snprintf(title, sizeof(title), "Buurthuis De Linge (webhook %s)", tag);
    wt_create_place(a.mod, title, a.org, place);
    cr_assert(rx_wait(&rx, place, "\"entry.published\"", WAIT_MS, &m), "no entry.published notice arrived");
    wt_assert_signed(&m, SECRET);
    body = it_keep(json_tokener_parse(m.body));
    cr_assert_str_eq(wt_s(body, "event"), "entry.published");
    cr_assert_str_eq(wt_s(body, "kind"), "place");
    cr_assert_str_eq(wt_s(body, "id"), place);
    cr_assert_eq(json_object_get_int(it_jget(body, "version")), 1);
    cr_assert_neq(wt_s(body, "modified")[0], '\0');
    snprintf(path, sizeof(path), "/api/v1/places/%s", place);
    cr_assert_str_eq(wt_s(body, "url"), path);
    cr_assert_not_null(rx_header(&m, "Content-Type", hdr, sizeof(hdr)));
    cr_assert_str_eq(hdr, "application/json");
    cr_assert_not_null(rx_header(&m, "X-SocialeKaart-Delivery", hdr, sizeof(hdr)), "no delivery id");
    cr_assert_not_null(rx_header(&m, "X-SocialeKaart-Event", hdr, sizeof(hdr)));
    cr_assert_str_eq(hdr, "entry.published");
    cr_assert(strstr(m.headers, "POST /hook ") == m.headers, "not a POST to the URL: %s", m.headers);

    /* updated */
    snprintf(ifm, sizeof(ifm), "If-Match: \"1\"");
    wt_call_at(NULL, 200, "PATCH", path, a.mod, "{\"summary\":\"Nu ook op vrijdag open.\"}", if_match);
    cr_assert(rx_wait(&rx, place, "\"entry.updated\"", WAIT_MS, &m), "no entry.updated notice arrived");
    wt_assert_signed(&m, SECRET);
    body = it_keep(json_tokener_parse(m.body));
    cr_assert_eq(json_object_get_int(it_jget(body, "version")), 2);

    /* a vacancy: this subscriber asked for places only */
    snprintf(
        vacancy_title, sizeof(vacancy_title),
        "{\"title\":\"Gastvrouw koffieochtend (webhook %s)\",\"municipality\":\"GM0512\",\"organisation_id\":\"%s\","
        "\"skills\":[\"gastvrijheid\"]}",
        tag, a.org);
    j = wt_call(201, "POST", "/api/v1/vacancies", a.mod, vacancy_title);

    /* deleted */
    snprintf(ifm, sizeof(ifm), "If-Match: \"2\"");
    wt_call_at(NULL, 204, "DELETE", path, a.mod, NULL, if_match);
    cr_assert(rx_wait(&rx, place, "\"entry.deleted\"", WAIT_MS, &m), "no entry.deleted notice arrived");
    wt_assert_signed(&m, SECRET);
    body = it_keep(json_tokener_parse(m.body));
    cr_assert_eq(json_object_get_int(it_jget(body, "version")), 3);

    cr_assert_eq(rx_count(&rx, place, NULL), 3, "expected exactly three notices for the place");
    cr_assert_eq(rx_count(&rx, wt_s(j, "id"), NULL), 0, "a vacancy was sent to a places-only subscriber");

    /* the deliveries: three, delivered at the first attempt with 200 (the outcome is recorded
     * just after the receiver answered: wait for it) */
    for (double until = it_now_ms() + WAIT_MS; it_now_ms() < until; usleep(50000)) {
        j = it_jget(wt_deliveries(a.mod, hook), "items");
        if (strstr(it_jtext(j), "\"pending\"") == NULL)
            break;
    }
    cr_assert_eq(json_object_array_length(j), 3, "deliveries: %s", it_jtext(j));
    for (size_t i = 0; i < 3; i++) {
        d = json_object_array_get_idx(j, i);
        cr_assert_str_eq(wt_s(d, "status"), "delivered", "%s", it_jtext(d));
        cr_assert_eq(json_object_get_int(it_jget(d, "attempts")), 1, "%s", it_jtext(d));
        cr_assert_eq(json_object_get_int(it_jget(d, "response_code")), 200, "%s", it_jtext(d));
        cr_assert_str_eq(wt_s(d, "entry_id"), place);
    }
    cr_assert_str_eq(wt_s(j, "0.event"), "entry.deleted", "newest first: %s", it_jtext(j));
    cr_assert_str_eq(wt_s(j, "2.event"), "entry.published");

    unregister(a.mod, hook);
    rx_stop(&rx);
}

/*
 * Several daemons poll the same deliveries (issue 17, item 2): the suite's daemon and three more.
 * sk_webhook_claim leases each due notice to one of them (FOR UPDATE SKIP LOCKED), so every
 * notice arrives once, not once per daemon.
 */
Test(webhooks, three_daemons_send_each_notice_once, .timeout = 180)
{
    const char *env[] = IT_DAEMON_ENV;
    struct wt_actors a;
    struct receiver rx;
    struct rx_msg m;
    struct it_daemon d[3];
    char url[96], hook[40], place[6][40], title[128], tag[64];

    actors(&a);
    it_tag(tag, sizeof(tag));
    for (int i = 0; i < 3; i++)
        cr_assert_eq(it_daemon_start(&d[i], env), 0, "daemon %d did not start", i);
    rx_start(&rx, 0);
    hook_url(url, sizeof(url), rx.port);
    wt_register(a.mod, url, SECRET, ",\"kinds\":[\"place\"],\"municipality\":\"GM0512\"", hook);
    for (int k = 0; k < 6; k++) {
        snprintf(title, sizeof(title), "Inloophuis %d (vier daemons %s)", k, tag);
        wt_create_place(a.mod, title, a.org, place[k]);
    }
    for (int k = 0; k < 6; k++)
        cr_assert(rx_wait(&rx, place[k], "\"entry.published\"", WAIT_MS, &m), "no notice for place %d", k);
    /* time for a second copy to arrive: ten poll periods of every daemon */
    usleep(1000 * 1000);
    for (int k = 0; k < 6; k++)
        cr_assert_eq(rx_count(&rx, place[k], NULL), 1, "place %d: %d notices from four daemons", k,
                     rx_count(&rx, place[k], NULL));
    for (int i = 0; i < 3; i++)
        cr_assert_eq(it_daemon_stop(&d[i]), 0, "daemon %d did not stop cleanly (see %s)", i, d[i].log_path);
    unregister(a.mod, hook);
    rx_stop(&rx);
}

/* Receiver down: failed attempts with an error and a next attempt; then 503; then it comes up. */
Test(webhooks, receiver_down_gets_it_later)
{
    struct wt_actors a;
    struct receiver rx;
    struct rx_msg m;
    struct json_object *d = NULL;
    char url[96], hook[40], place[40], title[128], tag[64];
    int port = it_free_port();
    double until;

    actors(&a);
    it_tag(tag, sizeof(tag));
    hook_url(url, sizeof(url), port);
    wt_register(a.mod, url, SECRET, "", hook);
    snprintf(title, sizeof(title), "Inloophuis (webhook later %s)", tag);
    wt_create_place(a.mod, title, a.org, place);

    /* nobody listens: attempts fail and are retried */
    until = it_now_ms() + WAIT_MS;
    while (it_now_ms() < until) {
        d = wt_delivery_for(a.mod, hook, place);
        if (d && json_object_get_int(it_jget(d, "attempts")) >= 2)
            break;
        usleep(50000);
    }
    cr_assert_not_null(d, "no delivery was queued");
    cr_assert_geq(json_object_get_int(it_jget(d, "attempts")), 2, "not retried: %s", it_jtext(d));
    cr_assert_str_eq(wt_s(d, "status"), "pending", "%s", it_jtext(d));
    cr_assert_neq(wt_s(d, "last_error")[0], '\0', "no error recorded: %s", it_jtext(d));
    cr_assert_neq(wt_s(d, "next_attempt_at")[0], '\0', "no next attempt: %s", it_jtext(d));
    cr_assert_str_eq(wt_s(d, "response_code"), "", "a response code without a response: %s", it_jtext(d));

    /* it comes up, but answers 503: that is a failure with a response code */
    rx_start(&rx, port);
    rx.answer = 503;
    until = it_now_ms() + WAIT_MS;
    while (it_now_ms() < until) {
        d = wt_delivery_for(a.mod, hook, place);
        if (json_object_get_int(it_jget(d, "response_code")) == 503)
            break;
        usleep(50000);
    }
    cr_assert_eq(json_object_get_int(it_jget(d, "response_code")), 503, "%s", it_jtext(d));
    cr_assert(strstr(wt_s(d, "last_error"), "503") != NULL, "%s", it_jtext(d));
    cr_assert_str_eq(wt_s(d, "status"), "pending", "%s", it_jtext(d));

    /* and then it works */
    rx.answer = 200;
    d = delivery_in_status(a.mod, hook, place, "delivered", WAIT_MS, 50000);
    cr_assert_str_eq(wt_s(d, "status"), "delivered", "%s", it_jtext(d));
    cr_assert_eq(json_object_get_int(it_jget(d, "response_code")), 200);
    cr_assert_geq(json_object_get_int(it_jget(d, "attempts")), 3, "%s", it_jtext(d));
    cr_assert_str_eq(wt_s(d, "last_error"), "");
    cr_assert_str_eq(wt_s(d, "next_attempt_at"), "");
    cr_assert(rx_wait(&rx, place, "\"entry.published\"", 1000, &m));
    wt_assert_signed(&m, SECRET);

    unregister(a.mod, hook);
    rx_stop(&rx);
}

/* A receiver that never comes back: after max attempts the delivery is failed, and stays so. */
Test(webhooks, gives_up_after_max_attempts)
{
    struct wt_actors a;
    struct json_object *d;
    char url[96], hook[40], place[40], title[128], path[160], tag[64];

    actors(&a);
    it_tag(tag, sizeof(tag));
    hook_url(url, sizeof(url), it_free_port());
    wt_register(a.mod, url, SECRET, "", hook);
    snprintf(title, sizeof(title), "Speeltuin (webhook failed %s)", tag);
    wt_create_place(a.mod, title, a.org, place);
    d = delivery_in_status(a.mod, hook, place, "failed", 4 * WAIT_MS, 100000);
    cr_assert_str_eq(wt_s(d, "status"), "failed", "%s", it_jtext(d));
    cr_assert_eq(json_object_get_int(it_jget(d, "attempts")), 8, "%s", it_jtext(d));
    cr_assert_neq(wt_s(d, "last_error")[0], '\0');
    cr_assert_str_eq(wt_s(d, "next_attempt_at"), "");

    /* the status filter and the counts on the webhook */
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s/deliveries?status=failed", hook);
    cr_assert_eq(json_object_array_length(it_jget(wt_call(200, "GET", path, a.mod, NULL), "items")), 1);
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s/deliveries?status=delivered", hook);
    cr_assert_eq(json_object_array_length(it_jget(wt_call(200, "GET", path, a.mod, NULL), "items")), 0);
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s", hook);
    cr_assert_eq(json_object_get_int(it_jget(wt_call(200, "GET", path, a.mod, NULL), "deliveries.failed")), 1);
    unregister(a.mod, hook);
}

/*
 * Pending entries never notify: an untrusted partner's new entry, its edits
 * and its rejection stay silent; approval is entry.published. A proposed
 * change to a published entry is silent until approved (entry.updated).
 */
Test(webhooks, pending_entries_never_notify)
{
    struct wt_actors a;
    struct receiver rx;
    struct rx_msg m;
    struct json_object *j;
    char url[96], hook[40], org[40], partner[128], p1[40], p2[40], title[128], path[160], tag[64];
    char ifm[32];
    const char *if_match[] = { ifm, NULL };

    actors(&a);
    it_tag(tag, sizeof(tag));
    it_make_org("Buurtvereniging Lingewijk (webhooks, not trusted)", org);
    it_make_key(org, "partner", NULL, partner);
    rx_start(&rx, 0);
    hook_url(url, sizeof(url), rx.port);
    wt_register(a.mod, url, SECRET, "", hook);

    snprintf(title, sizeof(title), "Repair café (webhook pending %s)", tag);
    j = wt_create_place(partner, title, NULL, p1);
    cr_assert_str_eq(wt_s(j, "status"), "pending", "an untrusted partner's entry is not pending: %s", it_jtext(j));
    snprintf(path, sizeof(path), "/api/v1/places/%s", p1);
    snprintf(ifm, sizeof(ifm), "If-Match: \"%s\"", wt_s(j, "version"));
    j = wt_call_at(NULL, 200, "PATCH", path, partner, "{\"summary\":\"Elke zaterdag.\"}", if_match);
    cr_assert_str_eq(wt_s(j, "status"), "pending", "%s", it_jtext(j));
    snprintf(path, sizeof(path), "/api/v1/moderation/%s/reject", p1);
    wt_call(200, "POST", path, a.mod, "{\"reason\":\"Graag een adres erbij.\"}");
    /* the outbox is written with the change: nothing in it means nothing will be sent */
    cr_assert_null(wt_delivery_for(a.mod, hook, p1), "a pending/rejected entry was queued for a subscriber");

    snprintf(title, sizeof(title), "Taalcafé (webhook approved %s)", tag);
    wt_create_place(partner, title, NULL, p2);
    cr_assert_null(wt_delivery_for(a.mod, hook, p2), "a pending entry was queued for a subscriber");
    snprintf(path, sizeof(path), "/api/v1/moderation/%s/approve", p2);
    wt_call(200, "POST", path, a.mod, NULL);
    cr_assert(rx_wait(&rx, p2, "\"entry.published\"", WAIT_MS, &m), "approval did not notify");
    wt_assert_signed(&m, SECRET);

    /* the partner proposes a change to its published entry: a pending revision, silent */
    snprintf(path, sizeof(path), "/api/v1/places/%s", p2);
    j = wt_call(200, "GET", path, partner, NULL);
    snprintf(ifm, sizeof(ifm), "If-Match: \"%s\"", wt_s(j, "version"));
    wt_call_at(NULL, 202, "PATCH", path, partner, "{\"summary\":\"Nu ook op dinsdag.\"}", if_match);
    usleep(500000);
    cr_assert_eq(rx_count(&rx, p2, "\"entry.updated\""), 0, "a proposed change was announced");
    snprintf(path, sizeof(path), "/api/v1/moderation/%s/approve", p2);
    wt_call(200, "POST", path, a.mod, NULL);
    cr_assert(rx_wait(&rx, p2, "\"entry.updated\"", WAIT_MS, &m), "the approved change did not notify");

    cr_assert_eq(rx_count(&rx, p1, NULL), 0, "the rejected entry was announced");
    cr_assert_eq(rx_count(&rx, p2, NULL), 2, "expected published + updated for the approved entry");
    unregister(a.mod, hook);
    rx_stop(&rx);
}

/* Who may manage webhooks, and the checks on the body (with the allow flag: http and 127.0.0.1 pass). */
Test(webhooks, access_and_validation)
{
    struct wt_actors a;
    struct json_object *j;
    char org[40], partner[128], other[128], hook[40], path[160];

    actors(&a);
    it_make_org("Buurtvereniging (webhooks access)", org);
    it_make_key(org, "partner", NULL, partner);
    it_make_key(a.org, "moderator", "GM0668", other);

    wt_call(401, "GET", "/api/v1/webhooks", NULL, NULL);
    wt_call(401, "POST", "/api/v1/webhooks", NULL,
            "{\"url\":\"https://example.org/h\",\"secret\":\"0123456789abcdef\"}");
    /* issue 15: a partner has webhooks of its own organisation, and sees no others */
    j = wt_call(200, "GET", "/api/v1/webhooks", partner, NULL);
    cr_assert_eq(json_object_array_length(it_jget(j, "items")), 0, "%s", it_jtext(j));
    j = wt_call(422, "POST", "/api/v1/webhooks", partner,
                "{\"url\":\"https://example.org/h\",\"secret\":\"0123456789abcdef\",\"municipality\":\"GM0512\"}");
    cr_assert(wt_names_field(j, "municipality"), "%s", it_jtext(j));
    j = wt_call(201, "POST", "/api/v1/webhooks", partner,
                "{\"url\":\"https://example.org/h\",\"secret\":\"0123456789abcdef\"}");
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s", wt_s(j, "id"));
    wt_call(404, "GET", path, a.mod, NULL);
    wt_call(404, "GET", path, other, NULL);
    wt_call(200, "GET", path, partner, NULL);
    wt_call(204, "DELETE", path, partner, NULL);
    /* outside the moderator's municipalities */
    wt_call(403, "POST", "/api/v1/webhooks", a.mod,
            "{\"url\":\"https://example.org/h\",\"secret\":\"0123456789abcdef\",\"municipality\":\"GM0668\"}");

    j = wt_call(422, "POST", "/api/v1/webhooks", a.mod, "{\"url\":\"https://example.org/h\",\"secret\":\"short\"}");
    cr_assert(wt_names_field(j, "secret"), "%s", it_jtext(j));
    j = wt_call(422, "POST", "/api/v1/webhooks", a.mod, "{\"secret\":\"0123456789abcdef\"}");
    cr_assert(wt_names_field(j, "url"), "%s", it_jtext(j));
    j = wt_call(422, "POST", "/api/v1/webhooks", a.mod,
                "{\"url\":\"ftp://example.org/h\",\"secret\":\"0123456789abcdef\"}");
    cr_assert(wt_names_field(j, "url"), "%s", it_jtext(j));
    j = wt_call(
        422, "POST", "/api/v1/webhooks", a.mod,
        "{\"url\":\"https://example.org/h\",\"secret\":\"0123456789abcdef\",\"kinds\":[\"places\"],\"colour\":1}");
    cr_assert(wt_names_field(j, "kinds[0]"), "%s", it_jtext(j));
    cr_assert(wt_names_field(j, "colour"), "%s", it_jtext(j));
    j = wt_call(422, "POST", "/api/v1/webhooks", a.mod,
                "{\"url\":\"https://example.org/h\",\"secret\":\"0123456789abcdef\",\"municipality\":\"GM9999\"}");
    cr_assert(wt_names_field(j, "municipality"), "%s", it_jtext(j));
    wt_call(400, "POST", "/api/v1/webhooks", a.mod, "{\"url\":");

    /* the allow flag lets http://127.0.0.1 through */
    wt_register(a.mod, "http://127.0.0.1:9/hook", "0123456789abcdef", "", hook);
    /* another municipality's moderator does not see it */
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s", hook);
    wt_call(404, "GET", path, other, NULL);
    wt_call(404, "DELETE", path, other, NULL);
    j = wt_call(200, "GET", "/api/v1/webhooks", other, NULL);
    cr_assert(strstr(it_jtext(j), hook) == NULL, "listed for another municipality: %s", it_jtext(j));
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s/deliveries?status=sent", hook);
    wt_call(400, "GET", path, a.mod, NULL);
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s/deliveries?limit=0", hook);
    wt_call(400, "GET", path, a.mod, NULL);
    wt_call(404, "GET", "/api/v1/webhooks/not-a-uuid", a.mod, NULL);

    /* an admin key acts everywhere: no municipality = all */
    {
        char everywhere[128], all_hook[40];
        it_make_key(a.org, "admin", NULL, everywhere);
        j = wt_register(everywhere, "http://127.0.0.1:9/all", "0123456789abcdef", "", all_hook);
        cr_assert_null(it_jget(j, "municipality")
                           ? (json_object_is_type(it_jget(j, "municipality"), json_type_null) ? NULL : j)
                           : NULL,
                       "municipality should be null: %s", it_jtext(j));
        snprintf(path, sizeof(path), "/api/v1/webhooks/%s", all_hook);
        wt_call(404, "GET", path, a.mod, NULL); /* not one of GM0512's */
        wt_call(200, "GET", path, everywhere, NULL);
        unregister(everywhere, all_hook);
    }
    wt_call(404, "GET", "/api/v1/webhooks/00000000-0000-0000-0000-000000000000/deliveries", a.mod, NULL);
    unregister(a.mod, hook);
}

/* issue 15: a partner's own webhook gets response.created with the response; it goes with the response */
Test(webhooks, partner_gets_response_created)
{
    struct wt_actors a;
    struct receiver rx;
    struct rx_msg m;
    struct json_object *j, *body;
    char url[96], hook[40], org[40], partner[128], vac[40], rid[40], tag[64], path[160], req[512];

    actors(&a);
    it_tag(tag, sizeof(tag));
    it_make_org("Buurthuis De Linde (webhook reacties)", org);
    it_make_key(org, "partner", NULL, partner);
    rx_start(&rx, 0);
    hook_url(url, sizeof(url), rx.port);
    wt_register(partner, url, SECRET, ",\"kinds\":[\"vacancy\"]", hook);
    snprintf(req, sizeof(req),
             "{\"organisation_id\":\"%s\",\"title\":\"Kok gezocht (webhook %s)\",\"municipality\":\"GM0512\","
             "\"skills\":[\"koken\"]}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/vacancies", a.mod, req);
    snprintf(vac, sizeof(vac), "%s", wt_s(j, "id"));
    cr_assert(rx_wait(&rx, vac, "\"entry.published\"", WAIT_MS, &m), "the partner's webhook missed its own entry");

    snprintf(path, sizeof(path), "/api/v1/vacancies/%s/responses", vac);
    j = it_call(201, "POST", path, NULL, "{\"name\":\"Anna Webhook\",\"contact\":\"anna@example.org\"}");
    snprintf(rid, sizeof(rid), "%s", wt_s(j, "id"));
    cr_assert(rx_wait(&rx, vac, "\"response.created\"", WAIT_MS, &m), "no response.created notice arrived");
    wt_assert_signed(&m, SECRET);
    body = it_keep(json_tokener_parse(m.body));
    cr_assert_str_eq(wt_s(body, "event"), "response.created");
    cr_assert_str_eq(wt_s(body, "response.id"), rid);
    cr_assert_str_eq(wt_s(body, "response.name"), "Anna Webhook");
    cr_assert_str_eq(wt_s(body, "response.contact"), "anna@example.org");
    cr_assert_str_eq(wt_s(body, "entry.id"), vac);

    /* erasing the response erases its delivery */
    snprintf(path, sizeof(path), "/api/v1/organisations/%s/responses/%s", org, rid);
    it_call(204, "DELETE", path, partner, NULL);
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s/deliveries", hook);
    j = wt_call(200, "GET", path, partner, NULL);
    cr_assert(strstr(it_jtext(j), rid) == NULL, "a delivery of the erased response is left: %s", it_jtext(j));
    unregister(partner, hook);
    rx_stop(&rx);
}
