/*
 * Users, sessions and API tokens. (API being written; see lib/user.c.)
 */
#ifndef RELM_USER_H
#define RELM_USER_H

#include "relm/record.h"

#endif
