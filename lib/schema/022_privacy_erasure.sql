-- Erasures of a person's data (domain §12): who erased which contact and when, and what
-- was removed. The record holds no personal value of the contact, only its number.
CREATE TABLE privacy_erasure (
    erasure_no BIGINT PRIMARY KEY,
    contact_no TEXT NOT NULL DEFAULT '',
    contact_type TEXT NOT NULL DEFAULT '',
    erased_by TEXT NOT NULL DEFAULT '',
    erased_at TEXT NOT NULL DEFAULT '',
    entries_anonymised BIGINT NOT NULL DEFAULT 0,
    attachments_deleted BIGINT NOT NULL DEFAULT 0,
    comments_deleted BIGINT NOT NULL DEFAULT 0,
    segment_lines_anonymised BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX privacy_erasure_contact ON privacy_erasure (contact_no);
INSERT INTO relm_counter (name, value) VALUES ('privacy_erasure', 0);
