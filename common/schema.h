/*
 * schema.h — what the embedded migrations say about the database schema.
 */
#ifndef SK_SCHEMA_H
#define SK_SCHEMA_H

/* The version a migration file name starts with ("0003_api.sql" -> 3); -1 if none. */
int schema_migration_version(const char *filename);

/* The highest version among the embedded migrations: what this build needs. */
int schema_expected_version(void);

#endif
