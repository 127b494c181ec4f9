-- Delivery and mail capture: what went out or came in, kept with the entry.
-- An entry's message_id is the Message-ID of the e-mail sent for it (delivery) or of the
-- message it was captured from; it is unique among entries that have one.
ALTER TABLE interaction_log_entry ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE interaction_log_entry ADD COLUMN delivered_at TEXT NOT NULL DEFAULT '';
ALTER TABLE interaction_log_entry ADD COLUMN delivery_error TEXT NOT NULL DEFAULT '';
ALTER TABLE interaction_log_entry ADD COLUMN delivery_attempts INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX interaction_log_entry_message_id ON interaction_log_entry (message_id)
    WHERE message_id <> '';
-- The outbox: entries waiting for delivery, found without scanning the log.
CREATE INDEX interaction_log_entry_outbox ON interaction_log_entry (delivery_status, entry_no)
    WHERE delivery_status <> '';

-- Bodies kept with entries: the merged text that went out, or a captured message.
-- encoding '' = body is UTF-8 text as is; 'base64' = body holds the bytes in base64.
CREATE TABLE attachment (
    attachment_no BIGINT PRIMARY KEY,
    entry_no BIGINT NOT NULL DEFAULT 0,
    kind TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    encoding TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attachment_entry ON attachment (entry_no);
INSERT INTO relm_counter (name, value) VALUES ('attachment', 0);

ALTER TABLE marketing_setup ADD COLUMN smtp_url TEXT NOT NULL DEFAULT '';
ALTER TABLE marketing_setup ADD COLUMN smtp_user TEXT NOT NULL DEFAULT '';
ALTER TABLE marketing_setup ADD COLUMN sender_email TEXT NOT NULL DEFAULT '';
ALTER TABLE marketing_setup ADD COLUMN inbound_email_template_code TEXT NOT NULL DEFAULT '';
ALTER TABLE marketing_setup ADD COLUMN outbound_email_template_code TEXT NOT NULL DEFAULT '';
