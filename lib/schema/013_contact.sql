-- Contacts clustered by their number.
-- Contacts are read by number far more than they are written: every segment line, log
-- entry and criteria step joins them on it, and adding contacts to a segment reads them
-- in number order. A rowid table needed two b-tree descents per lookup (the primary-key
-- index, then the row); a table keyed by the number needs one, and the secondary indexes
-- (company, salesperson, city) carry the number, so a filter that only wants numbers reads
-- the index alone.
CREATE TABLE contact_new (
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
) WITHOUT ROWID;
INSERT INTO contact_new (no, type, name, company_no, company_name, first_name, middle_name, surname, job_title, address, address_2, post_code, city, county, country_code, phone_no, mobile_phone_no, email, fax_no, salesperson_code, territory_code, language_code, correspondence_type, exclude_from_segment, privacy_blocked, created_at, modified_at)
SELECT no, type, name, company_no, company_name, first_name, middle_name, surname, job_title, address, address_2, post_code, city, county, country_code, phone_no, mobile_phone_no, email, fax_no, salesperson_code, territory_code, language_code, correspondence_type, exclude_from_segment, privacy_blocked, created_at, modified_at FROM contact ORDER BY no;
DROP TABLE contact;
ALTER TABLE contact_new RENAME TO contact;
CREATE INDEX contact_company ON contact (company_no);
CREATE INDEX contact_salesperson ON contact (salesperson_code);
CREATE INDEX contact_city ON contact (city);
