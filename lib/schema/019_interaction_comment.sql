-- Comment lines of interaction log entries (domain §5.3): added in the Create Interaction
-- dialog or later, listed with their entry and deleted with it.
CREATE TABLE interaction_comment (
    entry_no BIGINT NOT NULL REFERENCES interaction_log_entry (entry_no) ON DELETE CASCADE,
    line_no BIGINT NOT NULL,
    date TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entry_no, line_no)
);
