-- Segment lines on PostgreSQL: the same indexes go as on SQLite (012_segment_line.sql),
-- but a heap table has no WITHOUT ROWID clustering to rebuild into: segment_line keeps
-- its primary key (segment_no, line_no) and the unique (segment_no, contact_no) index.
DROP INDEX segment_line_company;
DROP INDEX segment_line_step;
