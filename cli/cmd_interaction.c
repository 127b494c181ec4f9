#include "cli.h"
int cmd_interaction(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("interaction: not built yet");
}
