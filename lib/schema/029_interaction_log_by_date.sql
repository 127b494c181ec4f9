-- The interaction log in date order, the order it is listed in (newest first). Without it
-- the first page of 20 of the whole log, of a date range, or sorted by date, read and
-- sorted every entry: seconds at 10,000,000 entries (bench/RESULTS.md). The entry number
-- breaks ties in the same order as the listing's.
CREATE INDEX ile_date ON interaction_log_entry (date, time, entry_no);
-- The canceled and the postponed entries in the same order, for their listings: few of a
-- log's entries are either, and a partial index holds only those, so that writing the
-- others costs nothing more.
CREATE INDEX ile_canceled ON interaction_log_entry (date, time, entry_no) WHERE canceled = 1;
CREATE INDEX ile_postponed ON interaction_log_entry (date, time, entry_no) WHERE postponed = 1;
