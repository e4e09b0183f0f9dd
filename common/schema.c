/*
 * schema.c — versions of the embedded migrations.
 */
#include "schema.h"

#include "embedded.h"

#include <ctype.h>

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
    for (size_t i = 0; i < sk_migrations_count; i++) {
        int v = schema_migration_version(sk_migrations[i].name);
        if (v > max)
            max = v;
    }
    return max;
}
