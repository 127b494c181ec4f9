-- Segments: indexes for set-wise criteria steps and their undo.
-- A company is skipped when its persons are in the segment: look lines up by company.
CREATE INDEX segment_line_company ON segment_line (segment_no, contact_company_no);
-- Undo of an add deletes the lines the step added.
CREATE INDEX segment_line_step ON segment_line (segment_no, added_by_step);
