-- clientbook schema, version 6.

-- A saved segment's author: only they, or a lead or an admin, change or delete it
-- (segments made before this version have none, and are the leads' and admins').
ALTER TABLE segments ADD COLUMN author_id INTEGER REFERENCES managers(id);
