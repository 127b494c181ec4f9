/*
 * A small realistic data set for trying relm out: number series, marketing setup,
 * salespersons, companies and persons, interaction groups and templates, a campaign.
 */
#ifndef RELM_DEMO_H
#define RELM_DEMO_H

#include "relm/error.h"

struct relm;

/* Fill an empty database in one transaction; refused (conflict) if it holds contacts. */
int relm_demo_fill(struct relm *r, relm_error_t *err);

#endif
