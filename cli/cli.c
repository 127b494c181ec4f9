/*
 * CLI session, parsing and output shared by every noun.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "relm/json.h"

#define TTY_SAMPLE_ROWS 200
#define TTY_MAX_WIDTH   40

int cli_open(cli_t *c)
{
    relm_error_t err = {0};
    if (c->r)
        return CLI_OK;
    if (relm_open(c->db, RELM_OPEN_NO_MIGRATE, &c->r, &err))
        return cli_fail(&err);
    const char *user = getenv("RELM_USER");
    relm_set_user(c->r, user ? user : "");
    const char *today = getenv("RELM_TODAY");
    if (today && *today && relm_set_workdate(c->r, today, &err))
        return cli_fail(&err);
    return CLI_OK;
}

int cli_fail(const relm_error_t *err)
{
    fprintf(stderr, "relm: %s\n", err->message[0] ? err->message : relm_error_name(err->code));
    return err->code == RELM_EUSAGE ? CLI_USAGE : CLI_FAIL;
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    fputs("relm: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_USAGE;
}

void cli_warnings(const relm_error_t *err)
{
    if (err->warning[0])
        fprintf(stderr, "relm: warning: %s\n", err->warning);
}

static const cli_opt_t *find_opt(const cli_opt_t *opts, const char *name)
{
    for (; opts && opts->name; opts++)
        if (strcmp(opts->name, name) == 0)
            return opts;
    return NULL;
}

/*
 * "--name" or "--name=value" (and "--" itself). The word after an option that takes a
 * value is never one of these, so a forgotten value is reported instead of the next
 * flag being swallowed; a value that starts with "--" is written --name=--value.
 */
static int is_option(const char *arg)
{
    return strncmp(arg, "--", 2) == 0;
}

int cli_parse(int argc, char **argv, const cli_opt_t *opts, const relm_entity_t *e, void *rec,
              relm_mask_t *given, cli_args_t *a)
{
    int options = 1; /* cleared by "--": everything after it is positional */
    a->npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (options && strcmp(arg, "--") == 0) {
            options = 0;
            continue;
        }
        if (!options || !is_option(arg)) {
            if (a->npos >= CLI_MAXPOS)
                return cli_usage("too many arguments");
            a->pos[a->npos++] = arg;
            continue;
        }
        char name[128];
        const char *eq = strchr(arg, '=');
        const char *inline_value = NULL;
        size_t nl = eq ? (size_t)(eq - arg) : strlen(arg);
        if (nl >= sizeof(name))
            return cli_usage("unknown option %.60s", arg);
        memcpy(name, arg, nl);
        name[nl] = '\0';
        if (eq)
            inline_value = eq + 1;
        const cli_opt_t *o = find_opt(opts, name);
        if (o) {
            const char *v = NULL;
            if (o->takes_value) {
                if (inline_value)
                    v = inline_value;
                else if (i + 1 < argc && !is_option(argv[i + 1]))
                    v = argv[++i];
                else
                    return cli_usage("%s needs a value", name);
            }
            if (o->takes_value == CLI_NUMBER) {
                relm_error_t err = {0};
                if (relm_parse_positive(v, name, o->value, &err))
                    return cli_fail(&err);
            } else if (o->value) {
                *(const char **)o->value = v;
            }
            if (o->flag)
                (*o->flag)++;
            if (o->many) {
                if (*o->nmany >= CLI_MANY)
                    return cli_usage("option %s given too many times", name);
                o->many[(*o->nmany)++] = v;
            }
            continue;
        }
        int idx = e ? relm_field_index(e, name + 2) : -1;
        if (idx < 0 || (e->fields[idx].flags & (RELM_FF_READONLY | RELM_FF_VIRTUAL)))
            return cli_usage("unknown option %s (see --help)", name);
        const char *v = inline_value;
        if (!v) {
            int is_bool = e->fields[idx].type == RELM_FT_BOOL;
            if (is_bool && (i + 1 >= argc || is_option(argv[i + 1])))
                v = "true";
            else if (i + 1 < argc && !is_option(argv[i + 1]))
                v = argv[++i];
            else
                return cli_usage("%s needs a value", name);
        }
        relm_error_t err = {0};
        if (relm_record_set_index(e, rec, given, idx, v, &err))
            return cli_fail(&err);
    }
    return CLI_OK;
}

int cli_begin(cli_t *c, int argc, char **argv, const cli_opt_t *opts, int nargs, cli_args_t *a,
              const char *usage_fmt, ...)
{
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, a);
    if (rc)
        return rc;
    if (nargs == CLI_ONE_OR_MORE ? a->npos < 1 : a->npos != nargs) {
        char usage[256];
        va_list ap;
        va_start(ap, usage_fmt);
        vsnprintf(usage, sizeof(usage), usage_fmt, ap);
        va_end(ap);
        return cli_usage("usage: relm %s", usage);
    }
    return cli_open(c);
}

int cli_parse_no(const char *s, const char *what, int64_t *out)
{
    relm_error_t err = {0};
    return relm_parse_positive(s, what, out, &err) ? cli_fail(&err) : CLI_OK;
}

int cli_parse_none(int argc, char **argv, const char *what)
{
    cli_args_t a;
    int rc = cli_parse(argc, argv, NULL, NULL, NULL, NULL, &a);
    if (rc == 0 && a.npos)
        rc = cli_usage("%s takes no arguments", what);
    return rc;
}

/* The streaming of cli_list_records and cli_list_verb: list NULL is relm_list of e. */
static int list_through(cli_t *c, const relm_entity_t *e, const char *const *cols,
                        cli_lister_fn list, const relm_filter_t *filters, int nfilters, long limit)
{
    relm_error_t err = {0};
    int rc = cli_open(c);
    if (rc)
        return rc;
    cli_list_t l;
    cli_list_begin(&l, c, e, cols);
    rc = list ? list(c->r, filters, nfilters, limit, cli_list_row, &l, &err)
              : relm_list(c->r, e, filters, nfilters, limit, cli_list_row, &l, &err);
    cli_list_end(&l);
    return rc ? cli_fail(&err) : CLI_OK;
}

int cli_list_records(cli_t *c, const relm_entity_t *e, const char *const *cols,
                     const relm_filter_t *filters, int nfilters, long limit)
{
    return list_through(c, e, cols, NULL, filters, nfilters, limit);
}

int cli_list_verb(cli_t *c, const char *noun, const relm_entity_t *e, const char *const *cols,
                  cli_lister_fn list, int argc, char **argv)
{
    const char *where[CLI_MANY];
    int nwhere = 0;
    int64_t lim = 0;
    cli_opt_t opts[] = {{"--where", 1, NULL, NULL, where, &nwhere},
                        {"--limit", CLI_NUMBER, &lim, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos)
        return cli_usage("%s list: unexpected argument \"%s\"", noun, a.pos[0]);
    relm_filter_t filters[CLI_MANY];
    relm_error_t err = {0};
    for (int i = 0; i < nwhere; i++)
        if (relm_filter_parse(e, where[i], &filters[i], &err))
            return cli_fail(&err);
    return list_through(c, e, cols, list, filters, nwhere, (long)lim);
}

void cli_print_json(json_t *j)
{
    char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
    fputs(s ? s : "null", stdout);
    fputc('\n', stdout);
    free(s);
    json_decref(j);
}

void cli_show(cli_t *c, const relm_entity_t *e, const void *rec, const relm_entity_t *xe,
              const void *xrec)
{
    if (c->json) {
        json_t *j = relm_record_json(e, rec);
        if (xe)
            relm_record_json_into(j, xe, xrec);
        cli_print_json(j);
        return;
    }
    char buf[RELM_TEXT250_SZ * 4];
    int w = 0;
    for (int pass = 0; pass < 2; pass++) {
        const relm_entity_t *pe = pass ? xe : e;
        for (int i = 0; pe && i < pe->nfields; i++)
            if ((int)strlen(pe->fields[i].name) > w)
                w = (int)strlen(pe->fields[i].name);
    }
    for (int pass = 0; pass < 2; pass++) {
        const relm_entity_t *pe = pass ? xe : e;
        const void *pr = pass ? xrec : rec;
        for (int i = 0; pe && i < pe->nfields; i++)
            printf("%-*s  %s\n", w + 1, pe->fields[i].name,
                   relm_record_format(pe, pr, i, buf, sizeof(buf)));
    }
}

void cli_list_begin(cli_list_t *l, cli_t *c, const relm_entity_t *e, const char *const *cols)
{
    memset(l, 0, sizeof(*l));
    l->c = c;
    l->e = e;
    l->cols = cols;
    if (cols && c->tty && !c->json) {
        for (int i = 0; cols[i] && l->ncols < 64; i++) {
            int idx = relm_field_index(e, cols[i]);
            if (idx >= 0)
                l->idx[l->ncols++] = idx;
        }
    } else {
        for (int i = 0; i < e->nfields && l->ncols < 64; i++)
            l->idx[l->ncols++] = i;
    }
    if (c->json) {
        fputs("[", stdout);
    } else if (!c->tty) {
        for (int i = 0; i < l->ncols; i++)
            printf("%s%s", i ? "\t" : "", e->fields[l->idx[i]].name);
        putchar('\n');
    } else {
        for (int i = 0; i < l->ncols; i++)
            l->width[i] = (int)strlen(e->fields[l->idx[i]].name);
        l->buffered = calloc(TTY_SAMPLE_ROWS, sizeof(char *));
    }
}

/* One row as cells joined by '\t' (tabs and newlines inside cells become spaces). */
static char *row_cells(cli_list_t *l, const void *rec)
{
    char buf[RELM_TEXT250_SZ * 4];
    size_t cap = 256, len = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    for (int i = 0; i < l->ncols; i++) {
        relm_record_format(l->e, rec, l->idx[i], buf, sizeof(buf));
        for (char *p = buf; *p; p++)
            if (*p == '\t' || *p == '\n' || *p == '\r')
                *p = ' ';
        size_t bl = strlen(buf);
        if (len + bl + 2 > cap) {
            cap = (len + bl + 2) * 2;
            char *n = realloc(s, cap);
            if (!n) {
                free(s);
                return NULL;
            }
            s = n;
        }
        if (i)
            s[len++] = '\t';
        memcpy(s + len, buf, bl);
        len += bl;
    }
    s[len] = '\0';
    return s;
}

static int utf8_width(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            w++;
    return w;
}

static void print_table_row(cli_list_t *l, const char *cells)
{
    const char *p = cells;
    for (int i = 0; i < l->ncols; i++) {
        const char *end = strchr(p, '\t');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        int w = utf8_width(p, n);
        int target = l->width[i];
        if (w > target) {
            /* Cut at a character boundary and mark the cut. */
            size_t bytes = 0;
            int cw = 0;
            while (bytes < n && cw < target - 1) {
                bytes++;
                while (bytes < n && ((unsigned char)p[bytes] & 0xc0) == 0x80)
                    bytes++;
                cw++;
            }
            fwrite(p, 1, bytes, stdout);
            fputs("~", stdout);
            w = cw + 1;
        } else {
            fwrite(p, 1, n, stdout);
        }
        if (i + 1 < l->ncols)
            printf("%*s", target - w + 2, "");
        p = end ? end + 1 : p + n;
    }
    putchar('\n');
}

static void flush_table(cli_list_t *l)
{
    if (l->flushed)
        return;
    l->flushed = 1;
    for (int i = 0; i < l->ncols; i++) {
        printf("%-*s", i + 1 < l->ncols ? l->width[i] + 2 : 0, l->e->fields[l->idx[i]].name);
    }
    putchar('\n');
    for (long r = 0; r < l->nbuffered; r++) {
        print_table_row(l, l->buffered[r]);
        free(l->buffered[r]);
    }
    free(l->buffered);
    l->buffered = NULL;
}

int cli_list_row(void *ctx, const void *rec)
{
    cli_list_t *l = ctx;
    if (l->c->json) {
        json_t *j = relm_record_json(l->e, rec);
        char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
        printf("%s\n%s", l->rows ? "," : "", s ? s : "null");
        free(s);
        json_decref(j);
    } else if (!l->c->tty) {
        char *s = row_cells(l, rec);
        if (s)
            puts(s);
        free(s);
    } else {
        char *s = row_cells(l, rec);
        if (!s)
            return 1;
        if (!l->flushed && l->buffered && l->nbuffered < TTY_SAMPLE_ROWS) {
            const char *p = s;
            for (int i = 0; i < l->ncols; i++) {
                const char *end = strchr(p, '\t');
                size_t n = end ? (size_t)(end - p) : strlen(p);
                int w = utf8_width(p, n);
                if (w > TTY_MAX_WIDTH)
                    w = TTY_MAX_WIDTH;
                if (w > l->width[i])
                    l->width[i] = w;
                p = end ? end + 1 : p + n;
            }
            l->buffered[l->nbuffered++] = s;
        } else {
            flush_table(l);
            print_table_row(l, s);
            free(s);
        }
    }
    l->rows++;
    return 0;
}

void cli_list_end(cli_list_t *l)
{
    if (l->c->json) {
        fputs(l->rows ? "\n]\n" : "]\n", stdout);
    } else if (l->c->tty) {
        flush_table(l);
        if (l->rows == 0)
            printf("(no %s)\n", l->e->name);
    }
    fflush(stdout);
}

void cli_bar_show(cli_bar_t *b, int64_t done, int64_t total, const char *what)
{
    int pct = total > 0 ? (int)(done * 100 / total) : 100;
    if (pct > 100)
        pct = 100;
    if (b->shown && pct == b->last_pct && done != total && what == b->last_what)
        return;
    int w = pct * 30 / 100;
    fprintf(stderr, "\r%s [%.*s%*s] %3d%% %lld/%lld", b->verb, w, "##############################",
            30 - w, "", pct, (long long)done, (long long)total);
    if (what)
        fprintf(stderr, " %-30.30s", what);
    b->shown = 1;
    b->last_pct = pct;
    b->last_what = what;
    fflush(stderr);
}

void cli_bar_end(cli_bar_t *b)
{
    if (b->shown)
        fputc('\n', stderr);
    b->shown = 0;
}

void cli_help_fields(FILE *out, const relm_entity_t *e)
{
    fprintf(out, "Fields of %s (flags --FIELD VALUE):\n", e->name);
    for (int i = 0; i < e->nfields; i++) {
        const relm_field_t *f = &e->fields[i];
        if (f->flags & (RELM_FF_READONLY | RELM_FF_VIRTUAL))
            continue;
        char name[64];
        snprintf(name, sizeof(name), "%s", f->name);
        for (char *p = name; *p; p++)
            if (*p == '_')
                *p = '-';
        static const char *types[] = {"text",       "code",     "e-mail",   "choice",
                                      "true|false", "number",   "amount",   "minutes",
                                      "YYYY-MM-DD", "HH:MM:SS", "timestamp"};
        fprintf(out, "  --%-34s %s", name, types[f->type]);
        if (f->maxlen && f->type != RELM_FT_ENUM)
            fprintf(out, " (up to %d)", f->maxlen);
        if (f->type == RELM_FT_ENUM) {
            fputs(":", out);
            for (int k = 0; f->choices[k]; k++)
                fprintf(out, " %s", f->choices[k][0] ? f->choices[k] : "(blank)");
        }
        fputc('\n', out);
    }
}

int cli_help_wanted(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0)
        return 1;
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

int cli_dispatch(cli_t *c, const char *noun, const cli_verb_t *verbs, size_t n, void (*help)(void),
                 int argc, char **argv)
{
    if (!help && argc < 1) {
        char names[256] = "";
        for (size_t i = 0, len = 0; i < n && len < sizeof(names); i++)
            len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", i ? "|" : "",
                                    verbs[i].name);
        return cli_usage("usage: relm %s %s ...", noun, names);
    }
    if (help && cli_help_wanted(argc, argv)) {
        help();
        return argc < 1 ? CLI_USAGE : CLI_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(argv[0], verbs[i].name) == 0)
            return verbs[i].fn ? verbs[i].fn(c, argc - 1, argv + 1)
                               : verbs[i].fn_verb(c, argv[0], argc - 1, argv + 1);
    return cli_usage("%s: unknown verb \"%s\" (see relm %s --help)", noun, argv[0], noun);
}
