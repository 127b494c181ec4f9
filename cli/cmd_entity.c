/*
 * The generic verbs of a noun over one entity: add, list, show, update, delete. Each is a
 * shell over the entity's library operation; rules live in the library. A noun adds its
 * own verbs through its cli_entity_spec_t and writes nothing else of this again.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *noun(const cli_entity_spec_t *s)
{
    return s->noun ? s->noun : s->e->name;
}

static void help(const cli_entity_spec_t *s)
{
    const char *n = s->e->name;
    printf("usage: relm %s <verb> [options]\n\n"
           "verbs:\n"
           "  add [--FIELD VALUE]...            add one %s (prints it)\n"
           "  list [--where FIELD=VALUE]... [--limit N]\n"
           "                                    list (operators = != < <= > >= ~)\n"
           "  show %-28s show one%s\n"
           "  update %-26s change the given fields\n"
           "  delete %-26s delete\n",
           noun(s), n, s->key_name, s->e->stats ? " with its statistics" : "", s->key_name,
           s->key_name);
    if (s->help)
        fputs(s->help, stdout);
    putchar('\n');
    cli_help_fields(stdout, s->e);
}

/* add [--FIELD VALUE]... and update KEY --FIELD VALUE...: parse the flags, call, show. */
static int do_write(cli_t *c, const cli_entity_spec_t *s, int update, int argc, char **argv)
{
    void *rec = malloc(s->e->size);
    relm_mask_t given = 0;
    cli_args_t a;
    relm_error_t err = {0};
    if (!rec) {
        relm_error_set(&err, RELM_ENOMEM, "out of memory");
        return cli_fail(&err);
    }
    relm_record_init(s->e, rec);
    int rc = cli_parse(argc, argv, NULL, s->e, rec, &given, &a);
    if (rc == 0 && !update && a.npos)
        rc =
            cli_usage("%s add takes only --FIELD VALUE options (got \"%s\")", s->e->name, a.pos[0]);
    else if (rc == 0 && update && a.npos != 1)
        rc = cli_usage("usage: relm %s update %s --FIELD VALUE...", s->e->name, s->key_name);
    else if (rc == 0 && update && !given)
        rc = cli_usage("%s update: give at least one --FIELD VALUE", s->e->name);
    if (rc == 0 && (rc = cli_open(c)) == 0) {
        int lrc = update ? s->e->update(c->r, a.pos[0], rec, given, &err) ||
                               s->e->get(c->r, a.pos[0], rec, &err)
                         : s->e->add(c->r, rec, given, &err);
        if (lrc) {
            rc = cli_fail(&err);
        } else {
            cli_warnings(&err);
            cli_show(c, s->e, rec, NULL, NULL);
        }
    }
    free(rec);
    return rc;
}

static int do_add(cli_t *c, const cli_entity_spec_t *s, int argc, char **argv)
{
    return do_write(c, s, 0, argc, argv);
}

static int do_update(cli_t *c, const cli_entity_spec_t *s, int argc, char **argv)
{
    return do_write(c, s, 1, argc, argv);
}

static int do_list(cli_t *c, const cli_entity_spec_t *s, int argc, char **argv)
{
    return cli_list_verb(c, s->e->name, s->e, s->list_cols, NULL, argc, argv);
}

static int do_show(cli_t *c, const cli_entity_spec_t *s, int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_begin(c, argc, argv, NULL, 1, &a, "%s show %s", s->e->name, s->key_name);
    if (rc)
        return rc;
    relm_error_t err = {0};
    void *rec = malloc(s->e->size);
    const relm_entity_t *se = s->e->stats_entity;
    void *stats = s->e->stats ? calloc(1, se->size) : NULL;
    if (s->e->get(c->r, a.pos[0], rec, &err) ||
        (s->e->stats && s->e->stats(c->r, a.pos[0], stats, &err)))
        rc = cli_fail(&err);
    else {
        cli_warnings(&err);
        cli_show(c, s->e, rec, se, stats);
    }
    free(rec);
    free(stats);
    return rc;
}

static int do_delete(cli_t *c, const cli_entity_spec_t *s, int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_begin(c, argc, argv, NULL, CLI_ONE_OR_MORE, &a, "%s delete %s...", s->e->name,
                       s->key_name);
    if (rc)
        return rc;
    relm_error_t err = {0};
    for (int i = 0; i < a.npos; i++) {
        if (s->e->remove(c->r, a.pos[i], &err))
            return cli_fail(&err);
        if (!c->json)
            printf("deleted %s %s\n", s->e->name, a.pos[i]);
    }
    if (c->json)
        cli_print_json(json_pack("{s:i}", "deleted", a.npos));
    return CLI_OK;
}

int cli_entry_verb(cli_t *c, const cli_entry_kind_t *k, const char *verb, int argc, char **argv)
{
    cli_args_t a;
    relm_error_t err = {0};
    int64_t no = 0;
    int rc = cli_parse(argc, argv, NULL, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage("usage: relm %s %s ENTRY", k->noun, verb);
    if ((rc = cli_parse_no(a.pos[0], "entry no.", &no)) || (rc = cli_open(c)))
        return rc;
    if (strcmp(verb, "delete") == 0) {
        int64_t n = 0;
        if (k->remove(c->r, no, &n, &err))
            return cli_fail(&err);
        if (c->json)
            cli_print_json(
                json_pack("{s:I, s:I}", "deleted", (json_int_t)no, k->counted, (json_int_t)n));
        else
            printf(k->deleted_text, (long long)no, (long long)n);
        return CLI_OK;
    }
    if (strcmp(verb, "cancel") == 0 && k->cancel(c->r, no, &err))
        return cli_fail(&err);
    void *rec = malloc(k->e->size);
    if (!rec) {
        relm_error_set(&err, RELM_ENOMEM, "out of memory");
        return cli_fail(&err);
    }
    if (k->get(c->r, no, rec, &err))
        rc = cli_fail(&err);
    else
        cli_show(c, k->e, rec, NULL, NULL);
    free(rec);
    return rc;
}

/* The generic verbs, each offered when the entity has the operation it runs on. */
static const struct generic_verb {
    const char *name;
    int (*fn)(cli_t *c, const cli_entity_spec_t *s, int argc, char **argv);
} generic[] = {
    {"add", do_add},       {"list", do_list},     {"show", do_show},
    {"update", do_update}, {"delete", do_delete},
};

static int offered(const relm_entity_t *e, const char *verb)
{
    if (strcmp(verb, "add") == 0)
        return e->add != NULL;
    if (strcmp(verb, "show") == 0)
        return e->get != NULL;
    if (strcmp(verb, "update") == 0)
        return e->update != NULL && e->get != NULL;
    if (strcmp(verb, "delete") == 0)
        return e->remove != NULL;
    return 1;
}

int cli_entity(cli_t *c, const cli_entity_spec_t *spec, int argc, char **argv)
{
    if (cli_help_wanted(argc, argv)) {
        help(spec);
        return argc < 1 ? CLI_USAGE : CLI_OK;
    }
    const char *verb = argv[0];
    for (size_t i = 0; i < spec->nverbs; i++)
        if (strcmp(verb, spec->verbs[i].name) == 0)
            return spec->verbs[i].fn ? spec->verbs[i].fn(c, argc - 1, argv + 1)
                                     : spec->verbs[i].fn_verb(c, verb, argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
        if (strcmp(verb, generic[i].name) == 0 && offered(spec->e, verb))
            return generic[i].fn(c, spec, argc - 1, argv + 1);
    return cli_usage("%s: unknown verb \"%s\" (see relm %s --help)", noun(spec), verb, noun(spec));
}
