/*
 * Interaction log entries: create, postpone, resume, cancel, evaluate, list.
 * (API being written; see lib/interaction.c.)
 */
#ifndef RELM_INTERACTION_H
#define RELM_INTERACTION_H

#include "relm/record.h"

#endif
