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
    "                                    in one transaction; vCard 3.0 and 4.0 are read\n"
    "    CSV: the header row names the fields (or common CRM headers: First Name, ...)\n"
    "         --map \"Header=field\"       read column Header as field (\"Header=\": skip it)\n"
    "         --delimiter C              fields separated by C (; or tab) instead of ,\n"
    "         --encoding NAME            the file is in NAME (ISO-8859-1, windows-1252, ...)\n"
    "         --skip-unknown             skip columns relm has no field for\n"
    "         --dry-run                  report every row it would import or refuse; write\n"
    "                                    nothing (exit 1 when a row would be refused)\n"
    "  export [--format csv|vcard] [--vcard-version 3.0|4.0] [--excel]\n"
    "         [--output FILE | FILE]     write every contact as CSV or vCards (default 4.0)\n"
    "                                    to FILE or standard output; --excel: a CSV for\n"
    "                                    spreadsheets (UTF-8 mark, formulas neutralised)\n"
    "  export-data NO [--output FILE]    write everything relm holds about contact NO as one\n"
    "                                    JSON document (docs/privacy.md)\n"
    "  erase NO                          anonymise contact NO for good: personal fields,\n"
    "                                    entry texts, kept bodies and comments go; statistics\n"
    "                                    stay; the erasure is recorded\n";

typedef struct progress {
    int shown;
    int last_pct;
    int64_t last_done;
} progress_t;

/* A one-line bar on stderr, redrawn when the percentage (or, without a total, 1 MiB) moves. */
static void show_progress(void *ctx, int64_t done, int64_t total, const char *phase)
{
    (void)phase;
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

/* --delimiter: one character, or the names tab and semicolon. */
static int parse_delimiter(const char *v, char *out)
{
    if (!v) {
        *out = 0;
        return 0;
    }
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0)
        *out = '\t';
    else if (strcmp(v, "semicolon") == 0)
        *out = ';';
    else if (strlen(v) == 1 && v[0] != '"' && v[0] != '\n' && v[0] != '\r')
        *out = v[0];
    else
        return cli_usage("--delimiter takes one character (or tab), not \"%s\"", v);
    return 0;
}

/* Dry run: one line per row, as it would be imported or why it would be refused. */
typedef struct dry {
    json_t *rows; /* --json */
} dry_t;

static void dry_row(void *ctx, int64_t line, const relm_contact_t *c, const relm_error_t *refused)
{
    dry_t *d = ctx;
    if (d->rows) {
        json_t *o =
            refused ? json_pack("{s:I,s:s}", "line", (json_int_t)line, "refused", refused->message)
                    : json_pack("{s:I,s:s,s:s,s:s}", "line", (json_int_t)line, "no", c->no, "type",
                                c->type, "name", c->name);
        json_array_append_new(d->rows, o);
    } else if (refused) {
        printf("refuse  %s\n", refused->message);
    } else {
        printf("import  line %lld: %s %s %s\n", (long long)line, c->no, c->type, c->name);
    }
}

static int do_import(cli_t *c, int argc, char **argv)
{
    const char *format = "csv", *delimiter = NULL, *encoding = NULL;
    const char *maps[CLI_MANY];
    int nmaps = 0, dry_run = 0, skip_unknown = 0;
    cli_opt_t opts[] = {{"--format", CLI_TEXT, &format, NULL, NULL, NULL},
                        {"--delimiter", CLI_TEXT, &delimiter, NULL, NULL, NULL},
                        {"--encoding", CLI_TEXT, &encoding, NULL, NULL, NULL},
                        {"--map", CLI_TEXT, NULL, NULL, maps, &nmaps},
                        {"--skip-unknown", 0, NULL, &skip_unknown, NULL, NULL},
                        {"--dry-run", 0, NULL, &dry_run, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage(
            "usage: relm contact import [--format csv|vcard] [--map \"Header=field\"]... "
            "[--delimiter C] [--encoding NAME] [--skip-unknown] [--dry-run] FILE");
    int vcard = strcmp(format, "vcard") == 0;
    if (!vcard && strcmp(format, "csv") != 0)
        return cli_usage("--format takes csv or vcard, not \"%s\"", format);
    if (vcard && (delimiter || encoding || nmaps || dry_run || skip_unknown))
        return cli_usage("--map, --delimiter, --encoding, --skip-unknown and --dry-run are for "
                         "CSV files");
    relm_contact_csv_opts_t o = {0};
    if ((rc = parse_delimiter(delimiter, &o.delimiter)))
        return rc;
    o.encoding = encoding;
    o.map = maps;
    o.nmap = nmaps;
    o.skip_unknown = skip_unknown;
    o.dry_run = dry_run;
    dry_t d = {NULL};
    if (dry_run) {
        o.row = dry_row;
        o.ctx = &d;
        if (c->json)
            d.rows = json_array();
    }
    const char *path = a.pos[0];
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "relm: %s cannot be opened: %s\n", path, strerror(errno));
        json_decref(d.rows);
        return CLI_FAIL;
    }
    int64_t total = -1;
    struct stat st;
    if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode))
        total = (int64_t)st.st_size;
    if ((rc = cli_open(c))) {
        if (in != stdin)
            fclose(in);
        json_decref(d.rows);
        return rc;
    }
    relm_error_t err = {0};
    progress_t p = {0};
    int tty = isatty(STDERR_FILENO) && !dry_run;
    int64_t n = 0, refused = 0;
    int lrc = vcard ? relm_contact_import_vcard(c->r, in, &n, &err)
                    : relm_contact_import_csv_with(c->r, in, total, tty ? show_progress : NULL, &p,
                                                   &o, &n, &refused, &err);
    if (p.shown)
        fputs("\n", stderr);
    if (in != stdin)
        fclose(in);
    if (lrc) {
        json_decref(d.rows);
        return cli_fail(&err);
    }
    cli_warnings(&err);
    if (dry_run) {
        if (c->json)
            cli_print_json(json_pack("{s:I,s:I,s:o}", "would_import", (json_int_t)n, "would_refuse",
                                     (json_int_t)refused, "rows", d.rows));
        else
            printf("dry run: %lld contacts would be imported, %lld rows refused; nothing was "
                   "written\n",
                   (long long)n, (long long)refused);
        /* Refused rows make the real import fail: say so in the exit status too. */
        return refused ? CLI_FAIL : CLI_OK;
    }
    if (c->json)
        cli_print_json(json_pack("{s:I}", "imported", (json_int_t)n));
    else
        printf("imported %lld contacts\n", (long long)n);
    return CLI_OK;
}

static int do_export(cli_t *c, int argc, char **argv)
{
    const char *format = "csv", *output = NULL, *version = "4.0";
    int excel = 0;
    cli_opt_t opts[] = {{"--format", CLI_TEXT, &format, NULL, NULL, NULL},
                        {"--excel", 0, NULL, &excel, NULL, NULL},
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
    if (vcard && excel)
        return cli_usage("--excel is for CSV files");
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
                    : relm_contact_export_csv_with(c->r, out, excel ? RELM_CSV_EXCEL : 0, &err);
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
    int rc = cli_begin(c, argc, argv, opts, CLI_ONE_OR_MORE, &a,
                       "contact delete NO... [--with-persons]");
    if (rc)
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
    int rc = cli_begin(c, argc, argv, opts, 1, &a, "contact export-data NO [--output FILE]");
    if (rc)
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
    int rc = cli_begin(c, argc, argv, NULL, 1, &a, "contact erase NO");
    if (rc)
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
    static const cli_verb_t verbs[] = {
        {"import", do_import, NULL}, {"export", do_export, NULL},
        {"delete", do_delete, NULL}, {"export-data", do_export_data, NULL},
        {"erase", do_erase, NULL},
    };
    static const cli_entity_spec_t spec = {
        &relm_contact_entity, "NO", cols, help_text, NULL, verbs, sizeof(verbs) / sizeof(verbs[0])};
    return cli_entity(c, &spec, argc, argv);
}
