-- clientbook schema, version 3: indexes of the reports (SPEC §6). Each serves one
-- manager's rows as one index range, so a report grows with the period, not the base.

-- Leads of a period: funnel, sources, conversion and response time (stage and source
-- in the index, so counting leads never reads the client rows).
CREATE INDEX clients_leads ON clients (manager_id, created_at, stage, source)
    WHERE deleted = 0 AND forgotten_at IS NULL;
-- Clients with a counted order, by their last one: only they can have orders in a
-- period (orders.manager_id is who entered an order, not whose client it is), and
-- their totals give the LTV without reading the orders.
CREATE INDEX clients_buyers ON clients (manager_id, last_order_at, total_spent_minor)
    WHERE deleted = 0 AND forgotten_at IS NULL AND last_order_at IS NOT NULL;
-- Reasons for leaving: clients archived in a period.
CREATE INDEX clients_archived ON clients (manager_id, archived_at, archive_reason)
    WHERE deleted = 0 AND forgotten_at IS NULL AND archived_at IS NOT NULL;
-- A client's counted orders in a period, answered from the index alone.
CREATE INDEX orders_counted ON orders (client_id, ordered_at, amount_minor, items)
    WHERE deleted = 0 AND status != 'cancelled';
-- NPS: the few interactions that carry a score, by time.
CREATE INDEX interactions_nps ON interactions (at, client_id, nps)
    WHERE deleted = 0 AND nps IS NOT NULL;
