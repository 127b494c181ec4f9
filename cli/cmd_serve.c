#include "cli.h"
int cmd_serve(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("serve: not built yet");
}
int cmd_user(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("user: not built yet");
}
int cmd_token(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("token: not built yet");
}
