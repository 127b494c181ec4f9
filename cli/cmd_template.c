/*
 * relm group and relm template: interaction groups and templates (add, list, show with
 * statistics, update, delete), a template's language variants and attachment bodies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "relm/json.h"

static const char *const group_cols[] = {"code", "description", NULL};
static const char *const template_cols[] = {"code",
                                            "interaction_group_code",
                                            "description",
                                            "unit_cost",
                                            "unit_duration",
                                            "information_flow",
                                            "initiated_by",
                                            "correspondence_type",
                                            "language_code",
                                            "campaign_no",
                                            NULL};

static const char template_help[] =
    "  language set TEMPLATE LANG [--description D] [--attachment-file PATH]\n"
    "                                    add or change a language variant\n"
    "  language list TEMPLATE            list a template's language variants\n"
    "  language delete TEMPLATE LANG     delete a language variant\n"
    "  attachment set TEMPLATE [--language L] (--file PATH | --text TEXT)\n"
    "                                    set the attachment body (merge fields such as\n"
    "                                    {{contact.name}} are filled in when used)\n"
    "  attachment show TEMPLATE [--language L]\n"
    "                                    print the attachment body\n";

int cmd_group(cli_t *c, int argc, char **argv)
{
    static const cli_entity_spec_t spec = {
        &relm_group_entity, "CODE", group_cols, NULL, "group", NULL, 0};
    return cli_entity(c, &spec, argc, argv);
}

/* Read a whole text file into *out (malloc'd). Prints the problem and returns CLI_FAIL. */
static int read_text_file(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    *out = NULL;
    if (!f) {
        fprintf(stderr, "relm: cannot read %s: %s\n", path, strerror(errno));
        return CLI_FAIL;
    }
    size_t cap = 4096, len = 0, n;
    char *s = malloc(cap);
    while (s && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            char *bigger = realloc(s, cap * 2);
            if (!bigger) {
                free(s);
                s = NULL;
                break;
            }
            s = bigger;
            cap *= 2;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (!s || failed) {
        fprintf(stderr, "relm: cannot read %s: %s\n", path, s ? strerror(errno) : "out of memory");
        free(s);
        return CLI_FAIL;
    }
    s[len] = '\0';
    if (strlen(s) != len) {
        fprintf(stderr, "relm: %s is not a text file (it contains NUL bytes)\n", path);
        free(s);
        return CLI_FAIL;
    }
    *out = s;
    return CLI_OK;
}

/* Keeps the variant of one language while streaming a template's variants. */
typedef struct find_lang {
    const char *language_code;
    relm_template_language_t found;
    int ok;
} find_lang_t;

static int find_lang_row(void *ctx, const void *rec)
{
    find_lang_t *f = ctx;
    const relm_template_language_t *v = rec;
    if (strcmp(v->language_code, f->language_code) != 0)
        return 0;
    f->found = *v;
    f->ok = 1;
    return 1;
}

static int language_set(cli_t *c, int argc, char **argv)
{
    const relm_entity_t *e = &relm_template_language_entity;
    const char *description = NULL, *file = NULL;
    cli_opt_t opts[] = {{"--description", 1, &description, NULL, NULL, NULL},
                        {"--attachment-file", 1, &file, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 2)
        return cli_usage("usage: relm template language set TEMPLATE LANG [--description D] "
                         "[--attachment-file PATH]");
    relm_template_language_t v;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(e, &v);
    if (relm_record_set(e, &v, &given, "template_code", a.pos[0], &err) ||
        relm_record_set(e, &v, &given, "language_code", a.pos[1], &err) ||
        (description && relm_record_set(e, &v, &given, "description", description, &err)))
        return cli_fail(&err);
    char *body = NULL;
    if (file && (rc = read_text_file(file, &body)))
        return rc;
    if ((rc = cli_open(c))) {
        free(body);
        return rc;
    }
    /* Without --description an existing variant keeps the one it has. */
    rc = relm_template_language_put(c->r, &v, given, body, &err);
    free(body);
    if (rc)
        return cli_fail(&err);
    find_lang_t f;
    memset(&f, 0, sizeof(f));
    f.language_code = v.language_code;
    if (relm_template_languages(c->r, v.template_code, find_lang_row, &f, &err))
        return cli_fail(&err);
    cli_show(c, e, f.ok ? &f.found : &v, NULL, NULL);
    return CLI_OK;
}

/* language list TEMPLATE | delete TEMPLATE LANG */
static int language_verb(cli_t *c, const char *verb, int argc, char **argv)
{
    cli_args_t a;
    relm_error_t err = {0};
    int rc = cli_parse(argc, argv, NULL, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (strcmp(verb, "list") == 0) {
        if (a.npos != 1)
            return cli_usage("usage: relm template language list TEMPLATE");
        if ((rc = cli_open(c)))
            return rc;
        cli_list_t l;
        cli_list_begin(&l, c, &relm_template_language_entity, NULL);
        rc = relm_template_languages(c->r, a.pos[0], cli_list_row, &l, &err);
        cli_list_end(&l);
        return rc ? cli_fail(&err) : CLI_OK;
    }
    if (a.npos != 2)
        return cli_usage("usage: relm template language delete TEMPLATE LANG");
    if ((rc = cli_open(c)))
        return rc;
    if (relm_template_language_delete(c->r, a.pos[0], a.pos[1], &err))
        return cli_fail(&err);
    if (c->json)
        cli_print_json(json_pack("{s:i}", "deleted", 1));
    else
        printf("deleted language %s of interaction template %s\n", a.pos[1], a.pos[0]);
    return CLI_OK;
}

static int cmd_language(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"set", language_set, NULL},
                                       {"list", NULL, language_verb},
                                       {"delete", NULL, language_verb}};
    return cli_dispatch(c, "template language", verbs, sizeof(verbs) / sizeof(verbs[0]), NULL, argc,
                        argv);
}

/* Print an attachment body: as is, or as {"template_code", "language_code", "attachment"}. */
static void print_attachment(cli_t *c, const char *code, const char *language, const char *body)
{
    if (c->json) {
        cli_print_json(json_pack("{s:s, s:s, s:s}", "template_code", code, "language_code",
                                 language, "attachment", body));
        return;
    }
    size_t n = strlen(body);
    fputs(body, stdout);
    if (n && body[n - 1] != '\n')
        putchar('\n');
}

/* attachment set|show TEMPLATE [--language L] ... */
static int attachment_verb(cli_t *c, const char *verb, int argc, char **argv)
{
    const char *language = NULL, *file = NULL, *text = NULL;
    cli_opt_t opts[] = {{"--language", 1, &language, NULL, NULL, NULL},
                        {"--file", 1, &file, NULL, NULL, NULL},
                        {"--text", 1, &text, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    int is_set = strcmp(verb, "set") == 0;
    if (a.npos != 1)
        return cli_usage("usage: relm template attachment %s TEMPLATE [--language L]%s", verb,
                         is_set ? " (--file PATH | --text TEXT)" : "");
    if (is_set && !file == !text)
        return cli_usage("template attachment set: give one of --file PATH and --text TEXT");
    if (!is_set && (file || text))
        return cli_usage("template attachment show takes no --file or --text");
    /* Canonical spelling of the language for output (the library normalises it again). */
    relm_template_language_t v;
    relm_error_t err = {0};
    relm_record_init(&relm_template_language_entity, &v);
    if (relm_record_set(&relm_template_language_entity, &v, NULL, "language_code",
                        language ? language : "", &err))
        return cli_fail(&err);
    char *body = NULL;
    if (file && (rc = read_text_file(file, &body)))
        return rc;
    if ((rc = cli_open(c))) {
        free(body);
        return rc;
    }
    relm_interaction_template_t t;
    if (relm_template_get(c->r, a.pos[0], &t, &err)) {
        free(body);
        return cli_fail(&err);
    }
    if (is_set) {
        rc = relm_template_attachment_set(c->r, t.code, v.language_code, body ? body : text, &err);
        free(body);
        body = NULL;
        if (rc)
            return cli_fail(&err);
        if (!c->json) {
            printf("set the attachment of interaction template %s%s%s\n", t.code,
                   v.language_code[0] ? " language " : "", v.language_code);
            return CLI_OK;
        }
    }
    if (relm_template_attachment_get(c->r, t.code, v.language_code, &body, &err))
        return cli_fail(&err);
    print_attachment(c, t.code, v.language_code, body);
    free(body);
    return CLI_OK;
}

static int cmd_attachment(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"set", NULL, attachment_verb},
                                       {"show", NULL, attachment_verb}};
    return cli_dispatch(c, "template attachment", verbs, sizeof(verbs) / sizeof(verbs[0]), NULL,
                        argc, argv);
}

int cmd_template(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"language", cmd_language, NULL},
                                       {"attachment", cmd_attachment, NULL}};
    static const cli_entity_spec_t spec = {
        &relm_template_entity,           "CODE", template_cols, template_help, "template", verbs,
        sizeof(verbs) / sizeof(verbs[0])};
    return cli_entity(c, &spec, argc, argv);
}
