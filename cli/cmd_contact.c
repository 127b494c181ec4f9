#include "cli.h"
int cmd_contact(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("contact: not built yet");
}
