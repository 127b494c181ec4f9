-- Segment lines clustered by (segment_no, line_no), with one secondary index.
-- A segment's lines are read, logged and deleted in line order: a table keyed by the line
-- keeps them together, where a rowid table needed its own b-tree plus a primary-key index.
-- Adding contacts writes two b-trees per line instead of five: the company index gives way
-- to one list of the segment's companies built per step, and undo of an add scans the
-- segment's own lines for the step instead of an index kept for that alone.
DROP INDEX segment_line_company;
DROP INDEX segment_line_step;
CREATE TABLE segment_line_new (
    segment_no TEXT NOT NULL REFERENCES segment_header (no) ON DELETE CASCADE,
    line_no BIGINT NOT NULL,
    contact_no TEXT NOT NULL,
    contact_company_no TEXT NOT NULL DEFAULT '',
    salesperson_code TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    interaction_template_code TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    language_code TEXT NOT NULL DEFAULT '',
    correspondence_type TEXT NOT NULL DEFAULT '',
    information_flow TEXT NOT NULL DEFAULT '',
    initiated_by TEXT NOT NULL DEFAULT '',
    cost BIGINT NOT NULL DEFAULT 0,
    duration BIGINT NOT NULL DEFAULT 0,
    evaluation TEXT NOT NULL DEFAULT '',
    attempt_failed INTEGER NOT NULL DEFAULT 0,
    campaign_no TEXT NOT NULL DEFAULT '',
    campaign_target INTEGER NOT NULL DEFAULT 0,
    campaign_response INTEGER NOT NULL DEFAULT 0,
    contact_via TEXT NOT NULL DEFAULT '',
    opportunity_no TEXT NOT NULL DEFAULT '',
    personalised INTEGER NOT NULL DEFAULT 0,
    added_by_step BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (segment_no, line_no)
) WITHOUT ROWID;
INSERT INTO segment_line_new (segment_no, line_no, contact_no, contact_company_no, salesperson_code, date, description, interaction_template_code, subject, language_code, correspondence_type, information_flow, initiated_by, cost, duration, evaluation, attempt_failed, campaign_no, campaign_target, campaign_response, contact_via, opportunity_no, personalised, added_by_step)
SELECT segment_no, line_no, contact_no, contact_company_no, salesperson_code, date, description, interaction_template_code, subject, language_code, correspondence_type, information_flow, initiated_by, cost, duration, evaluation, attempt_failed, campaign_no, campaign_target, campaign_response, contact_via, opportunity_no, personalised, added_by_step FROM segment_line;
DROP TABLE segment_line;
ALTER TABLE segment_line_new RENAME TO segment_line;
CREATE UNIQUE INDEX segment_line_contact ON segment_line (segment_no, contact_no);
