/*
 * relm db copy FROM TO: move a whole database between engines (a thin shell over
 * relm_db_copy in lib/dbcopy.c), with a progress bar on a terminal and a summary of the
 * check that source and target agree.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void help(void)
{
    printf("usage: relm db copy FROM_URL TO_URL\n\n"
           "Copy every table of the relm database FROM_URL into TO_URL: from SQLite to\n"
           "PostgreSQL, back, or SQLite to SQLite. URLs: sqlite:PATH or a path,\n"
           "postgresql://USER@HOST:PORT/DBNAME. TO_URL must be empty (it is initialised)\n"
           "or freshly initialised with relm init; a target holding data is refused and\n"
           "left alone. Both must have this relm's schema version: run relm init on an\n"
           "older one first. Stop relm serve and other writers before copying.\n\n"
           "Each table is copied in one transaction, tables in an order that satisfies\n"
           "references; counters and number series positions arrive as they were. Then\n"
           "each table is read back and its row count and checksum compared with the\n"
           "source's; the summary lists them, and any difference fails the copy. A copy\n"
           "that fails part way keeps the tables it finished: empty the target (a new\n"
           "file, or drop and create the database) before copying again.\n\n"
           "exit status: 0 when every table matches, 1 when the copy was refused, failed\n"
           "or differs, 2 usage error\n");
}

static void show_progress(void *ctx, const char *table, int64_t done, int64_t total)
{
    cli_bar_show(ctx, done, total, table);
}

static void print_summary(cli_t *c, const relm_dbcopy_result_t *res)
{
    if (c->json) {
        json_t *t = json_array();
        for (int i = 0; i < res->ntables; i++) {
            const relm_dbcopy_table_t *rt = &res->tables[i];
            json_array_append_new(t, json_pack("{s:s, s:I, s:I, s:s, s:s, s:b}", "table", rt->name,
                                               "rows", (json_int_t)rt->rows, "target_rows",
                                               (json_int_t)rt->target_rows, "checksum",
                                               rt->checksum, "target_checksum", rt->target_checksum,
                                               "match", rt->match));
        }
        cli_print_json(json_pack("{s:I, s:i, s:o}", "rows", (json_int_t)res->rows, "mismatches",
                                 res->mismatches, "tables", t));
        return;
    }
    printf("%-30s %10s %10s  %-16s  %s\n", "table", "source", "target", "checksum", "check");
    for (int i = 0; i < res->ntables; i++) {
        const relm_dbcopy_table_t *rt = &res->tables[i];
        printf("%-30s %10lld %10lld  %.16s  %s\n", rt->name, (long long)rt->rows,
               (long long)rt->target_rows, rt->checksum, rt->match ? "ok" : "DIFFERS");
    }
    if (res->mismatches == 0)
        printf("copied %lld rows in %d tables; every table matches its source\n",
               (long long)res->rows, res->ntables);
}

static int db_copy(cli_t *c, int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_parse(argc, argv, NULL, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 2)
        return cli_usage("usage: relm db copy FROM_URL TO_URL");
    cli_bar_t bar = {"copying", 0, 0, NULL};
    relm_dbcopy_result_t res;
    relm_error_t err = {0};
    int tty = isatty(STDERR_FILENO);
    rc = relm_db_copy(a.pos[0], a.pos[1], tty ? show_progress : NULL, &bar, &res, &err);
    cli_bar_end(&bar);
    if (rc == 0 || res.mismatches)
        print_summary(c, &res);
    return rc ? cli_fail(&err) : CLI_OK;
}

int cmd_db(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"copy", db_copy, NULL}};
    return cli_dispatch(c, "db", verbs, sizeof(verbs) / sizeof(verbs[0]), help, argc, argv);
}
