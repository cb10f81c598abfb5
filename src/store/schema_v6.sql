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
    last_hlc  INTEGER NOT NULL
);
