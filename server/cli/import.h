/*
 * The CLI's import and export commands (socialekaart import FILE ..., socialekaart export ...):
 * files are read by common/import.c, the rows judged and written by api_import (sql/api/imports.sql).
 */
#ifndef SK_CLI_IMPORT_H
#define SK_CLI_IMPORT_H

#include <libpq-fe.h>

/* argv: the words after the command name. Return the exit status. */
int cli_import(PGconn *pg, int argc, char **argv);
int cli_export(PGconn *pg, int argc, char **argv);

#endif
