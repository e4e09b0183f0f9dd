/*
 * test_webhooks_ssrf.c — issue 7, item 5: subscriber URLs must be https and
 * public (no SSRF). Its daemon runs WITHOUT webhooks_allow_private (the
 * default), which is why this is a binary of its own: with a permissive
 * daemon on the same database, a delivery could be sent by either.
 *
 * Two lines of defence are checked: registration refuses private literals
 * and "localhost" with a 422 naming "url"; at delivery time a host name
 * that resolves to a private address is refused before connecting.
 */
#define IT_DAEMON_ENV                                                                                                  \
    {                                                                                                                  \
        "SK_WEBHOOKS_ALLOW_PRIVATE=0", "SK_WEBHOOK_RETRY_BASE_MS=200", "SK_WEBHOOK_RETRY_MAX_MS=1000",                 \
            "SK_WEBHOOK_POLL_MS=100", NULL                                                                             \
    }

#include <netdb.h>

#include "webhooks_common.h"

#include "it_hooks.h"

TestSuite(ssrf, .fini = it_release);

static void actors(struct wt_actors *a)
{
    wt_actors(a, "Gemeente Gorinchem, team Sociale Kaart (ssrf)");
}

Test(ssrf, private_and_loopback_urls_are_refused)
{
    static const char *const bad[] = {
        "http://127.0.0.1/hook",   /* http, and loopback */
        "http://example.org/hook", /* http */
        "https://127.0.0.1/hook",
        "https://127.1/hook",      /* short IPv4 */
        "https://2130706433/hook", /* IPv4 as one number */
        "https://0x7f000001/hook",
        "https://10.0.0.1/hook",
        "https://172.16.5.4/hook",
        "https://192.168.1.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hook", /* CGNAT */
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook", /* multicast */
        "https://localhost/hook",
        "https://LOCALHOST./hook",
        "https://api.localhost/hook",
        "https://[::1]/hook",
        "https://[::]/hook",
        "https://[fd00::1]/hook",          /* unique local */
        "https://[fe80::1]/hook",          /* link-local */
        "https://[::ffff:127.0.0.1]/hook", /* IPv4-mapped */
        "https://[::ffff:10.0.0.1]/hook",
        "https://user:pw@example.org/hook",
        "https://",
        "not a url",
        NULL,
    };
    struct wt_actors a;
    char body[512], hook[40], path[128];

    actors(&a);
    for (int i = 0; bad[i]; i++) {
        struct json_object *j;
        snprintf(body, sizeof(body), "{\"url\":\"%s\",\"secret\":\"0123456789abcdef\"}", bad[i]);
        j = wt_call(422, "POST", "/api/v1/webhooks", a.mod, body);
        cr_assert(wt_names_field(j, "url"), "%s: the problem does not name url: %s", bad[i], it_jtext(j));
    }
    /* public https passes */
    wt_register(a.mod, "https://example.org/hooks/socialekaart", "0123456789abcdef", "", hook);
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s", hook);
    wt_call(204, "DELETE", path, a.mod, NULL);
    wt_register(a.mod, "https://[2001:4860:4860::8888]:8443/hook", "0123456789abcdef", "", hook);
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s", hook);
    wt_call(204, "DELETE", path, a.mod, NULL);
}

/* Is this address loopback or private (one the daemon must refuse)? */
static bool inward_addr(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        uint32_t v4 = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
        return v4 >> 24 == 127 || v4 >> 24 == 10 || v4 >> 20 == 0xac1 || v4 >> 16 == 0xc0a8;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a6) || IN6_IS_ADDR_LINKLOCAL(a6) || (a6->s6_addr[0] & 0xfe) == 0xfc;
    }
    return false;
}

/* Does name resolve (as libcurl's resolver, getaddrinfo, resolves it) to inward addresses only? */
static bool resolves_inward(const char *name)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
    bool inward;

    if (getaddrinfo(name, NULL, &hints, &res) != 0)
        return false;
    inward = res != NULL;
    for (struct addrinfo *p = res; p; p = p->ai_next)
        inward = inward && inward_addr(p->ai_addr);
    freeaddrinfo(res);
    return inward;
}

/*
 * A host name (not a literal, and not "localhost", which registration
 * refuses by name) that resolves to inward addresses only, or NULL. We may
 * not edit /etc/hosts, and offline there is no DNS, so the candidates are the
 * names a Debian machine or container resolves from its own files: the host
 * name (Debian's installer and Docker both write it into /etc/hosts) and
 * Debian's IPv6 loopback names.
 */
static const char *inward_name(char *out, size_t cap)
{
    static const char *const candidates[] = { "ip6-localhost", "ip6-loopback", "localhost.localdomain", NULL };
    char host[256];

    if (gethostname(host, sizeof(host)) == 0 && strchr(host, '.') == NULL && resolves_inward(host)) {
        snprintf(out, cap, "%s", host);
        return out;
    }
    for (int i = 0; candidates[i]; i++) {
        if (resolves_inward(candidates[i])) {
            snprintf(out, cap, "%s", candidates[i]);
            return out;
        }
    }
    return NULL;
}

/* DNS rebinding: the name passes registration, but the address is checked when connecting. */
Test(ssrf, names_resolving_inward_are_refused_at_delivery)
{
    struct wt_actors a;
    struct json_object *d = NULL;
    char name[256], url[400], hook[40], place[40], title[128], tag[64], path[128];
    double until;

    /* Not a skip: a machine where no such name exists would let this check pass without running. */
    cr_assert_not_null(inward_name(name, sizeof(name)),
                       "this test needs a host name that resolves to a loopback or private address only: the "
                       "machine's own name (gethostname) or ip6-localhost, ip6-loopback, localhost.localdomain; "
                       "give the host name an /etc/hosts line (Debian and Docker write one)");
    actors(&a);
    it_tag(tag, sizeof(tag));
    snprintf(url, sizeof(url), "https://%s:%d/hook", name, it_free_port());
    wt_register(a.mod, url, "0123456789abcdef", "", hook);
    snprintf(title, sizeof(title), "Buurthuis (ssrf %s)", tag);
    wt_create_place(a.mod, title, a.org, place);
    until = it_now_ms() + 20000;
    while (it_now_ms() < until) {
        d = wt_delivery_for(a.mod, hook, place);
        if (d && json_object_get_int(it_jget(d, "attempts")) >= 1)
            break;
        usleep(50000);
    }
    cr_assert_geq(json_object_get_int(it_jget(d, "attempts")), 1, "never attempted: %s", it_jtext(d));
    cr_assert(strstr(wt_s(d, "last_error"), "not a public address") != NULL, "the inward address was not refused: %s",
              it_jtext(d));
    cr_assert_str_eq(wt_s(d, "response_code"), "", "%s", it_jtext(d));
    /* what the moderator reads does not name the internal address (that is in the log) */
    cr_assert_null(strstr(wt_s(d, "last_error"), "127.0"), "%s", it_jtext(d));
    cr_assert_null(strstr(wt_s(d, "last_error"), "::1"), "%s", it_jtext(d));
    for (const char *p = wt_s(d, "last_error"); *p; p++)
        cr_assert(!(p[0] >= '0' && p[0] <= '9' && p[1] == '.' && p[2] >= '0' && p[2] <= '9'),
                  "an address in the error: %s", it_jtext(d));
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s", hook);
    wt_call(204, "DELETE", path, a.mod, NULL);
}
