/*
 * relm salesperson: add, list, show (with statistics), update, delete.
 */
#include "cli.h"

static const char *const cols[] = {"code", "name", "email", "phone_no", "blocked", NULL};

int cmd_salesperson(cli_t *c, int argc, char **argv)
{
    static const cli_entity_spec_t spec = {
        &relm_salesperson_entity, "CODE", cols, NULL, NULL, NULL, 0};
    return cli_entity(c, &spec, argc, argv);
}
