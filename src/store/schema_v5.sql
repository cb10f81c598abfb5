-- clientbook schema, version 5: sharing a base (SPEC §7).

-- What this copy has seen of each device: the newest clock of its changes, one index
-- range per device. Merging asks the other copy for what lies beyond.
CREATE INDEX change_log_by_device ON change_log (device_id, hlc);
-- Rows outside any client (managers, campaigns, settings, segments): their changes,
-- for merging field by field.
CREATE INDEX change_log_by_row ON change_log (row_uuid) WHERE client_id IS NULL;

-- Two people changed the same field of a row without seeing each other's change: the
-- newer value was applied and the other is kept here until the client's manager
-- decides. Shared like the rows it speaks of; its UUID is made from the clash, so two
-- copies that find the same clash keep one.
CREATE TABLE conflicts (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    client_id    INTEGER REFERENCES clients(id),
    manager_id   INTEGER REFERENCES managers(id),
    entity       TEXT NOT NULL,
    row_uuid     TEXT NOT NULL,
    field        TEXT NOT NULL,
    kept_value   TEXT,
    other_value  TEXT,
    other_at     INTEGER NOT NULL,
    other_device TEXT NOT NULL,
    resolved_at  INTEGER,
    resolution   TEXT,
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    deleted      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conflicts_open ON conflicts (client_id) WHERE resolved_at IS NULL AND deleted = 0;

-- A fingerprint of the text a client has in the search index (derived): a change that
-- leaves that text as it was (a city, a note, an order) does not rewrite the index.
ALTER TABLE clients ADD COLUMN search_hash INTEGER;
