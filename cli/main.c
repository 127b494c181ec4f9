/*
 * relm: the command-line tool. Parses the global options and hands the rest to the
 * noun's command (one file per noun).
 *
 *   relm [--db URL] [--json] <noun> <verb> [args]
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct noun {
    const char *name;
    int (*fn)(cli_t *c, int argc, char **argv);
    const char *summary;
} nouns[] = {
    {"init", cmd_init, "create or upgrade the database (--demo fills demo data)"},
    {"setup", cmd_setup, "show or change marketing setup"},
    {"numseries", cmd_numseries, "number series and their lines; take numbers"},
    {"contact", cmd_contact, "companies and persons; import and export CSV"},
    {"salesperson", cmd_salesperson, "salespersons"},
    {"group", cmd_group, "interaction groups"},
    {"template", cmd_template, "interaction templates, language variants, attachments"},
    {"campaign", cmd_campaign, "campaigns"},
    {"interaction", cmd_interaction,
     "create, postpone, resume, cancel, evaluate, list interactions"},
    {"segment", cmd_segment, "segments: lines, criteria with undo/redo, log"},
    {"logged-segment", cmd_logged_segment, "logged segments: list, show, cancel, reuse"},
    {"mail", cmd_mail, "log e-mail as interactions: import files, fetch IMAP"},
    {"deliver", cmd_deliver, "send the e-mail outbox over SMTP"},
    {"serve", cmd_serve, "serve the HTTP JSON API and the web UI"},
    {"user", cmd_user, "user accounts for relm serve"},
    {"token", cmd_token, "API tokens for scripts"},
    {"backup", cmd_backup, "copy the database while it is in use"},
    {"db", cmd_db, "copy a whole database to another engine (SQLite, PostgreSQL)"},
};

#define NNOUNS (sizeof(nouns) / sizeof(nouns[0]))

static void usage(FILE *out)
{
    fprintf(out, "usage: relm [--db URL] [--json] <noun> <verb> [args]\n\n"
                 "Relationship management: contacts, interactions, segments, campaigns.\n\n"
                 "nouns:\n");
    for (size_t i = 0; i < NNOUNS; i++)
        fprintf(out, "  %-12s %s\n", nouns[i].name, nouns[i].summary);
    fprintf(out, "\noptions:\n"
                 "  --db URL     database: sqlite:PATH or a path, or\n"
                 "               postgresql://USER@HOST:PORT/DBNAME (default $RELM_DB, else "
                 "./relm.db)\n"
                 "  --json       print JSON (show/add: an object, list: an array)\n"
                 "  --version    print the version\n"
                 "  --help       this text; relm <noun> --help for a noun's verbs and fields\n"
                 "\nAfter the noun: --FLAG VALUE or --FLAG=VALUE (a value starting with -- only\n"
                 "with =); -- ends the options. Numbers are positive whole numbers.\n"
                 "\nenvironment: RELM_DB, RELM_USER (user id recorded on entries), RELM_TODAY "
                 "(work date)\n"
                 "exit status: 0 success, 1 refused or failed, 2 usage error\n");
}

int main(int argc, char **argv)
{
    cli_t c = {0};
    const char *env_db = getenv("RELM_DB");
    c.db = env_db && *env_db ? env_db : "relm.db";
    c.tty = isatty(STDOUT_FILENO);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--db") == 0) {
            if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)
                return cli_usage("--db needs a database URL");
            c.db = argv[++i];
        } else if (strncmp(a, "--db=", 5) == 0) {
            c.db = a + 5;
        } else if (strcmp(a, "--json") == 0) {
            c.json = 1;
        } else if (strcmp(a, "--version") == 0) {
            printf("relm %s (schema %d)\n", RELM_VERSION, relm_schema_latest());
            return CLI_OK;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return CLI_OK;
        } else {
            return cli_usage("unknown option %s (see relm --help)", a);
        }
    }
    if (i >= argc) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *noun = argv[i];
    if (strcmp(noun, "help") == 0) {
        if (i + 1 < argc)
            for (size_t n = 0; n < NNOUNS; n++)
                if (strcmp(nouns[n].name, argv[i + 1]) == 0) {
                    char help[] = "--help";
                    char *hv[] = {help, NULL};
                    return nouns[n].fn(&c, 1, hv);
                }
        usage(stdout);
        return CLI_OK;
    }
    /*
     * Global options belong before the noun; --json and --db are also taken after it, up
     * to "--" (which the noun's own parser sees too: after it every word is an argument).
     */
    int rest = 0, options = 1;
    char **args = calloc((size_t)argc + 1, sizeof(char *));
    if (!args)
        return CLI_FAIL;
    for (int k = i + 1; k < argc; k++) {
        const char *a = argv[k];
        if (options && strcmp(a, "--") == 0) {
            options = 0;
            args[rest++] = argv[k];
        } else if (options && strcmp(a, "--json") == 0) {
            c.json = 1;
        } else if (options && strcmp(a, "--db") == 0) {
            if (k + 1 >= argc || strncmp(argv[k + 1], "--", 2) == 0) {
                free(args);
                return cli_usage("--db needs a database URL");
            }
            c.db = argv[++k];
        } else if (options && strncmp(a, "--db=", 5) == 0) {
            c.db = a + 5;
        } else {
            args[rest++] = argv[k];
        }
    }
    int rc = -1;
    for (size_t n = 0; n < NNOUNS; n++)
        if (strcmp(nouns[n].name, noun) == 0)
            rc = nouns[n].fn(&c, rest, args);
    if (rc == -1)
        rc = cli_usage("unknown noun \"%s\" (see relm --help)", noun);
    free(args);
    relm_close(c.r);
    return rc;
}
