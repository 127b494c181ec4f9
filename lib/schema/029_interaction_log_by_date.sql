-- The interaction log's listings, indexed in the order they are listed in: newest first,
-- by date, time and entry number. Without these the first page of 20 of the whole log, of a
-- date range, of a salesperson or of a template read and sorted every matching entry:
-- seconds at 10,000,000 entries (bench/RESULTS.md, bench/list_bench.py).
CREATE INDEX ile_date ON interaction_log_entry (date, time, entry_no);
-- A salesperson's and a template's entries in that order too (the indexes they replace
-- ended at the date, so that a page sorted a whole day of them). A logged segment's entries
-- keep theirs (ile_logged_segment): it orders them by entry number, which its sort needs.
DROP INDEX ile_salesperson;
CREATE INDEX ile_salesperson ON interaction_log_entry (salesperson_code, date, time, entry_no);
DROP INDEX ile_template;
CREATE INDEX ile_template ON interaction_log_entry (interaction_template_code, date, time,
    entry_no);
-- The canceled and the postponed entries: partial indexes hold only those, so that
-- writing any other entry costs nothing more. (A segment's entries have no index of their
-- own: every entry a logged segment writes would pay for it, and their listing walks
-- ile_date, as docs/cli.md says.)
CREATE INDEX ile_canceled ON interaction_log_entry (date, time, entry_no) WHERE canceled = 1;
CREATE INDEX ile_postponed ON interaction_log_entry (date, time, entry_no) WHERE postponed = 1;
