-- Case-folded copies of what contact search and e-mail matching compare (domain §12), so
-- that neither folds every row as it reads it. The library writes both with every contact
-- it writes (and fills them for the contacts of an older database right after this
-- migration): search_folded is the folded number, name, e-mail and city separated by a
-- unit separator (U+001F), email_folded the folded e-mail.
ALTER TABLE contact ADD COLUMN search_folded TEXT NOT NULL DEFAULT '';
ALTER TABLE contact ADD COLUMN email_folded TEXT NOT NULL DEFAULT '';
CREATE INDEX contact_email_folded ON contact (email_folded);
