/*
 * client.c — client addresses, trusted proxies and the rate-limit unit.
 */
#include "client.h"

#include <arpa/inet.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool client_addr_parse(const char *text, size_t len, struct client_addr *out)
{
    char buf[INET6_ADDRSTRLEN + 1];
    uint8_t b[16];

    memset(out, 0, sizeof(*out));
    if (text == NULL || len == 0 || len >= sizeof(buf) || memchr(text, '\0', len) != NULL)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (inet_pton(AF_INET, buf, b) == 1) {
        out->family = 4;
        memcpy(out->bytes, b, 4);
        return true;
    }
    if (inet_pton(AF_INET6, buf, b) == 1) {
        if (memcmp(b, v4_mapped, sizeof(v4_mapped)) == 0) {
            out->family = 4;
            memcpy(out->bytes, b + 12, 4);
        } else {
            out->family = 6;
            memcpy(out->bytes, b, 16);
        }
        return true;
    }
    return false;
}

/* One "addr[/bits]" item of len bytes. */
static bool client_net_parse(const char *s, size_t len, struct client_net *out)
{
    const char *slash = memchr(s, '/', len);
    size_t alen = slash ? (size_t)(slash - s) : len;
    unsigned max;

    if (!client_addr_parse(s, alen, &out->addr))
        return false;
    max = out->addr.family == 4 ? 32 : 128;
    out->bits = (uint8_t)max;
    if (slash) {
        size_t dl = len - alen - 1;
        unsigned v = 0;
        if (dl == 0 || dl > 3)
            return false;
        for (size_t i = 0; i < dl; i++) {
            char c = slash[1 + i];
            if (c < '0' || c > '9')
                return false;
            v = v * 10 + (unsigned)(c - '0');
        }
        if (v > max)
            return false;
        out->bits = (uint8_t)v;
    }
    return true;
}

int client_nets_parse(const char *text, struct client_nets *out, char *err, size_t errlen)
{
    const char *p = text ? text : "";
    memset(out, 0, sizeof(*out));
    while (*p) {
        size_t n;
        while (*p == ' ' || *p == ',')
            p++;
        n = strcspn(p, ", ");
        if (n == 0)
            break;
        if (out->n == CLIENT_NETS_MAX) {
            snprintf(err, errlen, "holds more than %d addresses", CLIENT_NETS_MAX);
            return -1;
        }
        if (!client_net_parse(p, n, &out->nets[out->n])) {
            snprintf(err, errlen, "'%.*s' is not an address or a prefix like 10.0.0.0/8", (int)(n > 60 ? 60 : n), p);
            return -1;
        }
        out->n++;
        p += n;
    }
    return 0;
}

static bool client_in_net(const struct client_net *net, const struct client_addr *a)
{
    unsigned full = net->bits / 8, rest = net->bits % 8;
    if (net->addr.family != a->family)
        return false;
    if (memcmp(net->addr.bytes, a->bytes, full) != 0)
        return false;
    if (rest) {
        uint8_t mask = (uint8_t)(0xff << (8 - rest));
        if ((net->addr.bytes[full] & mask) != (a->bytes[full] & mask))
            return false;
    }
    return true;
}

bool client_nets_contain(const struct client_nets *nets, const struct client_addr *a)
{
    if (nets == NULL || a->family == 0)
        return false;
    for (size_t i = 0; i < nets->n; i++)
        if (client_in_net(&nets->nets[i], a))
            return true;
    return false;
}

void client_resolve(const struct client_addr *peer, const char *xff, const struct client_nets *trusted,
                    struct client_addr *out)
{
    const char *end;
    *out = *peer;
    if (xff == NULL || !client_nets_contain(trusted, peer))
        return;
    /* Walk the hops from the right: each trusted proxy vouches for the one before it. */
    end = xff + strlen(xff);
    while (end > xff) {
        const char *start = end, *a, *z;
        struct client_addr hop;
        while (start > xff && start[-1] != ',')
            start--;
        for (a = start; a < end && (*a == ' ' || *a == '\t'); a++)
            ;
        for (z = end; z > a && (z[-1] == ' ' || z[-1] == '\t'); z--)
            ;
        if (!client_addr_parse(a, (size_t)(z - a), &hop))
            return;
        *out = hop;
        if (!client_nets_contain(trusted, &hop))
            return;
        end = start > xff ? start - 1 : xff;
    }
}

void client_unit(const struct client_addr *a, struct client_addr *out)
{
    *out = *a;
    if (a->family == 6)
        memset(out->bytes + 8, 0, 8);
}

void client_text(const struct client_addr *a, bool is_unit, char *out)
{
    char buf[INET6_ADDRSTRLEN];
    if (a->family == 4) {
        inet_ntop(AF_INET, a->bytes, buf, sizeof(buf));
        snprintf(out, CLIENT_TEXT_MAX, "%s", buf);
    } else if (a->family == 6) {
        inet_ntop(AF_INET6, a->bytes, buf, sizeof(buf));
        snprintf(out, CLIENT_TEXT_MAX, "%s%s", buf, is_unit ? "/64" : "");
    } else {
        snprintf(out, CLIENT_TEXT_MAX, "-");
    }
}

struct client_hasher {
    EVP_MAC *mac;     /* owned */
    EVP_MAC_CTX *ctx; /* owned; holds the key between calls */
};

struct client_hasher *client_hasher_new(const uint8_t key[CLIENT_HASH_KEY_LEN])
{
    struct client_hasher *h = calloc(1, sizeof(*h));
    unsigned int size = 8;
    OSSL_PARAM params[] = { OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_SIZE, &size), OSSL_PARAM_construct_end() };

    if (h == NULL)
        return NULL;
    h->mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
    h->ctx = h->mac ? EVP_MAC_CTX_new(h->mac) : NULL;
    if (h->ctx == NULL || !EVP_MAC_init(h->ctx, key, CLIENT_HASH_KEY_LEN, params)) {
        client_hasher_free(h);
        return NULL;
    }
    return h;
}

void client_hasher_free(struct client_hasher *h)
{
    if (h == NULL)
        return;
    EVP_MAC_CTX_free(h->ctx);
    EVP_MAC_free(h->mac);
    free(h);
}

uint64_t client_hash(struct client_hasher *h, const struct client_addr *a)
{
    unsigned char in[17], out[8];
    size_t outl = 0;
    uint64_t v = 0;

    in[0] = a->family;
    memcpy(in + 1, a->bytes, 16);
    /* EVP_MAC_init without a key restarts with the key given at creation. */
    if (!EVP_MAC_init(h->ctx, NULL, 0, NULL) || !EVP_MAC_update(h->ctx, in, sizeof(in)) ||
        !EVP_MAC_final(h->ctx, out, &outl, sizeof(out)) || outl != sizeof(out))
        return 0;
    memcpy(&v, out, sizeof(v));
    return v;
}
