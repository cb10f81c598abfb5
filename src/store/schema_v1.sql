-- clientbook schema, version 1.
-- Syncable tables carry uuid, updated_at, version and a tombstone (deleted).
-- Columns marked "derived" are recomputed locally from other rows and never logged.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- State of this copy only (the clock); never published or merged.
CREATE TABLE local_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
    id        INTEGER PRIMARY KEY,
    uuid      TEXT NOT NULL UNIQUE,
    code      TEXT NOT NULL UNIQUE,
    next_seq  INTEGER NOT NULL DEFAULT 1,
    joined_at INTEGER NOT NULL
);

CREATE TABLE managers (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    login      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('manager', 'lead', 'admin')),
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    source     TEXT,
    cost_minor INTEGER NOT NULL DEFAULT 0,
    started_on TEXT,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE clients (
    id                INTEGER PRIMARY KEY,
    uuid              TEXT NOT NULL UNIQUE,
    number            TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('person', 'company')),
    last_name         TEXT,
    first_name        TEXT,
    patronymic        TEXT,
    company           TEXT,
    legal_form        TEXT,
    position          TEXT,
    birthday          TEXT,
    gender            TEXT,
    occupation        TEXT,
    city              TEXT,
    time_zone         TEXT,
    address           TEXT,
    preferred_channel TEXT,
    call_window       TEXT,
    manager_id        INTEGER NOT NULL REFERENCES managers(id),
    source            TEXT,
    campaign_id       INTEGER REFERENCES campaigns(id),
    stage             TEXT NOT NULL DEFAULT 'new',
    notes             TEXT,
    archived_at       INTEGER,
    archive_reason    TEXT,
    archive_note      TEXT,
    put_off_until     TEXT,
    forgotten_at      INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    deleted           INTEGER NOT NULL DEFAULT 0,
    -- derived
    display_name      TEXT NOT NULL DEFAULT '',
    sort_name         TEXT NOT NULL DEFAULT '',
    primary_phone     TEXT,
    birthday_md       INTEGER,
    orders_count      INTEGER NOT NULL DEFAULT 0,
    total_spent_minor INTEGER NOT NULL DEFAULT 0,
    last_order_at     INTEGER,
    last_contact_at   INTEGER,
    next_contact_at   INTEGER,
    has_email         INTEGER NOT NULL DEFAULT 0,
    -- rowid of the client in client_search: (manager_id << 40) | id, so that one
    -- manager's clients are one rowid range of the search index.
    search_rowid      INTEGER,
    has_requisites    INTEGER NOT NULL DEFAULT 0,
    marketing_consent INTEGER NOT NULL DEFAULT 0
);

-- The list a manager scrolls, by name, read by keyset.
CREATE INDEX clients_by_manager_name ON clients (manager_id, sort_name, id) WHERE deleted = 0;
CREATE INDEX clients_by_name ON clients (sort_name, id) WHERE deleted = 0;
-- Today: due and overdue contacts.
CREATE INDEX clients_by_manager_next ON clients (manager_id, next_contact_at)
    WHERE deleted = 0 AND archived_at IS NULL AND next_contact_at IS NOT NULL;
-- Today: new leads never contacted.
CREATE INDEX clients_new_leads ON clients (manager_id, created_at)
    WHERE deleted = 0 AND last_contact_at IS NULL AND archived_at IS NULL AND next_contact_at IS NULL;
-- Today: prospects at the time limit.
CREATE INDEX clients_prospects ON clients (manager_id, created_at, put_off_until)
    WHERE deleted = 0 AND orders_count = 0 AND archived_at IS NULL;
-- Today: sleeping clients worth reactivating, most valuable first.
CREATE INDEX clients_by_value ON clients (manager_id, total_spent_minor)
    WHERE deleted = 0 AND orders_count > 0 AND archived_at IS NULL AND next_contact_at IS NULL;
-- Today: birthdays.
CREATE INDEX clients_birthdays ON clients (birthday_md, manager_id)
    WHERE deleted = 0 AND birthday_md IS NOT NULL AND archived_at IS NULL;

CREATE TABLE contact_points (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    client_id  INTEGER NOT NULL REFERENCES clients(id),
    kind       TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'messenger')),
    value      TEXT NOT NULL,
    label      TEXT,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_points_by_client ON contact_points (client_id) WHERE deleted = 0;
CREATE INDEX contact_points_by_value ON contact_points (value) WHERE deleted = 0;

CREATE TABLE contact_people (
    id             INTEGER PRIMARY KEY,
    uuid           TEXT NOT NULL UNIQUE,
    client_id      INTEGER NOT NULL REFERENCES clients(id),
    name           TEXT NOT NULL,
    position       TEXT,
    phone          TEXT,
    email          TEXT,
    decision_maker INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    deleted        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_people_by_client ON contact_people (client_id) WHERE deleted = 0;

CREATE TABLE requisites (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    client_id    INTEGER NOT NULL REFERENCES clients(id),
    inn          TEXT,
    kpp          TEXT,
    ogrn         TEXT,
    bank_account TEXT,
    bik          TEXT,
    bank_name    TEXT,
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    deleted      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX requisites_by_client ON requisites (client_id) WHERE deleted = 0;

CREATE TABLE important_dates (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    client_id  INTEGER NOT NULL REFERENCES clients(id),
    label      TEXT NOT NULL,
    date       TEXT NOT NULL,
    md         INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX important_dates_by_client ON important_dates (client_id) WHERE deleted = 0;
-- Today: relatives' dates; the client id is in the index so other managers' dates
-- are passed over without reading their rows.
CREATE INDEX important_dates_by_day ON important_dates (md, client_id) WHERE deleted = 0;

CREATE TABLE tags (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    client_id  INTEGER NOT NULL REFERENCES clients(id),
    tag        TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tags_by_client ON tags (client_id) WHERE deleted = 0;

CREATE TABLE interactions (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    client_id  INTEGER NOT NULL REFERENCES clients(id),
    manager_id INTEGER REFERENCES managers(id),
    kind       TEXT NOT NULL,
    direction  TEXT NOT NULL DEFAULT 'outbound',
    outcome    TEXT,
    summary    TEXT,
    nps        INTEGER CHECK (nps BETWEEN 0 AND 10),
    at         INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX interactions_by_client ON interactions (client_id, at) WHERE deleted = 0;

CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    client_id    INTEGER NOT NULL REFERENCES clients(id),
    manager_id   INTEGER REFERENCES managers(id),
    ordered_at   INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency     TEXT NOT NULL DEFAULT 'RUB',
    items        INTEGER NOT NULL DEFAULT 1,
    status       TEXT NOT NULL DEFAULT 'completed',
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    deleted      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_by_client ON orders (client_id, ordered_at) WHERE deleted = 0;

CREATE TABLE scheduled_contacts (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    client_id  INTEGER NOT NULL REFERENCES clients(id),
    manager_id INTEGER REFERENCES managers(id),
    due_at     INTEGER NOT NULL,
    has_time   INTEGER NOT NULL DEFAULT 0,
    channel    TEXT,
    purpose    TEXT,
    agreed     INTEGER NOT NULL DEFAULT 0,
    rule       TEXT,
    done_at    INTEGER,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0
);
-- Every contact of a client (the card's Tasks), open ones found by filtering the few.
CREATE INDEX scheduled_by_client ON scheduled_contacts (client_id, due_at) WHERE deleted = 0;

CREATE TABLE consents (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    client_id  INTEGER NOT NULL REFERENCES clients(id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('processing', 'marketing')),
    status     TEXT NOT NULL CHECK (status IN ('given', 'withdrawn')),
    form       TEXT,
    given_on   TEXT NOT NULL,
    note       TEXT,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX consents_by_client ON consents (client_id, given_on) WHERE deleted = 0;

CREATE TABLE settings (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    uuid       TEXT NOT NULL UNIQUE,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0
);

-- The one record of every change: audit trail of a client and what merging replays.
-- Kept compact, as it is the largest table: the device, the manager and the client
-- are local ids (their UUIDs are one join away), and a child row's client is not
-- repeated in `fields`.
CREATE TABLE change_log (
    seq       INTEGER PRIMARY KEY,
    hlc       INTEGER NOT NULL,
    device_id INTEGER NOT NULL REFERENCES devices(id),
    actor_id  INTEGER REFERENCES managers(id),
    entity    TEXT NOT NULL,
    row_uuid  TEXT NOT NULL,
    client_id INTEGER REFERENCES clients(id),
    op        TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete', 'forget')),
    fields    TEXT NOT NULL
);
CREATE INDEX change_log_by_client ON change_log (client_id, hlc) WHERE client_id IS NOT NULL;

-- Derived and rebuildable: the folded search text of each client, trigram-indexed,
-- under clients.search_rowid.
CREATE VIRTUAL TABLE client_search USING fts5(
    text, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1
);
