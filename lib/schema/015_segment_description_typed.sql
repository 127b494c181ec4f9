-- A segment line's description follows its template until the user types one; the flag
-- keeps a typed description when the line's template changes or the header is applied to
-- all lines. Removed-line copies carry it too, so undo restores it exactly.
ALTER TABLE segment_line ADD COLUMN description_typed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE segment_removed_line ADD COLUMN description_typed INTEGER NOT NULL DEFAULT 0;
