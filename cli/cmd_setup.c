#include "cli.h"
int cmd_setup(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("setup: not built yet");
}
