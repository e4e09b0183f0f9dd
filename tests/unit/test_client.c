/* test_client.c — client addresses: parsing, trusted proxies, the /64 unit, keyed hashes. */
#include <criterion/criterion.h>
#include <string.h>

#include "client.h"

static struct client_addr A(const char *s) {
    struct client_addr a;
    cr_assert(client_addr_parse(s, strlen(s), &a), "'%s' should parse", s);
    return a;
}

static const char *
text(const struct client_addr *a, bool unit)
{
    static char buf[CLIENT_TEXT_MAX];
    client_text(a, unit, buf);
    return buf;
}

Test(client, parses_v4_v6_and_mapped)
{
    struct client_addr a = A("192.0.2.7"), b = A("2001:db8::1"), c = A("::ffff:198.51.100.3");
    cr_assert_eq(a.family, 4);
    cr_assert_eq(b.family, 6);
    cr_assert_eq(c.family, 4, "an IPv4-mapped address counts as IPv4");
    cr_assert_str_eq(text(&c, false), "198.51.100.3");
    cr_assert_not(client_addr_parse("example.org", 11, &a));
    cr_assert_not(client_addr_parse("1.2.3.4:80", 10, &a));
    cr_assert_not(client_addr_parse("", 0, &a));
    cr_assert_not(client_addr_parse("1.2.3.4\0x", 9, &a));
}

Test(client, ipv6_unit_is_the_64)
{
    struct client_addr a = A("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), b = A("2001:db8:1:2::9"), ua, ub, u4;
    struct client_addr v4 = A("203.0.113.9");
    client_unit(&a, &ua);
    client_unit(&b, &ub);
    cr_assert_eq(memcmp(&ua, &ub, sizeof(ua)), 0, "one /64 is one client");
    cr_assert_str_eq(text(&ua, true), "2001:db8:1:2::/64");
    client_unit(&v4, &u4);
    cr_assert_str_eq(text(&u4, true), "203.0.113.9");
}

Test(client, proxy_lists_parse_and_match)
{
    struct client_nets n;
    char err[128];
    struct client_addr in = A("10.1.2.3"), out = A("11.0.0.1"), v6 = A("::1");
    cr_assert_eq(client_nets_parse("127.0.0.1, 10.0.0.0/8,::1", &n, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(n.n, 3);
    cr_assert(client_nets_contain(&n, &in));
    cr_assert_not(client_nets_contain(&n, &out));
    cr_assert(client_nets_contain(&n, &v6));
    cr_assert_eq(client_nets_parse("10.0.0.0/33", &n, err, sizeof(err)), -1);
    cr_assert(strstr(err, "10.0.0.0/33") != NULL, "%s", err);
    cr_assert_eq(client_nets_parse("nginx", &n, err, sizeof(err)), -1);
    cr_assert_eq(client_nets_parse("", &n, err, sizeof(err)), 0);
    cr_assert_eq(n.n, 0);
}

Test(client, forwarded_for_is_believed_only_from_trusted_proxies)
{
    struct client_nets n;
    char err[64];
    struct client_addr peer = A("127.0.0.1"), stranger = A("198.51.100.1"), out;
    client_nets_parse("127.0.0.1,10.0.0.0/8", &n, err, sizeof(err));

    client_resolve(&peer, "203.0.113.5", &n, &out);
    cr_assert_str_eq(text(&out, false), "203.0.113.5");
    /* the rightmost hop that is not a proxy of ours: a forged first hop changes nothing */
    client_resolve(&peer, "1.1.1.1, 203.0.113.5, 10.0.0.2", &n, &out);
    cr_assert_str_eq(text(&out, false), "203.0.113.5");
    /* a peer that is not a trusted proxy is the client, whatever it says */
    client_resolve(&stranger, "203.0.113.5", &n, &out);
    cr_assert_str_eq(text(&out, false), "198.51.100.1");
    /* garbage ends the walk at the last address believed */
    client_resolve(&peer, "<script>, 10.0.0.3", &n, &out);
    cr_assert_str_eq(text(&out, false), "10.0.0.3");
    client_resolve(&peer, NULL, &n, &out);
    cr_assert_str_eq(text(&out, false), "127.0.0.1");
    client_resolve(&peer, "203.0.113.5", NULL, &out);
    cr_assert_str_eq(text(&out, false), "127.0.0.1", "trust nobody without a list");
}

Test(client, keyed_hashes_differ_by_key_and_address)
{
    uint8_t k1[CLIENT_HASH_KEY_LEN] = { 1 }, k2[CLIENT_HASH_KEY_LEN] = { 2 };
    struct client_hasher *h1 = client_hasher_new(k1), *h2 = client_hasher_new(k2);
    struct client_addr a = A("192.0.2.1"), b = A("192.0.2.2");
    cr_assert_not_null(h1);
    cr_assert_eq(client_hash(h1, &a), client_hash(h1, &a), "stable for one key");
    cr_assert_neq(client_hash(h1, &a), client_hash(h1, &b));
    cr_assert_neq(client_hash(h1, &a), client_hash(h2, &a), "another key, another slot");
    client_hasher_free(h1);
    client_hasher_free(h2);
}
