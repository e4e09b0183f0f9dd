/*
 * client.h — who is asking: the client address behind a request, as the
 * rate limits and the report limit count it.
 *
 * What it is for: reading an address (the socket peer, or an
 * X-Forwarded-For hop), deciding whether a peer is a proxy we trust (a list
 * of CIDR prefixes from the configuration), and reducing an address to the
 * unit one client controls: an IPv4 address, or the /64 prefix of an IPv6
 * address (one household or phone gets a /64, not one address).
 *
 * And naming a client by a keyed hash (SipHash from OpenSSL, key drawn at
 * start), so the rate limiters' slots cannot be aimed at by choosing
 * addresses.
 *
 * What it is not for: I/O. Pure functions over caller-owned structs; only
 * client_hasher_new allocates.
 */
#ifndef SK_CLIENT_H
#define SK_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 or IPv6 address (IPv4-mapped IPv6 addresses are stored as IPv4). */
struct client_addr {
    uint8_t family;    /* 4 or 6; 0 = none */
    uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
};

/* A prefix of an allowed proxy ("127.0.0.1/32", "10.0.0.0/8", "::1"). */
struct client_net {
    struct client_addr addr;
    uint8_t bits;
};

enum {
    CLIENT_NETS_MAX = 16,
    CLIENT_TEXT_MAX = 48
};

/* A parsed list of trusted proxies; the caller owns it (plain data). */
struct client_nets {
    size_t n;
    struct client_net nets[CLIENT_NETS_MAX];
};

/* Parse an address (no port, no brackets, no zone). false when it is not one. */
bool client_addr_parse(const char *text, size_t len, struct client_addr *out);

/*
 * Parse a comma-separated list of addresses or CIDR prefixes. Returns 0, or
 * -1 with a message naming the bad item in err (errlen bytes).
 */
int client_nets_parse(const char *text, struct client_nets *out, char *err, size_t errlen);

/* Is a inside one of the prefixes? */
bool client_nets_contain(const struct client_nets *nets, const struct client_addr *a);

/*
 * The client behind a request: the socket peer, unless that peer is a
 * trusted proxy and X-Forwarded-For (xff, may be NULL) names hops: then the
 * rightmost hop that is not itself a trusted proxy. A hop that is not an
 * address ends the walk (the proxy nearest to us is believed, nothing a
 * client could have written first). trusted may be NULL (trust nobody).
 */
void client_resolve(const struct client_addr *peer, const char *xff, const struct client_nets *trusted,
                    struct client_addr *out);

/* The unit of rate limiting: IPv4 as is, IPv6 cut to its /64. */
void client_unit(const struct client_addr *a, struct client_addr *out);

/* Text form ("192.0.2.7", "2001:db8:1:2::/64" for a cut IPv6) into out (CLIENT_TEXT_MAX). */
void client_text(const struct client_addr *a, bool is_unit, char *out);

/* A keyed hasher for one thread (OpenSSL contexts are not shared). */
struct client_hasher;

enum {
    CLIENT_HASH_KEY_LEN = 16
};

/* key is copied; NULL when OpenSSL has no SipHash or memory runs out. */
struct client_hasher *client_hasher_new(const uint8_t key[CLIENT_HASH_KEY_LEN]);
void client_hasher_free(struct client_hasher *h);

/* The keyed 64-bit hash of an address (pass its client_unit). */
uint64_t client_hash(struct client_hasher *h, const struct client_addr *a);

#endif
