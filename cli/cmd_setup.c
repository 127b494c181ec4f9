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

int cmd_setup(cli_t *c, int argc, char **argv)
{
    const relm_entity_t *e = &relm_setup_entity;
    if (argc < 1 || strcmp(argv[0], "--help") == 0) {
        help();
        return argc < 1 ? CLI_USAGE : CLI_OK;
    }
    relm_error_t err = {0};
    relm_setup_t s;
    relm_mask_t given = 0;
    cli_args_t a;
    int rc;
    relm_record_init(e, &s);
    if (strcmp(argv[0], "show") == 0) {
        if ((rc = cli_parse(argc - 1, argv + 1, NULL, NULL, NULL, NULL, &a)))
            return rc;
        if (a.npos)
            return cli_usage("setup show takes no arguments");
    } else if (strcmp(argv[0], "set") == 0 || strcmp(argv[0], "update") == 0) {
        if ((rc = cli_parse(argc - 1, argv + 1, NULL, e, &s, &given, &a)))
            return rc;
        if (a.npos || !given)
            return cli_usage("usage: relm setup set --FIELD VALUE...");
    } else {
        return cli_usage("setup: unknown verb \"%s\" (show, set)", argv[0]);
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
