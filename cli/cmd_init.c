/*
 * relm init [--demo]: create the database, or upgrade an older one in place after copying
 * it to PATH.bak-vN. Every other command refuses an older database and names relm init,
 * so a schema is never changed by a command that was only meant to read.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_init(cli_t *c, int argc, char **argv)
{
    int demo = 0, help = 0;
    cli_opt_t opts[] = {{"--demo", 0, NULL, &demo, NULL, NULL},
                        {"--help", 0, NULL, &help, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (help) {
        printf("usage: relm init [--demo]\n\n"
               "Create the database named by --db / $RELM_DB (default ./relm.db), or upgrade\n"
               "an older one in place: it is first copied to PATH.bak-vN (N: its old schema\n"
               "version), and the upgrade runs in one transaction. A PostgreSQL database is\n"
               "not copied: take a pg_dump first. Other commands refuse an\n"
               "older database and ask for relm init. --demo fills an empty database with a\n"
               "small data set.\n");
        return CLI_OK;
    }
    if (a.npos)
        return cli_usage("init takes no arguments (got \"%s\")", a.pos[0]);
    relm_error_t err = {0};
    if (relm_open(c->db, RELM_OPEN_CREATE, &c->r, &err))
        return cli_fail(&err);
    const char *today = getenv("RELM_TODAY");
    if (today && *today && relm_set_workdate(c->r, today, &err))
        return cli_fail(&err);
    if (demo && relm_demo_fill(c->r, &err))
        return cli_fail(&err);
    cli_warnings(&err); /* a PostgreSQL upgrade says that no copy was made */
    const char *backup = relm_migration_backup(c->r);
    if (c->json)
        cli_print_json(json_pack("{s:s, s:i, s:b, s:s}", "database", c->db, "schema_version",
                                 relm_schema_version(c->r), "demo", demo, "backup", backup));
    else if (*backup)
        printf("upgraded %s to schema %d; the database as it was is in %s\n", c->db,
               relm_schema_version(c->r), backup);
    else
        printf("initialised %s (schema %d)%s\n", c->db, relm_schema_version(c->r),
               demo ? " with demo data" : "");
    return CLI_OK;
}
