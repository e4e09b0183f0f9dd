/*
 * test_deploy.c — the deploy files agree with each other and with the
 * daemon: nginx sends the client's address where the daemon believes it, on
 * the port the daemon listens on, and every setting is documented in the
 * sample configuration.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "client.h"

#ifndef SK_SOURCE_DIR
#error "SK_SOURCE_DIR must be defined by the build"
#endif

static char *slurp(const char *rel)
{
    char path[512];
    FILE *f;
    long n;
    char *buf;
    snprintf(path, sizeof(path), "%s/%s", SK_SOURCE_DIR, rel);
    f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", rel);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

/* The value after "Environment=KEY=" in the unit, into out. */
static const char *unit_env(const char *unit, const char *key, char *out, size_t cap)
{
    char needle[96];
    const char *p;
    snprintf(needle, sizeof(needle), "Environment=%s=", key);
    p = strstr(unit, needle);
    cr_assert_not_null(p, "deploy/socialekaartd.service does not set %s", key);
    p += strlen(needle);
    snprintf(out, cap, "%.*s", (int)strcspn(p, "\n"), p);
    return out;
}

Test(deploy, nginx_and_the_unit_agree_on_the_proxy)
{
    char *unit = slurp("deploy/socialekaartd.service"), *nginx = slurp("deploy/nginx.conf");
    char port[16], addr[64], proxies[128], upstream[128], err[128];
    struct client_nets nets;
    struct client_addr local;

    unit_env(unit, "SK_PORT", port, sizeof(port));
    unit_env(unit, "SK_LISTEN_ADDR", addr, sizeof(addr));
    cr_assert_str_eq(unit_env(unit, "SK_TRUST_PROXY", proxies, sizeof(proxies)), "true",
                     "behind nginx the daemon must take the client from X-Forwarded-For");
    snprintf(upstream, sizeof(upstream), "server %s:%s", addr, port);
    cr_assert_not_null(strstr(nginx, upstream), "nginx.conf does not proxy to %s", upstream);
    cr_assert_not_null(strstr(nginx, "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"));
    unit_env(unit, "SK_TRUSTED_PROXIES", proxies, sizeof(proxies));
    cr_assert_eq(client_nets_parse(proxies, &nets, err, sizeof(err)), 0, "%s", err);
    /* nginx connects to 127.0.0.1 from 127.0.0.1 */
    cr_assert(client_addr_parse(addr, strlen(addr), &local));
    cr_assert(client_nets_contain(&nets, &local), "nginx's address %s is not among trusted_proxies (%s)", addr,
              proxies);
    free(unit);
    free(nginx);
}

Test(deploy, every_setting_is_documented)
{
    char *conf = slurp("deploy/socialekaart.conf");
    for (size_t i = 0; i < cfg_count(); i++) {
        char needle[80];
        snprintf(needle, sizeof(needle), "# %s = ", cfg_name(i));
        cr_assert_not_null(strstr(conf, needle), "deploy/socialekaart.conf does not document %s", cfg_name(i));
    }
    free(conf);
}
