/*
 * relm setup show | set --FIELD VALUE...: marketing setup.
 */
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: relm setup show\n"
           "       relm setup set --FIELD VALUE...\n\n");
    cli_help_fields(stdout, &relm_setup_entity);
}

/* show, or set (update) --FIELD VALUE...: then the setup. */
static int setup_verb(cli_t *c, const char *verb, int argc, char **argv)
{
    const relm_entity_t *e = &relm_setup_entity;
    relm_error_t err = {0};
    relm_setup_t s;
    relm_mask_t given = 0;
    cli_args_t a;
    int rc;
    relm_record_init(e, &s);
    if (strcmp(verb, "show") == 0) {
        if ((rc = cli_parse_none(argc, argv, "setup show")))
            return rc;
    } else {
        if ((rc = cli_parse(argc, argv, NULL, e, &s, &given, &a)))
            return rc;
        if (a.npos || !given)
            return cli_usage("usage: relm setup set --FIELD VALUE...");
    }
    if ((rc = cli_open(c)))
        return rc;
    if (given && relm_setup_update(c->r, &s, given, &err))
        return cli_fail(&err);
    if (relm_setup_get(c->r, &s, &err))
        return cli_fail(&err);
    cli_show(c, e, &s, NULL, NULL);
    return CLI_OK;
}

int cmd_setup(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {
        {"show", NULL, setup_verb}, {"set", NULL, setup_verb}, {"update", NULL, setup_verb}};
    return cli_dispatch(c, "setup", verbs, sizeof(verbs) / sizeof(verbs[0]), help, argc, argv);
}
