-- Where fetching mail from an IMAP mailbox left off: one row per mailbox, keyed by its URL
-- without password (imaps://user@host:port/INBOX). A message's entries and the advance of
-- last_uid past it are written in one transaction, so a message is never read twice for
-- lack of a position nor skipped without being logged. A new uidvalidity restarts at 0.
CREATE TABLE mail_fetch_position (
    mailbox TEXT PRIMARY KEY,
    uidvalidity BIGINT NOT NULL DEFAULT 0,
    last_uid BIGINT NOT NULL DEFAULT 0,
    fetched_at TEXT NOT NULL DEFAULT ''
);

-- Captured mail is matched to contacts by e-mail without regard to case: an index on the
-- lowered address keeps that a lookup rather than a scan of every contact.
CREATE INDEX contact_email_lower ON contact (lower(email)) WHERE email <> '';
