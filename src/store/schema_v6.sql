-- clientbook schema, version 6.

-- A saved segment's author: only they, or a lead or an admin, change or delete it
-- (segments made before this version have none, and are the leads' and admins').
ALTER TABLE segments ADD COLUMN author_id INTEGER REFERENCES managers(id);

-- Purchases a spreadsheet counted without listing them (`Количество покупок` 14,
-- `Сумма, руб.`, `Дата последней покупки`): kept as the client's imported history,
-- never as made-up orders. A client's order count, total and last order add them to
-- its orders'; the 12-month spend of its tier does not.
ALTER TABLE clients ADD COLUMN history_orders INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN history_spent_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN history_last_order_at INTEGER;

-- Sharing by segments (SPEC §7): this device's change segments in the shared folder,
-- by number, with the clock range each covers. Local: never published or merged
-- (a snapshot of the base leaves it empty).
CREATE TABLE published_segments (
    number    INTEGER PRIMARY KEY,
    after_hlc INTEGER NOT NULL,
    last_hlc  INTEGER NOT NULL,
    -- What the device had seen when it wrote the segment (a JSON vector): a segment
    -- written again says the same, so every reader finds the same clashes.
    seen      TEXT NOT NULL DEFAULT '{}'
);

-- The clients a child row has belonged to, for rows that moved (duplicates merged):
-- its changes are logged under each, and a merge reads them all to know who set a
-- field last. Derived from the log; rows that never moved are not here.
CREATE TABLE row_homes (
    row_uuid  TEXT NOT NULL,
    client_id INTEGER NOT NULL,
    PRIMARY KEY (row_uuid, client_id)
) WITHOUT ROWID;

-- A client merged into another (duplicates): the tombstone names the one it became.
-- Both are one person: forgetting either forgets the other, on every copy.
ALTER TABLE clients ADD COLUMN merged_into_id INTEGER;
CREATE INDEX clients_merged_into ON clients (merged_into_id) WHERE merged_into_id IS NOT NULL;

-- Each manager's open contacts by when they are due: a day's plan lists every contact
-- due that day, not only each client's earliest. (An open contact is its client's
-- manager's: assigning or merging a client moves them.)
CREATE INDEX scheduled_open_by_manager ON scheduled_contacts (manager_id, due_at) WHERE deleted = 0 AND done_at IS NULL;
