/*
 * schema.c — versions and checksums of the embedded SQL.
 */
#include "schema.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int schema_migration_version(const char *filename)
{
    int v = 0, digits = 0;
    for (; isdigit((unsigned char)*filename) && digits < 9; filename++, digits++)
        v = v * 10 + (*filename - '0');
    return digits > 0 && *filename == '_' ? v : -1;
}

int schema_expected_version(void)
{
    int max = 0;
    for (size_t i = 0; i < sk_schema_files_count; i++) {
        int v = schema_migration_version(sk_schema_files[i].name);
        if (v > max)
            max = v;
    }
    return max;
}

int schema_checksum(const struct sk_embedded_file *f, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (!EVP_Digest(f->data, f->len, md, &n, EVP_sha256(), NULL) || n * 2 != SCHEMA_CHECKSUM_LEN)
        return -1;
    for (unsigned int i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return 0;
}

/* name=checksum per API file: names are short ("moderation.sql"), 24 files is far more than we have. */
#define API_FINGERPRINT_MAX (24 * (32 + 1 + SCHEMA_CHECKSUM_LEN + 1))

static char api_fp[API_FINGERPRINT_MAX];
static int api_fp_ok;

static void api_fp_compute(void)
{
    size_t len = 0;

    for (size_t i = 0; i < sk_api_files_count; i++) {
        char sum[SCHEMA_CHECKSUM_LEN + 1];
        int n;
        if (schema_checksum(&sk_api_files[i], sum) < 0)
            return;
        n = snprintf(api_fp + len, sizeof(api_fp) - len, "%s%s=%s", i ? " " : "", sk_api_files[i].name, sum);
        if (n < 0 || (size_t)n >= sizeof(api_fp) - len)
            return;
        len += (size_t)n;
    }
    api_fp_ok = 1;
}

const char *schema_api_fingerprint(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, api_fp_compute);
    return api_fp_ok ? api_fp : NULL;
}

int schema_check(const char *version, const char *api, char *why, size_t why_len)
{
    int have = version ? atoi(version) : 0, need = schema_expected_version();
    const char *fp = schema_api_fingerprint();

    if (have < need) {
        snprintf(why, why_len, "schema version %d is behind this build's %d: run `socialekaart migrate`", have, need);
        return -1;
    }
    if (have > need) {
        snprintf(why, why_len, "schema version %d is newer than this build's %d: run the newer release", have, need);
        return -1;
    }
    if (fp == NULL || api == NULL || strcmp(api, fp) != 0) {
        snprintf(why, why_len, "the database runs other SQL code than this build: run `socialekaart migrate`");
        return -1;
    }
    return 0;
}
