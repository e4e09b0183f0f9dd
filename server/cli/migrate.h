/*
 * migrate.h — `socialekaart migrate`: brings a database to this build's schema and code.
 */
#ifndef SK_MIGRATE_H
#define SK_MIGRATE_H

#include <libpq-fe.h>

/* Apply what sql/schema/ has that the database lacks, and this release's sql/api/ when the
 * database runs other code, in one transaction. Returns 0, or -1 with a message in
 * why[why_len] (nothing was changed then). Safe to re-run and to run concurrently. */
int migrate_run(PGconn *pg, char *why, size_t why_len);

#endif
