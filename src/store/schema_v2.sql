-- clientbook schema, version 2.

-- Clients written by an import whose search text is not indexed yet (ids first..last).
-- An import commits its clients first and indexes their search text after, in a
-- transaction of its own (the trigram index costs more than the rows themselves);
-- a row here after that is an import stopped in between, indexed on the next open.
-- Local and derived, like client_search.
CREATE TABLE search_backlog (
    first_id INTEGER NOT NULL,
    last_id  INTEGER NOT NULL
);

-- Loyalty tiers (SPEC §1): what a client spent in the last 12 months and the tier it
-- gives. Derived: recomputed on every order change and, as orders age past a year,
-- once a day.
ALTER TABLE clients ADD COLUMN spent_12m_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN tier TEXT;
CREATE INDEX clients_by_tier ON clients (manager_id, tier) WHERE deleted = 0;
-- Orders that leave the 12-month window on a given day.
CREATE INDEX orders_by_time ON orders (ordered_at) WHERE deleted = 0;

-- A client's tier changes, for its history. Derived and local like the tier itself.
CREATE TABLE tier_changes (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    at        INTEGER NOT NULL,
    tier_from TEXT,
    tier_to   TEXT
);
CREATE INDEX tier_changes_by_client ON tier_changes (client_id, at);

-- Saved segments (SPEC §6): a named filter, shared by the team; each viewer counts
-- only the clients they see.
CREATE TABLE segments (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    filter     TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX segments_by_name ON segments (name) WHERE deleted = 0;

-- Follow-up rules (SPEC §6): what a rule's contact was made for (an order, a year's
-- birthday, a sleeping spell), so that running the rules again makes none twice.
ALTER TABLE scheduled_contacts ADD COLUMN rule_ref TEXT;
CREATE INDEX scheduled_by_rule ON scheduled_contacts (client_id, rule, rule_ref) WHERE rule IS NOT NULL;

-- The rule that made a client's next contact (derived with next_contact_at): a new
-- lead whose only plan is the new-lead rule's contact is still shown as a new lead.
ALTER TABLE clients ADD COLUMN next_contact_rule TEXT;
DROP INDEX clients_new_leads;
CREATE INDEX clients_new_leads ON clients (manager_id, created_at)
    WHERE deleted = 0 AND last_contact_at IS NULL AND archived_at IS NULL
      AND (next_contact_at IS NULL OR next_contact_rule = 'new_lead');
-- Due and overdue contacts leave the new leads' rule contacts to the new leads; the
-- index says so too, so that counting them reads the index alone.
DROP INDEX clients_by_manager_next;
CREATE INDEX clients_by_manager_next ON clients (manager_id, next_contact_at)
    WHERE deleted = 0 AND archived_at IS NULL AND next_contact_at IS NOT NULL
      AND NOT (last_contact_at IS NULL AND next_contact_rule IS 'new_lead');
