/*
 * relm contact: add, list, show (with statistics), update, delete, CSV import/export, and a
 * person's data: export-data and erase.
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
    "  import [--format csv|vcard] FILE  add every row or card of FILE (\"-\": standard input)\n"
    "                                    in one transaction; a CSV header row names the\n"
    "                                    fields; vCard 3.0 and 4.0 are read\n"
    "  export [--format csv|vcard] [--vcard-version 3.0|4.0] [--output FILE | FILE]\n"
    "                                    write every contact as CSV or vCards (default 4.0)\n"
    "                                    to FILE or standard output\n"
    "  export-data NO [--output FILE]    write everything relm holds about contact NO as one\n"
    "                                    JSON document (docs/privacy.md)\n"
    "  erase NO                          anonymise contact NO for good: personal fields,\n"
    "                                    entry texts, kept bodies and comments go; statistics\n"
    "                                    stay; the erasure is recorded\n";

static int stats(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_contact_stats(r, key, out, err);
}

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
    const char *format = "csv";
    cli_opt_t opts[] = {{"--format", CLI_TEXT, &format, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage("usage: relm contact import [--format csv|vcard] FILE");
    int vcard = strcmp(format, "vcard") == 0;
    if (!vcard && strcmp(format, "csv") != 0)
        return cli_usage("--format takes csv or vcard, not \"%s\"", format);
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
    int lrc =
        vcard ? relm_contact_import_vcard(c->r, in, &n, &err)
              : relm_contact_import_csv(c->r, in, total, tty ? show_progress : NULL, &p, &n, &err);
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
    const char *format = "csv", *output = NULL, *version = "4.0";
    cli_opt_t opts[] = {{"--format", CLI_TEXT, &format, NULL, NULL, NULL},
                        {"--output", CLI_TEXT, &output, NULL, NULL, NULL},
                        {"--vcard-version", CLI_TEXT, &version, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos > 1 || (a.npos == 1 && output))
        return cli_usage("usage: relm contact export [--format csv|vcard] [--output FILE | FILE]");
    int vcard = strcmp(format, "vcard") == 0;
    if (!vcard && strcmp(format, "csv") != 0)
        return cli_usage("--format takes csv or vcard, not \"%s\"", format);
    int vv = strcmp(version, "3.0") == 0 || strcmp(version, "3") == 0   ? 3
             : strcmp(version, "4.0") == 0 || strcmp(version, "4") == 0 ? 4
                                                                        : 0;
    if (!vv)
        return cli_usage("--vcard-version takes 3.0 or 4.0, not \"%s\"", version);
    if ((rc = cli_open(c)))
        return rc;
    const char *path = a.npos ? a.pos[0] : output;
    FILE *out = path && strcmp(path, "-") != 0 ? fopen(path, "wb") : stdout;
    if (!out) {
        fprintf(stderr, "relm: %s cannot be written: %s\n", path, strerror(errno));
        return CLI_FAIL;
    }
    relm_error_t err = {0};
    int lrc = vcard ? relm_contact_export_vcard(c->r, out, vv, &err)
                    : relm_contact_export_csv(c->r, out, &err);
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

/* export-data NO [--output FILE]: the person's data document, always JSON. */
static int do_export_data(cli_t *c, int argc, char **argv)
{
    const char *path = NULL;
    cli_opt_t opts[] = {{"--output", CLI_TEXT, &path, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage("usage: relm contact export-data NO [--output FILE]");
    if ((rc = cli_open(c)))
        return rc;
    relm_error_t err = {0};
    json_t *doc = NULL;
    if (relm_contact_export_data(c->r, a.pos[0], &doc, &err))
        return cli_fail(&err);
    if (!path || strcmp(path, "-") == 0) {
        cli_print_json(doc);
        return CLI_OK;
    }
    int failed = json_dump_file(doc, path, JSON_INDENT(2) | JSON_SORT_KEYS) != 0;
    json_decref(doc);
    if (failed) {
        fprintf(stderr, "relm: %s cannot be written\n", path);
        return CLI_FAIL;
    }
    if (!c->json)
        printf("exported the data of contact %s to %s\n", a.pos[0], path);
    return CLI_OK;
}

/* erase NO: anonymise the contact (the library does it in one transaction). */
static int do_erase(cli_t *c, int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_parse(argc, argv, NULL, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage("usage: relm contact erase NO");
    if ((rc = cli_open(c)))
        return rc;
    relm_error_t err = {0};
    relm_erasure_t e;
    if (relm_contact_erase(c->r, a.pos[0], &e, &err))
        return cli_fail(&err);
    if (c->json)
        cli_print_json(relm_record_json(&relm_erasure_entity, &e));
    else
        printf("erased contact %s: %lld entries anonymised, %lld kept bodies and %lld comment "
               "lines deleted, %lld segment lines anonymised (erasure %lld)\n",
               e.contact_no, (long long)e.entries_anonymised, (long long)e.attachments_deleted,
               (long long)e.comments_deleted, (long long)e.segment_lines_anonymised,
               (long long)e.erasure_no);
    return CLI_OK;
}

int cmd_contact(cli_t *c, int argc, char **argv)
{
    static const cli_entity_spec_t spec = {
        &relm_contact_entity, "NO", cols, &relm_contact_stats_entity, stats, help_text, NULL};
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0)
            return cli_entity(c, &spec, 1, (char *[]){"help", NULL});
    if (argc >= 1 && strcmp(argv[0], "import") == 0)
        return do_import(c, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "export") == 0)
        return do_export(c, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "delete") == 0)
        return do_delete(c, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "export-data") == 0)
        return do_export_data(c, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "erase") == 0)
        return do_erase(c, argc - 1, argv + 1);
    return cli_entity(c, &spec, argc, argv);
}
