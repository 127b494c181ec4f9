/*
 * relm contact: add, list, show (with statistics), update, delete, and CSV import/export.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char *const cols[] = {
    "no", "type", "name", "company_no", "city", "salesperson_code", "email", NULL};

static const char help_text[] =
    "  delete NO... --with-persons       delete companies together with their persons\n"
    "                                    (interaction log entries stay, detached)\n"
    "  import FILE.csv                   add every row of FILE (\"-\": standard input) in one\n"
    "                                    transaction; the header row names the fields\n"
    "  export [FILE]                     write every contact as CSV (default: standard "
    "output)\n";

typedef struct progress {
    int shown;
    int last_pct;
    int64_t last_done;
} progress_t;

/* A one-line bar on stderr, redrawn when the percentage (or, without a total, 1 MiB) moves. */
static void show_progress(void *ctx, int64_t done, int64_t total)
{
    progress_t *p = ctx;
    if (total > 0) {
        int pct = (int)(done * 100 / total);
        if (pct > 100)
            pct = 100;
        if (p->shown && pct == p->last_pct)
            return;
        int bar = pct * 30 / 100;
        fprintf(stderr, "\rimporting [%.*s%*s] %3d%%", bar, "##############################",
                30 - bar, "", pct);
        p->last_pct = pct;
    } else {
        if (p->shown && done - p->last_done < (1 << 20))
            return;
        fprintf(stderr, "\rimporting %lld MiB", (long long)(done >> 20));
        p->last_done = done;
    }
    p->shown = 1;
    fflush(stderr);
}

static int do_import(cli_t *c, int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_parse(argc, argv, NULL, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage("usage: relm contact import FILE.csv");
    const char *path = a.pos[0];
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "relm: %s cannot be opened: %s\n", path, strerror(errno));
        return CLI_FAIL;
    }
    int64_t total = -1;
    struct stat st;
    if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode))
        total = (int64_t)st.st_size;
    if ((rc = cli_open(c))) {
        if (in != stdin)
            fclose(in);
        return rc;
    }
    relm_error_t err = {0};
    progress_t p = {0};
    int tty = isatty(STDERR_FILENO);
    int64_t n = 0;
    int lrc = relm_contact_import_csv(c->r, in, total, tty ? show_progress : NULL, &p, &n, &err);
    if (p.shown)
        fputs("\n", stderr);
    if (in != stdin)
        fclose(in);
    if (lrc)
        return cli_fail(&err);
    cli_warnings(&err);
    if (c->json)
        cli_print_json(json_pack("{s:I}", "imported", (json_int_t)n));
    else
        printf("imported %lld contacts\n", (long long)n);
    return CLI_OK;
}

static int do_export(cli_t *c, int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_parse(argc, argv, NULL, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos > 1)
        return cli_usage("usage: relm contact export [FILE]");
    if ((rc = cli_open(c)))
        return rc;
    const char *path = a.npos ? a.pos[0] : NULL;
    FILE *out = path && strcmp(path, "-") != 0 ? fopen(path, "wb") : stdout;
    if (!out) {
        fprintf(stderr, "relm: %s cannot be written: %s\n", path, strerror(errno));
        return CLI_FAIL;
    }
    relm_error_t err = {0};
    int lrc = relm_contact_export_csv(c->r, out, &err);
    if (out != stdout && fclose(out) != 0 && lrc == 0)
        lrc = relm_error_set(&err, RELM_EIO, "%s cannot be written", path);
    return lrc ? cli_fail(&err) : CLI_OK;
}

/* delete NO... [--with-persons]: the generic delete with the library's flag. */
static int do_delete(cli_t *c, int argc, char **argv)
{
    int with_persons = 0;
    cli_opt_t opts[] = {{"--with-persons", 0, NULL, &with_persons, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos < 1)
        return cli_usage("usage: relm contact delete NO... [--with-persons]");
    if ((rc = cli_open(c)))
        return rc;
    relm_error_t err = {0};
    unsigned flags = with_persons ? RELM_CONTACT_WITH_PERSONS : 0;
    for (int i = 0; i < a.npos; i++) {
        if (relm_contact_delete_with(c->r, a.pos[i], flags, &err))
            return cli_fail(&err);
        if (!c->json)
            printf("deleted contact %s\n", a.pos[i]);
    }
    if (c->json)
        cli_print_json(json_pack("{s:i}", "deleted", a.npos));
    return CLI_OK;
}

int cmd_contact(cli_t *c, int argc, char **argv)
{
    static const cli_entity_spec_t spec = {&relm_contact_entity, "NO", cols, help_text, NULL};
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0)
            return cli_entity(c, &spec, 1, (char *[]){"help", NULL});
    if (argc >= 1 && strcmp(argv[0], "import") == 0)
        return do_import(c, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "export") == 0)
        return do_export(c, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "delete") == 0)
        return do_delete(c, argc - 1, argv + 1);
    return cli_entity(c, &spec, argc, argv);
}
