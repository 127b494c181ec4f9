-- relm schema, version 1. SQL that SQLite and PostgreSQL both accept.
-- Text columns are NOT NULL DEFAULT '' (blank means "not set"), booleans are 0/1,
-- money is integer hundredths, durations integer hundredths of a minute.

CREATE TABLE relm_counter (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO relm_counter (name, value) VALUES ('interaction_log_entry', 0);
INSERT INTO relm_counter (name, value) VALUES ('logged_segment', 0);
INSERT INTO relm_counter (name, value) VALUES ('campaign_entry', 0);
INSERT INTO relm_counter (name, value) VALUES ('segment_criteria_step', 0);

CREATE TABLE no_series (
    code TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    default_nos INTEGER NOT NULL DEFAULT 1,
    manual_nos INTEGER NOT NULL DEFAULT 0,
    date_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE no_series_line (
    series_code TEXT NOT NULL REFERENCES no_series (code) ON DELETE CASCADE,
    line_no INTEGER NOT NULL,
    starting_date TEXT NOT NULL DEFAULT '',
    starting_no TEXT NOT NULL DEFAULT '',
    ending_no TEXT NOT NULL DEFAULT '',
    warning_no TEXT NOT NULL DEFAULT '',
    increment_by INTEGER NOT NULL DEFAULT 1 CHECK (increment_by >= 1),
    last_no_used TEXT NOT NULL DEFAULT '',
    last_date_used TEXT NOT NULL DEFAULT '',
    open INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (series_code, line_no)
);

CREATE TABLE marketing_setup (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    contact_nos TEXT NOT NULL DEFAULT '',
    segment_nos TEXT NOT NULL DEFAULT '',
    campaign_nos TEXT NOT NULL DEFAULT '',
    opportunity_nos TEXT NOT NULL DEFAULT '',
    task_nos TEXT NOT NULL DEFAULT '',
    default_language_code TEXT NOT NULL DEFAULT '',
    default_correspondence_type TEXT NOT NULL DEFAULT '',
    default_salesperson_code TEXT NOT NULL DEFAULT '',
    inherit_salesperson_code INTEGER NOT NULL DEFAULT 1,
    inherit_address_details INTEGER NOT NULL DEFAULT 1,
    attachment_storage TEXT NOT NULL DEFAULT 'embedded',
    attachment_storage_path TEXT NOT NULL DEFAULT ''
);
INSERT INTO marketing_setup (id) VALUES (1);

CREATE TABLE salesperson (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone_no TEXT NOT NULL DEFAULT '',
    job_title TEXT NOT NULL DEFAULT '',
    blocked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE contact (
    no TEXT PRIMARY KEY,
    type TEXT NOT NULL DEFAULT 'company',
    name TEXT NOT NULL DEFAULT '',
    company_no TEXT NOT NULL DEFAULT '',
    company_name TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    middle_name TEXT NOT NULL DEFAULT '',
    surname TEXT NOT NULL DEFAULT '',
    job_title TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    address_2 TEXT NOT NULL DEFAULT '',
    post_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    county TEXT NOT NULL DEFAULT '',
    country_code TEXT NOT NULL DEFAULT '',
    phone_no TEXT NOT NULL DEFAULT '',
    mobile_phone_no TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    fax_no TEXT NOT NULL DEFAULT '',
    salesperson_code TEXT NOT NULL DEFAULT '',
    territory_code TEXT NOT NULL DEFAULT '',
    language_code TEXT NOT NULL DEFAULT '',
    correspondence_type TEXT NOT NULL DEFAULT '',
    exclude_from_segment INTEGER NOT NULL DEFAULT 0,
    privacy_blocked INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT '',
    modified_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_company ON contact (company_no);
CREATE INDEX contact_salesperson ON contact (salesperson_code);
CREATE INDEX contact_city ON contact (city);

CREATE TABLE interaction_group (
    code TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE campaign (
    no TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    starting_date TEXT NOT NULL DEFAULT '',
    ending_date TEXT NOT NULL DEFAULT '',
    salesperson_code TEXT NOT NULL DEFAULT '',
    status_code TEXT NOT NULL DEFAULT '',
    activated INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE interaction_template (
    code TEXT PRIMARY KEY,
    interaction_group_code TEXT NOT NULL REFERENCES interaction_group (code),
    description TEXT NOT NULL DEFAULT '',
    unit_cost BIGINT NOT NULL DEFAULT 0,
    unit_duration BIGINT NOT NULL DEFAULT 0,
    information_flow TEXT NOT NULL DEFAULT '',
    initiated_by TEXT NOT NULL DEFAULT '',
    correspondence_type TEXT NOT NULL DEFAULT '',
    ignore_contact_corresp_type INTEGER NOT NULL DEFAULT 0,
    language_code TEXT NOT NULL DEFAULT '',
    campaign_no TEXT NOT NULL DEFAULT '',
    campaign_target INTEGER NOT NULL DEFAULT 0,
    campaign_response INTEGER NOT NULL DEFAULT 0,
    attachment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX interaction_template_group ON interaction_template (interaction_group_code);

CREATE TABLE interaction_template_language (
    template_code TEXT NOT NULL REFERENCES interaction_template (code) ON DELETE CASCADE,
    language_code TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    attachment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (template_code, language_code)
);

CREATE TABLE interaction_log_entry (
    entry_no INTEGER PRIMARY KEY,
    contact_no TEXT NOT NULL DEFAULT '',
    contact_company_no TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    time TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    information_flow TEXT NOT NULL DEFAULT '',
    initiated_by TEXT NOT NULL DEFAULT '',
    attempt_failed INTEGER NOT NULL DEFAULT 0,
    evaluation TEXT NOT NULL DEFAULT '',
    interaction_group_code TEXT NOT NULL DEFAULT '',
    interaction_template_code TEXT NOT NULL DEFAULT '',
    cost BIGINT NOT NULL DEFAULT 0,
    duration BIGINT NOT NULL DEFAULT 0,
    salesperson_code TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL DEFAULT '',
    segment_no TEXT NOT NULL DEFAULT '',
    logged_segment_entry_no BIGINT NOT NULL DEFAULT 0,
    campaign_no TEXT NOT NULL DEFAULT '',
    campaign_entry_no BIGINT NOT NULL DEFAULT 0,
    campaign_target INTEGER NOT NULL DEFAULT 0,
    campaign_response INTEGER NOT NULL DEFAULT 0,
    correspondence_type TEXT NOT NULL DEFAULT '',
    language_code TEXT NOT NULL DEFAULT '',
    contact_via TEXT NOT NULL DEFAULT '',
    opportunity_no TEXT NOT NULL DEFAULT '',
    task_no TEXT NOT NULL DEFAULT '',
    attachment_no BIGINT NOT NULL DEFAULT 0,
    delivery_status TEXT NOT NULL DEFAULT '',
    canceled INTEGER NOT NULL DEFAULT 0,
    postponed INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ile_contact ON interaction_log_entry (contact_no, date, time, entry_no);
CREATE INDEX ile_company ON interaction_log_entry (contact_company_no, date, time, entry_no);
CREATE INDEX ile_salesperson ON interaction_log_entry (salesperson_code, date);
CREATE INDEX ile_template ON interaction_log_entry (interaction_template_code, date);
CREATE INDEX ile_logged_segment ON interaction_log_entry (logged_segment_entry_no);
CREATE INDEX ile_campaign ON interaction_log_entry (campaign_no);

CREATE TABLE segment_header (
    no TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    salesperson_code TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    campaign_no TEXT NOT NULL DEFAULT '',
    campaign_target INTEGER NOT NULL DEFAULT 0,
    campaign_response INTEGER NOT NULL DEFAULT 0,
    interaction_template_code TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    language_code TEXT NOT NULL DEFAULT '',
    correspondence_type TEXT NOT NULL DEFAULT '',
    ignore_contact_corresp_type INTEGER NOT NULL DEFAULT 0,
    information_flow TEXT NOT NULL DEFAULT '',
    initiated_by TEXT NOT NULL DEFAULT '',
    unit_cost BIGINT NOT NULL DEFAULT 0,
    unit_duration BIGINT NOT NULL DEFAULT 0,
    send_attachments_as_email_attachment INTEGER NOT NULL DEFAULT 0,
    logging INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE segment_line (
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
);
CREATE UNIQUE INDEX segment_line_contact ON segment_line (segment_no, contact_no);

CREATE TABLE segment_criteria_step (
    id BIGINT PRIMARY KEY,
    segment_no TEXT NOT NULL REFERENCES segment_header (no) ON DELETE CASCADE,
    step_no INTEGER NOT NULL,
    action TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '',
    options TEXT NOT NULL DEFAULT '',
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX segment_criteria_step_segment ON segment_criteria_step (segment_no, step_no);

-- Lines a step removed, kept so that undo restores them exactly.
CREATE TABLE segment_removed_line (
    step_id BIGINT NOT NULL REFERENCES segment_criteria_step (id) ON DELETE CASCADE,
    segment_no TEXT NOT NULL,
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
    added_by_step BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX segment_removed_line_step ON segment_removed_line (step_id);

CREATE TABLE saved_criteria (
    code TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE saved_criteria_step (
    criteria_code TEXT NOT NULL REFERENCES saved_criteria (code) ON DELETE CASCADE,
    step_no INTEGER NOT NULL,
    action TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '',
    options TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (criteria_code, step_no)
);

CREATE TABLE logged_segment (
    entry_no INTEGER PRIMARY KEY,
    segment_no TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL DEFAULT '',
    canceled INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX logged_segment_segment ON logged_segment (segment_no);

CREATE TABLE campaign_entry (
    entry_no INTEGER PRIMARY KEY,
    campaign_no TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL DEFAULT '',
    segment_no TEXT NOT NULL DEFAULT '',
    logged_segment_entry_no BIGINT NOT NULL DEFAULT 0,
    salesperson_code TEXT NOT NULL DEFAULT '',
    canceled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaign_entry_campaign ON campaign_entry (campaign_no);
CREATE INDEX campaign_entry_logged_segment ON campaign_entry (logged_segment_entry_no);
